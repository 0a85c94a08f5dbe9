"""The browser session's training worker: a thread that trains one epoch at a time, never touching st.*.

The page owns one TrainingWorker per session through `session_worker()` (st.cache_resource with
scope="session"); Streamlit calls its `on_release` when the session disconnects, which stops the thread.
The thread also asks the runtime once per epoch whether its session is still active, and exits if not.
A `@st.fragment(run_every=...)` on the page reads `snapshot()`: the records sit behind a lock.
"""
import threading
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from rnnviz.train import EpochRecord, Trainer, extrapolate, model_from_state
from rnnviz.train_config import TrainConfig

EXTRAPOLATE_EVERY_S = 1.0  # while training, the extrapolation chart refreshes at most this often


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the page draws: the run's settings, its records so far, and the weights after the last epoch."""
    config: TrainConfig
    records: tuple           # EpochRecord per epoch so far
    running: bool
    done: bool               # all epochs ran, or the loss diverged
    val_pred: np.ndarray | None  # ŷ on the validation windows after the last epoch
    error: str | None        # an unexpected exception in the worker thread

    @property
    def last(self) -> EpochRecord | None:
        return self.records[-1] if self.records else None


class TrainingWorker:
    """Play/Pause/Step/Reset over one Trainer; the history is appended under a lock, one record per epoch."""

    def __init__(self, alive=lambda: True):
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._alive = alive              # () -> bool: is the browser session still there?
        self._trainer = None
        self._run = 0                    # bumped by reset(): a late epoch of an old run is dropped
        self._records, self._state, self._val_pred, self._error = [], None, None, None
        self._extrapolated = (None, 0.0, None)  # (epoch, when, ŷ over t_ext)
        self.seconds_per_epoch = 0.0     # pacing, so a person can watch; 0 = full speed

    @property
    def config(self):
        return self._trainer.cfg if self._trainer else None

    @property
    def running(self):
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def reset(self, cfg):
        """Stop, forget the history and start a fresh run of `cfg` (ValueError if `cfg`'s data is invalid)."""
        self.pause()
        trainer = Trainer(cfg)
        with self._lock:
            self._run += 1
            self._trainer, self._records, self._state, self._val_pred, self._error = trainer, [], None, None, None
            self._extrapolated = (None, 0.0, None)

    def play(self):
        """Train in the background until the run is done, paused, or the session is gone."""
        if self.running or self._trainer is None or self._trainer.done:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(self._trainer, self._run),
                                        name=f"rnnviz-training-{id(self):x}", daemon=True)
        self._thread.start()

    def pause(self, timeout=10.0):
        """Ask the thread to stop after its current epoch and wait for it."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def step(self):
        """One epoch, synchronously (the Step button, and tests: in AppTest run_every never fires)."""
        self.pause()
        if self._trainer is not None and not self._trainer.done:
            torch.set_num_threads(1)  # this (script) thread trains now
            self._epoch(self._trainer, self._run)

    def join(self, timeout=None):
        """Wait until the thread has stopped (finished, paused or released)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def close(self):
        """on_release: the session is gone; stop without holding Streamlit's event loop for long."""
        self.pause(timeout=2.0)

    def _loop(self, trainer, run):
        torch.set_num_threads(1)  # measured: 2 threads beside Streamlit's made an epoch 5× slower
        try:
            while not self._stop.is_set() and not trainer.done and self._alive():
                start = time.monotonic()
                self._epoch(trainer, run)
                self._stop.wait(max(0.0, self.seconds_per_epoch - (time.monotonic() - start)))
        except Exception as e:  # shown on the page instead of dying silently
            with self._lock:
                self._error = f"{type(e).__name__}: {e}"

    def _epoch(self, trainer, run):
        record = trainer.step()
        val_pred = trainer.val_predictions() if record.divergence is None else None
        state = trainer.state()
        with self._lock:
            if run == self._run:
                self._records.append(record)
                self._state, self._val_pred = state, val_pred

    def snapshot(self):
        """A consistent copy of the run so far, safe to draw while the thread keeps training."""
        with self._lock:
            trainer = self._trainer
            return Snapshot(trainer.cfg, tuple(self._records), self.running, trainer.done,
                            self._val_pred, self._error)

    def extrapolation(self, every_s=EXTRAPOLATE_EVERY_S):
        """ŷ over t_ext from the latest weights (None before the first epoch).

        While training, recomputed at most every `every_s` (1000 autoregressive steps, ~7 ms, all of it
        holding the GIL the training thread needs); once it stops, always from the last epoch.
        """
        with self._lock:
            epoch, state, trainer = len(self._records), self._state, self._trainer
            cached_epoch, cached_at, cached = self._extrapolated
        if state is None:
            return None
        fresh_enough = self.running and cached is not None and time.monotonic() - cached_at < every_s
        if cached_epoch != epoch and not fresh_enough:
            model = model_from_state(trainer.cfg, state)
            cached = extrapolate(model, trainer.task, trainer.cfg.window)
            with self._lock:
                self._extrapolated = (epoch, time.monotonic(), cached)
        return cached

    def state(self):
        """The weights after the last epoch (a state_dict copy), or None before the first."""
        with self._lock:
            return self._state

    def validation_targets(self):
        """(t, s) of the value each validation window predicts, in the series' units."""
        trainer = self._trainer
        at = trainer.val_idx + trainer.cfg.window  # window i predicts series[i + T]
        return trainer.task.t[at], trainer.task.series[at]

    @property
    def task(self):
        return self._trainer.task


def _session_alive():
    """() -> bool for the current browser session, asked once per epoch; always True outside a server."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


@st.cache_resource(scope="session", on_release=lambda worker: worker.close(), show_spinner=False)
def session_worker():
    """This browser session's worker; Streamlit releases it (stopping its thread) when the session ends."""
    return TrainingWorker(alive=_session_alive())
