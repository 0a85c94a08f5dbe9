"""Seed 004's last plot: a trained model fed its own predictions, one value after another, past the data's end."""
import numpy as np
import torch
from torch import nn

from rnnviz.train_models import ConcatRNN, ElmanRNN, engine_params


def extrapolate(model, task, window, steps=None):
    """Seed 004's autoregressive run: y from the last T values, append it, slide the window, repeat.

    Every window starts from h_0 = 0 and all windows in flight read the same newest value, so the T of
    them advance together as one batch: one (T, H) step per prediction instead of T steps.
    Returns the predictions in the series' units, one per time of task.t_ext (or `steps` of them).
    """
    steps = len(task.t_ext) if steps is None else steps
    if not isinstance(model, (ElmanRNN, ConcatRNN)):
        return _extrapolate_gated(model, task, window, steps)
    w_ih, W_hh, b, readout = _recurrence(model)
    T, H = window, W_hh.shape[0]
    hs = np.zeros((T, H))  # row j: hidden state of the window that has read j values (row 0 starts fresh)
    values, preds = list(task.z[-T:]), []
    for k in range(T - 1 + steps):
        z = values[k]
        hs_new = np.tanh(z * w_ih + b + hs @ W_hh.T)  # h_t = tanh(W_xh x_t + W_hh h_{t−1} + b), (T, H)
        if k >= T - 1:  # the oldest window has now read its T values: it predicts the next one
            preds.append(readout(z, hs[T - 1], hs_new[T - 1]))
            values.append(preds[-1])
        hs[1:], hs[0] = hs_new[:-1], 0.0
    return np.array(preds) * task.std + task.mean


@torch.no_grad()
def _extrapolate_gated(model, task, window, steps):
    """extrapolate() for nn.LSTM / nn.GRU: the same T windows in flight, their states (h, c) batched in torch."""
    T, H = window, model.rnn.hidden_size
    fresh = torch.zeros(1, T, H)  # (layers, batch = T windows, H)
    state = (fresh, fresh.clone()) if isinstance(model.rnn, nn.LSTM) else fresh
    values, preds = list(task.z[-T:]), []
    for k in range(T - 1 + steps):
        x = torch.full((T, 1, 1), float(values[k]))  # every window reads the newest value, (T, 1, I)
        hs, new = model.rnn(x, state)  # hs: (T, 1, H)
        if k >= T - 1:  # the oldest window has now read its T values: it predicts the next one
            preds.append(model.out(hs[T - 1, 0]).item())
            values.append(preds[-1])
        state = tuple(map(_shift, new)) if isinstance(new, tuple) else _shift(new)
    return np.array(preds) * task.std + task.mean


def _shift(s):
    """Each window's state moves one row on; row 0 starts a fresh window."""
    return torch.cat((torch.zeros_like(s[:, :1]), s[:, :-1]), 1)


def _recurrence(model):
    """The model as float64 arrays: w_xh (H,), W_hh (H, H), b (H,), and readout(x_T, h_{T−1}, h_T) → y.

    The recurrence is engine_params'; the concat cell's readout also reads x_T, which engine_params leaves out."""
    p = engine_params(model)
    W_hy, b_y = p.W_hy[0], p.b_y[0]
    if isinstance(model, ElmanRNN):
        readout = lambda x, h_prev, h: float(W_hy @ h + b_y)  # noqa: E731  y = W_hy h_T + b_y
    else:
        w_x = model.i2o.weight[0, 0].item()  # the column of W_o that acts on x_T
        readout = lambda x, h_prev, h: float(w_x * x + W_hy @ h_prev + b_y)  # noqa: E731  y = W_o [x_T, h_{T−1}] + b_o
    return p.W_xh[:, 0], p.W_hh, p.b_h, readout


def extrapolation_mse(prediction, task):
    """MSE of the extrapolation against the true continuation, in standardised units (None if unknown)."""
    if task.truth_ext is None:
        return None
    return float(np.mean(((prediction - task.truth_ext) / task.std) ** 2))
