"""The training settings: one declarative list of fields that feeds the CLI flags, the page's widgets and validation.

Each field's metadata says what it is (`help`), and its range (`lo`, `hi`) or menu (`choices`).
Defaults are seed 004's sine task.
"""
from dataclasses import dataclass, field, fields, replace

from rnnviz.datasets import DATASETS

CELLS = ("elman", "concat")
OPTIMIZERS = ("adam", "sgd")


def _field(default, help, lo=None, hi=None, choices=None):
    return field(default=default, metadata={"help": help, "lo": lo, "hi": hi, "choices": choices})


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run: same config, same loss curve."""
    cell: str = _field("elman", "elman: nn.RNN + Linear on h_T; concat: seed 004's i2h/i2o on [x_t, h_{t-1}]",
                       choices=CELLS)
    hidden: int = _field(10, "hidden size H (seed 004: 10)", 1, 256)
    window: int = _field(15, "window length T: T values → the next one (seed 004: 15)", 1, 200)
    lr: float = _field(1e-2, "learning rate (seed 004: Adam at 1e-2)", 1e-6, 100.0)
    optimizer: str = _field("adam", "optimizer (seed 004: adam)", choices=OPTIMIZERS)
    batch_size: int = _field(128, "mini-batch size (seed 004: 128, shuffled each epoch)", 1, 4096)
    epochs: int = _field(50, "epochs to train (seed 004: 50)", 1, 100_000)
    clip: bool = _field(True, "clip the gradient norm: g ← min(1, θ/‖g‖)·g (seed 004: on)")
    max_norm: float = _field(1.0, "clipping threshold θ (seed 004: 1.0)", 1e-3, 1e3)
    seed: int = _field(0, "seed of the weight init, the batch order and the noisy sine's noise", 0, 2**31 - 1)
    dataset: str = _field("sine", "series to learn (csv: the values of one column of a CSV file)", choices=DATASETS)
    values: tuple | None = _field(None, "the CSV column's numbers when dataset is csv")
    dt: float = _field(0.1, "time step of the sine family (seed 004: 0.1)", 1e-3, 10.0)
    t_max: float = _field(75.0, "train on t ∈ [0, t_max) (seed 004: 75)", 1.0, 500.0)
    t_ext: float = _field(100.0, "extrapolate over t ∈ [t_max, t_max + t_ext) (seed 004: 100)", 0.1, 500.0)
    val_fraction: float = _field(0.2, "share of windows held out for validation (seed 004: 0.2)", 0.05, 0.5)
    split_seed: int = _field(42, "seed of the train/validation split (seed 004: 42)", 0, 2**31 - 1)

    def __post_init__(self):
        for f in fields(self):
            check(f, getattr(self, f.name))
        if self.values is not None and not isinstance(self.values, tuple):
            object.__setattr__(self, "values", tuple(float(v) for v in self.values))

    def replace(self, **changes):
        """A copy with some settings changed (validated)."""
        return replace(self, **changes)


def check(f, value):
    """Raise a ValueError naming the setting if `value` is outside field `f`'s type, range or menu."""
    meta = f.metadata
    if meta["choices"] is not None and value not in meta["choices"]:
        raise ValueError(f"{f.name} must be one of {', '.join(meta['choices'])}, got {value!r}")
    if meta["lo"] is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (f.type is int and value != int(value)):
        raise ValueError(f"{f.name} must be a number, got {value!r}")
    if not meta["lo"] <= value <= meta["hi"]:
        raise ValueError(f"{f.name} must be between {meta['lo']:g} and {meta['hi']:g}, got {value:g}")


def config_fields():
    """The settings as dataclass fields, in declaration order."""
    return fields(TrainConfig)
