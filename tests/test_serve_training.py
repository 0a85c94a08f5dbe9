"""Live training on a real `streamlit run`, driven over Streamlit's own websocket protocol (tests/st_client.py):
a closed tab's training is gone within seconds, and Ctrl-C leaves no process behind, zombies included."""
import asyncio
import concurrent.futures
import os
import signal
import time
from pathlib import Path

from conftest import free_port, start_server, stop_server
from st_client import Learner


def run(coroutine):
    """asyncio.run on a thread of its own: playwright's sync API (the browser tests) keeps an event loop
    running on the test thread, and asyncio.run refuses to start beside it."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def children(pid):
    """{pid: (state, cmdline)} of `pid`'s children (from /proc); a zombie has state Z."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out[int(stat.parent.name)] = (fields[0], (stat.parent / "cmdline").read_bytes())
        except (OSError, ValueError, IndexError):
            continue
    return out


def workers(server):
    return [pid for pid, (_, cmd) in children(server).items() if b"rnnviz.train_pool" in cmd]


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


async def train(base, epochs=1):
    """A learner opens /training, presses Play and waits for an epoch on screen; the open Learner."""
    me = Learner(base, "training", "train_epochs=5000")
    await me.connect()
    await me.click("train_play")
    for _ in range(1200):
        if any(e >= epochs for _, e in me.epochs):
            return me
        await asyncio.sleep(0.1)
    raise AssertionError(f"no epoch on screen after 120 s: {me.progress()!r}")


def test_a_closed_tab_ends_its_training_and_ctrl_c_leaves_nothing():
    port = free_port()
    proc, err = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        async def close_a_tab():
            me = await train(base)
            assert not me.exceptions
            assert workers(proc.pid)  # the pool's workers, children of the server
            await me.close()
        run(close_a_tab())
        # the run leaves the pool within a second; the idle workers exit a few seconds later, reaped
        assert wait_until(lambda: not children(proc.pid), timeout=20), children(proc.pid)

        run(train(base))  # a new pool starts; this learner's session is still training
        pids = workers(proc.pid)
        assert pids
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the server's terminal
        assert proc.wait(15) is not None
        assert wait_until(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in pids), timeout=10)
    finally:  # (a no-op once Ctrl-C worked; after a failure, SIGTERM then SIGKILL its group and reap it)
        stop_server(proc)
        err.close()
