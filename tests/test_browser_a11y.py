"""Every page for every learner, in real chromium: axe-core in the light and the dark theme, a keyboard-only
walkthrough, a phone's screen, and a theme switch that the charts and controls follow.

axe-core is npm's (package.json pins it; bash tests/run.sh installs it), injected into the page as it is."""
import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import SCREENSHOTS, VIEWPORT, StreamlitPage, require_axe

PAGES = ["", "forward", "bptt", "vanishing", "gates", "training", "shapes"]
PHONE = {"width": 390, "height": 844}

AXE_RUN_JS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'critical' || v.impact === 'serious')
  .map(v => `${v.impact} ${v.id}: ${v.help}; ` + v.nodes.slice(0, 3)
    .map(n => n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200) + ')').join(' | '))"""


def open_page(browser, url, path, theme="light", viewport=VIEWPORT, **ctx):
    """A fresh context in `theme` (the browser's preference, which the app follows) with the page open."""
    context = browser.new_context(viewport=viewport, color_scheme=theme, **ctx)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.js_errors = []
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    return context, StreamlitPage(page, url).open(path)


def ink(app, selector):
    """Relative luminance (0 black … 1 white) of the computed `color` of the first match."""
    rgb = app.page.eval_on_selector(selector, "e => getComputedStyle(e).color")  # rgb(…) or color(srgb …)
    scale = 1 if rgb.startswith("color(") else 255
    r, g, b = (float(c) / scale for c in re.findall(r"[\d.]+", rgb.split("srgb")[-1])[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_axe_finds_nothing_serious_in_either_theme(browser, warm_app_url, path, theme):
    axe = require_axe()
    context, app = open_page(browser, warm_app_url, path, theme)
    try:
        app.page.wait_for_function(f"() => document.documentElement.dataset.rzTheme === '{theme}'")
        app.page.add_script_tag(path=str(axe))
        found = app.page.evaluate(AXE_RUN_JS)
        assert not found, "\n".join(found)
        app.assert_no_exception()
    finally:
        context.close()


def test_dark_theme_reaches_controls_charts_and_code_and_follows_a_switch(browser, warm_app_url):
    """Dark: the custom sliders' end labels and the diagram's axis text are light on a transparent chart;
    switching the browser to light while the page is open turns them dark (no rerun needed), and Streamlit's
    theme menu turns them light again."""
    context, app = open_page(browser, warm_app_url, "forward", "dark")
    try:
        chart = '.st-key-diagram .js-plotly-plot'
        assert app.page.eval_on_selector(chart, "g => g._fullLayout.paper_bgcolor") == "rgba(0, 0, 0, 0)"
        assert ink(app, '.st-key-model_panel .rz-ends span') > 0.5
        assert app.page.eval_on_selector(f"{chart} .xtick text", "t => getComputedStyle(t).fill") != "rgb(0, 0, 0)"
        dark_tick = app.page.eval_on_selector(chart, "g => g._fullLayout.font.color")
        app.page.emulate_media(color_scheme="light")
        app.page.wait_for_function("() => document.documentElement.dataset.rzTheme === 'light'")
        app.page.wait_for_function(f"() => document.querySelector('{chart}')._fullLayout.font.color !== '{dark_tick}'")
        assert ink(app, '.st-key-model_panel .rz-ends span') < 0.3
        app.page.locator('[data-testid="stMainMenu"]').click()  # Streamlit's theme menu: Dark, over the browser's light
        app.page.locator('[data-testid="stMainMenuItem-theme-Dark"]').click()
        app.page.wait_for_function("() => document.documentElement.dataset.rzTheme === 'dark'")
        app.page.wait_for_function(f"() => document.querySelector('{chart}')._fullLayout.font.color === '{dark_tick}'")
        assert ink(app, '.st-key-model_panel .rz-ends span') > 0.5 and not app.page.js_errors
    finally:
        context.close()


def tab_to(app, js_test, most=80, key="Tab"):
    """Press Tab (or `key`) until the focused element passes `js_test` (a JS function of the element)."""
    for _ in range(most):
        app.page.keyboard.press(key)
        if app.page.evaluate(f"() => ({js_test})(document.activeElement)"):
            return
    pytest.fail(f"{most} Tab presses never reached {js_test}")


def focused(app):
    return app.page.evaluate("() => { const e = document.activeElement; "
                             "return (e.getAttribute('aria-label') || e.name || e.textContent || e.tagName).trim(); }")


def assert_ring(app):
    """The focused control shows a solid ring ≥ 2 px in the text colour (≥ 3:1 on the light background)."""
    style, width, colour = app.page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                                             "return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }")
    assert style == "solid" and width >= 2 and colour == "rgb(47, 45, 43)", (style, width, colour, focused(app))


def test_keyboard_only_walkthrough(app):
    """Read a weight's help, change the weight, step t and play it, then play training: keyboard only, and
    focus stays on the control that acted."""
    app.open("forward")
    app.page.keyboard.press("Tab")  # the first stop: Streamlit's skip link, past the page list and the sidebar
    assert focused(app) == "Skip to main content"
    app.page.keyboard.press("Enter")
    tab_to(app, "e => e.matches('[data-play]')", most=8)  # Play is a few stops into the page
    app.page.keyboard.press("Shift+Tab")
    assert_ring(app)
    tab_to(app, "e => e.getAttribute('aria-label') === 'About W_hh'", key="Shift+Tab")  # back into the sidebar
    app.page.keyboard.press("Enter")
    tip = app.page.locator(".st-key-model_panel [id$='-help']:visible")
    assert tip.count() == 1 and "W_hh" in tip.inner_text()
    app.page.keyboard.press("Tab")
    assert app.page.evaluate("() => document.activeElement.name") == "W_hh"
    assert_ring(app)
    described = app.page.evaluate("() => document.getElementById(document.activeElement"
                                  ".getAttribute('aria-describedby')).textContent")
    assert "seed 003" in described  # a screen reader reads the help with the slider
    before = app.slider_value("W_hh")
    with app.expect_rerun():
        app.page.keyboard.press("ArrowRight")
    assert app.slider_value("W_hh") > before and "W_hh=" in app.page.url
    lines = app.page.locator(".st-key-step_lines")
    step_2 = lines.inner_text()
    tab_to(app, "e => e.getAttribute('aria-label') === 'next step'")
    with app.expect_rerun():
        app.page.keyboard.press("Enter")
    assert app.slider_value("t") == 3 and lines.inner_text() != step_2  # step 3's arithmetic now
    assert focused(app) == "next step"
    app.page.keyboard.press("Tab")
    assert "Play" in focused(app)
    with app.expect_rerun():
        app.page.keyboard.press("Enter")  # one step every 0.8 s
    assert app.slider_value("t") == 4 and "Pause" in focused(app)
    app.page.keyboard.press("Enter")
    assert "Play" in focused(app)
    app.assert_no_exception()

    app.open("training", query={"train_epochs": 3000}, expect="epoch 0/3000")
    tab_to(app, "e => e.closest('.st-key-train_play') && e.tagName === 'BUTTON'", most=120)
    assert_ring(app)  # Streamlit's own button too
    with app.expect_rerun(expect="training"):
        app.page.keyboard.press("Enter")
    app.page.wait_for_function("() => document.activeElement.closest('.st-key-train_pause')")  # not <body>
    app.page.get_by_text(re.compile(r"epoch [1-9]\d*/3000")).first.wait_for(timeout=60_000)  # the pool is up
    with app.expect_rerun(expect="paused"):
        app.page.keyboard.press("Enter")
    app.assert_no_exception()


# text in the main column that would need a sideways scroll: maths, code, markdown (not a chart or a data grid,
# which scroll in their own box by design); polled until KaTeX's fonts are in and ui/live.py has wrapped its lines
SIDEWAYS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(.katex-display, .katex, .live-latex, '
  + '.rz-code, [data-testid="stCode"] pre, [data-testid="stMarkdownContainer"], .rz-trees)')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.className || e.tagName} ${e.scrollWidth} > ${e.clientWidth}: ${e.textContent.slice(0, 50)}`)"""


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_phone_no_sideways_scroll(browser, warm_app_url, path):
    """Neither the page nor any maths, code or text box in it scrolls sideways on a phone: long maths wraps
    (ui/live.py) or is set smaller (ui/theme.py), never below 11.6 px; code wraps."""
    context, app = open_page(browser, warm_app_url, path, viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        wide = app.page.evaluate("""() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
            .map(e => e.scrollWidth - e.clientWidth)""")
        assert wide == [0, 0], f"the page is wider than the phone by {wide} px"
        with contextlib.suppress(PlaywrightTimeout):
            app.page.wait_for_function(f"() => document.fonts.status === 'loaded' && !({SIDEWAYS_JS})().length",
                                       timeout=10_000)
        assert not app.page.evaluate(SIDEWAYS_JS)
        sizes = app.page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display > .katex')]
            .map(k => parseFloat(getComputedStyle(k).fontSize))""")
        assert min(sizes, default=12) >= 11.5, sizes  # legible: a scaled line is ≥ 60 % of KaTeX's 19.4 px
        cut = app.page.evaluate("""() => [...document.querySelectorAll('.live-chart')].flatMap(gd =>
            [...gd.querySelectorAll('.infolayer .gtitle')].filter(t => { const b = t.getBBox();
              return b.x + b.width > gd._fullLayout.width + 1; }).map(t => t.textContent))""")
        assert not cut, f"chart titles run off the chart: {cut}"
        SCREENSHOTS.mkdir(exist_ok=True)
        app.page.screenshot(path=str(SCREENSHOTS / f"phone_{path or 'home'}.png"))  # the first screen
        app.assert_no_exception()
    finally:
        context.close()


def test_phone_forward_weight_and_diagram_on_screen_and_a_tap_shows_a_formula(browser, warm_app_url):
    context, app = open_page(browser, warm_app_url, "forward", viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        diagram = app.page.locator(".st-key-diagram .js-plotly-plot")
        diagram.scroll_into_view_if_needed()
        weight = app.page.locator('.st-key-model_panel_phone [data-name="W_hh"] input')
        for box in (weight.bounding_box(), diagram.bounding_box()):
            assert box and box["y"] >= 0 and box["y"] + min(box["height"], 200) <= PHONE["height"], box
        on_top = weight.evaluate("""w => { const r = w.getBoundingClientRect();
            return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === w; }""")
        assert on_top  # not covered by the header or the sidebar
        before = diagram.evaluate("g => JSON.stringify(g.data.map(d => d.hovertext))")
        weight.focus()
        with app.expect_rerun():
            app.page.keyboard.press("ArrowRight")
        diagram.evaluate("""(g, before) => new Promise((ok, fail) => {  // the diagram redrawn (bounded)
            const t0 = Date.now(), poll = () => JSON.stringify(g.data.map(d => d.hovertext)) !== before ? ok()
                : Date.now() - t0 > 30000 ? fail(new Error('the diagram did not follow the weight')) : setTimeout(poll, 50);
            poll(); })""", before)
        x, y = diagram.evaluate("""g => {  // the middle of node h_1 (t = 1, row h at y = 1), from the plot's axes
            const {xaxis, yaxis} = g._fullLayout, box = g.getBoundingClientRect();
            return [box.x + xaxis._offset + xaxis.l2p(1) - g.scrollLeft, box.y + yaxis._offset + yaxis.l2p(1)]; }""")
        app.page.touchscreen.tap(x, y)
        app.page.wait_for_selector(".st-key-diagram .hoverlayer .hovertext")
        assert "tanh" in app.page.locator(".st-key-diagram .hoverlayer").text_content()
        app.assert_no_exception()
    finally:
        context.close()


@pytest.mark.parametrize("how", ["keyboard", "tap"])
def test_home_call_tree_formulas_without_a_mouse(browser, warm_app_url, how):
    """Each call-tree node's formula: Tab reaches a tree (one stop), arrow keys walk its nodes and the focused
    node's formula shows in the tree's tip with a ring around it; on a phone a tap shows it. A screen reader
    has it as the node's label, and every formula is listed as text under the trees."""
    phone = how == "tap"
    context, app = open_page(browser, warm_app_url, "", **(dict(viewport=PHONE, has_touch=True, is_mobile=True)
                                                           if phone else {}))
    try:
        chain = app.page.locator(".rz-trees svg").nth(1)
        tip = chain.locator(".rz-tip")
        assert tip.get_attribute("visibility") == "hidden"
        if phone:
            chain.scroll_into_view_if_needed()
            box = chain.locator(".rz-node").nth(2).bounding_box()  # h_2
            app.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        else:
            tab_to(app, "e => e.matches('.rz-node') && e.ownerSVGElement.getAttribute('aria-label').startsWith('h_3')")
            app.page.keyboard.press("ArrowDown")
            app.page.keyboard.press("ArrowDown")  # h_3 → x_3 → h_2
            ring = app.page.evaluate("() => getComputedStyle(document.activeElement.querySelector('circle')).strokeWidth")
            assert float(ring.rstrip("px")) >= 4
        label = app.page.evaluate("() => document.activeElement.getAttribute('aria-label')")
        assert label.startswith("h_2 = tanh(W_xh·x_2 + W_hh·h_1 + b_h)") and label.endswith("= 0.959")
        assert tip.get_attribute("visibility") == "visible"
        assert tip.text_content() == label.replace(") = tanh", ")= tanh")  # its two lines
        assert app.page.locator(".rz-formulas li").filter(has_text=label).count() == 1
        if not phone:
            app.page.keyboard.press("Tab")  # out of the tree: one stop, the tip goes
            assert tip.get_attribute("visibility") == "hidden" and not app.page.evaluate(
                "() => document.activeElement.closest('.rz-trees')")
        app.assert_no_exception()
    finally:
        context.close()


def test_a_chart_states_its_numbers_and_opens_a_data_table(app):
    """The vanishing page's decay chart: its label states the curves' values at the farthest k, and its "Data
    table" lists every k with the numbers its hover shows, the same as the label's at the last row."""
    app.open("vanishing")
    box = app.page.locator(".st-key-vg_decay")
    app.page.wait_for_function("() => (document.querySelector('.st-key-vg_decay .js-plotly-plot')"
                               "?.getAttribute('aria-label') || '').includes('At k = ')")  # (labelled after drawing)
    label = box.locator(".js-plotly-plot").get_attribute("aria-label")
    found = re.search(r"At k = 8, the farthest step back: real (\S+), bound (\S+), fake (\S+)\.", label)
    assert found, label
    assert box.locator(".rz-data table").count() == 0  # built only when opened
    box.locator(".rz-data summary").click()
    rows = box.locator(".rz-data tbody tr")
    rows.first.wait_for()  # (built on the disclosure's toggle event, which comes a task later)
    assert rows.count() == 9  # k = 0 … T − 1
    assert rows.last.locator("th, td").all_inner_texts() == ["8", *found.groups()]
    assert rows.first.locator("td").all_inner_texts() == ["1.00e+0"] * 3  # k = 0: the identity
    before = rows.last.inner_text()
    with app.expect_rerun():
        app.move_slider("W_hh", steps=3)
    app.page.wait_for_function("(old) => document.querySelector('.st-key-vg_decay .rz-data tbody tr:last-child')"
                               ".innerText !== old", arg=before)  # the open table follows the model
    app.assert_no_exception()


@pytest.mark.parametrize("path, key, reach", [("forward", "diagram", "h_1 = tanh(W_xh·x_1 + W_hh·h_0 + b_h)"),
                                              ("bptt", "bptt_contributions", "W_hh, step t = 1:"),
                                              ("gates", "gates_diagram", "f_t=1 = ")], ids=["forward", "bptt", "gates"])
def test_a_diagrams_per_node_formulas_by_keyboard(app, path, key, reach):
    """Tab reaches the diagram (a ring shows it has focus), and the arrow keys walk its nodes top to bottom and
    step to step: each node's hover label shows, and the same words go to a live region a screen reader reads."""
    app.open(path)
    tab_to(app, f"e => e.classList.contains('live-chart') && !!e.closest('.st-key-{key}')", most=60)
    assert_ring(app)
    assert "arrow keys read each point" in app.page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    region = app.page.locator(f".st-key-{key} .rz-said")
    app.page.keyboard.press("ArrowRight")  # the first point of the top row
    for _ in range(12):
        app.page.wait_for_function("() => document.querySelector('.st-key-%s .rz-said')?.textContent" % key)
        if reach in region.text_content():
            break
        before = region.text_content()
        app.page.keyboard.press("ArrowDown")
        app.page.wait_for_function("(b) => document.querySelector('.st-key-%s .rz-said').textContent !== b" % key,
                                   arg=before)
    assert reach in region.text_content()
    assert reach.split(" ")[0] in app.page.locator(f".st-key-{key} .hoverlayer").text_content()  # drawn as on hover
    app.assert_no_exception()
