"""A class on one server: N simulated learners (no browser: Streamlit's own websocket protocol), K of them training.

    python benchmarks/bench_classroom.py [--learners 30] [--trainers 15] [--seconds 30] [--move-every 3]
                                         [--base main] [--crowd 100] [--replicas 2] [--only after]

Each learner is a headless client of /_stcore/stream (tests/st_client.py): it opens its page as a browser
would, and reruns the fragments the server asks it to (run_every), as the frontend does.
  class   K learners open /training (5000 epochs, the page's default speed) and press Play; the other N − K sit
          on /forward and move the W_hh slider every --move-every seconds (each at its own phase). Measured
          over --seconds once every trainer has shown an epoch (or waited 120 s): the idle learners' reruns
          (send → script_finished: server-side, no browser), page loads (connect → first run finished),
          Play → first epoch on screen (the progress bar's text), epochs/s on screen per trainer, peak memory
          of the server and of the training processes (RSS). Then every tab closes at once: seconds until the
          last training process is gone (at most 60), what is left then, zombies; then Ctrl-C (SIGINT) to the
          server's process group and what is left 10 s later.
  crowd   --crowd learners on /forward, each moving a slider every 5 s for --seconds: rerun p50/p95/max, errors.
Both run against `main` (--base, a temporary `git worktree`, as bench_slider.py's base_checkout) and this
checkout, one after the other; --replicas R also runs this checkout through nginx with R replicas (deploy/serve).
Heavy: run it under `flock /tmp/rnnviz-bench.lock`. Machine load from other work is printed; it moves every number.
"""
import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_slider import base_checkout, healthy, this_checkout  # noqa: E402
from conftest import free_port  # noqa: E402
from st_client import Learner  # noqa: E402

TRAIN_QUERY = "train_epochs=5000"
FIRST_EPOCH_WAIT_S = 120


# ------------------------------------------------------------------------------------------- processes
def descendants(root):
    """{pid: (state, rss MB, cmdline)} of every process below `root` (from /proc)."""
    procs = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            fields = tail.split()
            cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            procs[int(stat.parent.name)] = (int(fields[1]), fields[0], int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20, cmd)
        except (OSError, IndexError, ValueError):
            continue
    out, frontier = {}, {root}
    while frontier:
        frontier = {pid for pid, (ppid, *_) in procs.items() if ppid in frontier and pid not in out}
        out.update({pid: procs[pid][1:] for pid in frontier})
    return out


def training(procs):
    return {pid: p for pid, p in procs.items() if "rnnviz.train" in p[2]}


def memory(root):
    """(MB of the streamlit servers, MB of the training processes) below `root`, root included."""
    procs = descendants(root)
    try:
        own = Path(f"/proc/{root}/statm").read_text().split()
        procs[root] = ("R", int(own[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, Path(f"/proc/{root}/cmdline").read_text())
    except OSError:
        pass
    servers = sum(p[1] for p in procs.values() if "streamlit" in p[2] and "rnnviz.train" not in p[2])
    return servers, sum(p[1] for p in training(procs).values())


def start(cwd, port, replicas):
    """`streamlit run app.py` (or deploy/serve with `replicas` behind nginx) in its own session; the process."""
    log = open(REPO / "artifacts" / f"bench_classroom_{port}.log", "w")
    if replicas:
        cmd = [str(cwd / "deploy" / "serve"), "--replicas", str(replicas), "--port", str(port),
               "--keep-logs", str(REPO / "artifacts" / f"bench_classroom_{port}_logs")]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=log, start_new_session=True)
    healthy(port, proc, timeout=120)  # raises SystemExit if it did not come up
    return proc


# ------------------------------------------------------------------------------------------- learners
def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))] if xs else float("nan")


async def mover(learner, every, until, out, errors):
    """Move W_hh back and forth every `every` seconds (a random phase first); file each rerun's seconds."""
    await asyncio.sleep(random.uniform(0, every))
    i = 0
    while time.monotonic() < until:
        try:
            out.append(await learner.commit("model_panel", {"W_hh": 0.5 + 0.01 * (i % 2)}, timeout=60))
        except (asyncio.TimeoutError, KeyError, OSError) as e:
            errors.append(f"{type(e).__name__}: {e}")
        i += 1
        await asyncio.sleep(max(0.0, every - (out[-1] if out else 0)))


async def open_all(base, pages):
    """Connect every learner at once; [(learner, seconds to load)], errors."""
    learners = [Learner(base, page, query) for page, query in pages]
    loads = await asyncio.gather(*(l.connect() for l in learners), return_exceptions=True)
    errors = [f"load: {type(x).__name__}: {x}" for x in loads if isinstance(x, BaseException)]
    return learners, loads, errors


