"""One training worker process seen from the server (ui/training_pool.py): how it starts, talks and ends.

The process is `python -m rnnviz.train_pool FD NICE` (a `python -m` entry point, not a multiprocessing child:
those re-run `__main__`, which under Streamlit is the page script). Two threads a worker: a sender (an outbox
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


class WorkerProcess:
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

