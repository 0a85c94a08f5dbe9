"""One worker of the training pool: a process that holds many runs and trains them in turn, one epoch at a time.

Started as `python -m rnnviz.train_pool FD[,FD...] [NICE]` (each FD: its end of a socket pair, a multiprocessing
Connection; NICE: how much lower its CPU priority is than its parent's once it is warm). Warm means: PyTorch
imported and one throw-away epoch trained, which pays the first trainer's lazy imports (Adam's first param group
imports torch._dynamo: ~1.3 s of the ~3.3 s of CPU a cold start costs) before it says "ready", so no learner's
first epoch waits for them. Warm, the process forks one sibling per further FD, which shares what it loaded: the
pool pays that start once, not once per worker (on a busy machine, two workers importing side by side took twice
as long to be ready). It warms up at the server's priority (then lowers it by NICE), since a Play may be waiting on it, and on a busy machine a
low priority made that wait 10 s. A `python -m` entry point, not a multiprocessing child: those re-run
`__main__` to start, and under Streamlit `__main__` is the page script being run.
The server (ui/training_pool.py) starts one process for the whole pool (one worker per core with its siblings)
and spreads the runs over them: PyTorch is imported once, not once per browser tab. Runs are built by `rnnviz.train.make_trainer(cfg)`, so any trainer with
`.step()`, `.done` and `.live(heavy)` trains here.

  server → worker:  ("open", run, cfg)  ("play", run, seconds_per_epoch)  ("pace", run, seconds_per_epoch)
                    ("pause", run, token)  ("step", run, token)  ("drop", run)
                    ("give", run)  ("adopt", run, trainer bytes, playing, seconds_per_epoch)
  worker → server:  ("ready", pid)  ("built", run, live)  ("epochs", run, records, live, done)
                    ("stopped", run)  ("ack", run, token)  ("error", run, message)
                    ("given", run, trainer bytes, playing)  ("kept", run)  (its trainer does not pickle)
A run moves between workers (give → given → adopt) as its pickled trainer, which the server passes on unread:
that is how the pool evens out the share of a core each run gets when runs per worker differ.
Epochs are shipped per run in batches, at most every FLUSH_S while playing and always when it stops; `live` is
the trainer's `.live(heavy)` dict, heavy at most every HEAVY_S while playing. The worker exits when the server's
end of the pipe closes (EOF: the server stopped, however it stopped) or on Ctrl-C.
"""
import contextlib
import os
import pickle
import signal
import sys
import time
from collections import OrderedDict
from multiprocessing.connection import Connection

FLUSH_S = 0.1   # per run: a page redraws at most every 0.4 s, so ten batches a second are plenty
HEAVY_S = 1.0   # per run: the extrapolation (1000 autoregressive steps) and the weights, at most this often


class RoundRobin:
    """The playing runs in a ring; `pick` serves the first one that is due after the last served, so every run
    gets one epoch per round however many there are, and a paced run (seconds per epoch > 0) waits its turn.
    A run that starts playing goes first: its first epoch is on screen after one epoch, not after a round."""

    def __init__(self):
        self.due = OrderedDict()  # run → monotonic time its next epoch may start, in serving order

    def add(self, run, at=0.0):
        self.due[run] = at
        self.due.move_to_end(run, last=False)

    def remove(self, run):
        self.due.pop(run, None)

    def __contains__(self, run):
        return run in self.due

    def __len__(self):
        return len(self.due)

    def pick(self, now):
        """The next run to train one epoch of (moved to the back of the ring), or None if none is due yet."""
        for run, at in self.due.items():
            if at <= now:
                self.due.move_to_end(run)
                return run
        return None

    def served(self, run, next_at):
        if run in self.due:
            self.due[run] = next_at

    def wait(self, now):
        """Seconds until some run is due (0: one is due now), or None when nothing plays."""
        return max(0.0, min(self.due.values()) - now) if self.due else None


class _Run:
    def __init__(self, trainer):
        self.trainer = trainer
        self.pace, self.pending = 0.0, []
        self.flushed_at = self.heavy_at = 0.0


