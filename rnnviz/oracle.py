"""The same maths in torch.autograd, float64: the reference every number the app shows is checked against.

Nothing here is clever on purpose: an explicit loop over the cell, losses summed, `.backward()`.
Truncated BPTT is each L_t recomputed from h_{t−k} with `detach()`, so no gradient flows past k cells.
"""
import numpy as np
import torch

from .params import PARAM_NAMES


def torch_params(params):
    """{name: float64 leaf tensor requiring grad}."""
    return {n: torch.tensor(a, dtype=torch.float64, requires_grad=True) for n, a in params.as_dict().items()}


def _cell(p, x_t, h):
    return torch.tanh(p["W_xh"] @ x_t + p["W_hh"] @ h + p["b_h"])  # h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h)


def torch_forward(params, x, h0):
    """(hs (T, H), ys (T, O)) from autograd's own loop."""
    p = torch_params(params)
    with torch.no_grad():
        h, hs = torch.tensor(np.asarray(h0, dtype=np.float64).reshape(params.H)), []
        for x_t in torch.tensor(np.asarray(x, dtype=np.float64).reshape(len(x), params.I)):
            h = _cell(p, x_t, h)
            hs.append(h)
        H = torch.stack(hs)
        return H.numpy(), (H @ p["W_hy"].T + p["b_y"]).numpy()


def torch_bptt(params, x, target, h0, truncate=None, loss_on="all"):
    """{"loss", "dh" (T, H), and ∂L/∂name for each parameter} from torch.autograd, float64."""
    T = len(x)
    x = torch.tensor(np.asarray(x, dtype=np.float64).reshape(T, params.I))
    target = torch.tensor(np.asarray(target, dtype=np.float64).reshape(T, params.O))
    steps = range(T) if loss_on == "all" else [T - 1] if loss_on == "last" else [int(loss_on) - 1]  # t is 1-based
    p = torch_params(params)
    k = T if truncate is None else min(int(truncate), T)
    with torch.no_grad():  # the states each truncated window starts from
        h, starts = torch.tensor(np.asarray(h0, dtype=np.float64).reshape(params.H)), []
        for x_t in x:
            starts.append(h)
            h = _cell(p, x_t, h)
    dh = torch.zeros(T, params.H, dtype=torch.float64)
    loss = torch.zeros((), dtype=torch.float64)
    for t in steps if k < T else [None]:
        first = 0 if t is None else t - k + 1        # L_t flows back through cells first … t
        last = T - 1 if t is None else t
        h = starts[max(first, 0)].detach()
        hs = []
        for s in range(max(first, 0), last + 1):
            h = _cell(p, x[s], h)
            h.retain_grad()
            hs.append((s, h))
        loss_steps = steps if t is None else [t]
        L = sum(0.5 * ((p["W_hy"] @ hs[s - hs[0][0]][1] + p["b_y"] - target[s]) ** 2).sum() for s in loss_steps)
        L.backward()
        loss = loss + L.detach()
        for s, h_s in hs:
            if h_s.grad is not None:                 # states after the one loss step get no gradient
                dh[s] += h_s.grad
    out = {n: p[n].grad.numpy() for n in PARAM_NAMES}
    out.update(loss=float(loss), dh=dh.numpy())
    return out
