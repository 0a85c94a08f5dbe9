"""Slider latency of this checkout against an earlier revision, measured move by move in the same run.

    python benchmarks/bench_slider_ab.py --base 380e894 [--moves 30] [--page forward] [--query T=100&H=8]
                                         [--slider gain_W_hh] [--watch .st-key-diagram]

The machine's speed drifts by a third from one minute to the next (a shared 2-core VM), so two separate
runs of bench_slider.py cannot tell a 10 % change from noise. This one serves both versions at once (the
base from a temporary `git worktree`), gives each its own chromium, and alternates the moves A, B, A, B …
on one page (/forward by default): every pair of moves sees the same moment of the machine. Each move is timed as in
bench_slider.py (keydown → the diagram redrawn and the app idle). Prints one table: p50, p95 and min per
side, and the median of the per-pair ratios B/A with its quartiles.
"""
import argparse
import os
import statistics

from playwright.sync_api import sync_playwright

import bench_slider as bs

REPO = bs.REPO


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the revision to compare against (A)")
    ap.add_argument("--moves", type=int, default=30, help="moves per side")
    ap.add_argument("--page", default="forward")
    ap.add_argument("--query", default="T=100&H=8")
    ap.add_argument("--slider", default="gain_W_hh")
    ap.add_argument("--watch", default=".st-key-diagram",
                    help="CSS selector of the charts to watch; 'all': every chart in the main column, a move ending "
                         "when the run does if none in view redraws (as bench_slider.py --all)")
    ap.add_argument("--port", type=int, default=8670)
    a = ap.parse_args()
    (REPO / "artifacts").mkdir(exist_ok=True)
    watch = bs.CHARTS if a.watch == "all" else a.watch
    servers, browsers, pages = [], [], []
    with bs.base_checkout(a.base) as base_dir:
        try:
            for port, repo in ((a.port, base_dir), (a.port + 1, REPO)):
                servers.append(bs.start(port, cwd=repo))
                bs.healthy(port, servers[-1][0])
            with sync_playwright() as pw:
                for port in (a.port, a.port + 1):  # a chromium each: one side never waits on the other's drawing
                    browsers.append(pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                       args=bs.CHROMIUM_ARGS))
                    bs.warm(browsers[-1], port)
                    pages.append(bs.probed_page(browsers[-1], port, a.page, a.query, watch))
                thumbs = [bs.slider_thumb(p, a.slider) for p in pages]
                times = ([], [])
                for i in range(a.moves):  # right ×5, left ×5, …: stays inside the range
                    key = "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft"
                    for side in (0, 1):
                        thumbs[side].focus()
                        try:
                            times[side].append(bs.one_move(pages[side], thumbs[side], key,
                                                           need_chart=a.watch != "all")[0])
                        except bs.NoRedraw as e:
                            raise bs.NoRedraw(f"{'AB'[side]}, move {i + 1}: {e}") from None
                for browser in browsers:
                    browser.close()
        finally:
            for proc, log in servers:
                bs.stop(proc, log)
    ratios = sorted(b / x for x, b in zip(*times))
    q1, q3 = bs.pct(ratios, 25), bs.pct(ratios, 75)
    print(f"\nrnnviz slider A/B · /{a.page}?{a.query} · slider {a.slider} · {a.moves} moves each, alternating · "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| {'side':<34} | {'p50 (ms)':>9} | {'p95 (ms)':>9} | {'min (ms)':>9} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 11}|")
    for name, ts in ((f"A  {a.base}", times[0]), (f"B  {bs.this_checkout()}", times[1])):
        print(f"| {name:<34} | {statistics.median(ts):>9.0f} | {bs.pct(ts, 95):>9.0f} | {min(ts):>9.0f} |")
    print(f"\npaired ratio B/A, median of {len(ratios)} pairs: {statistics.median(ratios):.3f} "
          f"(quartiles {q1:.3f} – {q3:.3f}); below 1 means B is faster")


if __name__ == "__main__":
    main()
