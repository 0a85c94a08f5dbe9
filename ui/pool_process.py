"""One training worker process seen from the server (ui/training_pool.py): how it starts, talks and ends.

The pool's workers are one `python -m rnnviz.train_pool FD,FD,... NICE` (a `python -m` entry point, not a
multiprocessing child: those re-run `__main__`, which under Streamlit is the page script): it loads PyTorch once,
then forks a sibling for each FD after the first; the server holds the other end of each FD and reaps the first
process, which reaps its siblings. Two threads a worker: a sender (an outbox
queue → the pipe, so posting never blocks, not even on Streamlit's event loop) and a receiver (the pipe → the
pool's `_file`, then, at EOF, reaping the process so no zombie is left, and telling the pool through `_lost`).
"""
import multiprocessing
import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]  # where `python -m rnnviz.train_pool` finds rnnviz


def start(pool, n, nice):
    """`n` workers for `pool`: one process started here, which forks the other n − 1 once PyTorch is loaded."""
    pipes = [multiprocessing.Pipe() for _ in range(n)]  # socket pairs; the workers get their ends by fd number
    fds = [child.fileno() for _, child in pipes]
    process = subprocess.Popen([sys.executable, "-m", "rnnviz.train_pool", ",".join(map(str, fds)), str(nice)],
                               pass_fds=fds, cwd=REPO, stdin=subprocess.DEVNULL)
    for _, child in pipes:
        child.close()
    return [WorkerProcess(pool, conn, process if i == 0 else None) for i, (conn, _) in enumerate(pipes)]


class WorkerProcess:
    """One worker process seen from the server: its pipe, an outbox the sender drains, and what it holds.
    `process`: the Popen of the one the server started (None for its forked siblings, which it reaps)."""

    def __init__(self, pool, conn, process):
        self.pool, self.conn, self.process = pool, conn, process
        self.ready, self.names, self.pid = False, set(), None  # pid: from its "ready"
        self.outbox = queue.SimpleQueue()
        for target in (self._send_loop, self._receive_loop):
            threading.Thread(target=target, daemon=True, name="rnnviz-pool-worker").start()

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
        code = None  # a sibling's: its parent reaps it, and knows its exit code
        if self.process is not None:
            try:
                code = self.process.wait(5.0)  # reaped: no zombie left behind
            except subprocess.TimeoutExpired:
                self.process.kill()
                code = self.process.wait()
        self.outbox.put(None)
        self.conn.close()
        self.pool._lost(self, code)

