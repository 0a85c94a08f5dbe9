"""The training loop in a process of its own, driven over a pipe, so training never competes for the GIL of the
process that draws the page (measured: a training thread beside Streamlit's made another session's slider
redraw in 1.2 s p95 at full speed).

Started as `python -m rnnviz.train_process FD [NICE]` (FD: its end of a socket pair, a multiprocessing
Connection; NICE: how much lower than its parent's its CPU priority is).
`serve(conn)` is the child's whole life: it answers commands between epochs and reports what it trained.
  parent → child:  ("reset", run, cfg)  ("play", seconds_per_epoch)  ("pace", seconds_per_epoch)
                   ("pause", token)  ("step", token)  ("stop",)
  child → parent:  ("ready",)  ("epochs", run, records, weights, val_pred)  ("stopped", run)
                   ("ack", token)  ("error", run, message)
Epochs are reported in batches, at most every FLUSH_S while playing and always when play stops, each batch with
the weights (numpy, so they pickle as plain bytes) and validation predictions after its last epoch.
"""
import os
import sys
import time
from multiprocessing.connection import Connection

import torch

from rnnviz.train import Trainer

FLUSH_S = 0.05  # the page redraws every 0.4 s; batching keeps the parent's unpickling to ≤ 20 a second


def serve(conn):
    """Run commands from `conn` until ("stop",) or until the parent is gone (EOF)."""
    torch.set_num_threads(1)  # the model is tiny: a second thread only waits, and the UI needs the other core
    try:
        _Server(conn).loop()
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass  # the parent died or the terminal sent Ctrl-C to the whole process group
    finally:
        conn.close()


class _Server:
    def __init__(self, conn):
        self.conn = conn
        self.trainer, self.run = None, 0
        self.playing, self.pace, self.due = False, 0.0, 0.0  # due: monotonic time the next epoch may start
        self.pending, self.flushed_at = [], 0.0

    def loop(self):
        self.conn.send(("ready",))
        while True:
            wait = max(0.0, self.due - time.monotonic()) if self.playing else None  # None: idle, block
            if self.conn.poll(wait):
                if not self.handle(self.conn.recv()):
                    return
            elif self.playing:
                self.due = time.monotonic() + self.pace
                self.epoch()
                if self.playing and self.trainer.done:
                    self.stop_playing()
                elif time.monotonic() - self.flushed_at >= FLUSH_S:
                    self.flush()

    def handle(self, msg):
        """Apply one command; False for stop."""
        kind = msg[0]
        if kind == "reset":
            self.playing, self.pending, self.run = False, [], msg[1]
            try:
                self.trainer = Trainer(msg[2])
            except Exception as e:  # the parent validated the data; anything else is a bug to show
                self.trainer = None
                self.conn.send(("error", self.run, f"{type(e).__name__}: {e}"))
        elif kind == "play":
            self.pace = msg[1]
            if self.trainer is None or self.trainer.done:
                self.conn.send(("stopped", self.run))
            elif not self.playing:
                self.playing, self.due, self.flushed_at = True, 0.0, time.monotonic()
        elif kind == "pace":
            self.pace = msg[1]
        elif kind in ("pause", "step"):
            if self.playing:
                self.stop_playing()
            if kind == "step" and self.trainer is not None and not self.trainer.done:
                self.epoch()
                self.flush()
            self.conn.send(("ack", msg[1]))
        elif kind == "stop":
            return False
        return True

    def epoch(self):
        try:
            self.pending.append(self.trainer.step())
        except Exception as e:  # shown on the page instead of dying silently
            self.flush()
            self.playing = False
            self.conn.send(("error", self.run, f"{type(e).__name__}: {e}"))

    def stop_playing(self):
        self.playing = False
        self.flush()
        self.conn.send(("stopped", self.run))

    def flush(self):
        """Send the epochs trained since the last flush, with the weights and ŷ on the validation windows."""
        self.flushed_at = time.monotonic()
        if not self.pending:
            return
        trainer = self.trainer
        val_pred = trainer.val_predictions() if trainer.divergence is None else None
        weights = {k: v.numpy() for k, v in trainer.state().items()}
        self.conn.send(("epochs", self.run, tuple(self.pending), weights, val_pred))
        self.pending = []


if __name__ == "__main__":
    os.nice(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    serve(Connection(int(sys.argv[1])))
