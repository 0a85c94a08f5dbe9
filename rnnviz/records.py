"""What a training run reports, epoch by epoch: plain frozen dataclasses, importable without PyTorch.

The training pool's workers (rnnviz.train_pool) pickle these to the server, whose process never imports torch:
unpickling a record imports only this module.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Divergence:
    """Where the loss stopped being a finite number."""
    epoch: int
    step: int                 # 1-based step within the epoch
    last_finite_loss: float   # the last finite batch loss before it (nan if there was none)
    message: str


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch did; the loss curves, gradient plot and log are built from a list of these."""
    epoch: int                      # 1-based
    train_loss: float               # mean batch loss over the epoch, weighted by batch size
    val_loss: float                 # MSE on the validation windows after the epoch (nan if diverged)
    grad_norms: tuple               # ‖g‖ at each step, before clipping
    clipped: tuple                  # whether each step's gradient was clipped
    spectral_radius: float          # ρ(W_hh) after the epoch
    seconds: float                  # training time so far, excluding whatever the caller does between steps
    divergence: Divergence | None = None
