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
    """What one epoch did to one model; the loss curves, gradient plot and log are built from a list of these."""
    epoch: int                      # 1-based
    train_loss: float               # mean batch loss L over the epoch, weighted by batch size
    val_loss: float                 # L on the held-out set after the epoch: validation windows, or the adding
                                    # problem's test set (nan if diverged)
    grad_norms: tuple               # ‖g‖ at each step, before clipping
    clipped: tuple                  # whether each step's gradient was clipped
    spectral_radius: float          # ρ(W_hh) after the epoch (nan for the gated cells: no single W_hh)
    seconds: float                  # training time so far, excluding whatever the caller does between steps
    divergence: Divergence | None = None


@dataclass(frozen=True)
class RaceRecord:
    """One epoch of a race: each cell's EpochRecord, trained on the same batches."""
    epoch: int
    cells: tuple                    # the cells, e.g. ("elman", "lstm", "gru")
    lanes: tuple                    # EpochRecord per cell, in that order
    seconds: float

    @property
    def divergence(self):
        """The race is over early only when every cell diverged (then: the first one's)."""
        return first_if_all(r.divergence for r in self.lanes)

    def of(self, cell):
        return self.lanes[self.cells.index(cell)]


def first_if_all(divergences):
    """The first Divergence if every lane has one, else None: a race runs on while any cell still trains."""
    divergences = list(divergences)
    return divergences[0] if all(divergences) else None
