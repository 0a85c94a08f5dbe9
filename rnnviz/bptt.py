"""Backpropagation through time: ∂L/∂Θ for L = Σ_t L_t, L_t = ½‖y_t − target_t‖², for any cell.

The chain rule, one step at a time (min-char-rnn's reverse loop); for the RNN:

    ∂L/∂y_t     = m_t (y_t − target_t)                  m_t = 1 where step t carries a loss
    ∂L/∂h_t     = W_hyᵀ ∂L/∂y_t + W_hhᵀ ∂L/∂a_{t+1}     the output path + the recurrent path
    ∂L/∂a_t     = ∂L/∂h_t ⊙ (1 − h_t²)                  back through tanh
    ∂L/∂W_hh    = Σ_t ∂L/∂a_t h_{t−1}ᵀ,   ∂L/∂W_xh = Σ_t ∂L/∂a_t x_tᵀ,   ∂L/∂b_h = Σ_t ∂L/∂a_t
    ∂L/∂W_hy    = Σ_t ∂L/∂y_t h_tᵀ,       ∂L/∂b_y  = Σ_t ∂L/∂y_t

Gated cells take the middle two lines from their own backward step (rnnviz.cells), through h and c.
loss_on: "all" (L = Σ_t L_t), "last" (L_T alone) or an int t, 1-based (L_t alone).
Truncated BPTT with k lets each L_t flow back through at most k cell applications (steps t, t−1, …,
t−k+1); k = 1 is seed 003's one-step formula (with the correct 1 − h_t², not its (1 − h_t)²).
"""
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .forward import check_sequence, initial_state


@dataclass(frozen=True, eq=False)
class Grads:
    """∂L/∂Θ in the parameters' own shapes (g.W_hh, g.W_xh or g.W_ih, …), with the intermediate gradients."""

    d: dict             # {name: ∂L/∂name} in the params' order
    dy: np.ndarray      # (T, O) ∂L/∂y_t
    da: np.ndarray      # (T, GH) ∂L/∂a_t, the pre-activations the input weights feed (RNN: (T, H))
    da_hh: np.ndarray   # (T, GH) ∂L/∂a_t^hh, the pre-activations W_hh feeds (differs from da in a GRU's n)
    ds: np.ndarray      # (T, S) ∂L/∂s_t for the whole state (an LSTM's [h, c]; = dh otherwise)
    losses: np.ndarray  # (T,) L_t, 0 where step t carries no loss
    params: object
    run: object         # the ForwardRun the gradients were taken on
    truncate: object    # None for full BPTT, else k

    def __getattr__(self, name):
        d = self.__dict__.get("d", {})
        if name in d:
            return d[name]
        raise AttributeError(f"Grads has no {name!r}")

    @property
    def dh(self):
        """(T, H) ∂L/∂h_t, all paths (within the truncation window when truncated): ds's h block."""
        return self.ds[:, :self.params.H]

    @property
    def loss(self):
        """L = Σ_t L_t."""
        return float(self.losses.sum())

    def as_dict(self):
        """{name: ∂L/∂name} in the params' order."""
        return dict(self.d)

    @cached_property
    def per_step(self):
        """{name: (T, *shape)}: what time step t's use of each parameter contributes; Σ_t = the total."""
        return _param_grads(self.params, self.run, self.dy, self.da, self.da_hh, per_step=True)

    def reach(self):
        """(T, T) R[t, k] = ‖∂L_t/∂h_k‖₂ along every path (full BPTT), 0 for k > t: which loss reaches which state."""
        T, H = self.run.T, self.params.H
        R = np.zeros((T, T))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for j, G in enumerate(self.params.cell.lagged(self.params, self.run, _ds_out(self.params, self.dy), T)):
                s = np.arange(T - j)
                R[s + j, s] = np.linalg.norm(G[:, :H], axis=1)  # G[s] = ∂L_{s+j}/∂s_s
        return R


