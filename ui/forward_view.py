"""Components of the forward-pass page: step-through controls, the views under the diagram, the table, the gradient step."""
import numpy as np
import pandas as pd
import streamlit as st

import rnnviz
from ui import arithmetic, controls, figures, numbers, state
from ui.live import live_chart
from ui.sidebar import set_params

PLAY_EVERY = 0.8  # seconds per step while playing

VIEW_FIELDS = [
    state.field("t", "int", 2, lo=1, hi=rnnviz.MAX_T, step=1, label="Step t",
                help="The time step to highlight and write out with its numbers."),
    state.field("lr", "float", 0.01, lo=0.0001, hi=0.5, step=0.0001, fmt="%.4f", label="Learning rate α"),
    # the views below the diagram, picked one at a time: only the picked one is built, sent and drawn
    # (a segmented control is one element where st.tabs is six, and each element costs every rerun)
    state.field("fwd_view", "choice", "loss", choices=("loss", "lines", "heatmaps", "table", "sgd"),
                names=("Loss per step", "y_t, target_t and h_t over time", "Weights and h_t heatmaps",
                       "Table and CSV", "One gradient-descent step"), label="View", widget="segmented"),
]
NO_CHART = {"displayModeBar": False}


def step_controls(T):
    """◀ a slider over t ▶ and Play (a step every PLAY_EVERY s, off at t = T), as one element; returns t."""
    return controls.stepper("t", key="stepper", every=PLAY_EVERY, hi=T, default=min(2, T))


def views(setup, run, losses, counted, loss, t):
    """The view picked under the diagram, built alone (H = 1 has no heatmaps view)."""
    choices = [c for c in state.FIELDS["fwd_view"].choices if c != "heatmaps" or setup.params.H > 1]
    over = {"fwd_view": dict(choices=tuple(choices))}
    view = controls.panel(["fwd_view"], key="view_panel", overrides=over)["fwd_view"]
    if view == "loss":
        live_chart(figures.loss_bars(losses, counted, step=t), key="loss_bars", config=NO_CHART)
        if setup.loss_on == "last" and t < len(losses):
            st.caption(f"L_{t} is shown but not counted: the loss is on the last step only.")
    elif view == "lines":
        live_chart(figures.series_lines(run, setup.target, step=t), key="lines", config=NO_CHART)
    elif view == "heatmaps":
        left, right = st.columns(2)
        with left:
            live_chart(figures.matrices_heatmap(setup.params), key="matrices", config=NO_CHART)
        with right:
            live_chart(figures.hidden_heatmap(run, step=t), key="hidden", config=NO_CHART)
    elif view == "table":
        step_table(run, setup.target, losses, counted)
    else:
        gradient_step(setup, loss)


SEED_003_PRINTS = {"h₁": 0.664, "y₁": 0.797, "L₁": 0.719, "h₂": 0.958, "y₂": 1.150, "L₂": 1.711}


def seed_slip():
    """Seed 003's printed numbers beside the app's, each gap explained (static: drawn once under the page)."""
    x, target = rnnviz.data.counting(3)  # seed 003's model on its first two steps: x = 1, 2; target = 2, 3
    run = rnnviz.forward(rnnviz.RNNParams.scalar(), x[:, None])
    L = rnnviz.step_losses(run.y, target[:, None])
    h1, y1, h2, y2 = run.h[0, 0], run.y[0, 0], run.h[1, 0], run.y[1, 0]
    app = {"h₁": h1, "y₁": y1, "L₁": L[0], "h₂": h2, "y₂": y2, "L₂": L[1]}
    seed = SEED_003_PRINTS
    why = {
        "h₁": f"tanh(0.8·1) = {h1:.5f}",
        "y₁": f"1.2·{h1:.5f} = {y1:.5f}",
        "L₁": f"**the seed's slip**: its own ½(0.797 − 2)² is {0.5 * (seed['y₁'] - 2) ** 2:.4f}; "
              f"from the unrounded y₁ = {y1:.5f}, ½(y₁ − 2)² = {L[0]:.4f}",
        "h₂": f"tanh(0.8·2 + 0.5·{h1:.5f}) = tanh({run.a[1, 0]:.5f}) = {h2:.5f}: the seed truncates it to 0.958",
        "y₂": f"the seed multiplies its truncated h₂: 1.2·0.958 = {1.2 * seed['h₂']:.4f}; the app 1.2·{h2:.5f} "
              f"= {y2:.5f}",
        "L₂": f"the seed's ½(1.150 − 3)² = {0.5 * (seed['y₂'] - 3) ** 2:.4f}; the app's ½({y2:.5f} − 3)² = {L[1]:.4f}",
    }
    rows = [f"| {q} | {seed[q]:.3f} | {numbers.fixed(v, 4 if q[0] == 'L' else 3)} | {why[q]} |"
            for q, v in app.items()]
    with st.expander("Seed 003's numbers beside the app's (and its slip, L₁ = 0.719)"):
        st.markdown("The app computes every step from unrounded values and rounds only what it prints (3 decimals, "
                    "L_t 4). Seed 003 rounds each result to 3 decimals, and truncates h₂, before the next step "
                    "uses it, so from h₂ on its numbers drift from the app's by about 0.001.\n\n"
                    "| | seed 003 prints | the app shows | why |\n|---|---|---|---|\n" + "\n".join(rows))


