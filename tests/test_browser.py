"""Every page in real headless chromium: it renders, a slider (or stepper) moves, the rerun finishes, and no
exception or error shows. Screenshots land in ./screenshots/ (gitignored) for a human to look at."""
import re
import pytest

from conftest import StreamlitPage, free_port, start_server, stop_server

# (url path, widget key of a slider to move or None, how many arrow presses)
PAGES = [("", None, 0), ("forward", "W_hh", 3), ("bptt", "bptt_t", 2), ("vanishing", "W_hh", 5),
         ("gates", "W_hf", 3), ("training", "train_hidden", 1), ("shapes", None, 0)]


@pytest.mark.parametrize("path, slider, steps", PAGES, ids=[p or "home" for p, _, _ in PAGES])
def test_page_renders_and_survives_a_slider_move(app, path, slider, steps):
    app.open(path)
    app.assert_no_exception()
    assert app.page.locator("h1").first.inner_text().strip()
    if slider:
        before = app.slider_value(slider)
        with app.expect_rerun():
            app.move_slider(slider, steps)
        assert app.slider_value(slider) > before
        app.assert_no_exception()
    app.screenshot(path or "home")


def test_shapes_stepper_reruns_with_the_new_shape(app):
    app.open("shapes")
    with app.expect_rerun(expect="(B, T, I) = (2, 4, 2)"):
        app.page.locator('.st-key-nn_batch [data-testid="stNumberInputStepUp"]').click()
    assert "nn_batch=2" in app.page.url
    app.assert_no_exception()


def test_shapes_absurd_size_shows_an_error_not_an_exception(app):
    app.open("shapes", query={"nn_batch": 100000, "nn_steps": 100000, "nn_features": 1})
    app.assert_no_exception(allow_errors=True)
    assert any("would hold" in e for e in app.errors())
    app.screenshot("shapes_too_big")


def test_deep_link_on_a_fresh_server_runs_the_app(browser):
    port = free_port()
    proc, err = start_server(port)
    try:
        ctx = browser.new_context()
        app = StreamlitPage(ctx.new_page(), f"http://127.0.0.1:{port}")
        # the very first visit is a shared link, not the home page (see StreamlitPage.open on `expect`)
        app.open("shapes", query={"nn_batch": 3}, expect="takes and returns")
        nav = app.page.locator('[data-testid="stSidebarNav"]').inner_text()
        batch = app.page.get_by_label("batch B").input_value()
        ctx.close()
        assert "PyTorch shapes" in nav, f"sidebar shows the pages/ file names instead of app.py's: {nav!r}"
        assert batch == "3", "the shared link's settings were lost on the way through app.py"
    finally:
        stop_server(proc)
        err.close()


def test_a_weight_moved_in_a_fragment_rerun_survives_a_full_rerun(app):
    """A weight slider reruns only the model and the page (ui/sidebar.py's fragment); what it set must still
    reach the URL and stay put when a sequence widget then reruns the whole app."""
    app.open("forward")
    lines = app.page.locator(".st-key-step_lines")
    before = lines.inner_text()
    with app.expect_rerun():
        app.move_slider("W_hh", 3)
    w = app.slider_value("W_hh")  # 0.5 + up to 3 × 0.01: presses during a rerun may coalesce, so read it back
    assert 0.5 < w <= 0.53
    # the last press's rerun may still be on its way: its link arrives with it (history.replaceState)
    app.page.wait_for_function("(s) => location.search.includes(s)", arg=f"W_hh={w!r}", timeout=10_000)
    moved = lines.inner_text()
    assert moved != before  # h_2 = tanh(W_xh·x_2 + W_hh·h_1 + …) was written out again with the new W_hh
    with app.expect_rerun():
        app.move_slider("T", 1)  # the sequence: a full rerun of the app
    assert app.slider_value("W_hh") == w and f"W_hh={w!r}" in app.page.url and "T=10" in app.page.url
    assert lines.inner_text() == moved  # h_2 does not depend on T: same model, same step-2 arithmetic
    app.assert_no_exception()


