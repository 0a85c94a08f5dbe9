"""PyTorch's nn.RNN shapes (seed 002): size checks, a real module run, and its tensors drawn as blocks.

    h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)       (PyTorch, row vectors, two biases)
        = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  b_h = b_ih + b_hh   (rnnviz, column vectors)
    x (B, T, I) → out (B, T, D·H), h_n (D·L, B, H)              (batch_first; D = 2 if bidirectional)

No Streamlit here: pure functions the page and the tests share.
"""
from dataclasses import dataclass

import numpy as np
import torch

import rnnviz

MAX_ELEMENTS = 1_000_000   # numbers in x or out: beyond this the page would stall and nothing is drawable
MAX_PARAMS = 2_000_000     # weights and biases of the whole stack
MAX_WORK = 200_000_000     # multiply-adds of one forward pass, D·L·B·T·H·(in + H); ~0.1 s on one core
CAP = 12                   # cells drawn along each axis of a block; the label always gives the true size
MAX_SLABS = 6              # stacked slabs drawn behind one another (the first axis of a 3-D tensor)


@dataclass(frozen=True)
class Sizes:
    """The arguments of nn.RNN and of its random input (seed 002's names in comments)."""
    B: int = 1                  # batch_size: sequences run side by side
    T: int = 4                  # time_step: steps per sequence
    I: int = 2                  # n_features = input_size
    H: int = 3                  # n_neurons = hidden_size
    L: int = 1                  # rnn_cell = num_layers, stacked
    bidirectional: bool = False
    batch_first: bool = True

    D = property(lambda self: 2 if self.bidirectional else 1, doc="directions")

    def dims(self, name: str) -> tuple[tuple[str, int], ...]:
        """The named dimensions of x, out or h_n, in PyTorch's order."""
        B, T, D, H, L = ("B", self.B), ("T", self.T), self.D, self.H, self.L
        feat = {"x": ("I", self.I), "out": ("D·H" if D > 1 else "H", D * H)}
        if name == "h_n":
            return ("D·L" if D > 1 else "L", D * L), B, ("H", H)
        return (B, T, feat[name]) if self.batch_first else (T, B, feat[name])

    def shape(self, name: str) -> tuple[int, ...]:
        return tuple(n for _, n in self.dims(name))

    def n_params(self) -> int:
        """Σ over layers and directions of weight_ih (H, in) + weight_hh (H, H) + two biases (H,)."""
        per_layer = [self.H * ((self.I if layer == 0 else self.D * self.H) + self.H + 2) for layer in range(self.L)]
        return self.D * sum(per_layer)

    def work(self) -> int:
        return self.D * self.B * self.T * self.H * sum(
            (self.I if layer == 0 else self.D * self.H) + self.H for layer in range(self.L))


def problems(s: Sizes) -> list[str]:
    """Why these sizes are too big to build and draw here (empty when they are fine)."""
    out = []
    if s.B * s.T * s.I > MAX_ELEMENTS:
        out.append(f"x would hold B·T·I = {s.B * s.T * s.I:,} numbers (limit {MAX_ELEMENTS:,}): "
                   f"lower the batch, time steps or features.")
    if s.B * s.T * s.D * s.H > MAX_ELEMENTS:
        out.append(f"out would hold B·T·D·H = {s.B * s.T * s.D * s.H:,} numbers (limit {MAX_ELEMENTS:,}): "
                   f"lower the batch, time steps or hidden size.")
    if s.n_params() > MAX_PARAMS:
        out.append(f"the module would have {s.n_params():,} parameters (limit {MAX_PARAMS:,}): "
                   f"lower the hidden size, layers or features.")
    if not out and s.work() > MAX_WORK:
        out.append(f"one forward pass would take {s.work():,} multiply-adds (limit {MAX_WORK:,}): "
                   f"lower any of the sizes.")
    return out


@dataclass(frozen=True)
class TorchRun:
    """A real nn.RNN run: its input, both outputs and every named parameter, as numpy arrays."""
    x: np.ndarray                    # (B, T, I) or (T, B, I)
    out: np.ndarray                  # (B, T, D·H) or (T, B, D·H)
    h_n: np.ndarray                  # (D·L, B, H)
    params: dict[str, np.ndarray]    # name → array, in named_parameters() order


