"""Sequences the app teaches from, and a parser for a sequence typed by a person.

A task is "predict the next value": from a series s_0 … s_N the model reads x_t = s_t and is scored
against target_t = s_{t+1} (seed 003), or reads a window of `window` values and predicts the one after
it (seeds 000 and 004).
"""
import re

import numpy as np

MAX_T = 5_000  # longest sequence the interactive engine accepts; beyond it a page would stall

STOCK_PRICES = (100.0, 102.0, 105.0, 107.0, 110.0, 112.0, 115.0)  # seed 000

# seed 004's sine task: dt = 0.1, train on t ∈ [0, 75), extrapolate over t ∈ [75, 175)
SINE_DT = 0.1
SINE_T_MAX = 75.0
SINE_T_EXT = 100.0


def next_value(series):
    """Split a series into inputs and next-value targets: x_t = s_t, target_t = s_{t+1}."""
    s = np.asarray(series, dtype=np.float64)
    if s.ndim != 1 or len(s) < 2:
        raise ValueError(f"a next-value task needs a 1-D series of at least 2 values, got shape {s.shape}")
    return s[:-1].copy(), s[1:].copy()  # (T,), (T,)


def counting(n=10):
    """Seed 003's counting sequence 1..n; T = n − 1 steps with target = next value."""
    return next_value(np.arange(1, n + 1, dtype=np.float64))


def windows(series, window):
    """Sliding windows → next value, exactly as seed 004 builds them (it leaves out the last window).

    X[i] = s[i : i+window], y[i] = s[i+window], for i < len(s) − window − 1.
    """
    s = np.asarray(series, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"windows need a 1-D series, got shape {s.shape}")
    if window < 1:
        raise ValueError(f"the window must be at least 1 step, got {window}")
    n = len(s) - window - 1
    if n < 1:
        raise ValueError(f"a series of {len(s)} values is too short for windows of {window}")
    idx = np.arange(n)[:, None] + np.arange(window)[None, :]  # (N, window)
    return s[idx], s[window:window + n].copy()  # (N, window), (N,)


def sine_time(dt=SINE_DT, t_max=SINE_T_MAX):
    """Seed 004's training grid t = arange(0, t_max, dt)."""
    return np.arange(0.0, t_max, dt)


def extension_time(dt=SINE_DT, t_max=SINE_T_MAX, length=SINE_T_EXT):
    """Seed 004's extrapolation grid t ∈ [t_max, t_max + length)."""
    return np.arange(t_max, t_max + length, dt)


def sine_windows(window=15, dt=SINE_DT, t_max=SINE_T_MAX):
    """Seed 004's training set: sin(t) on t ∈ [0, 75), windows of 15 → next value (734 samples)."""
    return windows(np.sin(sine_time(dt, t_max)), window)


# --- series as functions of time t; each is what a page or the trainer samples on its own grid ---

def sine(t, freq=1.0, amplitude=1.0):
    """A·sin(f·t)."""
    return amplitude * np.sin(freq * np.asarray(t, dtype=np.float64))


def noisy_sine(t, freq=1.0, amplitude=1.0, noise=0.1, seed=0):
    """A·sin(f·t) + N(0, noise²), the noise fixed by the seed."""
    t = np.asarray(t, dtype=np.float64)
    return sine(t, freq, amplitude) + noise * np.random.default_rng(seed).standard_normal(t.shape)


def sum_of_sines(t, freq=1.0, amplitude=1.0):
    """A·(sin(f·t) + ½·sin(2.7·f·t)) / 1.5: two incommensurate tones, peak ≤ A."""
    t = np.asarray(t, dtype=np.float64)
    return amplitude * (np.sin(freq * t) + 0.5 * np.sin(2.7 * freq * t)) / 1.5


def damped_oscillator(t, freq=1.0, amplitude=1.0, decay=0.03):
    """A·e^{−decay·t}·cos(f·t)."""
    t = np.asarray(t, dtype=np.float64)
    return amplitude * np.exp(-decay * t) * np.cos(freq * t)


def step(n, position, height=1.0):
    """n values: 0 before index `position`, `height` from it on."""
    return np.where(np.arange(n) >= position, float(height), 0.0)


SERIES = {  # name → function of t (the trainer's dataset menu; each takes freq= and amplitude=)
    "sine": sine,
    "noisy sine": noisy_sine,
    "sum of sines": sum_of_sines,
    "damped oscillator": damped_oscillator,
}


# --- a sequence typed by a person ---

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_TOKEN = re.compile(r"[^\s,;]+")


class SequenceParseError(ValueError):
    """A typed sequence that is not a list of numbers; `position` is the 0-based character offset."""

    def __init__(self, message, position):
        super().__init__(message)
        self.position = position


def parse_sequence(text, max_len=MAX_T):
    """Numbers separated by commas, semicolons, spaces or newlines: "1, 2, 3", "1e-3 2.5\\n-4"."""
    if not isinstance(text, str):
        raise SequenceParseError(f"expected text, got {type(text).__name__}", 0)
    values = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if not _NUMBER.match(tok):
            shown = tok if len(tok) <= 20 else tok[:20] + "…"
            raise SequenceParseError(
                f"'{shown}' at character {m.start() + 1} (value {len(values) + 1}) is not a number", m.start())
        value = float(tok)
        if not np.isfinite(value):
            raise SequenceParseError(
                f"'{tok}' at character {m.start() + 1} is too large for a float", m.start())
        values.append(value)
        if len(values) > max_len:
            raise SequenceParseError(
                f"the sequence is longer than {max_len} values; shorten it", m.start())
    if not values:
        raise SequenceParseError("the sequence is empty: type numbers separated by commas or spaces", 0)
    return np.array(values, dtype=np.float64)
