"""The training page's tasks: seed 004's next-value windows of a series, and the adding problem.

A series task is seed 004's: windows of T values → the value after them, on a series z_t = (s_t − μ)/σ.
The sine family is used as is (μ = 0, σ = 1, as seed 004 does); stock prices and CSV columns are
standardised, because tanh saturates on values like 100 and a window of prices would teach nothing.

The adding problem (Hochreiter & Schmidhuber 1997, in Le et al. 2015's form) tests memory: T steps of
x_t = [u_t, m_t] with u_t ~ U(0, 1) and a marker m_t that is 1 at exactly two steps, one in each half;
target = the sum of the two marked u_t, scored at the last step only. Always answering 1 scores
E[(u_a + u_b − 1)²] = Var(u_a + u_b) = 1/6 ≈ 0.167: the baseline a model that remembers nothing reaches.
"""
from dataclasses import dataclass

import numpy as np

from rnnviz.csvdata import read_csv
from rnnviz.data import MAX_T, SERIES, STOCK_PRICES, extension_time, sine, sine_time, windows

DATASETS = (*SERIES, "stock prices", "csv")  # the menu; "csv" trains on TrainConfig.values
TASKS = ("series", "adding")  # next value of a series (seed 004), or the adding problem
ADDING_BASELINE = 1 / 6  # MSE of always answering 1: Var(u_a + u_b) = 2 · 1/12
ADDING_TEST_SIZE = 2000  # sequences in the adding problem's fixed test set


@dataclass(frozen=True, eq=False)
class Task:
    """A series s on a time grid t, its windows (X, y) in standardised units, and the truth to extrapolate."""
    t: np.ndarray          # (N,) time of each value
    series: np.ndarray     # (N,) s_t as given
    mean: float            # μ: z = (s − μ)/σ
    std: float             # σ
    X: np.ndarray          # (n, T) windows of z
    y: np.ndarray          # (n,) the z after each window
    t_ext: np.ndarray      # (E,) where the model extrapolates
    truth_ext: np.ndarray | None  # (E,) s on t_ext, or None when nobody knows the future (prices, CSV)
    inputs = 1             # I: one value per step

    @property
    def z(self):
        """The standardised series z_t = (s_t − μ)/σ."""
        return (self.series - self.mean) / self.std

    def targets(self, idx):
        """(t, s) of the value each window in `idx` predicts: window i is s[i … i+T−1], so it predicts s[i + T]."""
        at = np.asarray(idx) + self.X.shape[1]  # + T
        return self.t[at], self.series[at]


def make_task(cfg, test_set=True):
    """The task a TrainConfig describes: series windows, or the adding problem (None without its test set,
    which needs torch: what a page needs to check the settings without it)."""
    if cfg.task == "adding":
        check_adding_length(cfg.window)
        return adding_task(cfg.window, cfg.split_seed) if test_set else None
    return build_task(cfg.dataset, cfg.window, values=cfg.values, dt=cfg.dt, t_max=cfg.t_max, t_ext=cfg.t_ext,
                      seed=cfg.seed)


@dataclass(frozen=True, eq=False)
class AddingTask:
    """The adding problem at length T: a fixed seeded test set; training batches come fresh from adding_batch."""
    T: int
    X_test: "torch.Tensor"   # (n, T, 2): [u_t, m_t]
    y_test: "torch.Tensor"   # (n,) u_a + u_b
    inputs = 2             # I: the value and the marker

    @property
    def baseline(self):
        """MSE of always answering 1 on this test set (≈ 1/6)."""
        return float(((self.y_test.double() - 1) ** 2).mean())


def adding_task(T, test_seed):
    """The adding problem of length T with its test set drawn from a generator seeded `test_seed`."""
    check_adding_length(T)
    import torch  # here: the server validates settings with this module and never imports torch
    X, y = adding_batch(ADDING_TEST_SIZE, T, torch.Generator().manual_seed(test_seed))
    return AddingTask(T, X, y)


def check_adding_length(T):
    """T ≥ 2: one marker in each half."""
    if T < 2:
        raise ValueError(f"the adding problem needs T ≥ 2 (one marker in each half), got T = {T}")


def adding_batch(B, T, generator):
    """B sequences of the adding problem: x (B, T, 2) = [u_t, m_t], target (B,) = Σ_t m_t u_t."""
    import torch
    u = torch.rand(B, T, generator=generator)  # values ~ U(0, 1)
    a = torch.randint(0, T // 2, (B,), generator=generator)  # the first marker, in steps 1 … ⌊T/2⌋
    b = torch.randint(T // 2, T, (B,), generator=generator)  # the second, in the second half
    rows = torch.arange(B)
    m = torch.zeros(B, T)
    m[rows, a] = 1.0
    m[rows, b] = 1.0
    return torch.stack((u, m), -1), u[rows, a] + u[rows, b]


def build_task(dataset, window, *, values=None, dt=0.1, t_max=75.0, t_ext=100.0, seed=0):
    """The windows and extrapolation target of one dataset of the menu."""
    if dataset in SERIES:
        t, te = sine_time(dt, t_max), extension_time(dt, t_max, t_ext)
        fn = SERIES[dataset]
        series = fn(t, seed=seed) if dataset == "noisy sine" else fn(t)
        truth = sine(te) if dataset == "noisy sine" else fn(te)  # the noise is not predictable: score the signal
        return _task(t, series, window, te, truth, 0.0, 1.0)
    if dataset == "stock prices":
        values = STOCK_PRICES
    elif dataset != "csv":
        raise ValueError(f"unknown dataset '{dataset}'; choose one of {', '.join(DATASETS)}")
    series = validate_series(values, window)
    n = len(series)
    t, te = np.arange(n, dtype=np.float64), np.arange(n, 2 * n, dtype=np.float64)
    return _task(t, series, window, te, None, float(series.mean()), float(series.std()))


def _task(t, series, window, t_ext, truth, mean, std):
    X, y = windows((series - mean) / std, window)  # (n, T), (n,)
    if len(y) < 2:
        raise ValueError(f"{len(series)} values make {len(y)} window(s) of {window}; training and validation need "
                         f"at least 2: lower the window to at most {len(series) - 3}")
    return Task(t, series, mean, std, X, y, t_ext, truth)


def validate_series(values, window):
    """A person's series as a 1-D float array, or a ValueError that says what to fix."""
    if values is None:
        raise ValueError("the csv dataset needs a column of numbers: upload a CSV file and pick a column")
    try:
        s = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("the column must hold numbers only") from None
    if s.ndim != 1:
        raise ValueError(f"expected one column of numbers, got shape {s.shape}")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"value {int(np.argmin(np.isfinite(s))) + 1} of the column is not a finite number")
    if len(s) > MAX_T:
        raise ValueError(f"the column has {len(s)} values; at most {MAX_T} are allowed")
    if len(s) < window + 3:
        raise ValueError(f"the column has {len(s)} values; windows of {window} need at least {window + 3} "
                         f"(or lower the window to at most {max(len(s) - 3, 1)})")
    if np.ptp(s) == 0:
        raise ValueError("the column is constant: there is nothing to learn (and it cannot be standardised)")
    return s


def csv_column(text, column):
    """The numbers of one named column of a CSV text, with errors naming the line (rnnviz.csvdata)."""
    return read_csv(text).values(column)