def _param_grads(params, run, dy, da_ih, da_hh, per_step):
    """{name: ∂L/∂name} (or each step's term): the cell's recurrent weights, then W_hy and b_y."""
    g = params.cell.recurrent_grads(run.x, run.h_prev, da_ih, da_hh, per_step)
    if per_step:
        g.update(W_hy=dy[:, :, None] * run.h[:, None, :], b_y=dy.copy())  # ∂L/∂y_t h_tᵀ, ∂L/∂y_t  (T, O, H), (T, O)
    else:
        g.update(W_hy=dy.T @ run.h, b_y=dy.sum(axis=0))
    return {n: g[n] for n in params.names}


def _ds_out(params, dy):
    """(T, S) ∂L_t/∂s_t through y_t alone: W_hyᵀ ∂L/∂y_t on h, 0 on an LSTM's c."""
    dh = dy @ params.W_hy
    return np.concatenate([dh, np.zeros_like(dh)], axis=1) if params.cell.has_c else dh


def check_target(target, T, O):
    """target as (T, O), matching x's length."""
    target = check_sequence("target", target, O, "the output size O")
    if target.shape[0] != T:
        raise ValueError(f"x has {T} time steps but target has {target.shape[0]}: they must be the same length")
    return target


def check_truncate(truncate):
    if truncate is None:
        return None
    if isinstance(truncate, bool) or not isinstance(truncate, (int, np.integer)) or truncate < 1:
        raise ValueError(f"truncate must be a whole number of steps ≥ 1 (or None for full BPTT), got {truncate!r}")
    return int(truncate)


def check_loss_on(loss_on, T):
    """"all", "last", or a step t with 1 ≤ t ≤ T (as an int)."""
    if isinstance(loss_on, str) and loss_on in ("all", "last"):
        return loss_on
    if isinstance(loss_on, (int, np.integer)) and not isinstance(loss_on, bool):
        if 1 <= loss_on <= T:
            return int(loss_on)
        raise ValueError(f"loss_on={loss_on} is not a time step of this sequence: t counts from 1 to T = {T}")
    raise ValueError(f'loss_on must be "all", "last" or a time step t (1 … T), got {loss_on!r}')


def bptt(params, x, target, h0=None, truncate=None, loss_on="all", c0=None):
    """∂L/∂Θ by backpropagation through time, full (truncate=None) or truncated to k steps."""
    x = check_sequence("x", x, params.I, "the input size I")
    loss_on = check_loss_on(loss_on, x.shape[0])
    target = check_target(target, x.shape[0], params.O)
    truncate = check_truncate(truncate)
    s0 = initial_state(params, h0, c0)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        run = params.cell.scan(params, x, s0)
        return _backward(params, run, target, truncate, loss_on)


def step_losses(y, target):
    """(T,) L_t = ½‖y_t − target_t‖² at every step, for outputs and targets (T, O); too large to square → inf."""
    return _half_square(np.asarray(y, dtype=np.float64) - np.asarray(target, dtype=np.float64))


def _half_square(err):
    with np.errstate(over="ignore"):
        return 0.5 * np.einsum("to,to->t", err, err)   # (T,) ½‖err_t‖²


def _backward(params, run, target, truncate, loss_on):
    T, cell = run.T, params.cell
    err = run.y - target                               # (T, O) y_t − target_t
    if loss_on != "all":
        t = T if loss_on == "last" else loss_on
        err[:t - 1] = 0.0                              # only L_t carries a loss
        err[t:] = 0.0
    losses = _half_square(err)                         # (T,) L_t = ½‖y_t − target_t‖²
    dy = err                                           # ∂L/∂y_t = y_t − target_t
    ds_out = _ds_out(params, dy)
    if truncate is None or truncate >= T:
        ds, da_ih, da_hh = cell.back_full(params, run, ds_out)
    else:
        ds, da_ih, da_hh = cell.back_truncated(params, run, ds_out, truncate)
    g = Grads(d=_param_grads(params, run, dy, da_ih, da_hh, per_step=False), dy=dy, da=da_ih,
              da_hh=da_hh, ds=ds, losses=losses, params=params, run=run, truncate=truncate)
    _check_finite(g)
    return g


def _check_finite(g):
    for name in ("losses",) + tuple(g.params.names):
        if not np.all(np.isfinite(getattr(g, name))):
            raise ValueError(f"{'the loss' if name == 'losses' else 'the gradient of ' + name} overflows "
                             "float64 (beyond ±1.8e308): use smaller weights or inputs")
