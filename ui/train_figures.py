"""Figures of the live-training page: pure functions from training records and arrays to Plotly figures.

Colours are Okabe & Ito's colour-blind-safe palette; what matters is also told by marker shape or dash.
"""
import numpy as np
import plotly.graph_objects as go

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F")
HEIGHT = 300
NAMES = {"elman": "RNN", "concat": "concat RNN", "lstm": "LSTM", "gru": "GRU"}  # what a legend calls each cell
STYLE = {"elman": dict(color=VERMILLION, dash="solid"), "concat": dict(color=PURPLE, dash="dashdot"),
         "lstm": dict(color=BLUE, dash="dash"), "gru": dict(color=GREEN, dash="dot")}
SYMBOL = {"elman": "circle", "concat": "triangle-up", "lstm": "square", "gru": "diamond"}


def _figure(traces, title, x, y, log_y=False, hlines=(), vlines=(), integer_x=False):
    """One go.Figure built in one call, unvalidated (add_hline, update_* and validation cost 10× more live)."""
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, y0=v, y1=v, line=line) for v, line, _ in hlines]
    shapes += [dict(type="line", yref="paper", y0=0, y1=1, x0=v, x1=v, line=line) for v, line in vlines]
    notes = [dict(xref="paper", x=0, y=v, yref="y", text=text, showarrow=False, xanchor="left", yanchor="bottom",
                  font=dict(size=11, color=line["color"])) for v, line, text in hlines if text]
    if log_y:  # annotations on a log axis are placed at log10(y)
        notes = [{**n, "y": float(np.log10(n["y"]))} for n in notes]
    layout = dict(title=dict(text=title, font=dict(size=15)), height=HEIGHT, margin=dict(l=10, r=10, t=40, b=10),
                  legend=dict(orientation="h", y=-0.32), uirevision=title,  # keep a person's zoom on refresh
                  xaxis=dict(title=dict(text=x), **(_integer_ticks(traces) if integer_x else {})),
                  yaxis=dict(title=dict(text=y), type="log" if log_y else "linear", exponentformat="power",
                             dtick=_log_dtick(traces) if log_y else None),
                  shapes=shapes, annotations=notes)
    return go.Figure(data=traces, layout=layout, _validate=False)  # validated in tests; 3× faster live


def _integer_ticks(traces):
    """Epochs are whole: a tick at every one while there are few (Plotly's own would put one at 1.5)."""
    xs = [len(t["x"]) for t in traces if t.get("x") is not None]
    return dict(tick0=1, dtick=1) if max(xs, default=0) <= 10 else dict(tickformat="d")


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


LOSS_TITLE = "Loss L per epoch (mean squared error)"


def baseline_line(baseline):
    """The adding problem's line to beat: the MSE of always answering 1."""
    return [(baseline, dict(color=GREY, dash="dash", width=1.5), f"baseline: always 1, L = {baseline:.3f}")]


def loss_figure(records, baseline=None, held_out="validation loss"):
    """Training and held-out L per epoch, log axis; the adding problem's baseline dashed."""
    epochs = [r.epoch for r in records]
    mode = "lines+markers" if len(records) <= 60 else "lines"  # each marker is an SVG node to redraw
    x, train = _bucket_max(epochs, _positive([r.train_loss for r in records]))
    x, val = _bucket_max(epochs, _positive([r.val_loss for r in records]))
    traces = [
        _scatter(x=x, y=train, name="train loss", mode=mode, line=dict(color=BLUE), marker=dict(size=4)),
        _scatter(x=x, y=val, name=held_out, mode=mode, line=dict(color=ORANGE, dash="dash"),
                 marker=dict(size=4, symbol="square")),
    ]
    hlines = baseline_line(baseline) if baseline is not None else ()
    return _figure(traces, LOSS_TITLE, "epoch", "L", log_y=True, hlines=hlines, integer_x=True)


RACE_TITLE = "Test loss per epoch: who remembers?"


