"""The server's side of the training pool: a few worker processes shared by every browser session, one run each.

One worker per core (rnnviz/train_pool.py: PyTorch imported once per worker, runs trained in turn, one epoch at a
time). They start when the first session connects (app.py calls `visit()`: a cold start costs ~3.3 s of CPU, paid
while the class arrives instead of after its first Play), or on a Play or Step otherwise, and they stop once no
session has been connected and no run has existed for IDLE_S. This process never imports torch: records, predictions and weights arrive pickled as numpy and bytes.
A session gets a `Run` through `session_run()` (st.cache_resource, scope="session"); Streamlit releases it when
the session ends, and `Run.close()` only posts a message: nothing here waits on Streamlit's event loop.
A janitor thread drops, every second, the runs of sessions that are no longer connected (a closed tab), and
every REBALANCE_S moves the run furthest behind from the busiest worker to the least busy one (its pickled
trainer, passed on unread), so runs get the same share of the CPU even when runs per worker differ (8 and 7
for 15 runs on 2 workers). When every slot is taken (PER_WORKER playing runs per worker), a Play joins a
queue and the page shows its place.

Threads: per worker a sender (an outbox queue → the pipe, so posting never blocks) and a receiver (the pipe →
the runs' history, under one lock); one janitor. Every run's state is guarded by the pool's lock.
"""
import atexit
import itertools
import multiprocessing
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from rnnviz.datasets import make_task

REPO = Path(__file__).resolve().parents[1]  # where `python -m rnnviz.train_pool` finds rnnviz
NICE = 10        # workers yield the CPU to the pages: on 2 busy cores a slider matters more than an epoch
# playing runs per worker before a Play queues: each still gets ≥ 1/8 of a core (RNNVIZ_RUNS_PER_CORE overrides)
PER_WORKER = int(os.environ.get("RNNVIZ_RUNS_PER_CORE", 8))
IDLE_S = 6.0     # workers stop once nobody has been connected this long (a closed class frees its memory ≤ 10 s)
JANITOR_S = 1.0  # how often closed sessions' runs are looked for
REBALANCE_S = 2.0  # how often a run may move from the busiest worker to the least busy (see Pool._rebalance)


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


class _Worker:
    """One worker process seen from the server: its pipe, an outbox the sender drains, and what it holds."""

    def __init__(self, pool, nice):
        self.pool, self.ready, self.names, self.pid = pool, False, set(), None
        self.outbox = queue.SimpleQueue()
        self.conn, child = multiprocessing.Pipe()  # a socket pair; the child gets its end by fd number
        with child:
            fd = child.fileno()
            self.process = subprocess.Popen([sys.executable, "-m", "rnnviz.train_pool", str(fd), str(nice)],
                                            pass_fds=(fd,), cwd=REPO, stdin=subprocess.DEVNULL)
        for target in (self._send_loop, self._receive_loop):
            threading.Thread(target=target, daemon=True, name=f"rnnviz-pool-{self.process.pid}").start()

    def post(self, msg):
        """Queue `msg` for the worker; never blocks (None closes the pipe, and the worker exits)."""
        self.outbox.put(msg)

    def _send_loop(self):
        while (msg := self.outbox.get()) is not None:
            try:
                self.conn.send(msg)
            except (OSError, ValueError):  # the worker is gone; the receiver tells the pool
                return
        try:  # EOF for the worker, which exits; the receiver then sees EOF too and closes the pipe
            with socket.socket(fileno=os.dup(self.conn.fileno())) as s:
                s.shutdown(socket.SHUT_WR)
        except (OSError, ValueError):
            pass

    def _receive_loop(self):
        while True:
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                break
            self.pool._file(self, msg)
        try:
            code = self.process.wait(5.0)  # reaped: no zombie left behind
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.outbox.put(None)
        self.conn.close()
        self.pool._lost(self, code)


