"""Vanishing and exploding gradients: the real ‖∂h_T/∂h_{T−k}‖, its bound, a sweep, and clipping."""
import numpy as np
import streamlit as st

import rnnviz
from ui import controls, decay_view as V, figures_decay as D, state
from ui.boot import through_app
from ui.live import described, live_chart, live_latex
from ui.sidebar import model_and_sequence

through_app()  # a shared link opened first on a fresh server still goes through app.py

SWEEP_N = 41  # rows of the sweep heatmap
state.field("vg_lo", "float", 0.1, lo=-3.0, hi=3.0, step=0.05, label="Sweep from",
            help="W_hh for H = 1; the spectral radius ρ(W_hh) for H > 1")
state.field("vg_hi", "float", 2.0, lo=-3.0, hi=3.0, step=0.05, label="Sweep to")
state.field("vg_clip", "float", 1.0, lo=0.05, hi=20.0, step=0.05, label="Clip at max-norm θ",
            help="seed 004 clips at 1.0")

st.title("Vanishing & exploding gradients")
for name in ("vg_lo", "vg_hi", "vg_clip"):
    state.value(name)  # read the URL now, so the sidebar's notice lists a bad value of ours too


def page(setup):
    """Everything under the title: reruns alone when a weight slider moves (see model_and_sequence)."""
    p, T, H = setup.params, setup.x.shape[0], setup.params.H
    st.caption(f"{setup.label} · T = {T}, H = {H}")
    live_latex([V.EQUATIONS], key="vg_equations")
    try:
        run = rnnviz.forward(p, setup.x, setup.h0)
        curves = D.decay_curves(p, run)
    except ValueError as e:
        st.error(str(e))
        return
    if T < 2:
        st.warning("With T = 1 there is no step back to take: use a longer sequence.")
    V.summary(p, run, curves)
    K = len(curves["decay"]) - 1
    live_chart(described(D.decay_figure(curves, H), table=("k", "customdata"),
                         alt=f"At k = {K}, the farthest step back: real {D.sci(curves['decay'][K])}, bound "
                             f"{D.sci(curves['bound'][K])}, fake {D.sci(curves['naive'][K])}. Every k in the data table below."),
               key="vg_decay")
    V.fake_explanation(p, curves)
    st.page_link("pages/gates.py", label="How LSTM and GRU gates keep this product from vanishing", icon=":material/call_split:")

    st.subheader("Sweep: " + ("the recurrent weight W_hh" if H == 1 else "the spectral radius of W_hh"))
    lo_min = -3.0 if H == 1 else 0.0   # a spectral radius is ≥ 0
    ends = controls.panel(["vg_lo", "vg_hi"], key="vg_sweep_panel",
                          overrides={n: {"lo": lo_min} for n in ("vg_lo", "vg_hi")})
    lo, hi = ends["vg_lo"], ends["vg_hi"]
    if lo >= hi:
        st.warning(f"The sweep runs from {lo:g} to {hi:g}: the start must be below the end; swapped.")
        lo, hi = min(lo, hi), max(lo, hi) + (0.05 if lo == hi else 0.0)
    values = np.linspace(lo, hi, SWEEP_N)
    current = float(p.W_hh[0, 0]) if H == 1 else rnnviz.spectral_radius(p.W_hh)
    try:
        sweep = V.decay_sweep(p, setup.x, values, setup.h0)
        live_chart(D.sweep_heatmap(values, sweep, current, H), key="vg_sweep")
    except ValueError as e:
        st.error(str(e))

    st.subheader("Gradient clipping")
    max_norm = controls.panel(["vg_clip"], key="vg_clip_panel")["vg_clip"]
    try:
        g = rnnviz.bptt(p, setup.x, setup.target, setup.h0, loss_on=setup.loss_on)
        V.clipping(g, max_norm)
    except ValueError as e:
        st.error(str(e))


model_and_sequence(page, max_T=1000)
