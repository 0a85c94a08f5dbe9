"""The trainable cells, in PyTorch: each reads x_1 … x_T (B, T, I) and answers y (B,) from its last state.

  elman  (nn.RNN + Linear):   h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),            y = W_hy h_T + b_y
  lstm   (nn.LSTM + Linear):  gates i, f, g, o;  c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t),  y = W_hy h_T + b_y
  gru    (nn.GRU + Linear):   gates r, z, n;  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1},           y = W_hy h_T + b_y
  concat (seed 004's i2h / i2o):  v_t = [x_t, h_{t−1}],  h_t = tanh(W_h v_t + b_h),  y = W_o v_T + b_o
PyTorch names the maths' W_xh `weight_ih_l0` and splits b_h into `bias_ih_l0 + bias_hh_l0`; the gated cells stack
their gates' weights (4H or 3H rows) in PyTorch's order, so a state_dict copies into the engine's params as is.
"""
import math

import torch
from torch import nn


class Recurrent(nn.Module):
    """A torch recurrent layer over the whole window, then y = W_hy h_T + b_y."""
    LAYER = nn.RNN

    def __init__(self, hidden, inputs=1):
        super().__init__()
        self.rnn = self.LAYER(inputs, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):  # x: (B, T, I)
        hs, _ = self.rnn(x)  # (B, T, H)
        return self.out(hs[:, -1]).squeeze(-1)  # (B,)

    def W_hh(self):
        """The recurrent matrix whose spectral radius the page plots, (H, H); None for gated cells."""
        return self.rnn.weight_hh_l0 if self.LAYER is nn.RNN else None


class ElmanRNN(Recurrent):
    """h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  y = W_hy h_T + b_y."""
    LAYER = nn.RNN


class LSTM(Recurrent):
    """nn.LSTM: the cell state c_t is updated additively (f ⊙ c_{t−1} + i ⊙ g), so it can carry a value far."""
    LAYER = nn.LSTM


class GRU(Recurrent):
    """nn.GRU: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, an update gate z near 1 keeps h_{t−1} as it is."""
    LAYER = nn.GRU


class ConcatRNN(nn.Module):
    """v_t = [x_t, h_{t−1}],  h_t = tanh(W_h v_t + b_h),  y = W_o v_T + b_o  (seed 004's i2h, i2o)."""

    def __init__(self, hidden, inputs=1):
        super().__init__()
        self.hidden, self.inputs = hidden, inputs
        self.i2h = nn.Linear(inputs + hidden, hidden)
        self.i2o = nn.Linear(inputs + hidden, 1)

    def forward(self, x):  # x: (B, T, I)
        B, T, _ = x.shape
        h = x.new_zeros(B, self.hidden)  # h_0 = 0, (B, H)
        for t in range(T):
            v = torch.cat((x[:, t], h), 1)  # v_t = [x_t, h_{t-1}], (B, I + H)
            if t < T - 1:  # seed 004 also computes h_T, which y never reads
                h = torch.tanh(self.i2h(v))  # (B, H)
        return self.i2o(v).squeeze(-1)  # y = W_o v_T + b_o, (B,)

    def W_hh(self):
        return self.i2h.weight[:, self.inputs:]  # the columns of W_h that act on h_{t-1}, (H, H)


MODELS = {"elman": ElmanRNN, "concat": ConcatRNN, "lstm": LSTM, "gru": GRU}


def make_model(cell, hidden, generator, inputs=1):
    """A fresh model; every parameter ~ U(−1/√fan, 1/√fan), PyTorch's default init, drawn from `generator`."""
    model = MODELS[cell](hidden, inputs)
    with torch.no_grad():
        for module in model.modules():
            fan = module.hidden_size if isinstance(module, nn.RNNBase) else getattr(module, "in_features", None)
            for p in module.parameters(recurse=False):
                bound = 1 / math.sqrt(fan)
                p.uniform_(-bound, bound, generator=generator)
    return model


def engine_params(model):
    """The trained model as the numpy engine's Θ (RNNParams, LSTMParams, GRUParams), weights copied unchanged.

    nn.RNN's b_ih + b_hh is the engine's b_h. The concat cell's recurrence is an RNN with W_h = [W_xh, W_hh];
    its readout reads v_T, not h_T, so W_hy here is only the part of W_o that acts on h (what reaches y from h)."""
    from rnnviz.params import GRUParams, LSTMParams, RNNParams  # numpy only; imported where it is needed

    def a(t):
        return t.detach().double().numpy()
    if isinstance(model, ConcatRNN):
        I = model.inputs
        W_h, W_o = a(model.i2h.weight), a(model.i2o.weight)
        return RNNParams(W_xh=W_h[:, :I], W_hh=W_h[:, I:], b_h=a(model.i2h.bias), W_hy=W_o[:, I:],
                         b_y=a(model.i2o.bias))
    params = {nn.RNN: RNNParams, nn.LSTM: LSTMParams, nn.GRU: GRUParams}[type(model.rnn)]
    return params.from_torch(model.rnn, model.out)
