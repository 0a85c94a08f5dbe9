"""Slider moved → chart redrawn, and cold start, in headless Debian chromium against a real `streamlit run`.

    python benchmarks/bench_slider.py --all [--moves 20] [--rev HEAD] [--only bptt,training]  # one table
    python benchmarks/bench_slider.py [--moves 30] [--page forward] [--query T=100&H=8] [--slider gain_W_hh]
                                      [--watch .st-key-diagram] [--cold 3] [--port 8635]

--all: every page with sliders at the defaults and at T = 100, H = 8 (the training page: its window T = 60,
the most it takes, and H = 8), a weight slider moved on each (W_hh, or gain_W_hh for H > 1; the LSTM & GRU
page's W_hf or gain_f; the training page's hidden size), every chart watched: a move ends when the run has
and every chart in view is redrawn (a live chart out of view draws when scrolled back); p50, p95, max and each p50's ratio to /forward's at
the same size, measured in the same run on the same server. Targets from issue 17: p50 ≤ 100 ms,
p95 ≤ 200 ms. (The shapes page has number boxes, no slider.)

Latency of one move, measured inside the page (no Playwright round trips in the number):
    t0 = the keydown on the slider (a capturing listener stamps performance.now())
    t1 = max(last DOM mutation inside the chart after t0, the moment the app reports notRunning again)
(the chart: the element --watch selects, by default the one keyed "diagram", st.plotly_chart or ui/live.py)
and a move counts only once the chart's DOM has changed and the app has been idle for 300 ms.
Cold start: Popen(`streamlit run`) → the home page's title visible with the first run finished.
Prints one table; targets from issue 3: p50 ≤ 120 ms, p95 ≤ 250 ms, cold start ≤ 5 s.
"""
import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Stamps in window.__b: key (keydown), chart (last mutation of the watched chart), idle (→ notRunning).
PROBE_JS = """(() => {
  window.__b = {key: 0, run: 0, chart: 0, idle: 0, finished: 0};
  const now = () => performance.now();
  document.addEventListener('keydown', () => { window.__b = {key: now(), run: 0, chart: 0, idle: 0, finished: 0}; },
                            true);
  let last = null;
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app && app.getAttribute('data-test-script-state');
    if (s !== last && s === 'running' && !window.__b.run) window.__b.run = now();
    if (s !== last && s === 'notRunning') { window.__b.idle = now(); window.__b.finished += 1; }
    last = s;
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state']});
  window.__watchChart = (sel) => {  // on the document: React may swap the chart's element after the first run
    new MutationObserver((records) => {
      if (!window.__b.key) return;
      const charts = [...document.querySelectorAll(sel)];  // every chart the selector names
      const el = (n) => (n && n.nodeType === 1 ? n : n && n.parentElement);
      if (records.some(r => charts.some(c => c.contains(el(r.target))))) window.__b.chart = now();
    }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  };
})();"""

# every chart drawn, the watched one included: a live chart (ui/live.py) is an empty component until
# plotly.js has loaded, so "no chart without its SVG" alone would pass before it exists
READY_JS = """(watch) => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
  && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"], .live-chart')].every(c => c.querySelector('.main-svg'))
  && (!watch || !document.querySelector(watch)?.querySelector('.stBidiComponent')
      || !!document.querySelector(watch).querySelector('.main-svg'))"""


APP = "app.py"
CHARTS = '[data-testid="stMain"] .live-chart, [data-testid="stMain"] [data-testid="stPlotlyChart"]'
SIZES = ("defaults", "T=100 H=8")
# page → (the size's name, the query, the slider moved) at each of SIZES
PAGES = {page: (("defaults", "", "W_hh"), ("T=100 H=8", "T=100&H=8", "gain_W_hh"))
         for page in ("forward", "bptt", "vanishing")}
# the LSTM & GRU page (LSTM by default): its forget gate's recurrent weight W_hf at H = 1, its gain at H = 8
PAGES["gates"] = (("defaults", "", "W_hf"), ("T=100 H=8", "T=100&H=8", "gain_f"))
PAGES["training"] = (("defaults", "", "train_hidden"), ("T=60 H=8", "train_window=60&train_hidden=8", "train_hidden"))


@contextlib.contextmanager
def base_checkout(rev):
    """An earlier revision checked out in a temporary `git worktree` (the A side of an A/B); its path."""
    with tempfile.TemporaryDirectory(prefix="rnnviz_base_") as tmp:
        path = Path(tmp) / "repo"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(path), rev], check=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], check=False)


