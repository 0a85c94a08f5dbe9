"""Shared fixtures: the real app served by `streamlit run`, and a headless Debian chromium driving it.

    def test_forward_page(app):                 # `app` = StreamlitPage over a fresh chromium page
        app.open("forward")                     # waits for the first run to finish
        with app.expect_rerun():                # waits for new content, then for script state notRunning
            app.move_slider("W_hh", steps=3)    # by label text, widget key or index
        app.assert_no_exception()
        app.screenshot("forward")               # ./screenshots/forward.png

Fixtures: `app_url` (session; the server's base URL), `browser` (session; skips with a reason when
/usr/bin/chromium is missing outside CI, fails inside CI), `page` (a fresh Playwright page), `app`.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
STARTUP_TIMEOUT_S = 60
RERUN_TIMEOUT_MS = 30_000

APP_SEL = '[data-testid="stApp"]'
IDLE_SEL = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAIN_SEL = '[data-testid="stMain"]'
EXCEPTION_SEL = '[data-testid="stException"]'
ERROR_SEL = '[data-testid="stAlertContentError"]'
SERVER_STDERR = {}  # base URL → the server's stderr file: showErrorDetails="none" redacts tracebacks in the page


# ---------------------------------------------------------------------------------------- the server
def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, cwd: Path = REPO, timeout_s: float = STARTUP_TIMEOUT_S):
    """Start `streamlit run app.py` in its own process group; return (process, stderr file) once healthy."""
    err = tempfile.TemporaryFile(mode="a+")  # O_APPEND: reading (seek) never moves where the server writes
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    # Own session so teardown can kill the server and anything it spawned (training workers) at once.
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, err
        time.sleep(0.2)
    stop_server(proc)
    err.seek(0)
    why = "exited" if proc.returncode not in (None, -signal.SIGTERM) else f"not healthy after {timeout_s:.0f} s"
    pytest.fail(f"streamlit server {why}; its stderr:\n{err.read()[-4000:]}", pytrace=False)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL whatever is left after 10 s."""
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait_s)
            return


@pytest.fixture(scope="session")
def app_url():
    """Base URL (no trailing slash) of the app served by a real `streamlit run` for the whole session."""
    port = free_port()
    proc, err = start_server(port)
    url = f"http://127.0.0.1:{port}"
    SERVER_STDERR[url] = err
    yield url
    stop_server(proc)
    SERVER_STDERR.pop(url, None)
    err.close()


# --------------------------------------------------------------------------------------- the browser
def require_chromium() -> None:
    """Skip (locally) or fail (CI=true) when Debian's chromium is missing."""
    if Path(CHROMIUM).exists():
        return
    msg = f"{CHROMIUM} not found (install it: apt-get install chromium, or run bash tests/run.sh)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {msg}", pytrace=False)
    pytest.skip(msg)


AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"  # npm's axe-core, pinned in package.json


def require_axe() -> Path:
    """axe-core's script (bash tests/run.sh installs it with npm ci); skip locally, fail in CI, when missing."""
    if AXE_JS.exists():
        return AXE_JS
    msg = f"{AXE_JS} not found (install it: npm ci, or run bash tests/run.sh)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {msg}", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def warm_app_url(browser, app_url):
    """app_url after one visit to / so that app.py (and its st.navigation) has run once.

    Streamlit quirk: until some session runs st.navigation, a server whose app has a pages/ folder treats it
    as a v1 multipage app, and a first visit to /forward runs pages/forward.py alone (no app.py, no page
    config, file-name navigation) for every session. test_browser.py::test_deep_link_on_a_fresh_server
    keeps that visible; the other browser tests should not depend on which page they open first."""
    ctx = browser.new_context(viewport=VIEWPORT)
    StreamlitPage(ctx.new_page(), app_url).open("")
    ctx.close()
    return app_url


@pytest.fixture
def page(browser, warm_app_url):
    """A fresh Playwright page (own context: no shared cookies or sessions); JS errors in page.js_errors."""
    ctx = browser.new_context(viewport=VIEWPORT)
    pg = ctx.new_page()
    pg.set_default_timeout(RERUN_TIMEOUT_MS)
    pg.js_errors = []
    pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
    yield pg
    ctx.close()


@pytest.fixture
def app(page, warm_app_url):
    """A StreamlitPage helper bound to the session's server."""
    return StreamlitPage(page, warm_app_url)


