"""Figures for vanishing and exploding gradients: pure functions of engine output, no Streamlit.

    ∂h_T/∂h_{T−k} = J_T ⋯ J_{T−k+1},   J_t = diag(1 − h_t²) W_hh
    ‖∂h_T/∂h_{T−k}‖₂ ≤ (max tanh′ · ‖W_hh‖₂)^k          the bound
    |W_hh|^k (H = 1) or ρ(W_hh)^k (H > 1)                  the fake: the tanh′ factors left out

Everything is plotted as log10 so that 10^−400 and 10^+400 (beyond float64) still have a place on the axis.
The figures redraw on every slider move (ui/live.py), so they are plain dicts (see ui.figures._spec).
"""
import numpy as np

import rnnviz
from ui.figures import SCALE, _spec
from ui.figures_bptt import BLUE, GREY, ORANGE, VERMILLION, entries, log_ticks
from ui.numbers import sig


SWEEP_SPAN = 20.0  # the sweep's colour scale runs from 10^−20 to 10^20
SCALE_R = [[round(1 - v, 3), c] for v, c in SCALE[::-1]]  # RdBu reversed: blue = small, red = large


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


def _log_axis(arrays):
    """A log10-valued axis labelled with powers of ten (a log axis that never overflows)."""
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    lo, hi = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
    tickvals, ticktext = log_ticks(lo, hi)
    pad = max(0.05 * (hi - lo), 0.2)
    return {"tickvals": tickvals, "ticktext": ticktext, "range": [float(lo - pad), float(hi + pad)]}


def decay_figure(curves, H=1):
    """‖∂h_T/∂h_{T−k}‖₂ against k on a log axis, with the bound and the |w|^k fake beside it."""
    k = np.arange(len(curves["decay"]))
    naive_name = "|W_hh|^k  (the fake: no tanh′)" if H == 1 else "ρ(W_hh)^k  (the fake: no tanh′)"
    naive_formula = "|W_hh|^k" if H == 1 else "ρ(W_hh)^k"
    traces = []
    for key, name, colour, dash, formula in (
            ("decay", "‖∂h_T/∂h_{T−k}‖₂  (real)", BLUE, "solid", "‖J_T ⋯ J_{T−k+1}‖₂, J_t = diag(1 − h_t²) W_hh"),
            ("bound", "(max tanh′·‖W_hh‖₂)^k  (bound)", VERMILLION, "dash", "(max_t max_i (1 − h_{t,i}²) · ‖W_hh‖₂)^k"),
            ("naive", naive_name, GREY, "dot", naive_formula)):
        y = np.where(np.isfinite(curves[key]), curves[key], np.nan)
        traces.append(dict(type="scatter", x=k, y=y, name=name, mode="lines+markers" if len(k) <= 30 else "lines",
                           line={"color": colour, "dash": dash, "width": 2.5 if key == "decay" else 2},
                           customdata=[sci(v) for v in curves[key]],
                           hovertemplate=f"k = %{{x}}<br>{formula} = <b>%{{customdata}}</b><br>"
                                         "log10 = %{y:.3f}<extra></extra>"))
    return _spec(traces, dict(
        title={"text": "How far back a gradient reaches: ‖∂h_T/∂h_{T−k}‖₂ (log scale)"},
        xaxis={"title": {"text": "steps back k"}},
        yaxis={"title": {"text": "‖∂h_T/∂h_{T−k}‖₂"}, **_log_axis(list(curves.values()))}, height=420,
        hovermode="x unified", legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 50, "b": 40}))


def sweep_regimes(values, sweep):
    """What the sweep shows: (swept values where some ‖∂h_T/∂h_{T−k}‖, k ≥ 1, is above 1 (red), below 1 (blue)).

    k = 0 is ∂h_T/∂h_T = I, norm 1, white at every value."""
    later = np.asarray(sweep)[:, 1:]                         # (len(values), T − 1) log10, k ≥ 1
    with np.errstate(invalid="ignore"):
        red = np.any(later > 0, axis=1)
        blue = np.any(later < 0, axis=1)
    values = np.asarray(values)
    return values[red], values[blue]


