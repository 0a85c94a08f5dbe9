"""The home page through the real app (AppTest): equations, the live call trees, links to every page."""
import json
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
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    texts = [s for t in spec["data"] if "text" in t for s in t["text"]]
    run = rnnviz.forward(rnnviz.RNNParams.scalar(W_xh=0.8, W_hh=0.5, b_h=0.0, W_hy=1.2, b_y=0.0),
                         np.array([1.0, 2.0, 3.0]))
    assert f"h<sub>3</sub> = {run.hs[3, 0]:.3f}" in texts and "fib(3) = 2" in texts
    linked = {link.proto.page for link in at.get("page_link")}  # each page's url_path
    assert linked == {p.stem for p in (REPO / "pages").glob("*.py")} - {"home"}
