"""The forward pass, unrolled over time, for any cell (rnnviz.cells); for the RNN:

    a_t = W_xh x_t + W_hh h_{t-1} + b_h      pre-activation
    h_t = tanh(a_t)                          tanh′(a_t) = 1 − h_t²
    y_t = W_hy h_t + b_y
"""
from dataclasses import dataclass, field

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


def check_c0(params, c0):
    """c_0 as an (H,) array for an LSTM (zeros when None); any other cell has no c, so c0 must be None."""
    if not params.cell.has_c:
        if c0 is not None:
            raise ValueError(f"c0 is an LSTM's initial cell state; a {params.cell.name} has no c, so pass c0 only "
                             "with LSTMParams")
        return np.zeros(0)
    if c0 is None:
        return np.zeros(params.H)
    try:
        return check_h0(params, c0)
    except ValueError as e:
        raise ValueError(str(e).replace("h0", "c0")) from None


def initial_state(params, h0, c0):
    """s_0 = h_0, or [h_0, c_0] for an LSTM; (S,)."""
    return np.concatenate([check_h0(params, h0), check_c0(params, c0)])


@dataclass(frozen=True, eq=False)
class ForwardRun:
    """Everything the forward pass computed; row t−1 holds time step t (the maths counts from 1)."""

    x: np.ndarray   # (T, I) inputs
    h0: np.ndarray  # (H,) initial state
    hs: np.ndarray  # (T+1, H) h_0 … h_T
    a: np.ndarray   # (T, H) the RNN's pre-activations a_1 … a_T (None for gated cells: see gates)
    y: np.ndarray   # (T, O) outputs y_1 … y_T
    cs: np.ndarray = None                      # (T+1, H) c_0 … c_T, an LSTM's cell state
    gates: dict = field(default_factory=dict)  # {"i": (T, H), …} each gate's value at each step
    cache: tuple = ()                          # (T, ·) arrays: what each backward step reads

    @property
    def h(self):
        """(T, H) hidden states h_1 … h_T."""
        return self.hs[1:]

    @property
    def h_prev(self):
        """(T, H) the state each step reads: h_0 … h_{T−1}."""
        return self.hs[:-1]

    @property
    def c(self):
        """(T, H) an LSTM's cell states c_1 … c_T."""
        if self.cs is None:
            raise AttributeError("run.c: only an LSTM carries a cell state c")
        return self.cs[1:]

    @property
    def states(self):
        """(T+1, S) s_0 … s_T: h, or [h, c] for an LSTM."""
        return self.hs if self.cs is None else np.concatenate([self.hs, self.cs], axis=1)

    @property
    def T(self):
        return self.x.shape[0]

    @property
    def dtanh(self):
        """(T, H) tanh′(a_t) = 1 − h_t², computed from h as min-char-rnn does (the RNN's)."""
        return 1.0 - self.h * self.h


def forward(params, x, h0=None, c0=None):
    """Run the cell over x: s_t = cell(x_t, s_{t−1}), y_t = W_hy h_t + b_y (RNN: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h))."""
    x = check_sequence("x", x, params.I, "the input size I")
    return params.cell.scan(params, x, initial_state(params, h0, c0))
