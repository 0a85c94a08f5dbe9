"""The server's side of the training pool: a few worker processes shared by every browser session, one run each.

One worker per core (rnnviz/train_pool.py: PyTorch imported once per worker, runs trained in turn, one epoch at a
time). They start when the first session connects (app.py calls `visit()`: a cold start costs ~3.3 s of CPU, paid
while the class arrives instead of after its first Play), or on a Play or Step otherwise, and they stop once no
session has been connected and no run has existed for IDLE_S. This process never imports torch: records,
predictions and weights arrive pickled as numpy and bytes.
A session gets a `Run` through `session_run()` (st.cache_resource, scope="session"); Streamlit releases it when
the session ends, and `Run.close()` only posts a message: nothing here waits on Streamlit's event loop.
A janitor thread drops, every second, the runs of sessions that are no longer connected (a closed tab), and
every REBALANCE_S moves the run furthest behind from the busiest worker to the least busy one (its pickled
trainer, passed on unread), so runs get the same share of the CPU even when runs per worker differ (8 and 7
for 15 runs on 2 workers). When every slot is taken (PER_WORKER playing runs per worker), a Play joins a
queue and the page shows its place.

Modules: this one schedules (Pool: placing, queueing, rebalancing, the janitor) and holds the Streamlit glue;
ui/pool_process.py starts and talks to one worker process; ui/pool_run.py is a session's Run and its Snapshot.
Threads: per worker a sender and a receiver (ui/pool_process.py); one janitor. Every run's state is guarded by
the pool's lock.
"""
import atexit
import itertools
import os
import subprocess
import threading
import time
from collections import deque

import streamlit as st

from ui import pool_process

NICE = 10        # workers yield the CPU to the pages: on 2 busy cores a slider matters more than an epoch
# playing runs per worker before a Play queues: each still gets ≥ 1/8 of a core (RNNVIZ_RUNS_PER_CORE overrides)
PER_WORKER = int(os.environ.get("RNNVIZ_RUNS_PER_CORE", 8))
IDLE_S = 6.0     # workers stop once nobody has been connected this long (a closed class frees its memory ≤ 10 s)
JANITOR_S = 1.0  # how often closed sessions' runs are looked for
REBALANCE_S = 2.0  # how often a run may move from the busiest worker to the least busy (see Pool._rebalance)


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
        from ui.pool_run import Run  # (numpy: app.py's visit() imports this module on the home page's first run)
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
            return [w.pid for w in self.workers if w.pid is not None]

    def shutdown(self):
        """Close every worker's pipe: each exits at once (EOF), wherever it is."""
        with self.lock:
            workers = self._stop()
        for w in workers:
            if w.process is not None:  # (it reaps its forked siblings before it exits)
                try:
                    w.process.wait(5.0)
                except subprocess.TimeoutExpired:
                    w.process.kill()

    # --- called with self.lock held ---------------------------------------------------------------------
    def _stop(self):
        """Close every worker's pipe (each exits at EOF, its receiver reaps it); the workers stopped."""
        workers, self.workers = self.workers, []
        for w in workers:
            w.post(None)
        return workers

    def _start(self):
        if not self.workers:
            self.workers = pool_process.start(self, self.n_workers, self.nice)
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

    def _training(self, run):
        """Whether `run` holds a slot: playing and not queued."""
        return run._playing and run not in self.queue

    def _playing_on(self, worker):
        return sum(1 for n in worker.names if self._training(self.runs[n]))

    def _slots_taken(self):
        return sum(1 for r in self.runs.values() if self._training(r))

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
        candidates = [r for r in map(self.runs.get, busiest.names) if self._training(r) and r._movable]
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
                    run._error = ("the training worker stopped unexpectedly" +
                                  (f" (exit code {code})" if code is not None else "") + "; press Reset")
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
                    self._stop()
                if self.runs and now - self.rebalanced_at >= self.rebalance_s:
                    self.rebalanced_at = now
                    self._rebalance()


@st.cache_resource(show_spinner=False)
def pool():
    """The server's one pool, shared by every session."""
    return Pool()


def _server():
    """The running server's Streamlit Runtime, or None: bare Python, or AppTest (which puts a mock of it, one that
    passes isinstance, in its place)."""
    from streamlit.runtime import Runtime
    return Runtime.instance() if Runtime.exists() and type(Runtime.instance()) is Runtime else None


def _session_alive():
    """() -> bool for the current browser session, asked by the janitor; always True outside a server."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx, runtime = get_script_run_ctx(), _server()
    if ctx is None or runtime is None:
        return lambda: True
    session_id = ctx.session_id
    return lambda: runtime.is_active_session(session_id)


@st.cache_resource(scope="session", on_release=lambda run: run.close(), show_spinner=False)
def session_run():
    """This browser session's run; Streamlit releases it (dropping it from the pool) when the session ends."""
    return pool().open(alive=_session_alive())


@st.cache_resource(scope="session", show_spinner=False)
def visit():
    """Once per browser session (app.py, every page): the pool's workers warm up while the learner reads, and
    stay while the session is connected. Not outside a server (AppTest): no session there ever leaves."""
    if _server() is not None:
        pool().visit(alive=_session_alive())
