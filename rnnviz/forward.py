"""The forward pass, unrolled over time.

    a_t = W_xh x_t + W_hh h_{t-1} + b_h      pre-activation
    h_t = tanh(a_t)                          tanh′(a_t) = 1 − h_t²
    y_t = W_hy h_t + b_y
"""
from dataclasses import dataclass

import numpy as np

from .data import MAX_T


def check_sequence(name, value, width, width_name):
    """A (T, width) float64 array from (T, width), or (T,) when width = 1; a learner-readable error else."""
    try:
        a = np.array(value, dtype=np.float64)  # a copy we may freeze
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers") from None
    if a.ndim == 1 and width == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] != width:
        want = f"(T, {width})" + (" or (T,)" if width == 1 else "")
        raise ValueError(f"{name} must have shape {want} to match {width_name} = {width}, got {a.shape}")
    T = a.shape[0]
    if T == 0:
        raise ValueError(f"{name} is empty: the sequence needs at least one time step")
    if T > MAX_T:
        raise ValueError(f"{name} has {T} time steps; the interactive engine stops at {MAX_T}")
    if not np.all(np.isfinite(a)):
        t = int(np.argwhere(~np.isfinite(a))[0, 0])
        raise ValueError(f"{name} contains NaN or infinity (first at time step t={t + 1})")
    return a


def check_h0(params, h0):
    """h_0 as an (H,) array; zeros when None."""
    if h0 is None:
        return np.zeros(params.H)
    try:
        a = np.array(h0, dtype=np.float64).reshape(-1) if np.ndim(h0) <= 1 else np.array(h0)
    except (TypeError, ValueError):
        raise ValueError("h0 must be numbers") from None
    if a.shape != (params.H,):
        raise ValueError(f"h0 must have shape ({params.H},) to match H = {params.H}, got {np.shape(h0)}")
    if not np.all(np.isfinite(a)):
        raise ValueError("h0 contains NaN or infinity")
    return a


@dataclass(frozen=True, eq=False)
class ForwardRun:
    """Everything the forward pass computed; row t−1 holds time step t (the maths counts from 1)."""

    x: np.ndarray   # (T, I) inputs
    h0: np.ndarray  # (H,) initial state
    hs: np.ndarray  # (T+1, H) h_0 … h_T
    a: np.ndarray   # (T, H) pre-activations a_1 … a_T
    y: np.ndarray   # (T, O) outputs y_1 … y_T

    @property
    def h(self):
        """(T, H) hidden states h_1 … h_T."""
        return self.hs[1:]

    @property
    def h_prev(self):
        """(T, H) the state each step reads: h_0 … h_{T−1}."""
        return self.hs[:-1]

    @property
    def T(self):
        return self.x.shape[0]

    @property
    def dtanh(self):
        """(T, H) tanh′(a_t) = 1 − h_t², computed from h as min-char-rnn does."""
        return 1.0 - self.h * self.h


def forward(params, x, h0=None):
    """Run the RNN over x: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), y_t = W_hy h_t + b_y."""
    x = check_sequence("x", x, params.I, "the input size I")
    h0 = check_h0(params, h0)
    return _forward(params, x, h0)


def _forward(params, x, h0):
    """forward() without the input checks; x (T, I), h0 (H,) already validated.

    Seed 004's concatenation, with a 1 for the bias: v_t = [h_{t−1}, x_t, 1] and W = [W_hh | W_xh | b_h],
    so a_t = W v_t is one product a step; everything outside the recurrence is done for all t at once.
    """
    T, I, H = x.shape[0], params.I, params.H
    v = np.empty((T + 1, H + I + 1))     # (T+1, H+I+1) row t = [h_t, x_{t+1}, 1]
    v[0, :H] = h0
    v[:T, H:H + I] = x
    v[:T, -1] = 1.0
    v[T, H:] = 0.0
    W_T = np.vstack([params.W_hh.T, params.W_xh.T, params.b_h])  # (H+I+1, H) = [W_hh | W_xh | b_h]ᵀ
    a = np.empty((T, H))                 # (T, H)
    dot, tanh = np.dot, np.tanh          # the loop's cost is its calls: bound once, output positional
    for v_t, a_t, h_t in zip(v, a, v[1:, :H]):  # the recurrence is the only part that must be a loop
        dot(v_t, W_T, a_t)               # a_t = W_hh h_{t−1} + W_xh x_t + b_h
        tanh(a_t, h_t)                   # h_t = tanh(a_t)
    hs = v[:, :H].copy()                 # (T+1, H) h_0 … h_T
    y = hs[1:] @ params.W_hy.T + params.b_y  # (T, O) y_t = W_hy h_t + b_y, all t at once
    for arr in (x, hs, a, y):
        arr.flags.writeable = False      # a run is a record: nothing downstream may edit it
    return ForwardRun(x=x, h0=h0, hs=hs, a=a, y=y)
