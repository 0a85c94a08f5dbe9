"""Forward pass / unroller: every h_t, y_t and L_t of the RNN on live numbers, one step at a time."""
import numpy as np
import streamlit as st

import rnnviz
from ui import arithmetic, figures
from ui.boot import through_app
from ui.forward_view import gradient_step, step_controls, step_table
from ui.sidebar import model_and_sequence

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("Forward pass: the RNN unrolled")
setup = model_and_sequence(max_T=500)
if setup is None:
    st.stop()
p, T = setup.params, len(setup.x)
run = rnnviz.forward(p, setup.x, setup.h0)
with np.errstate(over="ignore"):  # targets near 1e300 overflow the square: reported below, not warned about
    losses = 0.5 * np.sum((run.y - setup.target) ** 2, axis=1)  # (T,) L_t = ½‖y_t − target_t‖², every step
counted = np.arange(1, T + 1) == T if setup.loss_on == "last" else np.ones(T, bool)
loss = float(losses[counted].sum())

st.latex(r"h_t = \tanh(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h),\qquad y_t = W_{hy}\,h_t + b_y,\qquad "
         r"L_t = \tfrac12\,(y_t - \mathrm{target}_t)^2,\qquad L = " + (r"\sum_t L_t" if setup.loss_on == "all" else "L_T"))
st.caption(f"**{setup.label}** · T = {T} · H = {p.H} · target_t = the next value of the sequence")
if not np.isfinite(loss):
    st.error("The loss overflowed to infinity: the targets are too large to square in float64. "
             "Scale the sequence down.")

t = step_controls(T)
st.plotly_chart(figures.unrolled(run, p, setup.target, losses, step=t), key="diagram",
                config={"displayModeBar": False})
st.caption("Columns are time steps; blue = positive, red = negative; edge width ∝ |weight|"
           + ("" if p.H == 1 else " (‖W‖₂ for a matrix); the h row shows the H units of h_t as cells")
           + ". Hover any node for its formula with the numbers.")
for line in arithmetic.step_lines(run, p, setup.target, t):
    st.latex(line)
if setup.loss_on == "last" and t < T:
    st.caption(f"L_{t} is shown but not counted: the loss is on the last step only.")

left, right = st.columns(2)
left.plotly_chart(figures.loss_bars(losses, counted, step=t), key="loss_bars", config={"displayModeBar": False})
left.metric("Total loss L", f"{loss:.6g}")
right.plotly_chart(figures.series_lines(run, setup.target, step=t), key="lines", config={"displayModeBar": False})
if p.H > 1:
    left, right = st.columns(2)
    left.plotly_chart(figures.matrices_heatmap(p), key="matrices", config={"displayModeBar": False})
    right.plotly_chart(figures.hidden_heatmap(run, step=t), key="hidden", config={"displayModeBar": False})

with st.expander("Seed 003's slip: L_1 = 0.719?"):
    y1 = 1.2 * np.tanh(0.8)
    st.latex(rf"L_1 = \tfrac12\,(0.797 - 2)^2 = {0.5 * (0.797 - 2) ** 2:.4f}\ \text{{(not 0.719)}};\quad"
             rf"\text{{unrounded}}\ y_1 = 1.2\tanh(0.8) = {y1:.6f},\ L_1 = {0.5 * (y1 - 2) ** 2:.6f}")

st.subheader("Every step")
step_table(run, setup.target, losses, counted)
st.subheader("One step of gradient descent")
gradient_step(setup, loss)
