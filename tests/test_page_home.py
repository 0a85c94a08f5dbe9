"""The home page through the real app (AppTest): equations, the live call trees, links to every page."""
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import rnnviz

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


def test_home_renders_equations_trees_and_links():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and not at.error
    tex = " ".join(e.value for e in at.latex)
    for piece in (r"W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h", r"y_t = W_{hy}\,h_t + b_y", r"\mathrm{fib}(3)"):
        assert piece in tex
    assert not at.get("plotly_chart")  # the first page a learner opens loads no Plotly (cold start)
    assert not at.code  # nor st.code's highlighter: the two listings are ui/code.py's HTML
    listings = [m.value for m in at.markdown if m.value.startswith('<div class="rz-code"')]
    assert len(listings) == 2 and all("<pre" not in v and "<code" not in v and "\n" not in v for v in listings)
    # fib coloured as the name defined, once; its two calls stay plain, as st.code shows them
    assert listings[0].count('<span class="rz-function">fib</span>') == 1
    assert listings[0].count(">return</span> fib<") == 1
    svg = next(m.value for m in at.markdown if m.value.startswith('<div class="rz-trees">'))
    run = rnnviz.forward(rnnviz.RNNParams.scalar(W_xh=0.8, W_hh=0.5, b_h=0.0, W_hy=1.2, b_y=0.0),
                         np.array([1.0, 2.0, 3.0]))
    h = run.hs[:, 0]
    assert f'h<tspan baseline-shift="sub" font-size="13">3</tspan> = {h[3]:.3f}' in svg and ">fib(3) = 2<" in svg
    # each node carries h_t's formula with the live numbers: shown on focus, tap or hover (ui/theme.py), read
    # by a screen reader (aria-label), and listed as text under the trees
    formula = f"h_3 = tanh(W_xh·x_3 + W_hh·h_2 + b_h)&#10;= tanh(0.8·3 + 0.5·{h[2]:.3f} + 0) = {h[3]:.3f}"
    assert f'data-formula="{formula}"' in svg and f'aria-label="{formula.replace("&#10;", " ")}"' in svg
    assert f"<li>{formula.replace('&#10;', ' ')}</li>" in svg
    assert svg.count("<circle") == 5 + 7 and svg.count('class="rz-node"') == 5 + 7  # fib(3)'s calls, h_3 … h_0, x_1 … x_3
    assert svg.count('tabindex="0"') == 2 and "\n" not in svg  # one tab stop per tree; one markdown line
    linked = {link.proto.page for link in at.get("page_link")}  # each page's url_path
    assert linked == {p.stem for p in (REPO / "pages").glob("*.py")} - {"home"}
