"""The forward page's live elements (ui/live.py) in real chromium: drawn, updated in place, hoverable."""
import math

from ui.numbers import num

DIAGRAM = ".st-key-diagram .live-chart"
LINES = ".st-key-step_lines .live-latex"

# The diagram's h row: (h_1's text, the pixel centre of h_1 inside the plot element)
H1_JS = """(sel) => {
  const gd = document.querySelector(sel), h = gd.data.find(t => t.name === 'h');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return {text: h.text[1], x: xa._offset + xa.l2p(1), y: ya._offset + ya.l2p(1)};
}"""


def test_the_diagram_and_the_step_lines_update_in_place(app):
    app.open("forward")
    app.assert_no_exception()
    app.page.evaluate("([d, l]) => { window.__diagram = document.querySelector(d);"
                      " window.__line = document.querySelector(l + ' > div'); }", [DIAGRAM, LINES])
    before = app.page.evaluate(H1_JS, DIAGRAM)
    assert before["text"] == "0.664"  # h_1 = tanh(0.8 · 1)
    with app.expect_rerun():
        app.move_slider("W_xh", 5)  # W_xh 0.8 → 0.85 (presses during a rerun may coalesce: read it back)
    W_xh = app.slider_value("W_xh")
    assert W_xh > 0.8
    h1 = f"{math.tanh(W_xh):.3f}"
    app.page.wait_for_function("([sel, h1]) => document.querySelector(sel).data.find(t => t.name === 'h')"
                               ".text[1] === h1", arg=[DIAGRAM, h1])
    app.page.wait_for_function("([sel, h1]) => document.querySelector(sel).textContent.includes(h1)",
                               arg=[LINES, h1])  # h_2's line: tanh(W_xh·2 + 0.5·h_1 + 0)
    assert num(W_xh) in app.page.locator(LINES).inner_text()
    same = app.page.evaluate("([d, l]) => window.__diagram === document.querySelector(d)"
                             " && window.__line === document.querySelector(l + ' > div')", [DIAGRAM, LINES])
    assert same, "a rerun replaced the plot or the KaTeX line instead of updating it"
    # typeset with the page's KaTeX stylesheet: subscripts are small and raised (class names it knows)
    assert app.page.locator(f"{LINES} .msupsub .sizing").count() > 0
    app.assert_no_exception()


def test_hovering_a_node_of_the_live_diagram_shows_its_formula(app):
    app.open("forward")
    h1 = app.page.evaluate(H1_JS, DIAGRAM)
    box = app.page.locator(DIAGRAM).bounding_box()
    app.page.mouse.move(box["x"] + h1["x"], box["y"] + h1["y"])
    hover = app.page.locator(f"{DIAGRAM} .hoverlayer .hovertext")
    hover.first.wait_for()
    assert "h_1 = tanh(W_xh·x_1 + W_hh·h_0 + b_h)" in hover.first.text_content()  # an SVG box


BARS = ".st-key-loss_bars .live-chart"
L1_JS = "(sel) => document.querySelector(sel).calcdata[0][0].s"  # L_1's bar, as plotly drew it


def test_a_chart_out_of_sight_is_redrawn_when_it_comes_into_view(app):
    app.open("forward", query={"T": 100, "H": 8})  # the loss bars sit below the fold at this size
    app.page.evaluate("(sel) => document.querySelector(sel).scrollIntoView()", BARS)
    app.page.wait_for_timeout(300)
    app.page.evaluate("(sel) => document.querySelector(sel).scrollIntoView()", DIAGRAM)
    app.page.wait_for_timeout(300)
    before = app.page.evaluate(L1_JS, BARS)
    with app.expect_rerun():
        app.move_slider("gain_W_hy", 4)  # y_t = W_hy h_t + b_y: every L_t changes
    assert app.page.evaluate(L1_JS, BARS) == before, "an out-of-sight chart was redrawn"
    # the move reported the chart out of sight: its figure was kept back, not sent; in view it asks for it
    assert app.page.evaluate("(sel) => document.querySelector(sel).__pending", BARS) is True
    app.page.evaluate("(sel) => document.querySelector(sel).scrollIntoView()", BARS)
    app.page.wait_for_function("([sel, before]) => document.querySelector(sel).calcdata[0][0].s !== before",
                               arg=[BARS, before], timeout=10_000)
    app.assert_no_exception()


SEED_LINES = ".st-key-bptt_seed003 .live-latex"


def test_lines_out_of_sight_are_typeset_when_they_come_into_view(app):
    """The BPTT page's seed-003 lines sit far below the fold: a weight move re-typesets them only once seen."""
    app.open("bptt")
    first = f"document.querySelector('{SEED_LINES} > div').__tex"
    before = app.page.evaluate(f"() => {first}")
    with app.expect_rerun():
        app.move_slider("W_hy", 5)  # every one-step formula holds W_hy or y_t
    app.page.wait_for_timeout(300)
    assert app.page.evaluate(f"() => {first}") == before, "lines out of sight were typeset again"
    app.page.evaluate("(sel) => document.querySelector(sel).scrollIntoView()", SEED_LINES)
    app.page.wait_for_function(f"(before) => {first} !== before", arg=before, timeout=10_000)
    assert app.slider_value("W_hy") > 1.2
    app.assert_no_exception()
