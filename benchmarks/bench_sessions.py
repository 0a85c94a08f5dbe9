"""While one browser session trains, does a slider on another page of a second session still redraw in 1 s?

    python benchmarks/bench_sessions.py [--moves 30] [--page forward] [--slider W_hh]

Starts `streamlit run app.py` on a free port and drives two headless-chromium sessions (separate contexts):
session A opens the training page at a given speed, presses Play and waits for its first epoch (its training
process is up); session B moves a slider on another page and times each move from the key press until the
new content is drawn and the script is idle again.
The same moves are timed first with no training, as a baseline, and last while A trains at full speed with
its tab on Home: training goes on without live views, which tells what the training costs the server apart
from what A's own browser, redrawing five charts every 0.4 s on these same 2 cores, costs. Prints p50 / p95 /
max per scenario.
"""
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, StreamlitPage, free_port, start_server, stop_server  # noqa


def time_moves(app, slider, moves):
    """Seconds from each slider key press to the redrawn, idle page; alternating right and left."""
    out = []
    for i in range(moves):
        start = time.perf_counter()
        with app.expect_rerun():
            app.move_slider(slider, 1 if i % 2 == 0 else -1)
        out.append(time.perf_counter() - start)
    return out


def epochs_done(app):
    match = re.search(r"epoch (\d+)/", app.page.locator('[data-testid="stProgress"]').first.inner_text())
    return int(match.group(1)) if match else 0


def while_training(browser, base, b, args, speed, away=False):
    """Time session B's slider while session A trains at `speed`; also A's epochs per second meanwhile.

    away: A's tab moves to Home once training runs (the worker goes on; no live views are drawn), which
    separates what the training itself costs the server from what A's five redrawn charts cost this
    machine's CPU (A's browser shares these 2 cores here; a real second user's browser would not).
    """
    a = StreamlitPage(browser.new_context(viewport=VIEWPORT).new_page(), base)
    a.open("training", query={"train_epochs": 5000, "train_speed": speed})
    a.page.get_by_role("button", name="Play").click()
    a.page.wait_for_function("""() => /epoch [1-9]/.test(
        document.querySelector('[data-testid="stProgress"]')?.innerText || '')""")  # trained an epoch: up
    before, start = epochs_done(a), time.perf_counter()
    if away:
        nav = a.page.get_by_test_id("stSidebarNavItems")
        nav.get_by_role("link", name="Home").click()  # in-app navigation: the same session goes on
        a.page.locator('[data-testid="stProgress"]').wait_for(state="detached")
        a.wait_idle()
    moves = time_moves(b, args.slider, args.moves)
    if away:
        nav.get_by_role("link", name="Live training").click()
        a.page.locator('[data-testid="stProgress"]').first.wait_for()
    rate = (epochs_done(a) - before) / (time.perf_counter() - start)
    a.page.context.close()  # session A ends: its worker is released
    return moves, rate


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--moves", type=int, default=30)
    p.add_argument("--page", default="forward")
    p.add_argument("--slider", default="W_hh", help="label or key of the slider to move")
    p.add_argument("--speeds", nargs="+", default=["20 epochs/s", "full speed"],
                   help="training speeds of session A (the page's Speed options)")
    p.add_argument("--no-away", dest="away", action="store_false",
                   help="skip the scenario where A trains at full speed with its tab on Home")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright
    port = free_port()
    proc, err = start_server(port)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            b = StreamlitPage(browser.new_context(viewport=VIEWPORT).new_page(), base).open(args.page)
            rows.append(("no training", time_moves(b, args.slider, args.moves), None))
            for speed in args.speeds:
                rows.append((f"A at {speed}", *while_training(browser, base, b, args, speed)))
            if args.away:
                rows.append(("A full speed, on Home", *while_training(browser, base, b, args, "full speed", True)))
            browser.close()
    finally:
        stop_server(proc)
        err.close()
    print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min) at the end")
    print(f"slider on /{args.page} in session B, {args.moves} moves each (seconds, key press → redrawn & idle)")
    print(f"{'scenario':24} {'p50':>6} {'p95':>6} {'max':>6} {'mean':>6}  session A epochs/s")
    for name, xs, rate in rows:
        print(f"{name:24} {statistics.median(xs):6.3f} {percentile(xs, 0.95):6.3f} {max(xs):6.3f} "
              f"{statistics.mean(xs):6.3f}  {'' if rate is None else f'{rate:.1f}'}")


if __name__ == "__main__":
    main()