# ---------------------------------------------------------------------------------------- the helper
# Text of the main area without the widgets' own echo (a slider's thumb label moves before any rerun),
# plus every Plotly figure's data: it changes only when the script has sent new content.
_SIGNATURE_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return '';
  const clone = main.cloneNode(true);
  clone.querySelectorAll('[data-testid="stSlider"], .rz-step, input, textarea').forEach(e => e.remove());
  const figs = [...document.querySelectorAll('.js-plotly-plot')].map(
      g => JSON.stringify([g.data, (g.layout || {}).title]));
  return clone.innerText + '\\u0000' + figs.join('\\u0000');
}"""


# Counts finished script runs. Right after the websocket connects the app may report notRunning before the
# first run has even started, so "notRunning" alone cannot tell that the page has been drawn.
_RUN_COUNTER_JS = """(() => {
  window.__stFinishedRuns = 0;
  let last = null;
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const now = app && app.getAttribute('data-test-script-state');
    if (now === last) return;
    if (last === 'running' && now === 'notRunning') window.__stFinishedRuns += 1;
    last = now;
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
})();"""


class StreamlitPage:
    """Drives one page of the app: open, move widgets, wait for reruns, check for exceptions."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        page.add_init_script(_RUN_COUNTER_JS)

    def url(self, path: str = "", query: dict | None = None) -> str:
        from urllib.parse import urlencode
        return f"{self.base_url}/{path.strip('/')}" + (f"?{urlencode(query)}" if query else "")

    def open(self, path: str = "", query: dict | None = None, expect: str | None = None) -> "StreamlitPage":
        """Go to /path?query and wait for the first script run to finish (and `expect` text, if given).

        A run stopped by st.rerun counts as finished too: on a fresh server, a deep link's first run is
        ui/boot.through_app handing over to app.py, so pass `expect` (text only the page itself draws)."""
        self.page.goto(self.url(path, query))
        self.page.wait_for_function("() => window.__stFinishedRuns > 0")  # the first run, not the connect
        if expect:
            self.page.get_by_text(expect).first.wait_for()
        self.wait_idle()
        return self

    def wait_idle(self, timeout_ms: int = RERUN_TIMEOUT_MS) -> None:
        """Wait until the script is idle and the page drawn: notRunning, no lazy-load skeleton left (the
        widgets' JS chunks can land seconds after the run on a busy machine), every Plotly chart drawn and
        every live element of ui/live.py filled (a chart's SVG, or typeset KaTeX), ui/controls.py built and
        ui/url.py, ui/fade.py and ui/theme.py run."""
        self.page.wait_for_selector(IDLE_SEL, timeout=timeout_ms)
        self.page.wait_for_function(
            """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')
                     && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                          .every(c => c.querySelector('.main-svg'))
                     && [...document.querySelectorAll('.stBidiComponent')]
                          .every(c => c.querySelector('.main-svg, .katex, .rz-panel, .rz-step, .rz-url, .rz-fade, .rz-theme'))""", timeout=timeout_ms)
        self.page.wait_for_selector(IDLE_SEL, timeout=timeout_ms)

    def signature(self) -> str:
        return self.page.evaluate(_SIGNATURE_JS)

    @contextlib.contextmanager
    def expect_rerun(self, expect: str | None = None, timeout_ms: int = RERUN_TIMEOUT_MS):
        """Around an action: wait for the new content (`expect` text, or any change), then for idle.

        A fast rerun can flip running → notRunning before we look, so the state alone proves nothing."""
        before, runs = self.signature(), self.page.evaluate("() => window.__stFinishedRuns")
        yield
        if expect:
            self.page.get_by_text(expect).first.wait_for(timeout=timeout_ms)
        else:  # new content, or at least a run seen to finish (a run may legitimately change nothing)
            self.page.wait_for_function(
                f"([before, runs]) => window.__stFinishedRuns > runs || ({_SIGNATURE_JS})() !== before",
                arg=[before, runs], timeout=timeout_ms)
        self.wait_idle(timeout_ms)

    def slider(self, which: str | int = 0):
        """A slider's input[type=range]: by index, by widget key (st-key-<key>), by name (a ui/controls
        slider) or by label text."""
        sliders = self.page.locator('[data-testid="stSlider"]')
        if isinstance(which, int):
            box = sliders.nth(which)
        else:
            named = self.page.locator(f'input[type="range"][name="{which}"]')
            if named.count():
                return named.first
            by_key = self.page.locator(f'.st-key-{which} [data-testid="stSlider"]')
            box = by_key.first if by_key.count() else sliders.filter(
                has=self.page.locator('[data-testid="stWidgetLabel"]', has_text=which)).first
        return box.locator('input[type="range"]').first

    def move_slider(self, which: str | int = 0, steps: int = 1) -> None:
        """Focus a slider and press ArrowRight (steps > 0) or ArrowLeft (steps < 0) |steps| times."""
        thumb = self.slider(which)
        thumb.focus()
        for _ in range(abs(steps)):
            thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")

    def slider_value(self, which: str | int = 0) -> float:
        return float(self.slider(which).input_value())

    def assert_no_exception(self, allow_errors: bool = False) -> None:
        """No traceback box, no st.error (unless allowed), no uncaught JS error."""
        exc = self.page.locator(EXCEPTION_SEL)
        assert exc.count() == 0, f"page shows an exception; server log:\n{self.server_log()}"
        if not allow_errors:
            err = self.page.locator(ERROR_SEL)
            assert err.count() == 0, f"page shows an error: {err.first.inner_text()[:2000]}"
        assert not getattr(self.page, "js_errors", []), f"JS errors: {self.page.js_errors}"

    def server_log(self, chars: int = 3000) -> str:
        """The tail of the server's stderr (where the redacted traceback is), when this session started it."""
        err = SERVER_STDERR.get(self.base_url)
        if err is None:
            return "(not captured)"
        err.seek(0)
        return err.read()[-chars:]

    def errors(self) -> list[str]:
        return self.page.locator(ERROR_SEL).all_inner_texts()

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        """Save ./screenshots/<name>.png (gitignored) and return its path.

        Streamlit scrolls inside stMain, not the document, so a full-page shot grows the viewport to fit."""
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        size = self.page.viewport_size
        if full_page:
            height = self.page.evaluate(
                """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section')]
                                   .map(e => e.scrollHeight), window.innerHeight)""")
            self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
            self.page.wait_for_timeout(500)  # Plotly and the dataframe canvas redraw at the new size
            self.wait_idle()
            self.page.wait_for_timeout(500)
        self.page.screenshot(path=str(path), full_page=full_page)
        self.page.set_viewport_size(size)
        return path
