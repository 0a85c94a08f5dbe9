"""A session's run in the training pool (ui/training_pool.py), and the Snapshot of it a page draws.

A `Run` is a handle: Play/Pause/Step/Reset post messages to its worker through the pool, and the pool's
receivers file the worker's reports into it. Every field is guarded by the pool's lock (`pool.lock`).
"""
import itertools
import threading
import time
from dataclasses import dataclass

import numpy as np

from rnnviz.datasets import make_task


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the page draws: the run's settings, its records so far, and where it stands in the pool."""
    config: object
    records: tuple            # the trainer's records, one per epoch so far
    running: bool             # Play is on (training, or queued, or waiting for its worker to start)
    done: bool                # all epochs ran, or the loss diverged
    val_pred: np.ndarray | None  # ŷ on the validation windows after the last reported epoch
    error: str | None         # an unexpected exception in the worker, or why the run was stopped
    starting: bool = False    # its worker is not up yet (loading PyTorch)
    queued: int | None = None  # 1-based place in the queue for a free slot, while the box is full
    sharing: int = 1          # playing runs on its worker, itself included: each gets 1/sharing of a core
    training: int = 0         # playing runs in the whole pool (queued ones not counted)
    awaiting: bool = False    # playing, not queued, and no epoch yet since Play: a learner is watching for it

    @property
    def last(self):
        return self.records[-1] if self.records else None


class Run:
    """One session's run in the pool: Play/Pause/Step/Reset, and a snapshot of its history for the page."""

    def __init__(self, pool, alive):
        self._pool, self._alive = pool, alive
        self._cfg = self._task = None
        self._name = self._worker = None  # its name in, and its worker, once opened
        self._records, self._live, self._error, self._done = [], {}, None, False
        self._playing, self._pace = False, 0.0
        self._tokens, self._acked = itertools.count(1), set()
        self._moving, self._target, self._held = False, None, []  # on its way to worker _target
        self._movable = True  # False once its trainer failed to pickle
        self._news = threading.Event()  # set on every report of its worker, and when it stops
        self._started()

    def _started(self):
        """Play began (or the queue let it start): the clock of its epochs-a-second starts again."""
        self._played_at, self._played_from = time.monotonic(), len(self._records)

    def _rate(self, now):
        """Epochs a second since Play (what the rebalancer evens out)."""
        return (len(self._records) - self._played_from) / max(now - self._played_at, 1e-3)

    @property
    def config(self):
        return self._cfg

    @property
    def task(self):
        return self._task

    @property
    def running(self):
        return self._playing

    @property
    def starting(self):
        """Play or Step was pressed and the worker is still loading PyTorch."""
        worker = self._worker
        return worker is not None and not worker.ready

    @property
    def seconds_per_epoch(self):
        """Pacing, so a person can watch; 0 = full speed."""
        return self._pace

    @seconds_per_epoch.setter
    def seconds_per_epoch(self, value):
        with self._pool.lock:
            if value != self._pace:
                self._pace = value
                if self._name is not None:
                    self._pool._post(self, ("pace", self._name, value))

    def reset(self, cfg):
        """Forget the history and start a fresh run of `cfg` (ValueError if `cfg`'s data is invalid)."""
        task = make_task(cfg, test_set=False)  # what the trainer builds (the adding problem's without torch)
        with self._pool.lock:
            self._pool._drop(self)
            self._cfg, self._task = cfg, task
            self._records, self._live, self._error, self._done = [], {}, None, False

    def play(self):
        """Train in the background until the run is done, paused, or the session is gone; queue if the box is full."""
        pool = self._pool
        with pool.lock:
            if self._playing or self._cfg is None or self._done:
                return
            if self._name is None:
                pool._place(self)
            self._playing = True
            self._started()
            if pool._slots_taken() > pool.capacity:
                pool.queue.append(self)
            else:
                pool._post(self, ("play", self._name, self._pace))

    def pause(self, timeout=10.0):
        """Stop after the current epoch; returns once its records are here (or after `timeout`)."""
        with self._pool.lock:
            if self in self._pool.queue:
                self._pool.queue.remove(self)
                self._playing = False
                return
        if self._playing:
            self._request("pause", timeout)

    def step(self, timeout=60.0):
        """One epoch, synchronously (the Step button, and tests: in AppTest run_every never fires)."""
        with self._pool.lock:
            if self._cfg is None or self._done:
                return
            if self._name is None:
                self._pool._place(self)
            if self in self._pool.queue:
                self._pool.queue.remove(self)
                self._playing = False
        self._request("step", timeout)

    def sync(self, timeout=60.0):
        """Build the run in its worker now and wait until it is built (a Play then trains at once)."""
        with self._pool.lock:
            if self._cfg is None:
                return
            if self._name is None:
                self._pool._place(self)
        self._request("pause", timeout)  # a pause of a run not playing is only acknowledged, after the open

    def join(self, timeout=None):
        """Wait until training has stopped (finished, paused, failed or released)."""
        with self._pool.lock:
            return self._pool.lock.wait_for(lambda: not self._playing, timeout)

    def close(self):
        """on_release: the session is gone. Only posts a message: safe on Streamlit's event loop."""
        with self._pool.lock:
            self._pool.handles.discard(self)
            self._pool._drop(self)

    def _request(self, kind, timeout):
        """Send a pause/step and wait for its acknowledgement (its records arrive before it)."""
        with self._pool.lock:
            if self._name is None:
                return
            token = next(self._tokens)
            self._pool._post(self, (kind, self._name, token))
            self._pool.lock.wait_for(lambda: token in self._acked or self._name is None, timeout)
            self._acked.discard(token)

    def snapshot(self, wait=0.0):
        """A consistent copy of the run so far, safe to draw while the worker keeps training. While the first
        epoch since Play is awaited, wait up to `wait` seconds for it (or for any other news of the run) first, so
        a view that redraws then shows that epoch when it arrives, not at its next tick."""
        pool, deadline = self._pool, time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            with pool.lock:
                if not self._awaiting():
                    break
                self._news.clear()  # (reports set it under this lock too: none is missed)
            self._news.wait(left)
        with pool.lock:
            queued = pool.queue.index(self) + 1 if self in pool.queue else None
            sharing = pool._playing_on(self._worker) if self._worker is not None else 1
            return Snapshot(self._cfg, tuple(self._records), self._playing, self._done, self._live.get("val_pred"),
                            self._error, self.starting, queued, max(1, sharing), pool._slots_taken(),
                            self._awaiting())

    def _awaiting(self):
        return self._pool._training(self) and len(self._records) <= self._played_from

    def extrapolation(self):
        """ŷ over t_ext from the weights of the worker's last heavy report (None before the first epoch)."""
        return self._live.get("extrapolation")

    def view(self, name):
        """One entry of the trainer's last live(heavy) report (rnnviz.train.Trainer.live), or None."""
        return self._live.get(name)

    def weights_pt(self):
        """The weights after the last epoch as torch.save bytes (sent whenever training stops)."""
        return self._live.get("weights_pt") or b""

    def validation_targets(self):
        """(t, s) of the value each validation window predicts, in the series' units; empty until built."""
        idx = self._live.get("val_idx")
        if idx is None:
            return np.array([]), np.array([])
        return self._task.targets(idx)