class Pool:
    """Runs spread over worker processes; Play beyond capacity queues. Thread-safe."""

    def __init__(self, workers=None, per_worker=PER_WORKER, idle_s=IDLE_S, nice=NICE, rebalance_s=REBALANCE_S):
        self.n_workers = workers or os.cpu_count() or 1
        self.capacity, self.idle_s, self.nice, self.rebalance_s = self.n_workers * per_worker, idle_s, nice, rebalance_s
        self.moves = 0  # runs moved between workers so far
        self.lock = threading.Condition()  # guards every field here and every Run's; notified on each report
        self.workers, self.runs, self.queue = [], {}, deque()  # runs: name → Run (opened in a worker)
        self.handles = set()               # every Run not yet closed, opened or not
        self.visitors = set()              # alive() of each connected session that asked for warm workers
        self.names = itertools.count(1)
        self.empty_since = self.rebalanced_at = time.monotonic()
        threading.Thread(target=self._janitor, daemon=True, name="rnnviz-pool-janitor").start()
        atexit.register(self.shutdown)

    def open(self, alive=lambda: True):
        """A new run handle for one session; `alive()` says whether that session is still connected."""
        run = Run(self, alive)
        with self.lock:
            self.handles.add(run)
        return run

    def visit(self, alive=lambda: True):
        """A session connected: start the workers now, so they are warm by the time anyone presses Play. They stay
        while `alive()` (or any other visitor's) says its session is still connected."""
        with self.lock:
            self.visitors.add(alive)
            self._start()
        return alive

    def worker_pids(self):
        with self.lock:
            return [w.process.pid for w in self.workers]

    def shutdown(self):
        """Close every worker's pipe: each exits at once (EOF), wherever it is."""
        with self.lock:
            workers, self.workers = self.workers, []
        for w in workers:
            w.post(None)
        for w in workers:
            try:
                w.process.wait(5.0)
            except subprocess.TimeoutExpired:
                w.process.kill()

    # --- called with self.lock held ---------------------------------------------------------------------
    def _start(self):
        if not self.workers:
            self.workers = [_Worker(self, self.nice) for _ in range(self.n_workers)]
            self.empty_since = time.monotonic()

    def _place(self, run):
        """Open `run`'s trainer in the worker with the fewest playing runs (started if need be)."""
        self._start()
        worker = min(self.workers, key=lambda w: (self._playing_on(w), len(w.names)))
        run._name, run._worker = next(self.names), worker
        worker.names.add(run._name)
        self.runs[run._name] = run
        worker.post(("open", run._name, run._cfg))

    def _post(self, run, msg):
        """Send `msg` to `run`'s worker; while the run moves between workers, hold it for the new one."""
        if run._moving:
            run._held.append(msg)
        else:
            run._worker.post(msg)

    def _playing_on(self, worker):
        return sum(1 for n in worker.names if self.runs[n]._playing and self.runs[n] not in self.queue)

    def _slots_taken(self):
        return sum(1 for r in self.runs.values() if r._playing and r not in self.queue)

    def _drop(self, run):
        if run._name is not None:
            self.runs.pop(run._name, None)
            run._worker.names.discard(run._name)
            run._worker.post(("drop", run._name))  # (a run on its way elsewhere: its "given" is then ignored)
            run._name = run._worker = None
            run._moving, run._held = False, []
        if run in self.queue:
            self.queue.remove(run)
        run._playing = False
        run._news.set()
        self._promote()

    def _promote(self):
        """Start queued runs while there are free slots."""
        while self.queue and self._slots_taken() < self.capacity:
            run = self.queue.popleft()
            if run._name is not None and run._playing:
                run._started()
                self._post(run, ("play", run._name, run._pace))
        self.lock.notify_all()

    # --- threads ----------------------------------------------------------------------------------------
    def _file(self, worker, msg):
        """The receiver: file one report from `worker`."""
        kind = msg[0]
        with self.lock:
            if kind == "ready":
                worker.ready, worker.pid = True, msg[1]
            run = self.runs.get(msg[1]) if kind != "ready" else None
            if run is None:
                self.lock.notify_all()
                return  # a report of a run reset or dropped since: nobody wants it
            run._news.set()
            if kind == "built":
                run._live.update(msg[2])
            elif kind == "epochs":
                run._records.extend(msg[2])
                run._live.update(msg[3])
                run._done = msg[4]
                run._version += 1
            elif kind == "stopped":
                run._playing = False
                self._promote()
            elif kind == "error":
                run._error, run._playing = msg[2], False
                self._drop(run)
            elif kind == "ack":
                run._acked.add(msg[2])
            elif kind == "given":  # on its way: hand the trainer to the new worker, then what was held for it
                worker.names.discard(run._name)
                run._worker, run._moving = run._target, False
                run._worker.names.add(run._name)
                run._worker.post(("adopt", run._name, msg[2], msg[3], run._pace))
                for held in run._held:
                    run._worker.post(held)
                run._held = []
                self.moves += 1
            elif kind == "kept":  # it could not move: it stays, and what was held for it goes to its worker
                run._moving, run._movable = False, False
                for held in run._held:
                    run._worker.post(held)
                run._held = []
            self.lock.notify_all()

    def _rebalance(self):
        """Move the playing run with the fewest epochs a second (the furthest behind) from the busiest worker to
        the least busy, when their counts of playing runs differ: the runs take turns on the less crowded worker,
        so over time each gets the same share of the cores (a move costs a pickled trainer, ~0.2 MB, ~10 ms)."""
        workers = [w for w in self.workers if w.ready]
        if len(workers) < 2 or any(r._moving for r in self.runs.values()):
            return
        busiest = max(workers, key=self._playing_on)
        idlest = min(workers, key=self._playing_on)
        if self._playing_on(busiest) - self._playing_on(idlest) < 1 or self._playing_on(busiest) < 2:
            return
        now = time.monotonic()
        candidates = [self.runs[n] for n in busiest.names
                      if self.runs[n]._playing and self.runs[n]._movable and self.runs[n] not in self.queue]
        if not candidates:
            return
        run = min(candidates, key=lambda r: r._rate(now))
        run._moving, run._target = True, idlest
        busiest.post(("give", run._name))

    def _lost(self, worker, code):
        """A worker exited: its runs cannot go on (unless the pool stopped it)."""
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)
                for name in list(worker.names):
                    run = self.runs.pop(name)
                    run._error = f"the training worker stopped unexpectedly (exit code {code}); press Reset"
                    run._playing, run._name, run._worker = False, None, None
                    if run in self.queue:
                        self.queue.remove(run)
            self.lock.notify_all()

    def _janitor(self):
        """Every JANITOR_S: drop the runs of sessions gone; stop the workers once no session has been connected and
        no run has existed for IDLE_S."""
        while True:
            time.sleep(min(JANITOR_S, self.rebalance_s))
            with self.lock:
                handles, visitors = list(self.handles), list(self.visitors)
            gone = [run for run in handles if not run._alive()]  # asks the runtime: outside the lock
            left = [alive for alive in visitors if not alive()]
            with self.lock:
                for run in gone:
                    self.handles.discard(run)
                    self._drop(run)
                self.visitors.difference_update(left)
                now = time.monotonic()
                if self.runs or self.visitors:
                    self.empty_since = now
                elif self.workers and now - self.empty_since > self.idle_s:
                    workers, self.workers = self.workers, []
                    for w in workers:
                        w.post(None)
                if self.runs and now - self.rebalanced_at >= self.rebalance_s:
                    self.rebalanced_at = now
                    self._rebalance()