def this_checkout():
    """The B side's name: HEAD's short hash, and whether the working tree differs from it."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    changed = subprocess.run(["git", "-C", str(REPO), "diff", "--quiet", "HEAD"]).returncode
    return head + (" + uncommitted changes" if changed else "")


def start(port, cwd=REPO):
    """`streamlit run APP` in `cwd` (a checkout), its output in artifacts/; (process, log file)."""
    err = open(REPO / "artifacts" / f"bench_slider_server_{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
                             "--server.headless", "true"], cwd=cwd, stdout=err, stderr=err, start_new_session=True)
    return proc, err


def healthy(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited; see artifacts/bench_slider_server_{port}.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server not healthy in 60 s")


def stop(proc, err):
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    err.close()


def cold_start(browser, port, cwd=REPO):
    """Seconds from Popen to the home page drawn, the share of it spent before /health answers, and the MB
    the server read from storage meanwhile (/proc/<pid>/io read_bytes: page-cache misses only)."""
    t0 = time.perf_counter()
    proc, err = start(port, cwd)
    try:
        healthy(port, proc)
        t_health = time.perf_counter() - t0
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("h1").first.wait_for(timeout=60_000)
        page.wait_for_function(READY_JS, timeout=60_000)
        total = time.perf_counter() - t0
        read = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/io").read_text().splitlines()
                    if line.startswith("read_bytes:"))
        page.close()
        return total, t_health, read / 1e6
    finally:
        stop(proc, err)


class NoRedraw(SystemExit):
    """A move after which nothing ran or redrew within the timeout."""


def one_move(page, thumb, key, settle_ms=300, timeout_s=30, need_chart=True):
    """Press `key` on the slider; (ms keydown → chart redrawn and app idle, {phase: ms})."""
    thumb.press(key)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        b = page.evaluate("""() => ({...window.__b, now: performance.now(),
            idle_now: !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')})""")
        # React may batch a run's start and end into one render: then no "running" is ever seen, and the
        # chart's redraw is the end of the run.
        done = b["chart"] and b["idle_now"] and (b["idle"] or not b["run"])
        # a run that changed no chart (the training page's charts before any training) ends at its idle
        done = done or (not need_chart and b["idle"] and b["idle_now"])
        if done and b["now"] - max(b["chart"], b["idle"]) > settle_ms:
            b["idle"] = b["idle"] or b["chart"]
            run = b["run"] or b["key"]
            return max(b["chart"], b["idle"]) - b["key"], {
                "keydown → running": run - b["key"], "running → notRunning": b["idle"] - run,
                "notRunning → chart drawn": max(0.0, b["chart"] - b["idle"])}
        time.sleep(0.02)
    raise NoRedraw(f"no redraw within {timeout_s} s after {key}: stamps {b}")


def warm(browser, port):
    """Run app.py once, on the home page: see tests/conftest.py warm_app_url."""
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_function(READY_JS, timeout=60_000)
    page.close()


def probed_page(browser, port, page_path, query, watch):
    """/page_path?query drawn, with PROBE_JS stamping keydowns, runs and the watched chart's redraws."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(PROBE_JS)
    page.goto(f"http://127.0.0.1:{port}/{page_path}?{query}")
    page.wait_for_function("() => window.__b && window.__b.finished > 0", timeout=60_000)
    page.wait_for_function(READY_JS, arg=watch, timeout=60_000)
    page.evaluate("sel => window.__watchChart(sel)", watch)
    return page


def slider_thumb(page, name):
    """The range input of the slider `name`: an st.slider keyed `name`, or a ui/controls slider named so."""
    return page.locator(f'.st-key-{name} [data-testid="stSlider"] input[type="range"], '
                        f'input[type="range"][name="{name}"]')


def slider_latencies(browser, port, page_path, query, slider, moves, watch, need_chart=True, lost=None):
    """(times, phases, exceptions on the page); a move that redraws nothing raises NoRedraw, or with a list
    `lost` is noted in it and skipped."""
    page = probed_page(browser, port, page_path, query, watch)
    thumb = slider_thumb(page, slider)
    thumb.focus()
    times, phases = [], []
    for i in range(moves):  # right, right, … then back left: stays inside the range
        try:
            t, ph = one_move(page, thumb, "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft", need_chart=need_chart,
                             timeout_s=10 if lost is not None else 30)
        except NoRedraw as e:
            if lost is None:
                raise
            lost.append(str(e))
            continue
        times.append(t)
        phases.append(ph)
    errors = page.locator('[data-testid="stException"]').count()
    page.close()
    return times, phases, errors


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q / 100 * (len(xs) - 1)))]


def every_page(browser, port, moves):
    """{(page, size): (times, exceptions on the page, moves lost, the size as named)} for every page of PAGES."""
    out = {}
    for page, sizes in PAGES.items():
        for size, (name, query, slider) in zip(SIZES, sizes):
            lost = []
            # a live chart out of view keeps its drawing until scrolled back (ui/live.py): a move that redraws
            # no chart in view ends when the run does, one that does when the last chart is drawn
            times, phases, errors = slider_latencies(browser, port, page, query, slider, moves, CHARTS,
                                                     need_chart=False, lost=lost)
            out[page, size] = times, errors, len(lost), name, phases
            print(f"/{page}?{query}, {slider}: p50 {statistics.median(times) if times else float('nan'):.0f} ms"
                  f"{f', {len(lost)} moves lost: {lost[0]}' if lost else ''}", file=sys.stderr, flush=True)
    return out


def print_every_page(results, moves):
    print(f"\nrnnviz slider benchmark, every page · {moves} moves each · keydown → rerun finished and every "
          f"chart redrawn · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| {'page':<10} | {'size':<10} | {'p50 (ms)':>8} | {'p95 (ms)':>8} | {'max (ms)':>8} | "
          f"{'p50 ÷ forward':>13} | {'ok':<3} | {'run, p50':>8} | {'drawn after':>11} | exceptions | lost moves |")
    print(f"|{'-' * 12}|{'-' * 12}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 15}|{'-' * 5}|{'-' * 10}|{'-' * 13}|"
          f"{'-' * 12}|{'-' * 12}|")
    for (page, size), (times, errors, lost, name, phases) in results.items():
        if not times:
            print(f"| {page:<10} | {name:<10} | {'—':>8} | {'—':>8} | {'—':>8} | {'—':>13} | NO  | {'—':>8} | "
                  f"{'—':>11} | {errors:>10} | {lost:>10} |")
            continue
        p50, p95 = statistics.median(times), pct(times, 95)
        base = statistics.median(results["forward", size][0])
        ok = "yes" if p50 <= 100 and p95 <= 200 else "NO"
        run = statistics.median(ph["running → notRunning"] for ph in phases)
        drawn = statistics.median(ph["notRunning → chart drawn"] for ph in phases)
        print(f"| {page:<10} | {name:<10} | {p50:>8.0f} | {p95:>8.0f} | {max(times):>8.0f} | "
              f"{p50 / base:>13.2f} | {ok:<3} | {run:>8.0f} | {drawn:>11.0f} | {errors:>10} | {lost:>10} |")
    print("\nrun, p50: median ms from the app's 'running' to 'notRunning' (the script, its messages and React's "
          "render); drawn after: median ms from then to the last chart in view redrawn")
    print("\n(lost moves: a key press after which nothing reran within 10 s, left out of the numbers)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="every page with sliders at both sizes: one table")
    ap.add_argument("--rev", help="with --all: serve this revision (from a temporary git worktree) instead")
    ap.add_argument("--only", help="with --all: these pages only, comma-separated (forward is always measured: "
                                   "the ratios are to it)")
    ap.add_argument("--moves", type=int, default=30)
    ap.add_argument("--page", default="forward")
    ap.add_argument("--query", default="T=100&H=8")
    ap.add_argument("--slider", default="gain_W_hh")
    ap.add_argument("--watch", default=".st-key-diagram",
                    help="CSS selector of the chart to watch (default: the element keyed 'diagram')")
    ap.add_argument("--cold", type=int, default=3, help="cold starts to time")
    ap.add_argument("--port", type=int, default=8635)
    ap.add_argument("--app", default="app.py", help="script to serve (a baseline: a one-slider app)")
    a = ap.parse_args()
    global APP
    APP = a.app
    (REPO / "artifacts").mkdir(exist_ok=True)
    if a.only:
        keep = {"forward", *a.only.split(",")}
        for page in [p for p in PAGES if p not in keep]:
            del PAGES[page]
    if a.all:
        with (base_checkout(a.rev) if a.rev else contextlib.nullcontext(REPO)) as repo, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            proc, err = start(a.port, cwd=repo)
            try:
                healthy(a.port, proc)
                warm(browser, a.port)
                results = every_page(browser, a.port, a.moves)
            finally:
                stop(proc, err)
            browser.close()
        print(f"\nserved: {a.rev or this_checkout()}")
        print_every_page(results, a.moves)
        return
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        colds = [cold_start(browser, a.port) for _ in range(a.cold)]
        proc, err = start(a.port)
        try:
            healthy(a.port, proc)
            warm(browser, a.port)
            times, phases, errors = slider_latencies(browser, a.port, a.page, a.query, a.slider, a.moves, a.watch)
        finally:
            stop(proc, err)
        browser.close()
    load = os.getloadavg()[0]
    print(f"\nrnnviz slider benchmark · /{a.page}?{a.query} · slider {a.slider} · {a.moves} moves · "
          f"watching {a.watch} · load average {load:.1f} on {os.cpu_count()} cores · exceptions on page: {errors}\n")
    print(f"| {'measure':<38} | {'value':>10} | {'target':>8} | {'ok':<3} |")
    print(f"|{'-' * 40}|{'-' * 12}|{'-' * 10}|{'-' * 5}|")
    rows = [("slider → chart redrawn, p50 (ms)", statistics.median(times), 120),
            ("slider → chart redrawn, p95 (ms)", pct(times, 95), 250),
            ("slider → chart redrawn, max (ms)", max(times), None),
            *[(f"  median {name} (ms)", statistics.median(p[name] for p in phases), None) for name in phases[0]],
            *([("cold start → home drawn, median (s)", statistics.median(c for c, _, _ in colds), 5.0),
               ("  of which until /_stcore/health (s)", statistics.median(h for _, h, _ in colds), None)]
              if colds else [])]
    for name, v, target in rows:
        ok = "" if target is None else ("yes" if v <= target else "NO")
        print(f"| {name:<38} | {v:>10.{0 if 'ms' in name else 2}f} | {'' if target is None else target:>8} | {ok:<3} |")
    print("\nall moves (ms):", " ".join(f"{t:.0f}" for t in times))


if __name__ == "__main__":
    main()