def test_slider_moves_rewrite_the_link_in_place_and_keep_what_they_do_not_own(app):
    """ui/url.py: each move rewrites the address bar without a new history entry (Back leaves the page, not
    the last nudge); a parameter for a page not yet opened (bptt_k) stays in the link, and opens there."""
    app.open("forward", query={"bptt_k": 3})
    entries = app.page.evaluate("() => history.length")
    for _ in range(3):
        with app.expect_rerun():
            app.move_slider("W_hh", 1)
    w = app.slider_value("W_hh")
    app.page.wait_for_function("w => location.search.includes('W_hh=' + w)", arg=repr(w))
    assert app.page.evaluate("() => history.length") == entries and "bptt_k=3" in app.page.url
    for where in ("app", "model"):  # the two url elements take no room on the page
        assert app.page.locator(f".st-key-rnnviz_url_{where}").bounding_box() is None
    for _ in range(10):  # back to the default, press by press: the parameter leaves the link
        if app.slider_value("W_hh") == 0.5:
            break
        with app.expect_rerun():
            app.move_slider("W_hh", -1)
    assert app.slider_value("W_hh") == 0.5
    app.page.wait_for_function("() => !location.search.includes('W_hh=')")
    app.page.goto(app.page.url.replace("/forward", "/bptt")  # (k's slider shows while truncated)
                  .replace("bptt_k=3", "bptt_k=3&W_hh=0.6&bptt_mode=truncated%20to%20k%20steps"))
    app.page.wait_for_function("() => window.__stFinishedRuns > 0")
    app.wait_idle()
    assert app.slider_value("bptt_k") == 3 and app.slider_value("W_hh") == 0.6
    app.assert_no_exception()


def test_play_steps_t_forward_and_stops_at_the_last_step(app):
    """Play (ui/controls' stepper) advances t every 0.8 s, a fragment rerun each, and switches off at T."""
    app.open("forward", query={"T": 4, "t": 2})
    assert app.slider_value("t") == 2
    play = app.page.locator('.rz-step [data-play]')
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    app.page.wait_for_function(
        """() => document.querySelector('.rz-step input[name="t"]')?.value === '4'""", timeout=15_000)
    app.page.wait_for_function(
        """() => document.querySelector('.rz-step [data-play]').getAttribute('aria-pressed') === 'false'""",
        timeout=15_000)
    app.wait_idle()
    assert app.slider_value("t") == 4 and "t=4" in app.page.url
    app.assert_no_exception()


def test_sidebar_choices_rerun_the_app_and_a_new_preset_resets_T(app):
    """ui/controls' radio buttons and drop-down: H and the preset reach the URL; a preset starts at its own T."""
    app.open("forward")
    with app.expect_rerun():
        app.page.locator('select[name="preset"]').select_option("sine")
    app.page.wait_for_function("() => location.search.includes('preset=sine')")
    assert app.slider_value("T") == 40  # sequence.DEFAULT_T["sine"], set by the preset's on_change
    with app.expect_rerun():
        app.page.locator('input[type="radio"][name="H"][value="4"]').check()
    app.page.wait_for_function("() => location.search.includes('H=4')")
    app.wait_idle()
    assert app.page.locator('input[type="range"][name="gain_W_hh"]').count() == 1  # H > 1: gains, not W_hh
    app.assert_no_exception()


def test_a_slider_shows_its_exact_value_off_the_step_grid(app):
    """A gradient step leaves b_y between two slider steps: the label shows the value, not the thumb's step."""
    app.open("forward", query={"H": 4, "b_y": 0.4764})
    label = app.page.locator('[data-testid="stSidebar"] .rz-field[data-name="b_y"] .rz-value')  # (not the phone's copy)
    assert label.inner_text() == "0.476"  # b_y's format is %.3f; the thumb itself sits on the 0.01 grid at 0.48
    app.assert_no_exception()