def sweep_caption(values, sweep, knob="W_hh"):
    """The sweep's colours in words, true for what is drawn: both regimes only where both appear."""
    red, blue = sweep_regimes(values, sweep)
    if len(red) and len(blue):
        return f"blue vanishes, red explodes: red at {len(red)} of the {len(values)} values of {knob} swept"
    if len(blue):
        return f"all blue: it vanishes at every {knob} from {values[0]:.3g} to {values[-1]:.3g}, none explodes"
    if len(red):
        return f"all red: it explodes at every {knob} from {values[0]:.3g} to {values[-1]:.3g}, none vanishes"
    return "all white: ‖∂h_T/∂h_{T−k}‖ = 1 at every k"


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
    # the hover's number: 10^z as a float where float64 holds it, else (or for an exact 0) sci's text
    exact = bool(np.all(np.isfinite(sweep)) and np.abs(sweep).max(initial=0.0) < 300)
    custom = 10.0 ** np.asarray(sweep) if exact else [[sci(v) for v in row] for row in sweep]
    heat = dict(type="heatmap", z=Z, x=np.arange(Z.shape[1]), y=np.asarray(values), customdata=custom,
                colorscale=SCALE_R,
                zmin=-span, zmax=span, zmid=0,
                colorbar={"title": {"text": "‖∂h_T/∂h_{T−k}‖"}, "tickvals": tickvals, "ticktext": ticktext},
                hovertemplate=f"{knob} = %{{y:.3f}}, k = %{{x}}<br>‖J_T ⋯ J_{{T−k+1}}‖₂ = "
                              f"<b>%{{customdata{':.2e' if exact else ''}}}</b>"
                              "<br>log10 = %{z:.2f}<extra></extra>")
    return _spec([heat], dict(
        title={"text": f"Sweep: the same model and sequence with {knob} varied<br>"
                       f"<sup>{sweep_caption(values, sweep, knob)}</sup>"},
        xaxis={"title": {"text": "steps back k"}}, yaxis={"title": {"text": knob}}, height=420,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, y0=current, y1=current,
                     line={"color": "#888888", "dash": "dash", "width": 1.5})],
        annotations=[dict(xref="paper", x=1, y=current, xanchor="right", yanchor="bottom", showarrow=False,
                          text=f"current {knob} = {current:.3g}")]))


def clip_figure(grads, clipped, norm, max_norm):
    """The gradient vector before and after g ← min(1, θ/‖g‖) g, entry by entry."""
    rows = entries(grads)
    labels = [lab for _, _, lab in rows]
    before = np.array([float(np.asarray(grads[n])[idx]) for n, idx, _ in rows])
    after = np.array([float(np.asarray(clipped[n])[idx]) for n, idx, _ in rows])
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    bars = [dict(type="bar", x=labels, y=before, name="before", marker={"color": ORANGE}, xaxis="x", yaxis="y",
                 hovertemplate="∂L/∂%{x} = %{y:.6g}<extra>before</extra>"),
            dict(type="bar", x=labels, y=after, name="after", marker={"color": BLUE}, customdata=before,
                 xaxis="x2", yaxis="y2",
                 hovertemplate=f"min(1, θ/‖g‖)·∂L/∂%{{x}} = {sig(factor)} × %{{customdata:.4g}} = %{{y:.6g}}"
                               "<extra>after</extra>")]
    titles = [dict(text=text, x=0.5, y=y, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                   showarrow=False, font={"size": 16})
              for text, y in ((f"before: ‖g‖₂ = {sig(norm)}", 1.0), (f"after: ‖g‖₂ = {sig(factor * norm)}", 0.46))]
    return _spec(bars, dict(
        title={"text": f"Clipping at max-norm θ = {sig(max_norm)}: every entry × min(1, θ/‖g‖) = {sig(factor)}"},
        showlegend=False, height=440, margin={"l": 10, "r": 10, "t": 70, "b": 40}, annotations=titles,
        xaxis={"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False, "type": "category"},
        yaxis={"anchor": "x", "domain": [0.54, 1.0], "title": {"text": "∂L/∂θ"}},
        xaxis2={"anchor": "y2", "domain": [0.0, 1.0], "type": "category", "title": {"text": "parameter entry"}},
        yaxis2={"anchor": "x2", "domain": [0.0, 0.46], "title": {"text": "∂L/∂θ"}}))
