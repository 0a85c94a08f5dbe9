"""Figures of the live-training page: pure functions from training records and arrays to Plotly figures.

Colours are Okabe & Ito's colour-blind-safe palette; what matters is also told by marker shape or dash.
"""
import numpy as np
import plotly.graph_objects as go

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F")
HEIGHT = 300


def _figure(traces, title, x, y, log_y=False, hlines=(), vlines=()):
    """One go.Figure built in one call, unvalidated (add_hline, update_* and validation cost 10× more live)."""
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, y0=v, y1=v, line=line) for v, line, _ in hlines]
    shapes += [dict(type="line", yref="paper", y0=0, y1=1, x0=v, x1=v, line=line) for v, line in vlines]
    notes = [dict(xref="paper", x=0, y=v, yref="y", text=text, showarrow=False, xanchor="left", yanchor="bottom",
                  font=dict(size=11, color=line["color"])) for v, line, text in hlines if text]
    if log_y:  # annotations on a log axis are placed at log10(y)
        notes = [{**n, "y": float(np.log10(n["y"]))} for n in notes]
    layout = dict(title=dict(text=title, font=dict(size=15)), height=HEIGHT, margin=dict(l=10, r=10, t=40, b=10),
                  legend=dict(orientation="h", y=-0.32), uirevision=title,  # keep a person's zoom on refresh
                  xaxis=dict(title=dict(text=x)),
                  yaxis=dict(title=dict(text=y), type="log" if log_y else "linear", exponentformat="power",
                             dtick=_log_dtick(traces) if log_y else None),
                  shapes=shapes, annotations=notes)
    return go.Figure(data=traces, layout=layout, _validate=False)  # validated in tests; 3× faster live


def _log_dtick(traces):
    """A label every decade (Plotly's own adds 2s and 5s), or every few when the data spans many."""
    ys = np.concatenate([np.asarray(t["y"], dtype=float) for t in traces]) if traces else np.array([])
    ys = ys[np.isfinite(ys) & (ys > 0)]
    decades = np.log10(ys.max() / ys.min()) if len(ys) else 0.0
    return max(1, int(np.ceil(decades / 6)))


def _scatter(**trace):
    """A scatter trace as a plain dict (go.Scatter validates every property: too slow at 2.5 redraws a second)."""
    return dict(type="scatter", **trace)


def _positive(values):
    """Values for a log axis: non-finite or non-positive ones become gaps."""
    a = np.asarray(values, dtype=float)
    return np.where(np.isfinite(a) & (a > 0), a, np.nan)


# Per trace, about one point per pixel of a half-width chart. Every tick sends each chart's whole JSON (the
# browser then restyles it in place, ui/live.py), and full speed piles up epochs: 5000 epochs in, a tick's
# five charts are 160 kB of JSON at 600 points a trace, 400 kB at 3000.
MAX_POINTS = 600


def _bucket_max(x, y, n=MAX_POINTS):
    """At most n points: the largest y of each run of ⌈len/n⌉ (spikes survive, unlike a stride)."""
    k = -(-len(y) // n)
    if k <= 1:
        return x, y
    padded = np.concatenate([y, np.full(-len(y) % k, -np.inf)])
    return np.asarray(x)[::k], padded.reshape(-1, k).max(axis=1)


def loss_figure(records):
    """Training and validation MSE per epoch, log axis."""
    epochs = [r.epoch for r in records]
    mode = "lines+markers" if len(records) <= 60 else "lines"  # each marker is an SVG node to redraw
    x, train = _bucket_max(epochs, _positive([r.train_loss for r in records]))
    x, val = _bucket_max(epochs, _positive([r.val_loss for r in records]))
    traces = [
        _scatter(x=x, y=train, name="train loss", mode=mode, line=dict(color=BLUE), marker=dict(size=4)),
        _scatter(x=x, y=val, name="validation loss", mode=mode, line=dict(color=ORANGE, dash="dash"),
                 marker=dict(size=4, symbol="square")),
    ]
    return _figure(traces, "Loss (MSE) per epoch", "epoch", "MSE", log_y=True)


def grad_norm_figure(records, max_norm, clip):
    """‖g‖ at every optimiser step, before clipping; clipped steps marked ✕, the threshold θ dotted."""
    norms = np.array([g for r in records for g in r.grad_norms])
    clipped = np.array([c for r in records for c in r.clipped], dtype=bool)
    steps = np.arange(1, len(norms) + 1)
    x, y = _bucket_max(steps, norms)
    traces = [_scatter(x=x, y=_positive(y), name="‖g‖ before clipping", mode="lines",
                         line=dict(color=GREEN, width=1.5))]
    if clipped.any():
        x, y = _bucket_max(steps[clipped], norms[clipped])
        traces.append(_scatter(x=x, y=y, name="clipped to θ", mode="markers",
                                 marker=dict(color=VERMILLION, symbol="x", size=7)))
    theta = [(max_norm, dict(color=VERMILLION, dash="dot", width=1), f"θ = {max_norm:g}")] if clip else []
    return _figure(traces, "Gradient norm per step", "optimiser step", "‖g‖", log_y=True, hlines=theta)


def prediction_figure(t, series, t_val, y_val, pred):
    """The series, and for each validation window its target and the model's prediction."""
    order = np.argsort(t_val)
    traces = [
        _scatter(x=t, y=series, name="series", mode="lines", line=dict(color=GREY, width=1)),
        _scatter(x=t_val[order], y=y_val[order], name="validation target", mode="markers",
                   marker=dict(color=BLUE, size=6, symbol="circle-open")),
    ]
    if pred is not None:
        traces.append(_scatter(x=t_val[order], y=pred[order], name="prediction", mode="markers",
                                 marker=dict(color=ORANGE, size=5, symbol="diamond")))
    return _figure(traces, "Predictions on the validation windows", "t", "value")


def extrapolation_figure(t, series, t_ext, truth, pred, window):
    """Seed 004's last plot: the model fed its own predictions over t_ext, against the true continuation."""
    tail = max(len(t) // 4, window)
    traces = [_scatter(x=t[-tail:], y=series[-tail:], name="training data", mode="lines",
                         line=dict(color=GREY, width=1))]
    if truth is not None:
        traces.append(_scatter(x=t_ext, y=truth, name="truth", mode="lines", line=dict(color=BLUE)))
    if pred is not None:
        traces.append(_scatter(x=t_ext, y=pred, name="RNN, autoregressive", mode="lines",
                                 line=dict(color=ORANGE, dash="dash")))
    end_of_data = [(float(t[-1]), dict(color=GREY, dash="dot", width=1))]
    return _figure(traces, "Autoregressive extrapolation", "t", "value", vlines=end_of_data)


def spectral_radius_figure(records):
    """ρ(W_hh) per epoch, with the line ρ = 1 where the recurrence switches from forgetting to amplifying."""
    x, y = _bucket_max([r.epoch for r in records], np.array([r.spectral_radius for r in records]))
    traces = [_scatter(x=x, y=y, name="ρ(W_hh)", mode="lines+markers" if len(records) <= 60 else "lines",
                         line=dict(color=PURPLE), marker=dict(size=4))]
    one = [(1.0, dict(color=GREY, dash="dot", width=1), "ρ = 1")]
    return _figure(traces, "Spectral radius of W_hh", "epoch", "ρ(W_hh)", hlines=one)
