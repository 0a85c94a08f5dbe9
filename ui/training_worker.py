"""The browser session's training worker: a child process that trains (rnnviz.train_process), never touching st.*.

Training runs in its own process so it never holds the GIL that Streamlit's script threads need: with a training
thread in the server, another session's slider took 1.2 s p95 to redraw while this one trained at full speed.
The page owns one TrainingWorker per session through `session_worker()` (st.cache_resource with
scope="session"); Streamlit calls its `on_release` when the session disconnects, which stops the process.
The process starts when the page opens (importing PyTorch takes it ~2 s, shown as "starting"), so Play is
instant by the time a person reaches it. It is a fresh `python -m rnnviz.train_process`, not a
multiprocessing child: those re-run `__main__` to start, and under Streamlit `__main__` is the page script.
One thread here, the receiver, files the process's reports into a lock-protected history that a
`@st.fragment(run_every=...)` on the page reads through `snapshot()`. The receiver also asks the runtime
whether the session is still active each time epochs arrive, and stops the process if it is not.
"""
import multiprocessing
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from rnnviz.datasets import build_task
from rnnviz.train import EpochRecord, extrapolate, model_from_state, split_indices
from rnnviz.train_config import TrainConfig

EXTRAPOLATE_EVERY_S = 1.0  # while training, the extrapolation chart refreshes at most this often
REPO = Path(__file__).resolve().parents[1]  # where `python -m rnnviz.train_process` finds rnnviz
NICE = 10  # the training process yields the CPU to the pages: on 2 busy cores a slider matters more than an epoch


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the page draws: the run's settings, its records so far, and the weights after the last epoch."""
    config: TrainConfig
    records: tuple           # EpochRecord per epoch so far
    running: bool
    done: bool               # all epochs ran, or the loss diverged
    val_pred: np.ndarray | None  # ŷ on the validation windows after the last reported epoch
    error: str | None        # an unexpected exception in the training process
    starting: bool = False   # the training process is not up yet (loading PyTorch)

    @property
    def last(self) -> EpochRecord | None:
        return self.records[-1] if self.records else None


