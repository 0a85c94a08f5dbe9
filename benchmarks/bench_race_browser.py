"""The race in a real browser: press Play on the adding problem's race and read each cell's test loss off the chart.

    python benchmarks/bench_race_browser.py [--seconds 60] [--T 50] [--moves 20]

Starts `streamlit run app.py` on a free 127.0.0.1 port and a headless chromium (tests/conftest.py's), opens
/training with the race on at full speed, clicks Play, and every 5 s prints the progress bar and the verdict
(each cell's latest test loss) as the browser shows them. Issue 20 asks: within 60 s of Play, LSTM and GRU below 0.01 and
the RNN above 0.1. With --moves N, a second session on /forward first times N moves of its W_hh slider
(key press → redrawn and idle) with nothing training, then N more while the race trains (issue 20: another
session's slider stays within today's bound while a race runs); p50 / p95 / max of both. Then it stops the
server (and with it the training worker).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitPage, free_port, start_server, stop_server  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sessions import percentile, time_moves  # noqa: E402

VERDICT_JS = """() => {
  const el = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .find(e => e.innerText.includes('Test loss:'));
  const bar = document.querySelector('[data-testid="stProgress"]');
  return [(bar && bar.innerText) || '', (el && el.innerText) || ''];
}"""


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--T", type=int, default=50)
    p.add_argument("--moves", type=int, default=0, help="slider moves timed on /forward in a second session")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright
    port = free_port()
    proc, err = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            app = StreamlitPage(page, f"http://127.0.0.1:{port}")
            app.open("training", query={"train_task": "adding", "train_race": "true", "train_window": args.T,
                                        "train_speed": "full speed"}, expect="epoch 0/")
            print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min); T = {args.T}")
            other, timed = None, {}
            if args.moves:
                other = StreamlitPage(browser.new_page(viewport={"width": 1400, "height": 1000}),
                                      f"http://127.0.0.1:{port}").open("forward")
                timed["no training"] = time_moves(other, "W_hh", args.moves)
            page.get_by_role("button", name="Play").click()
            start = time.monotonic()
            if other is not None:
                page.get_by_text("Test loss:").first.wait_for()  # the race trains
                timed["race training"] = time_moves(other, "W_hh", args.moves)
            while True:
                page.wait_for_timeout(5000)
                seconds = time.monotonic() - start
                progress, verdict = page.evaluate(VERDICT_JS)
                print(f"{seconds:5.1f} s  {progress.strip()}  |  {verdict.strip()}", flush=True)
                if seconds >= args.seconds or page.get_by_text("finished").count():
                    break
            print(app.screenshot("race_browser"))
            browser.close()
        for name, xs in timed.items():
            print(f"slider on /forward, {name:14}: p50 {statistics.median(xs):.3f} s  p95 {percentile(xs, 0.95):.3f} s"
                  f"  max {max(xs):.3f} s  ({len(xs)} moves)")
    finally:
        stop_server(proc)
        err.close()


if __name__ == "__main__":
    main()
