"""The PyTorch-shapes page through the real app (AppTest): shapes from a real nn.RNN, URL, absurd sizes."""
import json
import re
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from apptest_util import link

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def shapes_app(query=None, **widgets):
    """The shapes page, opened through the app's navigation, after setting URL parameters and widgets."""
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page("pages/shapes.py").run()
    for key, v in widgets.items():
        (at.toggle(key=key) if isinstance(v, bool) else at.number_input(key=key)).set_value(v)
    if widgets:
        at.run()
    assert not at.exception
    return at


def drawn_shapes(at) -> dict[str, tuple[int, ...]]:
    """{tensor name: shape} as the page's block figures title them."""
    out = {}
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec)["layout"]["title"]["text"]
        name = re.match(r"<b>(\w+)</b>", title).group(1)
        out[name] = tuple(int(n) for n in title.rsplit("= (", 1)[1].rstrip(")").split(","))
    return out


def torch_shapes(B, T, I, H, L, bidirectional, batch_first):
    rnn = torch.nn.RNN(I, H, num_layers=L, bidirectional=bidirectional, batch_first=batch_first)
    x = torch.zeros((B, T, I) if batch_first else (T, B, I))
    out, h_n = rnn(x)
    return {"x": tuple(x.shape), "out": tuple(out.shape), "h_n": tuple(h_n.shape)}, rnn


def test_default_is_seed_002():
    at = shapes_app()
    assert not at.error
    expected, rnn = torch_shapes(1, 4, 2, 3, 1, False, True)       # seed 002: batch 1, 4 steps, 2 features, 3 units
    assert drawn_shapes(at) == expected
    table = at.dataframe[0].value
    assert list(table["name"]) == [n for n, _ in rnn.named_parameters()]
    assert list(table["shape"]) == [str(tuple(p.shape)) for _, p in rnn.named_parameters()]
    assert any("b_{ih} + b_{hh}" in e.value for e in at.latex)
    assert "reproduces layer 0" in at.success[0].value


@pytest.mark.parametrize("B, T, I, H, L, bidirectional, batch_first",
                         [(3, 7, 2, 5, 2, True, True), (2, 6, 4, 3, 3, False, False), (4, 5, 1, 2, 2, True, False)])
def test_widgets_change_the_real_module(B, T, I, H, L, bidirectional, batch_first):
    at = shapes_app(nn_batch=B, nn_steps=T, nn_features=I, nn_hidden=H, nn_layers=L,
                    nn_bidirectional=bidirectional, nn_batch_first=batch_first)
    expected, rnn = torch_shapes(B, T, I, H, L, bidirectional, batch_first)
    assert drawn_shapes(at) == expected                           # out (B, T, D·H) and h_n (D·L, B, H), from torch
    table = at.dataframe[0].value
    assert dict(zip(table["name"], table["shape"])) == {n: str(tuple(p.shape)) for n, p in rnn.named_parameters()}
    assert link(at)["nn_batch"] == str(B)                 # and the URL now holds the settings


def test_url_restores_the_settings():
    at = shapes_app({"nn_batch": "6", "nn_hidden": "4", "nn_layers": "2", "nn_bidirectional": "true"})
    assert at.number_input(key="nn_batch").value == 6 and at.toggle(key="nn_bidirectional").value is True
    expected, _ = torch_shapes(6, 4, 2, 4, 2, True, True)
    assert drawn_shapes(at) == expected


def test_invalid_url_value_falls_back_with_a_notice():
    at = shapes_app({"nn_hidden": "lots", "nn_layers": "0"})
    assert at.number_input(key="nn_hidden").value == 3 and at.number_input(key="nn_layers").value == 1
    notice = at.warning[0].value
    assert "nn_hidden=lots" in notice and "nn_layers=0" in notice


def test_absurd_size_shows_an_error_and_the_rest_of_the_page():
    at = shapes_app(nn_batch=1000, nn_steps=1000, nn_features=1, nn_hidden=500)
    assert not at.get("plotly_chart")
    assert "out would hold B·T·D·H = 500,000,000 numbers" in at.error[0].value
    assert any("b_{ih} + b_{hh}" in e.value for e in at.latex)     # the explanation is still there
    at.number_input(key="nn_batch").set_value(2).run()
    at.number_input(key="nn_steps").set_value(3).run()
    assert not at.error and drawn_shapes(at)["out"] == (2, 3, 500)