class TrainingWorker:
    """Play/Pause/Step/Reset over one run in a child process; the history is filed under a lock, per epoch."""

    def __init__(self, alive=lambda: True, nice=NICE):
        self._lock = threading.Condition()  # guards the fields below; notified whenever a report is filed
        self._alive = alive              # () -> bool: is the browser session still there?
        self._cfg = self._task = self._val_idx = None
        self._run = 0                    # bumped by reset(): a late report of an old run is dropped
        self._records, self._state, self._val_pred, self._error = [], None, None, None
        self._extrapolated = (None, 0.0, None)  # (epoch, when, ŷ over t_ext)
        self._playing = self._ready = self._gone = False
        self._tokens, self._acked = 0, set()
        self._send_lock = threading.Lock()
        self._pace = 0.0
        self._conn, child = multiprocessing.Pipe()  # a socket pair; the child gets its end by fd number
        with child:
            fd = child.fileno()
            self.process = subprocess.Popen([sys.executable, "-m", "rnnviz.train_process", str(fd), str(nice)],
                                            pass_fds=(fd,), cwd=REPO, stdin=subprocess.DEVNULL)
        self._receiver = threading.Thread(target=self._receive, daemon=True,
                                          name=f"rnnviz-training-{id(self):x}")
        self._receiver.start()

    @property
    def config(self):
        return self._cfg

    @property
    def running(self):
        return self._playing

    @property
    def ready(self):
        """The training process is up and has answered."""
        return self._ready

    @property
    def starting(self):
        """The training process is still coming up (the first one loads PyTorch, ~2 s)."""
        return not self._ready and not self._gone

    @property
    def seconds_per_epoch(self):
        """Pacing, so a person can watch; 0 = full speed."""
        return self._pace

    @seconds_per_epoch.setter
    def seconds_per_epoch(self, value):
        if value != self._pace:
            self._pace = value
            self._send(("pace", value))

    @property
    def done(self):
        with self._lock:
            return _done(self._cfg, self._records)

    def reset(self, cfg):
        """Forget the history and start a fresh run of `cfg` (ValueError if `cfg`'s data is invalid)."""
        task = build_task(cfg.dataset, cfg.window, values=cfg.values, dt=cfg.dt, t_max=cfg.t_max,
                          t_ext=cfg.t_ext, seed=cfg.seed)  # what the Trainer builds: invalid data fails here
        _, val_idx = split_indices(len(task.y), cfg.val_fraction, cfg.split_seed)
        with self._lock:
            self._run += 1
            self._cfg, self._task, self._val_idx = cfg, task, np.array(val_idx)
            self._records, self._state, self._val_pred, self._error = [], None, None, None
            self._extrapolated = (None, 0.0, None)
            self._playing = False
            run = self._run
        self._send(("reset", run, cfg))

    def play(self):
        """Train in the background until the run is done, paused, or the session is gone."""
        with self._lock:
            if self._playing or self._cfg is None or _done(self._cfg, self._records) or self._gone:
                return
            self._playing = True
        self._send(("play", self._pace))

    def pause(self, timeout=10.0):
        """Stop after the current epoch; returns once its records are here (or after `timeout`)."""
        if self._playing:
            self._request("pause", timeout)

    def step(self, timeout=60.0):
        """One epoch, synchronously (the Step button, and tests: in AppTest run_every never fires)."""
        if self._cfg is not None and not self.done:
            self._request("step", timeout)

    def sync(self, timeout=60.0):
        """Wait until the process has handled every command sent so far (a reset's model is built)."""
        self._request("pause", timeout)  # a pause while idle is only acknowledged

    def join(self, timeout=None):
        """Wait until training has stopped (finished, paused, failed or released)."""
        with self._lock:
            self._lock.wait_for(lambda: not self._playing, timeout)

    def wait_ready(self, timeout=60.0):
        """Wait until the training process is up; False if it did not come up in time."""
        with self._lock:
            return self._lock.wait_for(lambda: self._ready or self._gone, timeout) and self._ready

    def close(self, timeout=2.0):
        """on_release: the session is gone; stop the process without holding Streamlit's event loop for long."""
        with self._lock:
            self._playing = False
        self._send(("stop",))
        if threading.current_thread() is not self._receiver:
            self._receiver.join(timeout)  # it ends once the process has exited and the pipe is closed
        if self.process.poll() is None:
            self.process.terminate()  # did not answer in time: mid-way through a very long epoch
            self.process.wait(1.0)

    def _send(self, msg):
        try:
            with self._send_lock:
                self._conn.send(msg)
        except (OSError, ValueError):  # the process is gone; the receiver says why
            pass

    def _request(self, kind, timeout):
        """Send a pause/step command and wait for its acknowledgement (its records arrive before it)."""
        with self._lock:
            self._tokens += 1
            token = self._tokens
        self._send((kind, token))  # never under self._lock: a send can wait for the child, which waits for us
        with self._lock:
            self._lock.wait_for(lambda: token in self._acked or self._gone, timeout)
            self._acked.discard(token)

    def _receive(self):
        """The receiver thread: file each report until the pipe closes (the process exited)."""
        while True:
            try:
                msg = self._conn.recv()
            except (EOFError, OSError):
                break
            self._file(msg)
            if msg[0] == "epochs" and not self._alive():
                self._send(("stop",))
        try:
            code = self.process.wait(2.0)  # reaped: no zombie left behind
        except subprocess.TimeoutExpired:
            code = None
        self._file(("gone", None if code in (0, None) else f"the training process exited with code {code}"))
        self._conn.close()

    def _file(self, msg):
        kind = msg[0]
        with self._lock:
            if kind == "ready":
                self._ready = True
            elif kind == "epochs" and msg[1] == self._run:
                self._records.extend(msg[2])
                self._state, self._val_pred = msg[3], msg[4]
            elif kind == "stopped" and msg[1] == self._run:
                self._playing = False
            elif kind == "error" and msg[1] == self._run:
                self._error, self._playing = msg[2], False
            elif kind == "ack":
                self._acked.add(msg[1])
            elif kind == "gone":
                self._gone, self._playing = True, False
                self._error = self._error or msg[1]
            self._lock.notify_all()

    def snapshot(self):
        """A consistent copy of the run so far, safe to draw while the process keeps training."""
        with self._lock:
            return Snapshot(self._cfg, tuple(self._records), self._playing, _done(self._cfg, self._records),
                            self._val_pred, self._error, self.starting)

    def extrapolation(self, every_s=EXTRAPOLATE_EVERY_S):
        """ŷ over t_ext from the latest weights (None before the first epoch).

        While training, recomputed at most every `every_s` (1000 autoregressive steps, ~7 ms of this
        process's GIL); once it stops, always from the last epoch.
        """
        with self._lock:
            epoch, weights, cfg, task = len(self._records), self._state, self._cfg, self._task
            cached_epoch, cached_at, cached = self._extrapolated
        if weights is None:
            return None
        fresh_enough = self._playing and cached is not None and time.monotonic() - cached_at < every_s
        if cached_epoch != epoch and not fresh_enough:
            model = model_from_state(cfg, {k: torch.from_numpy(v) for k, v in weights.items()})
            cached = extrapolate(model, task, cfg.window)
            with self._lock:
                self._extrapolated = (epoch, time.monotonic(), cached)
        return cached

    def state(self):
        """The weights after the last reported epoch (a state_dict of tensors), or None before the first."""
        with self._lock:
            weights = self._state
        return None if weights is None else {k: torch.from_numpy(v) for k, v in weights.items()}

    def validation_targets(self):
        """(t, s) of the value each validation window predicts, in the series' units."""
        at = self._val_idx + self._cfg.window  # window i predicts series[i + T]
        return self._task.t[at], self._task.series[at]

    @property
    def task(self):
        return self._task


def _done(cfg, records):
    """All epochs ran, or the last one diverged."""
    return bool(records) and (records[-1].divergence is not None or len(records) >= cfg.epochs)


def _session_alive():
    """() -> bool for the current browser session, asked as epochs arrive; always True outside a server."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


@st.cache_resource(scope="session", on_release=lambda worker: worker.close(), show_spinner=False)
def session_worker():
    """This browser session's worker; Streamlit releases it (stopping its process) when the session ends."""
    return TrainingWorker(alive=_session_alive())