TRANSITIONS_JS = """() => { window.__rzTransitions = [];
  document.addEventListener('transitionrun', (e) => {
    if (e.target.matches('[data-testid="stElementContainer"]')) window.__rzTransitions.push(e.propertyName);
  }, true); }"""


def test_a_fast_rerun_starts_no_fade_and_a_slow_one_fades_what_it_has_not_redrawn(app):
    """ui/fade.py: a weight move on /forward starts no CSS transition on the elements it redraws; a rerun
    past 0.5 s (BPTT at T = 500, H = 8 truncated to k = 100: torch.autograd's check recomputes each L_t
    from h_{t−k}, 50 000 cell applications, and the page sends it last) marks the page slow and fades the
    stale elements to Streamlit's 0.33."""
    app.open("forward", query={"T": 100, "H": 8})
    app.page.evaluate(TRANSITIONS_JS)
    for _ in range(3):
        with app.expect_rerun():
            app.move_slider("gain_W_hh", 1)
    assert app.page.evaluate("() => window.__rzTransitions") == []
    assert app.page.evaluate("() => 'rzSlow' in document.documentElement.dataset") is False
    assert app.page.locator(".st-key-rnnviz_fade").bounding_box() is None

    app.open("bptt", query={"T": 500, "H": 8, "bptt_mode": "truncated to k steps", "bptt_k": 100})
    app.move_slider("gain_W_hh", 1)
    app.page.wait_for_function("() => 'rzSlow' in document.documentElement.dataset", timeout=10_000)
    app.page.wait_for_function(  # times out (and fails) unless a stale element reaches Streamlit's 0.33
        """() => [...document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]')]
                   .some(e => getComputedStyle(e).opacity === '0.33')""", timeout=10_000)
    app.wait_idle()
    assert app.page.evaluate("() => 'rzSlow' in document.documentElement.dataset") is False
    assert app.page.locator('[data-stale="true"]').count() == 0
    app.assert_no_exception()


def test_gates_presets_set_the_sliders_and_the_sine_preset_reruns_the_whole_app(app):
    """/gates: "keep gate open" puts b_if at +3 (b_hf 0); "trained on the sine task" also switches the sidebar's
    sequence to the sine it was trained on, which lives outside the page's fragment."""
    app.open("gates")
    with app.expect_rerun():
        app.page.select_option('select[name="gate_preset"]', "open")
    assert app.slider_value("b_if") == 3.0 and app.slider_value("b_hf") == 0.0 and "b_if=3.0" in app.page.url
    with app.expect_rerun(expect="sine (f=1, A=1, T=40)"):
        app.page.select_option('select[name="gate_preset"]', "sine")
    assert "W_hi=-17.3391" in app.page.url and "gate_preset=sine" in app.page.url  # (the thumb snaps to 0.01)
    with app.expect_rerun():
        app.move_slider("W_hf", 2)   # a weight moved by hand: no preset describes the model any more
    assert app.page.locator('select[name="gate_preset"]').input_value() == "custom"
    app.assert_no_exception()
    app.screenshot("gates_sine_preset")


def test_a_click_on_the_overview_strip_moves_the_window_of_a_long_sequence(app):
    app.open("forward", query={"preset": "sine", "T": 500, "t": 250}, expect="Steps 243 … 257 of 500")
    x, y = app.page.locator(".st-key-diagram .js-plotly-plot").evaluate("""g => {  // t = 400 on the strip
        const {xaxis2, yaxis2} = g._fullLayout, box = g.getBoundingClientRect();
        return [box.x + xaxis2._offset + xaxis2.l2p(400), box.y + yaxis2._offset + yaxis2._length / 2]; }""")
    with app.expect_rerun("Steps 393 … 407 of 500"):
        app.page.mouse.click(x, y)
    assert app.slider_value("t") == 400
    assert re.search(r"[?&]t=400(&|$)", app.page.url)  # the link follows
    app.assert_no_exception()
