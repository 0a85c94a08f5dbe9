"""Figures of the live-training page: pure functions from training records and arrays to Plotly figures.

Colours are Okabe & Ito's colour-blind-safe palette; what matters is also told by marker shape or dash.
"""
import numpy as np
import plotly.graph_objects as go

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F")
HEIGHT = 300


def _layout(fig, title, x, y, log_y=False):
    fig.update_layout(title=dict(text=title, font=dict(size=15)), height=HEIGHT,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25),
                      uirevision=title)  # keep a person's zoom while the data refreshes
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y, type="log" if log_y else "linear", exponentformat="power")
    return fig


def _positive(values):
    """Values for a log axis: non-finite or non-positive ones become gaps."""
    a = np.asarray(values, dtype=float)
    return np.where(np.isfinite(a) & (a > 0), a, np.nan)


def loss_figure(records):
    """Training and validation MSE per epoch, log axis."""
    epochs = [r.epoch for r in records]
    fig = go.Figure([
        go.Scatter(x=epochs, y=_positive([r.train_loss for r in records]), name="train loss",
                   mode="lines+markers", line=dict(color=BLUE), marker=dict(size=4)),
        go.Scatter(x=epochs, y=_positive([r.val_loss for r in records]), name="validation loss",
                   mode="lines+markers", line=dict(color=ORANGE, dash="dash"), marker=dict(size=4, symbol="square")),
    ])
    return _layout(fig, "Loss (MSE) per epoch", "epoch", "MSE", log_y=True)


def grad_norm_figure(records, max_norm, clip):
    """‖g‖ at every optimiser step, before clipping; clipped steps marked ✕, the threshold θ dotted."""
    norms = np.array([g for r in records for g in r.grad_norms])
    clipped = np.array([c for r in records for c in r.clipped], dtype=bool)
    steps = np.arange(1, len(norms) + 1)
    fig = go.Figure([go.Scatter(x=steps, y=_positive(norms), name="‖g‖ before clipping", mode="lines",
                                line=dict(color=GREEN, width=1.5))])
    if clipped.any():
        fig.add_trace(go.Scatter(x=steps[clipped], y=norms[clipped], name="clipped to θ", mode="markers",
                                 marker=dict(color=VERMILLION, symbol="x", size=7)))
    if clip:
        fig.add_hline(y=max_norm, line=dict(color=VERMILLION, dash="dot", width=1),
                      annotation_text=f"θ = {max_norm:g}", annotation_position="top left")
    return _layout(fig, "Gradient norm per step", "optimiser step", "‖g‖", log_y=True)


def prediction_figure(t, series, t_val, y_val, pred):
    """The series, and for each validation window its target and the model's prediction."""
    order = np.argsort(t_val)
    fig = go.Figure([
        go.Scatter(x=t, y=series, name="series", mode="lines", line=dict(color=GREY, width=1)),
        go.Scatter(x=t_val[order], y=y_val[order], name="validation target", mode="markers",
                   marker=dict(color=BLUE, size=6, symbol="circle-open")),
    ])
    if pred is not None:
        fig.add_trace(go.Scatter(x=t_val[order], y=pred[order], name="prediction", mode="markers",
                                 marker=dict(color=ORANGE, size=5, symbol="diamond")))
    return _layout(fig, "Predictions on the validation windows", "t", "value")


def extrapolation_figure(t, series, t_ext, truth, pred, window):
    """Seed 004's last plot: the model fed its own predictions over t_ext, against the true continuation."""
    tail = max(len(t) // 4, window)
    fig = go.Figure([go.Scatter(x=t[-tail:], y=series[-tail:], name="training data", mode="lines",
                                line=dict(color=GREY, width=1))])
    if truth is not None:
        fig.add_trace(go.Scatter(x=t_ext, y=truth, name="truth", mode="lines", line=dict(color=BLUE)))
    if pred is not None:
        fig.add_trace(go.Scatter(x=t_ext, y=pred, name="RNN, autoregressive", mode="lines",
                                 line=dict(color=ORANGE, dash="dash")))
    fig.add_vline(x=t[-1], line=dict(color=GREY, dash="dot", width=1))
    return _layout(fig, "Autoregressive extrapolation", "t", "value")


def spectral_radius_figure(records):
    """ρ(W_hh) per epoch, with the line ρ = 1 where the recurrence switches from forgetting to amplifying."""
    fig = go.Figure([go.Scatter(x=[r.epoch for r in records], y=[r.spectral_radius for r in records],
                                name="ρ(W_hh)", mode="lines+markers", line=dict(color=PURPLE),
                                marker=dict(size=4))])
    fig.add_hline(y=1.0, line=dict(color=GREY, dash="dot", width=1), annotation_text="ρ = 1",
                  annotation_position="top left")
    return _layout(fig, "Spectral radius of W_hh", "epoch", "ρ(W_hh)")
