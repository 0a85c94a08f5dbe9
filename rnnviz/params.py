"""The parameters Θ of a vanilla (Elman) RNN, in PyTorch's weight shapes.

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)        W_xh (H, I)  like nn.RNN.weight_ih_l0
    y_t = W_hy h_t + b_y                              W_hh (H, H)  like nn.RNN.weight_hh_l0
                                                      W_hy (O, H)  like nn.Linear(H, O).weight
"""
from dataclasses import dataclass, fields

import numpy as np

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
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


@dataclass(frozen=True, eq=False)
class RNNParams:
    """Θ = {W_xh, W_hh, b_h, W_hy, b_y}; immutable float64 arrays, shapes checked on construction."""

    W_xh: np.ndarray  # (H, I) input → hidden
    W_hh: np.ndarray  # (H, H) hidden → hidden, the recurrence
    b_h: np.ndarray   # (H,)
    W_hy: np.ndarray  # (O, H) hidden → output
    b_y: np.ndarray   # (O,)

    def __post_init__(self):
        for f, ndim in zip(PARAM_NAMES, (2, 2, 1, 2, 1)):
            object.__setattr__(self, f, as_array(f, getattr(self, f), ndim))
        H, I = self.W_xh.shape
        O = self.W_hy.shape[0]
        expected = {"W_xh": (H, I), "W_hh": (H, H), "b_h": (H,), "W_hy": (O, H), "b_y": (O,)}
        for name, shape in expected.items():
            got = getattr(self, name).shape
            if got != shape:
                raise ValueError(f"{name} has shape {got} but W_xh {self.W_xh.shape} and W_hy "
                                 f"{self.W_hy.shape} make H={H}, I={I}, O={O}, so {name} must be {shape}")
        if min(H, I, O) < 1:
            raise ValueError(f"sizes must be at least 1, got H={H}, I={I}, O={O}")
        if max(H, I, O) > MAX_H:
            raise ValueError(f"sizes are capped at {MAX_H}, got H={H}, I={I}, O={O}")

    H = property(lambda self: self.W_hh.shape[0], doc="hidden size")
    I = property(lambda self: self.W_xh.shape[1], doc="input size")
    O = property(lambda self: self.W_hy.shape[0], doc="output size")

    def as_dict(self):
        """{name: array} in PARAM_NAMES order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **arrays):
        """A new RNNParams with some arrays swapped: Θ' = Θ with W_hh ← …"""
        return RNNParams(**{**self.as_dict(), **arrays})

    def __eq__(self, other):
        return isinstance(other, RNNParams) and all(
            np.array_equal(a, b) for a, b in zip(self.as_dict().values(), other.as_dict().values()))

    __hash__ = None

    @classmethod
    def scalar(cls, W_xh=0.8, W_hh=0.5, b_h=0.0, W_hy=1.2, b_y=0.0):
        """H = I = O = 1; the defaults are seed 003's worked example."""
        return cls(W_xh=[[W_xh]], W_hh=[[W_hh]], b_h=[b_h], W_hy=[[W_hy]], b_y=[b_y])

    @classmethod
    def random(cls, H, I=1, O=1, seed=0, scale=None):
        """Seeded N(0, scale²) weights, zero biases; scale defaults to 1/√H (PyTorch's init range)."""
        if not all(isinstance(n, (int, np.integer)) and n >= 1 for n in (H, I, O)):
            raise ValueError(f"sizes must be positive integers, got H={H}, I={I}, O={O}")
        s = 1.0 / np.sqrt(H) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        return cls(W_xh=s * rng.standard_normal((H, I)), W_hh=s * rng.standard_normal((H, H)),
                   b_h=np.zeros(H), W_hy=s * rng.standard_normal((O, H)), b_y=np.zeros(O))
