"""Figures for vanishing and exploding gradients: pure functions of engine output, no Streamlit.

    ∂h_T/∂h_{T−k} = J_T ⋯ J_{T−k+1},   J_t = diag(1 − h_t²) W_hh
    ‖∂h_T/∂h_{T−k}‖₂ ≤ (max tanh′ · ‖W_hh‖₂)^k          the bound
    |W_hh|^k (H = 1) or ρ(W_hh)^k (H > 1)                  the fake: the tanh′ factors left out

Everything is plotted as log10 so that 10^−400 and 10^+400 (beyond float64) still have a place on the axis.
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import rnnviz
from ui.figures_bptt import BLUE, GREY, ORANGE, VERMILLION, entries, fmt, log_ticks


SWEEP_SPAN = 20.0  # the sweep's colour scale runs from 10^−20 to 10^20


def sci(log10_value):
    """10^v as text, also where 10^v itself would overflow or underflow float64 (e.g. 3.2e−412)."""
    if not np.isfinite(log10_value):
        return "0 (a fully saturated step)" if log10_value < 0 else "∞"
    e = int(np.floor(log10_value))
    m = 10 ** (log10_value - e)
    if m >= 9.995:      # rounding would print 10.00e…
        m, e = m / 10, e + 1
    return f"{m:.2f}e{e:+d}"


def decay_curves(params, run):
    """{"decay", "bound", "naive"}: (T,) log10 of ‖∂h_T/∂h_{T−k}‖₂, its bound and the |w|^k fake, k = 0 … T−1."""
    k = np.arange(run.T)
    gamma = float(run.dtanh.max()) * rnnviz.spectral_norm(params.W_hh)   # max tanh′ · ‖W_hh‖₂
    strength = abs(float(params.W_hh[0, 0])) if params.H == 1 else rnnviz.spectral_radius(params.W_hh)
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = k * np.log10(gamma) if gamma > 0 else np.where(k == 0, 0.0, -np.inf)
        naive = k * np.log10(strength) if strength > 0 else np.where(k == 0, 0.0, -np.inf)
    return {"decay": rnnviz.log10_decay(params, run), "bound": bound, "naive": naive}


def _log_axis(fig, arrays, axis="yaxis"):
    """Label a log10-valued axis with powers of ten (a log axis that never overflows)."""
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    lo, hi = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    tickvals, ticktext = log_ticks(lo, hi)
    pad = max(0.05 * (hi - lo), 0.2)
    fig.update_layout({axis: {"tickvals": tickvals, "ticktext": ticktext, "range": [lo - pad, hi + pad]}})


def decay_figure(curves, H=1):
    """‖∂h_T/∂h_{T−k}‖₂ against k on a log axis, with the bound and the |w|^k fake beside it."""
    k = np.arange(len(curves["decay"]))
    naive_name = "|W_hh|^k  (the fake: no tanh′)" if H == 1 else "ρ(W_hh)^k  (the fake: no tanh′)"
    naive_formula = "|W_hh|^k" if H == 1 else "ρ(W_hh)^k"
    fig = go.Figure()
    for key, name, colour, dash, formula in (
            ("decay", "‖∂h_T/∂h_{T−k}‖₂  (real)", BLUE, "solid", "‖J_T ⋯ J_{T−k+1}‖₂, J_t = diag(1 − h_t²) W_hh"),
            ("bound", "(max tanh′·‖W_hh‖₂)^k  (bound)", VERMILLION, "dash", "(max_t max_i (1 − h_{t,i}²) · ‖W_hh‖₂)^k"),
            ("naive", naive_name, GREY, "dot", naive_formula)):
        y = np.where(np.isfinite(curves[key]), curves[key], np.nan)
        fig.add_scatter(x=k, y=y, name=name, mode="lines+markers" if len(k) <= 30 else "lines",
                        line={"color": colour, "dash": dash, "width": 2.5 if key == "decay" else 2},
                        customdata=[sci(v) for v in curves[key]],
                        hovertemplate=f"k = %{{x}}<br>{formula} = <b>%{{customdata}}</b><br>"
                                      "log10 = %{y:.3f}<extra></extra>")
    _log_axis(fig, list(curves.values()))
    fig.update_layout(title="How far back a gradient reaches: ‖∂h_T/∂h_{T−k}‖₂ (log scale)",
                      xaxis_title="steps back k", yaxis_title="‖∂h_T/∂h_{T−k}‖₂", height=420,
                      hovermode="x unified", legend={"orientation": "h", "y": -0.2},
                      margin={"l": 10, "r": 10, "t": 50, "b": 40})
    return fig


def sweep_heatmap(values, sweep, current, H=1):
    """Heatmap k × recurrent strength of log10 ‖∂h_T/∂h_{T−k}‖₂: blue vanishes, red explodes."""
    knob = "W_hh" if H == 1 else "ρ(W_hh)"
    Z = np.where(np.isfinite(sweep), sweep, np.nan)           # (len(values), T)
    finite = Z[np.isfinite(Z)]
    # colour saturates at 10^±SWEEP_SPAN: past that a gradient is gone (or useless) either way; hover is exact
    span = min(max(float(np.abs(finite).max()) if finite.size else 1.0, 1.0), SWEEP_SPAN)
    tickvals, ticktext = log_ticks(-span, span)
    if span == SWEEP_SPAN:
        ticktext[0], ticktext[-1] = "≤" + ticktext[0], "≥" + ticktext[-1]
    custom = [[sci(v) for v in row] for row in sweep]
    fig = go.Figure(go.Heatmap(
        z=Z, x=np.arange(Z.shape[1]), y=np.asarray(values), customdata=custom, colorscale="RdBu_r",
        zmin=-span, zmax=span, zmid=0,
        colorbar={"title": {"text": "‖∂h_T/∂h_{T−k}‖"}, "tickvals": tickvals, "ticktext": ticktext},
        hovertemplate=f"{knob} = %{{y:.3f}}, k = %{{x}}<br>‖J_T ⋯ J_{{T−k+1}}‖₂ = <b>%{{customdata}}</b>"
                      "<br>log10 = %{z:.2f}<extra></extra>"))
    fig.add_hline(y=current, line={"color": "black", "dash": "dash", "width": 1.5},
                  annotation_text=f"current {knob} = {current:.3g}", annotation_position="top right")
    fig.update_layout(title=f"Sweep: the same model and sequence with {knob} varied (blue vanishes, red explodes)",
                      xaxis_title="steps back k", yaxis_title=knob, height=420,
                      margin={"l": 10, "r": 10, "t": 50, "b": 40})
    return fig


def clip_figure(grads, clipped, norm, max_norm):
    """The gradient vector before and after g ← min(1, θ/‖g‖) g, entry by entry."""
    rows = entries(grads)
    labels = [lab for _, _, lab in rows]
    before = np.array([float(np.asarray(grads[n])[idx]) for n, idx, _ in rows])
    after = np.array([float(np.asarray(clipped[n])[idx]) for n, idx, _ in rows])
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(f"before: ‖g‖₂ = {fmt(norm)}",
                                        f"after: ‖g‖₂ = {fmt(factor * norm)}"))
    fig.add_bar(x=labels, y=before, name="before", marker_color=ORANGE, row=1, col=1,
                hovertemplate="∂L/∂%{x} = %{y:.6g}<extra>before</extra>")
    fig.add_bar(x=labels, y=after, name="after", marker_color=BLUE, customdata=before, row=2, col=1,
                hovertemplate=f"min(1, θ/‖g‖)·∂L/∂%{{x}} = {fmt(factor)} × %{{customdata:.4g}} = %{{y:.6g}}"
                              "<extra>after</extra>")
    fig.update_layout(title=f"Clipping at max-norm θ = {fmt(max_norm)}: every entry × min(1, θ/‖g‖) = {fmt(factor)}",
                      showlegend=False, height=440, margin={"l": 10, "r": 10, "t": 70, "b": 40})
    fig.update_xaxes(type="category", row=2, col=1, title_text="parameter entry")
    fig.update_yaxes(title_text="∂L/∂θ")
    return fig
