"""Forward pass / unroller: every h_t, y_t and L_t of the RNN on live numbers, one step at a time."""
import numpy as np
import streamlit as st

import rnnviz
from ui import arithmetic, figures, state
from ui.live import clickable, described, live_chart, live_latex
from ui.boot import through_app
from ui.forward_view import NO_CHART, seed_slip, step_controls, views
from ui.sidebar import model_and_sequence

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("Forward pass: the RNN unrolled")
for name in ("t", "lr", "fwd_view"):
    state.value(name)  # read the URL now, so the sidebar's notice lists a bad value of ours too


def page(setup):
    """Everything under the title: reruns alone when a weight slider moves (see model_and_sequence)."""
    p, T = setup.params, len(setup.x)
    run = rnnviz.forward(p, setup.x, setup.h0)
    losses = rnnviz.step_losses(run.y, setup.target)  # every step (inf when targets near 1e300 overflow: reported below)
    counted = np.arange(1, T + 1) == T if setup.loss_on == "last" else np.ones(T, bool)
    loss = float(losses[counted].sum())

    live_latex([r"h_t = \tanh(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h),\qquad y_t = W_{hy}\,h_t + b_y,\qquad "
             r"L_t = \tfrac12\,(y_t - \mathrm{target}_t)^2,\qquad L = "
             + (r"\sum_t L_t" if setup.loss_on == "all" else "L_T")], key="equations")
    st.caption(f"**{setup.label}** · T = {T} · H = {p.H} · target_t = the next value of the sequence · "
               f"L = {loss:.6g}")
    if not np.isfinite(loss):
        st.error("The loss overflowed to infinity: the targets are too large to square in float64. "
                 "Scale the sequence down.")

    t = step_controls(T)
    lo, hi = figures.window_of(T, t)
    diagram = figures.unrolled(run, p, setup.target, losses, step=t, windowed=True)
    windowed = (lo, hi) != (1, T)
    alt = (f"The RNN unrolled over steps {lo} to {hi} of T = {T}, step t = {t} highlighted. Step t's formulas with "
           "their numbers are written out just below the chart; the step slider moves t"
           + (", and so does a click on the strip of the whole sequence." if windowed else "."))
    live_chart(clickable(described(diagram, min_width=figures.unrolled_min_width(hi - lo + 1), alt=alt), "x2"),
               key="diagram", config=NO_CHART, on_click=lambda x: state.set("t", min(max(int(x), 1), T)))
    st.caption(("" if not windowed else
                f"Steps {lo} … {hi} of {T}, around t = {t}; the strip under them is the whole sequence x_t with "
                "these steps shaded: move t, or click the strip, to move them. ")
               + "Columns are time steps; blue = positive, red = negative; edge width ∝ |weight|"
               + ("" if p.H == 1 else " (‖W‖₂ for a matrix); the h row shows the H units of h_t as cells")
               + ". Hover or tap any node for its formula with the numbers; step t's are written out below.")
    live_latex(arithmetic.step_lines(run, p, setup.target, t), key="step_lines")
    views(setup, run, losses, counted, loss, t)


model_and_sequence(page, max_T=500, weights_on_phone=True)
seed_slip()