def run_torch(s: Sizes, seed: int = 0) -> TorchRun:
    """Build torch.nn.RNN(I, H, L, batch_first, bidirectional) with seeded weights; run it on x ~ N(0, 1)."""
    if problems(s):
        raise ValueError("; ".join(problems(s)))
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # the module's own init draws from the global generator
    rnn = torch.nn.RNN(input_size=s.I, hidden_size=s.H, num_layers=s.L, bias=True,
                       batch_first=s.batch_first, bidirectional=s.bidirectional)
    x = torch.randn(s.shape("x"), generator=gen)
    with torch.no_grad():
        out, h_n = rnn(x)
    return TorchRun(x.numpy(), out.numpy(), h_n.numpy(),
                    {n: p.detach().numpy().copy() for n, p in rnn.named_parameters()})


def param_rows(s: Sizes, params: dict[str, np.ndarray]) -> list[dict]:
    """One row per parameter: name, shape, count and what it multiplies, for a table."""
    rows = []
    for name, a in params.items():
        layer = int(name.split("_l")[1].split("_")[0])
        source = ("x_t" if layer == 0 else f"layer {layer - 1}'s output ({'both directions, ' if s.D > 1 else ''}"
                  f"{s.D * s.H} numbers)")
        role = {"weight_ih": f"multiplies {source}", "weight_hh": "multiplies h_{t−1} (the recurrence)",
                "bias_ih": "bias of the input branch", "bias_hh": "bias of the recurrent branch"}[name.rsplit("_l", 1)[0]]
        rows.append({"name": name, "shape": str(tuple(a.shape)), "numbers": a.size,
                     "direction": "reverse" if name.endswith("_reverse") else "forward", "role": role})
    return rows


def engine_check(s: Sizes, run: TorchRun) -> float | None:
    """max |h_t(rnnviz) − h_t(torch)| over layer 0, forward direction, first sequence; None if too big.

    rnnviz takes W_xh = weight_ih_l0, W_hh = weight_hh_l0 and its single bias b_h = bias_ih_l0 + bias_hh_l0."""
    if s.H > rnnviz.MAX_H or s.I > rnnviz.MAX_H or s.T > rnnviz.MAX_T:
        return None
    p = rnnviz.RNNParams(W_xh=run.params["weight_ih_l0"], W_hh=run.params["weight_hh_l0"],
                         b_h=run.params["bias_ih_l0"] + run.params["bias_hh_l0"],
                         W_hy=np.zeros((1, s.H)), b_y=np.zeros(1))
    x0 = run.x[0] if s.batch_first else run.x[:, 0]                # (T, I): the first sequence
    h = rnnviz.forward(p, x0.astype(np.float64)).h                 # (T, H)
    if s.L == 1:
        out0 = run.out[0] if s.batch_first else run.out[:, 0]      # (T, D·H); forward half first
        return float(np.max(np.abs(h - out0[:, :s.H])))
    return float(np.max(np.abs(h[-1] - run.h_n[0, 0])))            # h_n[0] = layer 0, forward, h_T


def last_step_checks(s: Sizes, run: TorchRun) -> list[tuple[str, str, float]]:
    """out and h_n agree where they overlap: (out slice, h_n slice, max |difference|) per direction.

    The forward pass ends at the last step, the reverse pass at the first; both live in the last layer."""
    out = run.out if s.batch_first else run.out.transpose(1, 0, 2)   # (B, T, D·H)
    t_last, t_first = ("[:, -1, ", "[:, 0, ") if s.batch_first else ("[-1, :, ", "[0, :, ")
    rows = [(f"out{t_last}:H]", f"h_n[{-s.D}]", float(np.max(np.abs(out[:, -1, :s.H] - run.h_n[-s.D]))))]
    if s.D == 2:
        rows.append((f"out{t_first}H:]", "h_n[-1]", float(np.max(np.abs(out[:, 0, s.H:] - run.h_n[-1])))))
    return rows


def code(s: Sizes, run: TorchRun | None = None) -> str:
    """The PyTorch lines that build and run this module (seed 002's code); shapes from `run` when given."""
    order = "(B, T, I)" if s.batch_first else "(T, B, I)"
    out, h_n = (run.out.shape, run.h_n.shape) if run else (s.shape("out"), s.shape("h_n"))
    return (f"rnn = nn.RNN(input_size={s.I}, hidden_size={s.H}, num_layers={s.L},\n"
            f"             batch_first={s.batch_first}, bidirectional={s.bidirectional})\n"
            f"x = torch.randn{s.shape('x')}   # {order}\n"
            f"out, h_n = rnn(x)   # out {tuple(out)}, h_n {tuple(h_n)}")
