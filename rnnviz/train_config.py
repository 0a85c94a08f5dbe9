"""The training settings: one declarative list of fields that feeds the CLI flags, the page's widgets and validation.

Each field's metadata says what it is (`help`), and its range (`lo`, `hi`) or menu (`choices`).
Defaults are seed 004's sine task; `for_task("adding")` gives the adding problem's (TASK_DEFAULTS).
"""
from dataclasses import dataclass, field, fields, replace

from rnnviz.datasets import DATASETS, TASKS

CELLS = ("elman", "concat", "lstm", "gru")
RACE_CELLS = ("elman", "lstm", "gru")  # the race: a vanilla RNN against the two gated cells
OPTIMIZERS = ("adam", "sgd")
# The adding problem's defaults (issue 20): T = 50, H = 16, batches of 64; 30 epochs of 50 fresh batches is
# 1,500 steps, where LSTM and GRU are well below the baseline and the vanilla RNN has not left it.
TASK_DEFAULTS = {"series": {}, "adding": dict(window=50, hidden=16, batch_size=64, epochs=30)}


def _field(default, help, lo=None, hi=None, choices=None):
    return field(default=default, metadata={"help": help, "lo": lo, "hi": hi, "choices": choices})


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run: same config, same loss curve."""
    task: str = _field("series", "series: predict the next value of a series from a window of T (seed 004); "
                       "adding: the adding problem, sum the two marked values of T steps", choices=TASKS)
    cell: str = _field("elman", "elman: nn.RNN + Linear on h_T; concat: seed 004's i2h/i2o on [x_t, h_{t-1}]; "
                       "lstm: nn.LSTM + Linear; gru: nn.GRU + Linear", choices=CELLS)
    race: bool = _field(False, "train elman, lstm and gru at once on the identical batches (the cell is ignored)")
    hidden: int = _field(10, "hidden size H (seed 004: 10)", 1, 256)
    window: int = _field(15, "length T: a window of T values → the next one (seed 004: 15); for adding, the "
                         "sequence length", 1, 500)
    lr: float = _field(1e-2, "learning rate (seed 004: Adam at 1e-2)", 1e-6, 100.0)
    optimizer: str = _field("adam", "optimizer (seed 004: adam)", choices=OPTIMIZERS)
    batch_size: int = _field(128, "mini-batch size (seed 004: 128, shuffled each epoch)", 1, 4096)
    epochs: int = _field(50, "epochs to train (seed 004: 50)", 1, 100_000)
    steps_per_epoch: int = _field(50, "adding: fresh batches per epoch; the test MSE is measured after each epoch",
                                  1, 10_000)
    clip: bool = _field(True, "clip the gradient norm: g ← min(1, θ/‖g‖)·g (seed 004: on)")
    max_norm: float = _field(1.0, "clipping threshold θ (seed 004: 1.0)", 1e-3, 1e3)
    seed: int = _field(0, "seed of the weight init, the batches and the noisy sine's noise", 0, 2**31 - 1)
    dataset: str = _field("sine", "series to learn (csv: the values of one column of a CSV file)", choices=DATASETS)
    values: tuple | None = _field(None, "the CSV column's numbers when dataset is csv")
    dt: float = _field(0.1, "time step of the sine family (seed 004: 0.1)", 1e-3, 10.0)
    t_max: float = _field(75.0, "train on t ∈ [0, t_max) (seed 004: 75)", 1.0, 500.0)
    t_ext: float = _field(100.0, "extrapolate over t ∈ [t_max, t_max + t_ext) (seed 004: 100)", 0.1, 500.0)
    val_fraction: float = _field(0.2, "share of windows held out for validation (seed 004: 0.2)", 0.05, 0.5)
    split_seed: int = _field(42, "seed of the train/validation split (seed 004: 42); adding: of the test set",
                             0, 2**31 - 1)

    def __post_init__(self):
        for f in fields(self):
            check(f, getattr(self, f.name))
        if self.values is not None and not isinstance(self.values, tuple):
            object.__setattr__(self, "values", tuple(float(v) for v in self.values))

    @classmethod
    def for_task(cls, task="series", **settings):
        """The config of `task` with its defaults (TASK_DEFAULTS), overridden by `settings`."""
        return cls(task=task, **{**TASK_DEFAULTS[task], **settings})

    @property
    def cells(self):
        """The cells this run trains: the race's three, or the one chosen."""
        return RACE_CELLS if self.race else (self.cell,)

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
