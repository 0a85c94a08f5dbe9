"""Backpropagation through time: ∂L/∂Θ for L = Σ_t L_t, L_t = ½‖y_t − target_t‖².

The chain rule, one step at a time (min-char-rnn's reverse loop):

    ∂L/∂y_t     = m_t (y_t − target_t)                  m_t = 1 where step t carries a loss
    ∂L/∂h_t     = W_hyᵀ ∂L/∂y_t + W_hhᵀ ∂L/∂a_{t+1}     the output path + the recurrent path
    ∂L/∂a_t     = ∂L/∂h_t ⊙ (1 − h_t²)                  back through tanh
    ∂L/∂W_hh    = Σ_t ∂L/∂a_t h_{t−1}ᵀ,   ∂L/∂W_xh = Σ_t ∂L/∂a_t x_tᵀ,   ∂L/∂b_h = Σ_t ∂L/∂a_t
    ∂L/∂W_hy    = Σ_t ∂L/∂y_t h_tᵀ,       ∂L/∂b_y  = Σ_t ∂L/∂y_t

Truncated BPTT with k lets each L_t flow back through at most k cell applications (steps t, t−1, …,
t−k+1); k = 1 is seed 003's one-step formula (with the correct 1 − h_t², not its (1 − h_t)²).
"""
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .forward import _forward, check_h0, check_sequence
from .params import PARAM_NAMES, RNNParams


@dataclass(frozen=True, eq=False)
class Grads:
    """∂L/∂Θ in the parameters' own shapes, with the intermediate gradients a page can show."""

    W_xh: np.ndarray    # (H, I)
    W_hh: np.ndarray    # (H, H)
    b_h: np.ndarray     # (H,)
    W_hy: np.ndarray    # (O, H)
    b_y: np.ndarray     # (O,)
    dy: np.ndarray      # (T, O) ∂L/∂y_t
    dh: np.ndarray      # (T, H) ∂L/∂h_t, all paths (within the truncation window when truncated)
    da: np.ndarray      # (T, H) ∂L/∂a_t
    losses: np.ndarray  # (T,) L_t, 0 where step t carries no loss
    params: RNNParams
    run: object         # the ForwardRun the gradients were taken on
    truncate: object    # None for full BPTT, else k

    @property
    def loss(self):
        """L = Σ_t L_t."""
        return float(self.losses.sum())

    def as_dict(self):
        """{name: ∂L/∂name} in PARAM_NAMES order."""
        return {name: getattr(self, name) for name in PARAM_NAMES}

    @cached_property
    def per_step(self):
        """{name: (T, *shape)}: what time step t's use of each parameter contributes; Σ_t = the total."""
        x, h_prev, h = self.run.x, self.run.h_prev, self.run.h
        return {
            "W_xh": self.da[:, :, None] * x[:, None, :],       # ∂L/∂a_t x_tᵀ       (T, H, I)
            "W_hh": self.da[:, :, None] * h_prev[:, None, :],  # ∂L/∂a_t h_{t−1}ᵀ   (T, H, H)
            "b_h": self.da.copy(),                             # ∂L/∂a_t            (T, H)
            "W_hy": self.dy[:, :, None] * h[:, None, :],       # ∂L/∂y_t h_tᵀ       (T, O, H)
            "b_y": self.dy.copy(),                             # ∂L/∂y_t            (T, O)
        }

    def reach(self):
        """(T, T) R[t, k] = ‖∂L_t/∂h_k‖₂ along every path (full BPTT), 0 for k > t: which loss reaches which state."""
        T = self.run.T
        R = np.zeros((T, T))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for j, G in enumerate(_lagged(self.params, self.run, self.dy, T)):
                s = np.arange(T - j)
                R[s + j, s] = np.linalg.norm(G, axis=1)  # G[s] = ∂L_{s+j}/∂h_s
        return R


def _lagged(params, run, dy, k):
    """Yield G_j for j = 0 … k−1, where G_j[s] = ∂L_{s+j}/∂h_s: the gradient of one loss j steps back.

    G_0[s] = W_hyᵀ ∂L_s/∂y_s, and G_{j+1}[s] = W_hhᵀ ((1 − h_{s+1}²) ⊙ G_j[s+1]): one more cell back.
    """
    G = dy @ params.W_hy          # (T, H) ∂L_t/∂h_t through y_t
    dtanh = run.dtanh
    for j in range(min(k, run.T)):
        yield G
        G = (dtanh[1:run.T - j] * G[1:]) @ params.W_hh  # (T−j−1, H) one cell further back