class Worker:
    """The worker's whole state: its runs, the ring of those playing, and the pipe to the server."""

    def __init__(self, conn, make_trainer):
        self.conn, self.make_trainer = conn, make_trainer
        self.runs, self.ring = {}, RoundRobin()

    def loop(self):
        self.conn.send(("ready", os.getpid()))
        parent = os.getppid()
        while os.getppid() == parent:  # (orphaned, the server died without closing the pipe: end with it)
            self.turn()

    def turn(self):
        """Every command waiting, or else one epoch of the run whose turn it is (waiting for either)."""
        now = time.monotonic()
        if self.conn.poll(self.ring.wait(now)):
            while self.conn.poll(0):  # every command before the next epoch
                self.handle(self.conn.recv())
        elif (name := self.ring.pick(now)) is not None:
            run = self.runs[name]
            self.ring.served(name, now + run.pace)
            if not self.epoch(name, run):
                return
            if run.trainer.done:
                self.stop(name, run)
            elif time.monotonic() - run.flushed_at >= FLUSH_S:
                self.flush(name, run)

    def handle(self, msg):
        kind, name = msg[0], msg[1]
        run = self.runs.get(name)
        if kind == "open":
            self.ring.remove(name)
            try:
                run = self.runs[name] = _Run(self.make_trainer(msg[2]))
                self.conn.send(("built", name, run.trainer.live(heavy=False)))
            except Exception as e:  # the server validated the data; anything else is a bug to show
                self.runs.pop(name, None)
                self.conn.send(("error", name, f"{type(e).__name__}: {e}"))
        elif kind == "drop":
            self.ring.remove(name)
            self.runs.pop(name, None)
        elif kind == "adopt":
            run = self.runs[name] = _Run(pickle.loads(msg[2]))
            run.pace, run.flushed_at = msg[4], time.monotonic()
            if msg[3]:
                self.ring.add(name)
        elif kind == "give" and run is not None:
            self.flush(name, run)
            try:
                blob = pickle.dumps(run.trainer)
            except Exception:  # a trainer that does not pickle stays where it is
                self.conn.send(("kept", name))
                return
            playing = name in self.ring
            self.ring.remove(name)
            del self.runs[name]
            self.conn.send(("given", name, blob, playing))
        elif run is None:  # dropped, or never built: answer so nobody waits
            if kind in ("pause", "step"):
                self.conn.send(("ack", name, msg[2]))
            elif kind == "play":
                self.conn.send(("stopped", name))
        elif kind == "play":
            run.pace = msg[2]
            if run.trainer.done:
                self.conn.send(("stopped", name))
            elif name not in self.ring:
                run.flushed_at = -FLUSH_S  # the first epoch after Play ships at once: a learner is waiting for it
                self.ring.add(name)
        elif kind == "pace":
            run.pace = msg[2]
        elif kind in ("pause", "step"):
            if name in self.ring:
                self.stop(name, run)
            if kind == "step" and not run.trainer.done and self.epoch(name, run):
                self.flush(name, run, heavy=True)
            self.conn.send(("ack", name, msg[2]))

    def epoch(self, name, run):
        """Train one epoch of `run`; False if it raised (the run is then reported and dropped)."""
        try:
            run.pending.append(run.trainer.step())
            return True
        except Exception as e:  # shown on the page instead of ending the worker and every run in it
            self.ring.remove(name)
            self.runs.pop(name, None)
            self.conn.send(("error", name, f"{type(e).__name__}: {e}"))
            return False

    def stop(self, name, run):
        self.ring.remove(name)
        self.flush(name, run, heavy=True)
        self.conn.send(("stopped", name))

    def flush(self, name, run, heavy=False):
        """Ship the epochs trained since the last flush, with the trainer's live view after the last of them."""
        now = time.monotonic()
        run.flushed_at = now
        if not run.pending and not heavy:
            return
        heavy = heavy or now - run.heavy_at >= HEAVY_S
        if heavy:
            run.heavy_at = now
        self.conn.send(("epochs", name, tuple(run.pending), run.trainer.live(heavy), run.trainer.done))
        run.pending = []


def warm(nice=0):
    """Import PyTorch and train a throw-away epoch (its first paying the lazy imports), then yield the CPU to the
    pages by `nice`; the trainer factory."""
    import torch
    torch.set_num_threads(1)  # tiny models: a second thread only waits, and the pages need the other core
    from rnnviz.train import make_trainer
    from rnnviz.train_config import TrainConfig
    trainer = make_trainer(TrainConfig(epochs=1))
    trainer.step()
    trainer.live(heavy=True)
    if nice:
        os.nice(nice)
    return make_trainer


def serve(conns, nice=0):
    """The workers' life: warm up once, fork a sibling for each connection after the first, then in each process
    commands and epochs until the server closes its connection (EOF) or Ctrl-C."""
    conn, siblings = conns[0], []
    try:
        make_trainer = warm(nice)
        signal.signal(signal.SIGCHLD, _reap)
        for other in conns[1:]:
            if (pid := os.fork()) == 0:  # the sibling: shares the warm PyTorch, serves `other`
                conn, siblings = other, []
                break
            siblings.append(pid)
        for c in conns:
            if c is not conn:
                c.close()
        Worker(conn, make_trainer).loop()
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass  # the server is gone, or the terminal sent Ctrl-C to the whole process group
    finally:
        conn.close()
        with contextlib.suppress(KeyboardInterrupt):
            _wait(siblings)


def _reap(signum, frame):
    """SIGCHLD: collect any sibling that exited, so none lingers as a zombie."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _wait(pids, timeout=5.0):
    """Reap the siblings (they exit at their own EOF, which the server sends all at once); kill what remains."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        with contextlib.suppress(ChildProcessError):  # (already reaped by _reap)
            while not os.waitpid(pid, os.WNOHANG)[0]:
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.05)


if __name__ == "__main__":
    serve([Connection(int(fd)) for fd in sys.argv[1].split(",")], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
