"""The parameters Θ of each cell, in PyTorch's weight shapes, so weights copy in and out of torch unchanged.

    RNN   h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)   W_xh (H, I) like nn.RNN.weight_ih_l0, W_hh (H, H)
    LSTM  W_ih (4H, I), W_hh (4H, H), b_ih, b_hh (4H,)  like nn.LSTM's *_l0, gates stacked i, f, g, o
    GRU   W_ih (3H, I), W_hh (3H, H), b_ih, b_hh (3H,)  like nn.GRU's *_l0,  gates stacked r, z, n
    every cell  y_t = W_hy h_t + b_y                  W_hy (O, H) like nn.Linear(H, O).weight
"""
from dataclasses import dataclass, fields

import numpy as np

from .cells import GRU_CELL, LSTM_CELL, RNN_CELL

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
GATED_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")
MAX_H = 512  # larger hidden sizes are not something a page can show, and they make every rerun slow


def as_array(name, value, ndim):
    """A float64 copy of `value` with `ndim` dimensions, finite, or a ValueError naming it."""
    try:
        a = np.array(value, dtype=np.float64)  # a copy: nobody can mutate our params behind our back
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be numbers, got {type(value).__name__}: {e}") from None
    if ndim == 2 and a.ndim == 0:
        a = a.reshape(1, 1)  # a scalar weight is a 1×1 matrix
    if ndim == 1 and a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinity")
    a.flags.writeable = False
    return a


class _Params:
    """What every cell's Θ shares: checked immutable arrays, sizes, as_dict, replace, equality, random."""

    names = ()     # field names, in the order of the dataclass
    cell = None    # the Cell that steps with these parameters (rnnviz.cells)
    _sizes = ()    # (array that fixes H, array that fixes I): both name the sizes in error messages

    def __post_init__(self):
        for f in self.names:
            object.__setattr__(self, f, as_array(f, getattr(self, f), 1 if f.startswith("b") else 2))
        H, I, O = self.H, self.I, self.O
        G = self.cell.n_gates
        for name, shape in self.shapes(H, I, O).items():
            got = getattr(self, name).shape
            if got != shape:
                a, b = self._sizes
                raise ValueError(f"{name} has shape {got} but {a} {getattr(self, a).shape} and W_hy "
                                 f"{self.W_hy.shape} make H={H}, I={I}, O={O}"
                                 f"{f' ({G} gates)' if G > 1 else ''}, so {name} must be {shape}")
        if min(H, I, O) < 1:
            raise ValueError(f"sizes must be at least 1, got H={H}, I={I}, O={O}")
        if max(H, I, O) > MAX_H:
            raise ValueError(f"sizes are capped at {MAX_H}, got H={H}, I={I}, O={O}")

    H = property(lambda self: getattr(self, self._sizes[0]).shape[1], doc="hidden size")
    I = property(lambda self: getattr(self, self._sizes[1]).shape[1], doc="input size")
    O = property(lambda self: self.W_hy.shape[0], doc="output size")

    def as_dict(self):
        """{name: array} in the params' own order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **arrays):
        """A new Θ of the same cell with some arrays swapped: Θ' = Θ with W_hh ← …"""
        return type(self)(**{**self.as_dict(), **arrays})

    def __eq__(self, other):
        return type(other) is type(self) and all(
            np.array_equal(a, b) for a, b in zip(self.as_dict().values(), other.as_dict().values()))

    __hash__ = None


@dataclass(frozen=True, eq=False)
class RNNParams(_Params):
    """Θ = {W_xh, W_hh, b_h, W_hy, b_y}; immutable float64 arrays, shapes checked on construction."""

    W_xh: np.ndarray  # (H, I) input → hidden
    W_hh: np.ndarray  # (H, H) hidden → hidden, the recurrence
    b_h: np.ndarray   # (H,)
    W_hy: np.ndarray  # (O, H) hidden → output
    b_y: np.ndarray   # (O,)

    names, cell, _sizes = PARAM_NAMES, RNN_CELL, ("W_xh", "W_xh")
    H = property(lambda self: self.W_xh.shape[0], doc="hidden size")

    @staticmethod
    def shapes(H, I, O):
        return {"W_xh": (H, I), "W_hh": (H, H), "b_h": (H,), "W_hy": (O, H), "b_y": (O,)}

    @classmethod
    def scalar(cls, W_xh=0.8, W_hh=0.5, b_h=0.0, W_hy=1.2, b_y=0.0):
        """H = I = O = 1; the defaults are seed 003's worked example."""
        return cls(W_xh=[[W_xh]], W_hh=[[W_hh]], b_h=[b_h], W_hy=[[W_hy]], b_y=[b_y])

    @classmethod
    def random(cls, H, I=1, O=1, seed=0, scale=None):
        """Seeded N(0, scale²) weights, zero biases; scale defaults to 1/√H (PyTorch's init range)."""
        _check_sizes(H, I, O)
        s = 1.0 / np.sqrt(H) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        return cls(W_xh=s * rng.standard_normal((H, I)), W_hh=s * rng.standard_normal((H, H)),
                   b_h=np.zeros(H), W_hy=s * rng.standard_normal((O, H)), b_y=np.zeros(O))

    @classmethod
    def from_torch(cls, rnn, linear):
        """Θ from an nn.RNN (one layer, tanh) and its nn.Linear(H, O) readout; b_h = bias_ih_l0 + bias_hh_l0."""
        return cls(W_xh=_numpy(rnn.weight_ih_l0), W_hh=_numpy(rnn.weight_hh_l0),
                   b_h=_numpy(rnn.bias_ih_l0) + _numpy(rnn.bias_hh_l0),
                   W_hy=_numpy(linear.weight), b_y=_numpy(linear.bias))