def _dh_full(params, dy, dtanh):
    """∂L/∂h_t and ∂L/∂a_t for every t, by the reverse loop over time.

    z_{t+1} = [∂L/∂a_{t+1}, W_hyᵀ ∂L/∂y_t] and W = [W_hh; I] make ∂L/∂h_t one product a step.
    """
    T, H = dtanh.shape
    z = np.zeros((T + 1, 2 * H))             # (T+1, 2H) row t+1 = [∂L/∂a_{t+1}, W_hyᵀ ∂L/∂y_t]
    z[1:, H:] = dy @ params.W_hy             # ∂L_t/∂h_t through y_t, all t at once; ∂L/∂a_{T+1} = 0
    W = np.vstack([params.W_hh, np.eye(H)])  # (2H, H)
    dh = np.empty((T, H))
    dot, multiply = np.dot, np.multiply      # the loop's cost is its calls: bound once, output positional
    # t = T … 1, rows taken by zip (no per-step indexing): z_{t+1}, ∂L/∂h_t, 1 − h_t², and ∂L/∂a_t's slot
    for z_next, dh_t, dtanh_t, da_t in zip(z[:0:-1], dh[::-1], dtanh[::-1], z[-2::-1, :H]):
        dot(z_next, W, dh_t)                  # ∂L/∂h_t = W_hhᵀ ∂L/∂a_{t+1} + W_hyᵀ ∂L/∂y_t
        multiply(dh_t, dtanh_t, da_t)         # ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)
    return dh, z[:T, :H].copy()


def _dh_truncated(params, run, dy, k):
    """∂L/∂h_s = Σ_{j<k} ∂L_{s+j}/∂h_s: each loss reaches back at most k cells."""
    dh = np.zeros((run.T, params.H))
    for j, G in enumerate(_lagged(params, run, dy, k)):
        dh[: run.T - j] += G
    return dh, dh * run.dtanh


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


def bptt(params, x, target, h0=None, truncate=None, loss_on="all"):
    """∂L/∂Θ by backpropagation through time, full (truncate=None) or truncated to k steps."""
    if loss_on not in ("all", "last"):
        raise ValueError(f'loss_on must be "all" or "last", got {loss_on!r}')
    x = check_sequence("x", x, params.I, "the input size I")
    target = check_target(target, x.shape[0], params.O)
    truncate = check_truncate(truncate)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        run = _forward(params, x, check_h0(params, h0))
        return _backward(params, run, target, truncate, loss_on)


def step_losses(y, target):
    """(T,) L_t = ½‖y_t − target_t‖² at every step, for outputs and targets (T, O); too large to square → inf."""
    return _half_square(np.asarray(y, dtype=np.float64) - np.asarray(target, dtype=np.float64))


def _half_square(err):
    with np.errstate(over="ignore"):
        return 0.5 * np.einsum("to,to->t", err, err)   # (T,) ½‖err_t‖²


def _backward(params, run, target, truncate, loss_on):
    T = run.T
    err = run.y - target                               # (T, O) y_t − target_t
    if loss_on == "last":
        err[:-1] = 0.0                                 # only L_T carries a loss
    losses = _half_square(err)                         # (T,) L_t = ½‖y_t − target_t‖²
    dy = err                                           # ∂L/∂y_t = y_t − target_t
    if truncate is None or truncate >= T:
        dh, da = _dh_full(params, dy, run.dtanh)
    else:
        dh, da = _dh_truncated(params, run, dy, truncate)
    g = Grads(W_xh=da.T @ run.x, W_hh=da.T @ run.h_prev, b_h=da.sum(axis=0),
              W_hy=dy.T @ run.h, b_y=dy.sum(axis=0),
              dy=dy, dh=dh, da=da, losses=losses, params=params, run=run, truncate=truncate)
    _check_finite(g)
    return g


def _check_finite(g):
    for name in ("losses",) + PARAM_NAMES:
        if not np.all(np.isfinite(getattr(g, name))):
            raise ValueError(f"{'the loss' if name == 'losses' else 'the gradient of ' + name} overflows "
                             "float64 (beyond ±1.8e308): use smaller weights or inputs")