def race_loss_figure(lanes, baseline=None, held_out="test"):
    """Each cell's held-out L per epoch on one log axis, with the adding problem's baseline to beat (the series'
    races have none: baseline None, held_out "validation"). lanes: {cell: [EpochRecord]}."""
    traces = []
    for cell, records in lanes.items():
        x, y = _bucket_max([r.epoch for r in records], _positive([r.val_loss for r in records]))
        traces.append(_scatter(x=x, y=y, name=f"{NAMES[cell]} ({held_out})", line=STYLE[cell],
                               mode="lines+markers" if len(records) <= 60 else "lines",
                               marker=dict(size=4, symbol=SYMBOL[cell])))
    hlines = baseline_line(baseline) if baseline is not None else ()
    title = RACE_TITLE if held_out == "test" else "Validation loss per epoch"
    return _figure(traces, title, "epoch", "L", log_y=True, hlines=hlines, integer_x=True)


def race_grad_figure(lanes, max_norm, clip):
    """Each cell's ‖g‖ at every optimiser step, before clipping, and the threshold θ."""
    traces = []
    for cell, records in lanes.items():
        norms = np.array([g for r in records for g in r.grad_norms])
        x, y = _bucket_max(np.arange(1, len(norms) + 1), norms)
        traces.append(_scatter(x=x, y=_positive(y), name=NAMES[cell], mode="lines",
                               line={**STYLE[cell], "width": 1.2}))
    theta = [(max_norm, dict(color=GREY, dash="dot", width=1), f"θ = {max_norm:g}")] if clip else []
    return _figure(traces, "Gradient norm per step", "optimiser step", "‖g‖", log_y=True, hlines=theta)


def sample_figure(x, target, preds):
    """One test sequence of the adding problem: its values u_t, the two marked steps, the target and each answer.

    x (T, 2) = [u_t, m_t]; target: the sum of the two marked u_t; preds: {cell: y or None}."""
    T = len(x)
    t = np.arange(1, T + 1)
    marked = x[:, 1] > 0.5
    traces = [
        dict(type="bar", x=t, y=x[:, 0], name="u_t", marker=dict(color=np.where(marked, ORANGE, "#C8C8C8")),
             showlegend=False),
        _scatter(x=t[marked], y=x[marked, 0], name="marked: m_t = 1", mode="markers+text",
                 text=[f"t = {k}" for k in t[marked]], textposition="top center",
                 marker=dict(color=ORANGE, size=10, symbol="star")),
        _scatter(x=[T + 1.5], y=[target], name=f"target {target:.3f}", mode="markers",
                 marker=dict(color="black", size=12, symbol="line-ew-open", line=dict(width=3))),
    ]
    for cell, y in preds.items():
        if y is not None and np.isfinite(y):
            traces.append(_scatter(x=[T + 1.5], y=[y], name=f"{NAMES[cell]}: {y:.3f}", mode="markers",
                                   marker=dict(color=STYLE[cell]["color"], size=9, symbol=SYMBOL[cell])))
    fig = _figure(traces, "One test sequence: marks, target, answers", "step t", "u_t; answers at right")
    fig.layout.yaxis.range = [0, 2.05]
    return fig


def connectivity_figure(conn, marks, T):
    """‖∂h_T/∂x_{T−k}‖ over k for each trained cell, log axis; the marked steps' k dotted.

    conn: {cell: (T,) over k = 0 … T−1}; marks: the marked steps t (1-based), at k = T − t."""
    traces = [_scatter(x=np.arange(T), y=_positive(c), name=NAMES[cell], mode="lines", line=STYLE[cell])
              for cell, c in conn.items()]
    lines = [(float(T - t), dict(color=ORANGE, dash="dot", width=1.5)) for t in marks]
    return _figure(traces, "Memory: how much h_T still depends on x_{T−k}", "k (steps back from T)",
                   "‖∂h_T/∂x_{T−k}‖", log_y=True, vlines=lines)


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
    return _figure(traces, "Spectral radius of W_hh", "epoch", "ρ(W_hh)", hlines=one, integer_x=True)
