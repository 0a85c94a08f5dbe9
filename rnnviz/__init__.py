"""rnnviz: the engine of an interactive, exact view of an RNN, an LSTM and a GRU. numpy only; no UI.

Convention, everywhere: column vectors and PyTorch's weight shapes.

    h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h)     W_xh (H, I), W_hh (H, H), b_h (H,)
    y_t = W_hy h_t + b_y                          W_hy (O, H), b_y (O,)
    L_t = ½‖y_t − target_t‖²,   L = Σ_t L_t

LSTMParams and GRUParams swap the first line for nn.LSTM's / nn.GRU's cell (rnnviz.cells), same readout and loss.

Arrays over time are (T, ·) with row t−1 holding time step t.
"""
from threadpoolctl import threadpool_limits

# Every matrix here is tiny (H ≤ 512): a second BLAS thread only adds hand-off latency, and on a busy
# 2-core machine it made a 64×500 matmul 12× slower. One thread for BLAS, process-wide.
threadpool_limits(limits=1, user_api="blas")

from ._malloc import keep_freed_memory  # noqa: E402

# Reruns call the engine with the same sizes again and again: reuse freed memory instead of faulting in
# fresh pages each call (see _malloc).
keep_freed_memory()

from .bptt import Grads, bptt, step_losses  # noqa: E402
from .data import MAX_T, SequenceParseError, parse_sequence
from .decay import (cell_state_decay, connectivity, decay_bound, decay_sweep, forget_product, gradient_decay,
                    jacobians, log10_connectivity, log10_decay, spectral_norm, spectral_radius,
                    with_recurrent_strength)
from .forward import ForwardRun, forward
from .optim import clip_by_global_norm, global_norm, sgd_step
from .params import GATED_NAMES, MAX_H, PARAM_NAMES, GRUParams, LSTMParams, RNNParams
from . import data

__all__ = [
    "RNNParams", "LSTMParams", "GRUParams", "PARAM_NAMES", "GATED_NAMES", "MAX_H", "MAX_T", "forward", "ForwardRun", "bptt", "Grads",
    "gradient_decay", "log10_decay", "connectivity", "log10_connectivity", "cell_state_decay", "forget_product", "decay_bound", "decay_sweep", "jacobians", "spectral_radius",
    "spectral_norm", "with_recurrent_strength", "sgd_step", "global_norm", "clip_by_global_norm",
    "parse_sequence", "SequenceParseError", "data",
]