async def sample_memory(root, peaks, stop):
    while not stop.is_set():
        servers, trainers = memory(root)
        peaks["server"], peaks["trainers"] = max(peaks["server"], servers), max(peaks["trainers"], trainers)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def classroom(base, root, n, k, seconds, every):
    row = {}
    peaks, stop = {"server": 0.0, "trainers": 0.0}, asyncio.Event()
    sampler = asyncio.create_task(sample_memory(root, peaks, stop))
    pages = [("training", TRAIN_QUERY)] * k + [("forward", "")] * (n - k)
    learners, loads, errors = await open_all(base, pages)
    trainers, idle = learners[:k], learners[k:]
    ok_loads = [x for x in loads if not isinstance(x, BaseException)]
    row["load"] = ok_loads
    row["load_training"] = [x for x in loads[:k] if not isinstance(x, BaseException)]
    pressed = {}

    async def play(t):
        pressed[t] = time.monotonic()
        try:
            await t.click("train_play", timeout=FIRST_EPOCH_WAIT_S)
        except (asyncio.TimeoutError, KeyError) as e:
            errors.append(f"play: {type(e).__name__}: {e}")
    await asyncio.gather(*(play(t) for t in trainers if t.ws is not None))
    deadline = time.monotonic() + FIRST_EPOCH_WAIT_S
    while time.monotonic() < deadline and not all(any(e >= 1 for _, e in t.epochs) for t in trainers):
        await asyncio.sleep(0.2)
    row["first_epoch"] = [next(ts for ts, e in t.epochs if e >= 1) - pressed[t] for t in trainers
                          if t in pressed and any(e >= 1 for _, e in t.epochs)]
    row["no_first_epoch"] = sum(1 for t in trainers if not any(e >= 1 for _, e in t.epochs))
    errors += [f"no epoch on screen: {t.progress()[:70]!r}" for t in trainers if not any(e >= 1 for _, e in t.epochs)]
    # steady state: idle learners move sliders while the trainers train
    moves = []
    start = time.monotonic()
    before = {t: (t.epochs[-1][1] if t.epochs else 0) for t in trainers}
    await asyncio.gather(*(mover(l, every, start + seconds, moves, errors) for l in idle if l.ws is not None),
                         asyncio.sleep(seconds))
    span = time.monotonic() - start
    row["rates"] = [((t.epochs[-1][1] if t.epochs else 0) - before[t]) / span for t in trainers]
    row["reruns"], row["errors"] = moves, errors + [f"traceback: {m[:80]}" for l in learners for m in l.exceptions]
    stop.set()
    await sampler
    row.update(peaks)
    # every tab closes at once
    closed = time.monotonic()
    await asyncio.gather(*(l.close() for l in learners), return_exceptions=True)
    gone = None
    while time.monotonic() - closed < 60:
        if not training(descendants(root)):
            gone = time.monotonic() - closed
            break
        await asyncio.sleep(0.25)
    await asyncio.sleep(2.0)  # a process that has just exited is a zombie until its parent reaps it: give it a moment
    procs = descendants(root)
    row["gone_s"], row["left_60s"] = gone, len(training(procs))
    row["zombies"] = sum(1 for p in procs.values() if p[0] == "Z")
    return row


async def crowd(base, n, seconds):
    learners, loads, errors = await open_all(base, [("forward", "")] * n)
    moves = []
    await asyncio.gather(*(mover(l, 5.0, time.monotonic() + seconds, moves, errors) for l in learners
                           if l.ws is not None))
    await asyncio.gather(*(l.close() for l in learners), return_exceptions=True)
    errors += [f"traceback: {m[:80]}" for l in learners for m in l.exceptions]
    return {"reruns": moves, "errors": errors, "load": [x for x in loads if not isinstance(x, BaseException)]}


