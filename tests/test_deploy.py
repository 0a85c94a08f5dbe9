"""deploy/serve: two replicas behind nginx keep a browser on one replica, so its reruns and its downloads all
succeed through the balancer, round after round; stopping it leaves no replica, worker or nginx behind."""
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import VIEWPORT, StreamlitPage, stop_server

REPO = Path(__file__).resolve().parents[1]
NGINX = "/usr/sbin/nginx"
ROUNDS = 4


def free_ports(n):
    """A port p with p, p+1, …, p+n-1 all free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        try:
            for q in range(p, p + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", q))
            return p
        except OSError:
            continue
    raise RuntimeError("no free port range")


def descendants(root):
    """Pids of every process below `root` (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    out, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - out
        out |= frontier
    return out


def title(pid):
    """A process's command line as one string ("" once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def all_gone(pids, timeout=10.0):
    """Whether every one of `pids` has exited (and been reaped) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(map(alive, pids))


@pytest.fixture
def balancer(tmp_path):
    if not Path(NGINX).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: {NGINX} missing (bash tests/run.sh installs it)", pytrace=False)
        pytest.skip(f"{NGINX} missing: apt-get install nginx, or run bash tests/run.sh")
    port = free_ports(3)
    logs = tmp_path / "logs"
    proc = subprocess.Popen([str(REPO / "deploy" / "serve"), "--replicas", "2", "--port", str(port),
                             "--keep-logs", str(logs)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    line = proc.stdout.readline()  # printed once the replicas and nginx answer
    assert line.startswith("rnnviz: http://"), line + proc.stdout.read()
    yield f"http://127.0.0.1:{port}", proc, logs
    # after a failure: SIGTERM makes deploy/serve stop its replicas and nginx (each in a session of its own, out
    # of reach of a signal to its group) and reap them; a SIGKILL would leave that to PR_SET_PDEATHSIG, unwaited
    below = descendants(proc.pid)
    stop_server(proc)
    proc.stdout.close()
    assert all_gone(below), [title(pid) for pid in below if alive(pid)]


def test_a_browser_stays_on_one_replica_for_reruns_and_downloads_and_stop_leaves_nothing(balancer, browser):
    base, proc, logs = balancer
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    app = StreamlitPage(context.new_page(), base)
    app.open("training", query={"train_epochs": 50}, expect="epoch 0/50")
    checks = {"Weights": lambda b: b[:2] == b"PK",  # torch.save writes a zip
              "Training log": lambda b: b.startswith(b"epoch,train_loss"),
              "Standalone script": lambda b: b"import torch" in b}
    for epoch in range(1, ROUNDS + 1):
        with app.expect_rerun(f"epoch {epoch}/50"):
            app.page.get_by_role("button", name="Step").click()
        for label, check in checks.items():
            with app.page.expect_download() as download:
                app.page.get_by_role("button", name=label).click()
            data = Path(download.value.path()).read_bytes()
            assert check(data), (label, data[:80])
            if label == "Training log":
                assert len(data.decode().splitlines()) == 1 + epoch  # this session's run, not another's
    app.assert_no_exception()
    context.close()
    # nginx logs the websocket once it closes; a stop before that (fast shutdown) would drop its line. Its
    # live log is under the prefix deploy/serve made (its master's title names it: nginx -p PREFIX)
    titles = [title(pid) for pid in descendants(proc.pid)]
    prefix = next(m.group(1) for m in (re.search(r"nginx -p (\S+)", t) for t in titles) if m)
    access = Path(prefix) / "logs" / "access.log"
    deadline = time.monotonic() + 15
    while "/_stcore/stream" not in access.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)

    below = descendants(proc.pid)
    assert len(below) >= 4  # two replicas, nginx's master and worker (and the replicas' training workers)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert all_gone(below)

    # nginx's log: every request of this browser (one sticky key) went to the same replica
    upstreams = {}
    for line in (logs / "access.log").read_text().splitlines():
        match = re.search(r'"(\S+) (\S+)[^"]*" (\d+) (\S+) client=(\S+)', line)
        if match and match.group(4) != "-":
            upstreams.setdefault(match.group(5), set()).add(match.group(4))
    stream = [m.group(1) for m in re.finditer(r"client=(\S+)", "\n".join(
        l for l in (logs / "access.log").read_text().splitlines() if "/_stcore/stream" in l))]
    media = [l for l in (logs / "access.log").read_text().splitlines() if "/media/" in l]
    assert len(set(stream)) == 1 and len(media) >= 3 * ROUNDS
    assert len(upstreams[stream[0]]) == 1, upstreams[stream[0]]