def step_table(run, target, losses, counted):
    """t, x_t, a_t, h_t, y_t, target_t, L_t (a column per unit when H > 1) and a CSV download."""
    T, H = run.T, run.hs.shape[1]
    cols = {"t": np.arange(1, T + 1), "x_t": run.x[:, 0]}
    for name, arr in (("a_t (pre-activation)", run.a), ("h_t", run.h)):
        for i in range(H):
            cols[name if H == 1 else f"{name.split(' ')[0]}[{i + 1}]"] = arr[:, i]
    cols.update({"y_t": run.y[:, 0], "target_t": target[:, 0], "L_t": losses, "in L": counted})
    df = pd.DataFrame(cols)
    st.dataframe(df, hide_index=True, height=min(38 + 35 * T, 320),
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in df.columns
                                if c not in ("t", "in L")})
    st.download_button("Download the table as CSV", df.to_csv(index=False).encode(), "rnnviz_forward.csv",
                       "text/csv", key="csv", on_click="ignore")


def _take_step(setup, lr):
    """Θ_new = Θ − α ∂L/∂Θ, then move the sidebar to Θ_new (runs before the widgets are drawn)."""
    g = rnnviz.bptt(setup.params, setup.x, setup.target, setup.h0, loss_on=setup.loss_on)
    new = rnnviz.sgd_step(setup.params, g, lr)
    shown, clipped = set_params(new)
    after = rnnviz.bptt(shown, setup.x, setup.target, setup.h0, loss_on=setup.loss_on).loss
    st.session_state["_last_step"] = dict(lines=arithmetic.sgd_lines(setup.params, g, lr, new), before=g.loss,
                                          after=after, clipped=clipped, params=shown, n=st.session_state.get("_last_step", {})
                                          .get("n", 0) + 1)


def gradient_step(setup, loss):
    """The button, the learning rate, Θ_new = Θ − α ∂L/∂Θ per parameter, and L before → after."""
    st.latex(r"\Theta_{\text{new}} = \Theta - \alpha\,\frac{\partial L}{\partial \Theta},\qquad"
             r"\Theta = \{W_{xh}, W_{hh}, b_h, W_{hy}, b_y\}")
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    with c1:
        lr = state.widget("lr")
    c2.button("Take one gradient-descent step", key="sgd", type="primary", on_click=_take_step,
              args=(setup, lr), disabled=not np.isfinite(loss))
    last = st.session_state.get("_last_step")
    if not last:
        st.caption("∂L/∂Θ is full backpropagation through time (see the BPTT page). Each click moves the "
                   "sidebar's sliders to Θ_new; click again to keep descending.")
        return
    if last["params"] != setup.params:
        st.caption("The model has changed since the last step; this was step "
                   f"{last['n']} (L {last['before']:.6g} → {last['after']:.6g}).")
        return
    for line in last["lines"]:
        st.latex(line)
    delta = last["after"] - last["before"]
    st.metric(f"Loss L after step {last['n']}", f"{last['after']:.6g}", f"{delta:+.4g} (was {last['before']:.6g})",
              delta_color="inverse")
    if last["clipped"]:
        st.warning(f"{', '.join(last['clipped'])} left the slider range and was clipped to its end; "
                   "the loss shown is for the clipped value. Try a smaller α.")
