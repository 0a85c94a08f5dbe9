"""Cold start of this checkout against an earlier revision, start by start in the same run.

    python benchmarks/bench_cold_ab.py --base 2928563 [--starts 8] [--drop-caches]

A cold start is bench_slider.py's: Popen(`streamlit run app.py`) → the home page's title visible with the
first run finished, in a fresh chromium page (no HTTP cache). The machine's speed drifts from minute to
minute, so the two versions (the base from a temporary `git worktree`) start in turns A, B, A, B … and each
pair is compared. --drop-caches empties the kernel's page cache before every start (root only), so every
file, Python's modules and Streamlit's static bundle included, is read from disk again: the closest this
machine gets to a first start after it has sat idle. Prints one table: median, min and max per side, and
the median of the per-pair ratios B/A, and what the server read from storage (with --drop-caches, every
file it opens; without, only what the page cache missed).
"""
import argparse
import os
import statistics
import subprocess
from pathlib import Path

from playwright.sync_api import sync_playwright

import bench_slider as bs

REPO = bs.REPO


def drop_caches():
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the revision to compare against (A)")
    ap.add_argument("--starts", type=int, default=8, help="cold starts per side")
    ap.add_argument("--drop-caches", action="store_true", help="empty the page cache before each start (root)")
    ap.add_argument("--port", type=int, default=8680)
    a = ap.parse_args()
    (REPO / "artifacts").mkdir(exist_ok=True)
    times = ([], [])
    with bs.base_checkout(a.base) as base_dir, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=bs.CHROMIUM_ARGS)
        bs.cold_start(browser, a.port, base_dir)  # not counted: the first start compiles the base's .pyc
        bs.cold_start(browser, a.port, REPO)
        for i in range(a.starts):
            for side, repo in ((0, base_dir), (1, REPO)) if i % 2 == 0 else ((1, REPO), (0, base_dir)):
                if a.drop_caches:
                    drop_caches()
                times[side].append(bs.cold_start(browser, a.port, repo))
        browser.close()
    ratios = sorted(b[0] / x[0] for x, b in zip(*times))
    print(f"\nrnnviz cold start A/B · {a.starts} starts each, alternating"
          f"{' · page cache dropped before each' if a.drop_caches else ''} · "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| {'side':<34} | {'median (s)':>10} | {'min (s)':>8} | {'max (s)':>8} | {'health, median (s)':>18} "
          f"| {'read from disk, median (MB)':>27} |")
    print(f"|{'-' * 36}|{'-' * 12}|{'-' * 10}|{'-' * 10}|{'-' * 20}|{'-' * 29}|")
    for name, ts in ((f"A  {a.base}", times[0]), (f"B  {bs.this_checkout()}", times[1])):
        total = [t for t, _, _ in ts]
        print(f"| {name:<34} | {statistics.median(total):>10.2f} | {min(total):>8.2f} | {max(total):>8.2f} | "
              f"{statistics.median(h for _, h, _ in ts):>18.2f} | {statistics.median(r for _, _, r in ts):>27.0f} |")
    print(f"\npaired ratio B/A, median of {len(ratios)} pairs: {statistics.median(ratios):.3f} "
          f"(quartiles {bs.pct(ratios, 25):.3f} – {bs.pct(ratios, 75):.3f}); below 1 means B is faster; "
          f"target: cold start ≤ 5 s")


if __name__ == "__main__":
    main()