class Run:
    """One session's run in the pool: Play/Pause/Step/Reset, and a snapshot of its history for the page."""

    def __init__(self, pool, alive):
        self._pool, self._alive = pool, alive
        self._cfg = self._task = None
        self._name = self._worker = None  # its name in, and its worker, once opened
        self._records, self._live, self._error, self._done, self._version = [], {}, None, False, 0
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

    @property
    def done(self):
        return self._done

    def reset(self, cfg):
        """Forget the history and start a fresh run of `cfg` (ValueError if `cfg`'s data is invalid)."""
        task = make_task(cfg, test_set=False)  # what the trainer builds (the adding problem's without torch)
        with self._pool.lock:
            self._pool._drop(self)
            self._cfg, self._task = cfg, task
            self._records, self._live, self._error, self._done = [], {}, None, False
            self._version += 1

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
        return self._playing and self not in self._pool.queue and len(self._records) <= self._played_from

    @property
    def version(self):
        """Bumped whenever the history changes: a view that drew this version has nothing new to draw."""
        return self._version

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
        at = np.asarray(idx) + self._cfg.window  # window i predicts series[i + T]
        return self._task.t[at], self._task.series[at]


@st.cache_resource(show_spinner=False)
def pool():
    """The server's one pool, shared by every session."""
    return Pool()


def _session_alive():
    """() -> bool for the current browser session, asked by the janitor; always True outside a server."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


@st.cache_resource(scope="session", on_release=lambda run: run.close(), show_spinner=False)
def session_run():
    """This browser session's run; Streamlit releases it (dropping it from the pool) when the session ends."""
    return pool().open(alive=_session_alive())


@st.cache_resource(scope="session", show_spinner=False)
def visit():
    """Once per browser session (app.py, every page): the pool's workers warm up while the learner reads, and
    stay while the session is connected."""
    return pool().visit(alive=_session_alive())