def _numpy(t):
    """A torch parameter as a float64 array (torch is never imported here: the caller holds the module)."""
    return t.detach().double().numpy()


def _check_sizes(H, I, O):
    if not all(isinstance(n, (int, np.integer)) and n >= 1 for n in (H, I, O)):
        raise ValueError(f"sizes must be positive integers, got H={H}, I={I}, O={O}")


class _GatedParams(_Params):
    """LSTM and GRU: G gates stacked along the rows of W_ih, W_hh, b_ih, b_hh, in PyTorch's order."""

    names, _sizes = GATED_NAMES, ("W_hh", "W_ih")

    @classmethod
    def shapes(cls, H, I, O):
        G = cls.cell.n_gates
        return {"W_ih": (G * H, I), "W_hh": (G * H, H), "b_ih": (G * H,), "b_hh": (G * H,),
                "W_hy": (O, H), "b_y": (O,)}

    def gate(self, name):
        """{W_i·, W_h·, b_i·, b_h·} of one gate, sliced from the stacked weights: gate("f") → W_if, W_hf, …"""
        k, H = self.cell.gates.index(name), self.H
        rows = slice(k * H, (k + 1) * H)
        return {"W_i": self.W_ih[rows], "W_h": self.W_hh[rows], "b_i": self.b_ih[rows], "b_h": self.b_hh[rows]}

    @classmethod
    def random(cls, H, I=1, O=1, seed=0, scale=None, gains=None):
        """PyTorch's default init, seeded: every array U(−s, s) with s = 1/√H (or `scale`);
        gains={"f": 2.0} multiplies one gate's rows (weights and biases) by its gain."""
        _check_sizes(H, I, O)
        s = 1.0 / np.sqrt(H) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        arrays = {n: rng.uniform(-s, s, shape) for n, shape in cls.shapes(H, I, O).items()}
        gain = np.repeat([float((gains or {}).get(g, 1.0)) for g in cls.cell.gates], H)  # (GH,)
        for n in ("W_ih", "W_hh", "b_ih", "b_hh"):
            arrays[n] = (arrays[n].T * gain).T
        return cls(**arrays)

    @classmethod
    def from_torch(cls, rnn, linear):
        """Θ from an nn.LSTM / nn.GRU (one layer) and its nn.Linear(H, O) readout, copied unchanged."""
        w = {n: _numpy(getattr(rnn, f"{t}_l0"))
             for n, t in zip(GATED_NAMES, ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))}
        return cls(**w, W_hy=_numpy(linear.weight), b_y=_numpy(linear.bias))


@dataclass(frozen=True, eq=False)
class LSTMParams(_GatedParams):
    """Θ of an LSTM (gates i, f, g, o stacked as in nn.LSTM) with a linear readout y_t = W_hy h_t + b_y."""

    W_ih: np.ndarray  # (4H, I) = [W_ii; W_if; W_ig; W_io]  like nn.LSTM.weight_ih_l0
    W_hh: np.ndarray  # (4H, H) = [W_hi; W_hf; W_hg; W_ho]  like nn.LSTM.weight_hh_l0
    b_ih: np.ndarray  # (4H,)
    b_hh: np.ndarray  # (4H,)
    W_hy: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)

    cell = LSTM_CELL


@dataclass(frozen=True, eq=False)
class GRUParams(_GatedParams):
    """Θ of a GRU (gates r, z, n stacked as in nn.GRU) with a linear readout y_t = W_hy h_t + b_y."""

    W_ih: np.ndarray  # (3H, I) = [W_ir; W_iz; W_in]  like nn.GRU.weight_ih_l0
    W_hh: np.ndarray  # (3H, H) = [W_hr; W_hz; W_hn]  like nn.GRU.weight_hh_l0
    b_ih: np.ndarray  # (3H,)
    b_hh: np.ndarray  # (3H,)
    W_hy: np.ndarray  # (O, H)
    b_y: np.ndarray   # (O,)

    cell = GRU_CELL
