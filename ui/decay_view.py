"""Streamlit components of the vanishing/exploding page: the decay summary, the |w|^k fake, clipping.

    ∂h_T/∂h_{T−k} = J_T ⋯ J_{T−k+1},  J_t = diag(1 − h_t²) W_hh;   g ← min(1, θ/‖g‖) g
"""
import numpy as np
import streamlit as st

import rnnviz
from ui import figures_decay as D
from ui.live import live_chart, live_latex
from ui.numbers import sig

EQUATIONS = (r"\frac{\partial h_T}{\partial h_{T-k}} = J_T J_{T-1} \cdots J_{T-k+1},\quad "
             r"J_t = \mathrm{diag}(1 - h_t^2)\, W_{hh},\quad "
             r"\Big\|\frac{\partial h_T}{\partial h_{T-k}}\Big\|_2 \le"
             r"\big(\max_t \max_i (1 - h_{t,i}^2)\cdot \|W_{hh}\|_2\big)^k")


def decay_sweep(p, x, values, h0):
    """rnnviz.decay_sweep, cached on everything it reads but the scale of W_hh, which it sets itself: moving
    W_hh (H = 1) or its gain (H > 1) leaves the sweep as it was."""
    rho = 1.0 if p.H == 1 else rnnviz.spectral_radius(p.W_hh)
    # to 12 digits: gain · W⁰ ÷ ρ differs in its last bits from one gain to the next (all zeros: the engine says so)
    W_hh = np.ones((1, 1)) if p.H == 1 else np.round(p.W_hh / rho, 12) if rho > 0 else p.W_hh
    return _sweep(p.W_xh, W_hh, p.b_h, p.W_hy, p.b_y, x, np.asarray(values), h0)


@st.cache_data(max_entries=16, show_spinner=False)
def _sweep(W_xh, W_hh, b_h, W_hy, b_y, x, values, h0):
    p = rnnviz.RNNParams(W_xh=W_xh, W_hh=W_hh, b_h=b_h, W_hy=W_hy, b_y=b_y)
    return rnnviz.decay_sweep(p, x, values, h0)


def summary(p, run, curves):
    """ρ(W_hh), ‖W_hh‖₂, max tanh′, their product γ and the gradient's reach over the whole sequence."""
    rho, sigma, dmax = rnnviz.spectral_radius(p.W_hh), rnnviz.spectral_norm(p.W_hh), float(run.dtanh.max())
    c = st.columns(5)
    c[0].metric("spectral radius ρ(W_hh)", sig(rho), help="max |λ_i(W_hh)|")
    c[1].metric("‖W_hh‖₂", sig(sigma), help="largest singular value of W_hh")
    c[2].metric("max_t tanh′ = max (1 − h_t²)", sig(dmax))
    c[3].metric("bound's base γ", sig(dmax * sigma), help="γ = max tanh′ · ‖W_hh‖₂; the bound is γ^k")
    c[4].metric(f"‖∂h_T/∂h_1‖₂ (k = {run.T - 1})", D.sci(curves["decay"][-1]))


def fake_explanation(p, curves):
    """Why |w|^k is not the decay: every step also multiplies by tanh′ = 1 − h_t² ≤ 1.

    The maths (typeset by the browser's markdown pipeline, tens of ms) sits in a paragraph that changes only
    with H and k; the numbers, which change on every move, follow in plain text."""
    k = min(10, len(curves["decay"]) - 1)
    what = "$|W_{hh}|$" if p.H == 1 else "$\\rho(W_{hh})$"
    st.markdown(
        f"""**Why {what[:-1]}^k$ is a fake.** Seed 004 multiplies 0.5 ten times, $(0.5)^{{10}} = 0.000977$, and seed 001
says small weights make the gradient decay exponentially. Both treat one step back, $\\partial h_t/\\partial h_{{t-1}}$,
as the weight alone. The real factor is $J_t = \\mathrm{{diag}}(1 - h_t^2)\\,W_{{hh}}$: every step also multiplies by
tanh′ $= 1 - h_t^2 \\le 1$, which depends on the inputs and the state. A saturated tanh ($h_t \\to \\pm 1$) kills the
gradient whatever the weight; for $H > 1$ the Jacobians are matrices whose product is not $\\rho^k$ either.""")
    fake = "|W_hh|" if p.H == 1 else "ρ(W_hh)"
    st.markdown(f"Here, at k = {k}: real ‖∂h_T/∂h_{{T−{k}}}‖₂ = **{D.sci(curves['decay'][k])}**, the fake {fake}^{k} = "
                f"**{D.sci(curves['naive'][k])}**, the bound = **{D.sci(curves['bound'][k])}**.")


def clipping(g, max_norm):
    """The gradient vector before and after clipping at max-norm θ (seed 004 uses θ = 1.0)."""
    clipped, norm = rnnviz.clip_by_global_norm(g, max_norm)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    live_latex([rf"g \leftarrow \min\Big(1, \frac{{\theta}}{{\|g\|}}\Big)\, g"
                rf" = \min\Big(1, \frac{{{sig(max_norm)}}}{{{sig(norm)}}}\Big)\, g = {sig(factor)}\, g"], key="vg_clip_formula")
    c = st.columns(3)
    c[0].metric("‖g‖ before", sig(norm))
    c[1].metric("‖g‖ after", sig(rnnviz.global_norm(clipped)))
    c[2].metric("factor min(1, θ/‖g‖)", sig(factor))
    live_chart(D.clip_figure(g.as_dict(), clipped, norm, max_norm), key="vg_clip_chart")
    st.caption("Clipping rescales the whole vector, so its direction is kept: it limits an exploding step, "
               "but it cannot bring back a gradient that has vanished.")
