"""ui.figures and ui.arithmetic: the unrolled diagram shows the engine's numbers, in the right places."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from ui import arithmetic, figures

X, TARGET = rnnviz.data.counting(10)  # seed 003: x = 1..9, target = 2..10


def diagram(*args, **kw):
    """figures.unrolled (plain dicts) as a go.Figure, for its attribute API."""
    return go.Figure(figures.unrolled(*args, **kw), _validate=False)


def loss_figure(*args, **kw):
    return go.Figure(figures.loss_bars(*args, **kw), _validate=False)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def shape(fig, name):
    return next(s for s in fig.layout.shapes if s.name == name)


def seed003(**kw):
    p = rnnviz.RNNParams.scalar(**kw)
    return p, rnnviz.forward(p, X)


def test_diagram_has_a_column_per_time_step():
    p, run = seed003()
    fig = diagram(run, p, TARGET[:, None], step=3)
    assert list(trace(fig, "x").x) == list(range(1, run.T + 1))
    assert list(trace(fig, "y").x) == list(range(1, run.T + 1))
    assert list(trace(fig, "h").x) == list(range(0, run.T + 1))  # h_0 … h_T
    assert fig.layout.shapes[0].x0 == 2.5 and fig.layout.shapes[0].x1 == 3.5  # step 3 highlighted


def test_printed_node_values_are_the_engines():
    p, run = seed003(W_xh=1.3, W_hh=-0.4)
    fig = diagram(run, p)
    assert [float(s) for s in trace(fig, "h").text] == pytest.approx(np.r_[0.0, run.h[:, 0]], abs=5e-4)
    assert [float(s) for s in trace(fig, "y").text] == pytest.approx(run.y[:, 0], abs=5e-4)
    assert float(trace(fig, "h").text[1]) == pytest.approx(math.tanh(1.3), abs=5e-4)


@pytest.mark.parametrize("W_hh, colour", [(0.5, figures.POS), (-0.5, figures.NEG), (0.0, figures.ZERO)])
def test_edge_colour_follows_the_sign_of_the_weight(W_hh, colour):
    p, run = seed003(W_hh=W_hh, W_xh=-0.8)
    fig = diagram(run, p)
    assert trace(fig, "W_hh").line.color == colour
    assert trace(fig, "W_xh").line.color == figures.NEG
    assert trace(fig, "W_hy").line.color == figures.POS


def test_edge_width_grows_with_the_weight():
    widths = [trace(diagram(*seed003(W_hh=w)[::-1]), "W_hh").line.width for w in (0.2, 1.0, 2.0)]
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_large_T_and_H_stay_a_handful_of_traces():
    p = rnnviz.RNNParams.random(8, seed=1)
    x = np.sin(np.arange(100) * 0.25)
    run = rnnviz.forward(p, x)
    fig = diagram(run, p, step=50)
    assert len(fig.data) <= 8
    band = trace(fig, "h")
    z = np.asarray(band.z, dtype=float)  # a transparent gap column after each t
    np.testing.assert_array_equal(z[:, ::2], run.hs.T)  # (H, T+1) the unit cells
    assert np.isnan(z[:, 1::2]).all() and not getattr(band, "ygap", None)
    assert band.x0 + 2 * band.dx * 100 == 100  # cell j sits on t = j
    assert np.asarray(band.customdata)[:, 0].tolist() == list(range(1, 9))  # hover names the unit


def test_long_sequences_draw_rows_as_strips_with_the_same_values():
    p = rnnviz.RNNParams.scalar(W_hh=-0.9)
    x = np.cos(np.arange(100) * 0.3)
    run = rnnviz.forward(p, x)
    fig = diagram(run, p, step=70)
    assert [t.name for t in fig.data] == ["x", "h", "y"]  # the edges are layout shapes beyond ARROW_MAX_T
    np.testing.assert_array_equal(np.asarray(trace(fig, "h").z)[0, ::2], run.hs[:, 0])  # gap columns between
    np.testing.assert_array_equal(np.asarray(trace(fig, "y").z)[0, ::2], run.y[:, 0])
    x = trace(fig, "x")
    assert np.asarray(x.z).shape == (1, 200) and x.x0 == 1 and x.dx == 0.5  # T cells on t = 1 … T
    assert "h_70 = tanh(" in trace(fig, "h").text[0][2 * 70]
    assert not any(getattr(t, "xgap", None) for t in fig.data)  # uniform grids: plotly's fast image path


def test_long_sequences_draw_each_weights_edges_as_one_path():
    p = rnnviz.RNNParams.scalar(W_hh=-0.9, W_xh=0.8, W_hy=0.0)
    run = rnnviz.forward(p, np.cos(np.arange(100) * 0.3))
    fig = diagram(run, p)
    assert [shape(fig, n).line.color for n in ("W_xh", "W_hh", "W_hy")] == [figures.POS, figures.NEG, figures.ZERO]
    segments = [[float(v) for v in seg.split("L")[0].split(",")] + [float(v) for v in seg.split("L")[1].split(",")]
                for seg in shape(fig, "W_hh").path.split("M")[1:]]
    assert len(segments) == 100  # h_(t−1) → h_t for t = 1 … T, along the h row
    assert all(y0 == y1 == 1.0 and x0 < x1 and round(x1) == t for t, (x0, y0, x1, y1) in enumerate(segments, 1))
    assert shape(fig, "W_hh").line.width < shape(diagram(run, p.replace(W_hh=np.array([[-2.0]]))), "W_hh").line.width
    ticks = fig.layout.xaxis.tickvals
    assert ticks == tuple(range(0, 101, 10))  # a dozen tick labels at most, on round steps


@pytest.mark.parametrize("H", [1, 4])
def test_a_long_sequence_draws_a_window_around_t_over_an_overview_of_all_of_it(H):
    p = rnnviz.RNNParams.scalar() if H == 1 else rnnviz.RNNParams.random(H, seed=1)
    x = np.sin(np.arange(500) * 0.25)
    run = rnnviz.forward(p, x)
    for step, (lo, hi) in ((250, (243, 257)), (3, (1, 15)), (500, (486, 500))):
        fig = diagram(run, p, step=step, windowed=True)
        assert figures.window_of(500, step) == (lo, hi) and hi - lo + 1 == figures.WINDOW
        assert list(trace(fig, "x").x) == list(range(lo, hi + 1))
        np.testing.assert_array_equal(trace(fig, "x").marker.color, x[lo - 1:hi])       # nodes, not a strip
        h = trace(fig, "h")
        if H == 1:
            assert list(h.x) == list(range(lo - 1, hi + 1)) and h.text is not None       # values printed
        else:
            np.testing.assert_array_equal(np.asarray(h.z, float)[:, ::2], run.hs[lo - 1:hi + 1].T)
            assert h.x0 == lo - 1
        overview = trace(fig, "overview")
        np.testing.assert_array_equal(overview.y, x)                                     # the whole sequence
        assert overview.yaxis == "y2"
        window = shape(fig, "window")
        assert (window.x0, window.x1, window.xref) == (lo - 0.5, hi + 0.5, "x2")
        assert fig.layout.xaxis.range == pytest.approx((lo - 1.6, hi + 0.6))              # h_(lo−1) … h_hi
    for k in ("W_xh", "W_hh", "W_hy"):                 # each weight's 15 edges and arrowheads: two svg paths
        assert shape(fig, k).path.count("M") == shape(fig, f"{k} arrows").path.count("Z") == 15
    short = diagram(rnnviz.forward(p, x[:40]), p, step=20, windowed=True)  # up to WINDOW_T: all of it
    assert len(trace(short, "x").x) == 40 and not any(t.name == "overview" for t in short.data)


def test_hover_shows_the_formula_with_numbers():
    p, run = seed003()
    hover = trace(diagram(run, p), "h").hovertext[2]
    assert "tanh(0.8·2 + 0.5·0.664 + 0)" in hover and "0.9589" in hover  # the step lines' order and numbers


def test_seed_003_step_2_written_in_the_pages_one_order():
    p, run = seed003()
    h_line, y_line, L_line = arithmetic.step_lines(run, p, TARGET[:, None], 2)
    assert r"\tanh(W_{xh}\,x_{2} + W_{hh}\,h_{1} + b_h) = \tanh(0.8\cdot2 + 0.5\cdot0.664 + 0)" in h_line
    assert h_line.endswith(r"= \tanh(1.932) = 0.959")
    assert y_line.endswith(f"= {run.y[1, 0]:.3f}")
    L2 = 0.5 * (run.y[1, 0] - 3) ** 2
    assert L_line.endswith(f"= {L2:.4f}")


def test_seed_003_slip_L1_is_0_7236_not_0_719():
    p, run = seed003()
    L_line = arithmetic.step_lines(run, p, TARGET[:, None], 1)[2]
    assert L_line.endswith("= 0.7238")  # ½(0.79684 − 2)²; the seed's rounded ½(0.797 − 2)² = 0.7236
    assert 0.5 * (0.797 - 2) ** 2 == pytest.approx(0.7236, abs=1e-4)


def test_a_negative_is_parenthesised_once_and_only_as_a_factor():
    p = rnnviz.RNNParams.scalar(W_xh=-0.8, W_hh=0.5, b_h=-0.3, W_hy=1.2, b_y=-1.0)
    run = rnnviz.forward(p, -X)
    h_line, y_line, L_line = arithmetic.step_lines(run, p, -TARGET[:, None], 2)
    text = h_line + y_line + L_line
    assert "((-" not in text and "= (-" not in text   # not tanh((−0.610)) = (−0.544)
    assert r"\tanh(-0.8\cdot(-2) + 0.5\cdot" in h_line and " - 0.3)" in h_line   # b_h = −0.3 as "− 0.3"
    a, h = run.a[1, 0], run.h[1, 0]
    assert h_line.endswith(rf"= \tanh({a:.3f}) = {h:.3f}")
    assert y_line.endswith(f" - 1 = {run.y[1, 0]:.3f}") and rf"- (-3))^2" in L_line
    neg = rnnviz.RNNParams.scalar(W_xh=-1.0)
    run = rnnviz.forward(neg, X)
    assert rf"\tanh(-1.000) = {math.tanh(-1):.3f}" in arithmetic.step_lines(run, neg, TARGET[:, None], 1)[0]


def test_one_precision_rule_set_numbers_as_set_computed_to_three_decimals():
    p = rnnviz.RNNParams.scalar(W_xh=5.0, W_hh=0.0, W_hy=1.2)
    run = rnnviz.forward(p, X)
    assert run.h[8, 0] == 1.0                         # tanh(45) is 1 in float64
    h_line, y_line, L_line = arithmetic.step_lines(run, p, TARGET[:, None], 9)
    assert h_line.endswith(r"= \tanh(45.000) = 1.000") and r"5\cdot9 + 0\cdot1.000 + 0" in h_line
    assert y_line.endswith(r"= 1.2\cdot1.000 + 0 = 1.200")     # the weight as set, the products to 3
    assert L_line.endswith(f"= {0.5 * (1.2 - 10) ** 2:.4f}")


def test_vector_form_for_H_greater_than_1():
    p = rnnviz.RNNParams.random(3, seed=0)
    run = rnnviz.forward(p, X)
    lines = arithmetic.step_lines(run, p, TARGET[:, None], 4)
    assert sum(line.count(r"\begin{bmatrix}") for line in lines) >= 6
    assert lines[-1].endswith(f"{0.5 * (run.y[3, 0] - TARGET[3]) ** 2:.4f}")
    assert lines[0].index("W_{xh}") < lines[0].index("W_{hh}") and "((" not in "".join(lines)


def test_other_figures_build_from_the_same_run():
    p = rnnviz.RNNParams.random(4, seed=2)
    run = rnnviz.forward(p, X)
    losses = 0.5 * (run.y[:, 0] - TARGET) ** 2
    bars = loss_figure(losses, np.ones(9, bool), step=2)
    np.testing.assert_allclose(bars.data[0].y, losses)
    lines = figures.series_lines(run, TARGET[:, None], step=2)
    assert len(lines.data) == 2 + 4  # target, y, one line per unit
    mats = figures.matrices_heatmap(p)
    np.testing.assert_array_equal(np.asarray(mats.data[1].z), p.W_hh)
    np.testing.assert_array_equal(np.asarray(figures.hidden_heatmap(run).data[0].z), run.hs.T)


def test_diverging_scale_is_colorbrewer_rdbu_red_low_blue_high():
    """Figures skip plotly's validation, so the scale must be explicit: plotly.js's own "RdBu" is reversed."""
    import plotly.express as px
    rgb = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for _, c in figures.SCALE]
    assert rgb == [tuple(map(int, c[4:-1].split(","))) for c in px.colors.diverging.RdBu]  # red at −1 … blue at +1
    p = rnnviz.RNNParams.random(3, seed=0)
    run = rnnviz.forward(p, X)
    for fig in (diagram(run, p), figures.hidden_heatmap(run), figures.matrices_heatmap(p)):
        heat = [t.to_plotly_json() for t in fig.data if t.type == "heatmap"]
        assert heat and all(not isinstance(t.get("colorscale"), str) for t in heat)


@pytest.mark.parametrize("H", range(2, 9))
def test_weights_heatmap_builds_for_every_hidden_size(H):
    p = rnnviz.RNNParams.random(H, seed=H)  # H = 3 once put a subplot's domain at 1.0000000000000002
    fig = figures.matrices_heatmap(p)
    np.testing.assert_array_equal(np.asarray(fig.data[1].z), p.W_hh)
    assert max(ax.domain[1] for ax in (fig.layout.xaxis, fig.layout.xaxis4)) <= 1.0


def test_a_tiny_loss_shows_its_digits_not_a_bare_zero():
    """L_1 = ½(0.008)² = 3.2e-5 would print 0.0000 to 4 decimals: it prints 3.200×10⁻⁵, as the LSTM & GRU page does."""
    p, run = seed003()
    L_line = arithmetic.step_lines(run, p, run.y + 0.008, 1)[2]
    assert L_line.endswith(r"= 3.200\times10^{-5}")