def ctrl_c(proc):
    """SIGINT to the server's process group (what Ctrl-C in its terminal sends); what is left after 10 s."""
    root = proc.pid
    os.killpg(root, signal.SIGINT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(max(0.0, deadline - time.monotonic()))
    left = [pid for pid in map(int, [p.name for p in Path("/proc").glob("[0-9]*")]) if _in_group(pid, root)]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(root, signal.SIGKILL)
    proc.wait()
    return len(left)


def _in_group(pid, pgid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid
    except (OSError, ValueError, IndexError):
        return False


def run_side(name, cwd, args, replicas=0):
    port = free_port()
    print(f"[{name}] starting in {cwd} (port {port}{f', {replicas} replicas behind nginx' if replicas else ''})",
          flush=True)
    proc = start(cwd, port, replicas)
    base = f"http://127.0.0.1:{port}"
    rows = {}
    try:
        asyncio.run(crowd(base, 2, 1))  # warm up: the first session pays the imports, as no class would
        rows["class"] = asyncio.run(classroom(base, proc.pid, args.learners, args.trainers, args.seconds,
                                              args.move_every))
        print(f"[{name}] class done", flush=True)
        if args.crowd:
            rows["crowd"] = asyncio.run(crowd(base, args.crowd, args.seconds))
            print(f"[{name}] crowd done", flush=True)
    finally:
        rows["ctrl_c_left"] = ctrl_c(proc)
    return rows


def fmt(xs, scale=1.0, digits=2):
    if not xs:
        return "—"
    return f"{statistics.median(xs) * scale:.{digits}f} / {pct(xs, 0.95) * scale:.{digits}f} / {max(xs) * scale:.{digits}f}"


def report(results, args):
    print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min) at the end; "
          f"{os.cpu_count()} cores, shared with other work")
    print(f"class: {args.learners} learners, {args.trainers} training (5000 epochs, default speed), the others "
          f"moving W_hh on /forward every {args.move_every:g} s; measured over {args.seconds} s")
    names = list(results)
    w = max(24, *(len(n) + 2 for n in names))
    lines = [
        ("idle rerun p50/p95/max ms", lambda r: fmt(r["class"]["reruns"], 1000, 0)),
        ("page load p50/p95/max s", lambda r: fmt(r["class"]["load"])),
        ("/training load p50/p95/max s", lambda r: fmt(r["class"]["load_training"])),
        ("Play → epoch p50/p95/max s", lambda r: fmt(r["class"]["first_epoch"]) +
         (f" ({r['class']['no_first_epoch']} never)" if r["class"]["no_first_epoch"] else "")),
        ("epochs/s min/median/max", lambda r: (f"{min(r['class']['rates']):.1f} / {statistics.median(r['class']['rates']):.1f}"
                                              f" / {max(r['class']['rates']):.1f}") if r["class"]["rates"] else "—"),
        ("fairness max/min", lambda r: f"{max(r['class']['rates']) / max(min(r['class']['rates']), 1e-9):.2f}"
         if r["class"]["rates"] else "—"),
        ("peak MB server / trainers", lambda r: f"{r['class']['server']:.0f} / {r['class']['trainers']:.0f}"),
        ("errors", lambda r: str(len(r["class"]["errors"]))),
        ("all tabs closed → gone s", lambda r: "not in 60 s" if r["class"]["gone_s"] is None else f"{r['class']['gone_s']:.1f}"),
        ("left after 60 s / zombies", lambda r: f"{r['class']['left_60s']} / {r['class']['zombies']}"),
        ("left 10 s after Ctrl-C", lambda r: str(r["ctrl_c_left"])),
    ]
    if args.crowd:
        lines += [(f"{args.crowd} on /forward rerun ms", lambda r: fmt(r["crowd"]["reruns"], 1000, 0)),
                  (f"{args.crowd} on /forward errors", lambda r: str(len(r["crowd"]["errors"])))]
    print(f"{'':30}" + "".join(f"{n:>{w}}" for n in names))
    for label, get in lines:
        print(f"{label:30}" + "".join(f"{get(results[n]):>{w}}" for n in names))
    for n in names:
        errs = results[n]["class"]["errors"] + results[n].get("crowd", {}).get("errors", [])
        for e in sorted(set(errs))[:5]:
            print(f"  [{n}] {e}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--learners", type=int, default=30)
    p.add_argument("--trainers", type=int, default=15)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--move-every", type=float, default=3.0)
    p.add_argument("--crowd", type=int, default=0, help="also this many learners moving sliders every 5 s")
    p.add_argument("--base", default="main", help="the 'before' revision")
    p.add_argument("--replicas", type=int, default=0, help="also this checkout through nginx with this many replicas")
    p.add_argument("--only", choices=("before", "after", "balanced"), nargs="+")
    args = p.parse_args()
    (REPO / "artifacts").mkdir(exist_ok=True)
    only = set(args.only or ("before", "after", "balanced"))
    results = {}
    if "before" in only:
        with base_checkout(args.base) as path:
            results[f"before ({args.base})"] = run_side("before", path, args)
    if "after" in only:
        results[f"after ({this_checkout()})"] = run_side("after", REPO, args)
    if args.replicas and "balanced" in only:
        results[f"after, {args.replicas} replicas"] = run_side("balanced", REPO, args, args.replicas)
    report(results, args)


if __name__ == "__main__":
    main()
