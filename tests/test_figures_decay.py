"""ui/figures_decay: the decay, sweep and clipping figures plot exactly what the engine computes."""
import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from ui import figures_decay as D


def figure(spec):
    """A plain-dict figure (what these figures return) as a go.Figure, for its attribute API."""
    return go.Figure(spec, _validate=False)

X, TARGET = rnnviz.data.counting(10)


def small_inputs(T=60):
    """Inputs small enough that tanh stays near its linear part, so decay ≈ |w|^k."""
    s = 0.01 * np.sin(0.3 * np.arange(T + 1))
    return s[:-1], s[1:]


@pytest.mark.parametrize("H", [1, 5])
def test_decay_curves_are_the_engines_log10_decay_and_bound(H):
    p = rnnviz.RNNParams.scalar() if H == 1 else rnnviz.RNNParams.random(H, seed=3, scale=0.6)
    x, _ = small_inputs()
    run = rnnviz.forward(p, x)
    c = D.decay_curves(p, run)
    np.testing.assert_array_equal(c["decay"], rnnviz.log10_decay(p, run))
    np.testing.assert_allclose(10 ** c["decay"], rnnviz.gradient_decay(p, x), rtol=1e-9)
    np.testing.assert_allclose(c["bound"], np.log10(rnnviz.decay_bound(p, run)), rtol=1e-9, atol=1e-9)
    strength = abs(p.W_hh[0, 0]) if H == 1 else rnnviz.spectral_radius(p.W_hh)
    np.testing.assert_allclose(c["naive"], np.arange(run.T) * np.log10(strength), atol=1e-12)
    assert np.all(c["decay"] <= c["bound"] + 1e-9)                    # the bound holds


def test_decay_figure_log_axis_values_equal_log10_decay():
    p = rnnviz.RNNParams.scalar(W_hh=0.5)
    run = rnnviz.forward(p, X)
    c = D.decay_curves(p, run)
    fig = figure(D.decay_figure(c, H=1))
    real, bound, naive = fig.data
    np.testing.assert_array_equal(np.asarray(real.y), rnnviz.log10_decay(p, run))
    np.testing.assert_allclose(np.asarray(naive.y), np.arange(9) * np.log10(0.5))
    assert real.customdata[8] == D.sci(rnnviz.log10_decay(p, run)[8])
    # counting 1..10 saturates tanh: the real decay falls far below seed 004's (0.5)^k
    assert real.y[8] < naive.y[8] - 10
    ticks = fig.layout.yaxis.tickvals
    assert min(ticks) >= np.nanmin(real.y) - 1e-9 and max(ticks) <= 0 + 1e-9


def test_near_linear_tanh_follows_the_weight_power():
    """With tiny inputs tanh′ ≈ 1, so ‖∂h_T/∂h_{T−k}‖ ≈ |w|^k: the 'fake' is right only here."""
    p = rnnviz.RNNParams.scalar(W_xh=1.0, W_hh=0.5)
    x, _ = small_inputs()
    c = D.decay_curves(p, rnnviz.forward(p, x))
    np.testing.assert_allclose(c["decay"][:20], c["naive"][:20], atol=1e-2)  # tanh′ ≥ 0.9999 a step


def test_sci_prints_numbers_beyond_float64():
    assert D.sci(-412.5) == "3.16e-413"
    assert D.sci(0.0) == "1.00e+0"
    assert D.sci(-np.inf).startswith("0")
    for v in (3.2e-7, 0.999, 123456.0):
        mant, exp = D.sci(np.log10(v)).split("e")
        assert float(mant) * 10.0 ** int(exp) == pytest.approx(v, rel=5e-3)


@pytest.mark.parametrize("H", [1, 4])
def test_sweep_heatmap_is_the_engines_sweep(H):
    p = rnnviz.RNNParams.scalar() if H == 1 else rnnviz.RNNParams.random(H, seed=0)
    x, _ = small_inputs(T=5)      # short: with w > 1 the state grows until tanh saturates
    values = np.linspace(0.2, 1.8, 9)
    sweep = rnnviz.decay_sweep(p, x, values)
    fig = figure(D.sweep_heatmap(values, sweep, current=0.5, H=H))
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), sweep)
    np.testing.assert_array_equal(np.asarray(fig.data[0].y), values)
    assert fig.layout.shapes[0].y0 == 0.5                               # the current weight, marked
    # strength above 1 while tanh is still near-linear: the gradient grows with k; below 1 it vanishes
    assert sweep[-1, -1] > 0 > sweep[0, -1]
    assert fig.data[0].zmin == -fig.data[0].zmax and fig.data[0].zmax <= D.SWEEP_SPAN
    assert fig.data[0].colorscale[0][1] == D.SCALE[-1][1] and fig.data[0].colorscale[-1][1] == D.SCALE[0][1]  # blue low


def test_sweep_caption_names_only_the_colours_drawn():
    values = np.array([0.5, 1.0, 1.5])
    vanish = np.array([[0.0, -1.0, -2.0], [0.0, -0.1, -0.3], [0.0, -0.5, -0.9]])
    assert D.sweep_caption(values, vanish).startswith("all blue: it vanishes at every W_hh from 0.5 to 1.5")
    both = np.array([[0.0, -1.0, -2.0], [0.0, 0.2, -0.1], [0.0, 0.5, 1.0]])
    assert D.sweep_caption(values, both) == "blue vanishes, red explodes: red at 2 of the 3 values of W_hh swept"
    assert D.sweep_caption(values, -vanish, "ρ(W_hh)").startswith("all red: it explodes at every ρ(W_hh)")
    assert D.sweep_caption(values, np.zeros((3, 3))).startswith("all white")


def test_clip_figure_shows_min_1_theta_over_norm_times_g():
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET)
    clipped, norm = rnnviz.clip_by_global_norm(g, 1.0)
    fig = figure(D.clip_figure(g.as_dict(), clipped, norm, 1.0))
    before, after = (np.asarray(t.y) for t in fig.data)
    flat = np.concatenate([np.ravel(getattr(g, n)) for n in rnnviz.PARAM_NAMES])
    np.testing.assert_array_equal(before, flat)
    np.testing.assert_allclose(after, flat * min(1.0, 1.0 / np.linalg.norm(flat)), rtol=1e-12)
    assert np.linalg.norm(after) == pytest.approx(1.0)
    assert norm == pytest.approx(np.linalg.norm(flat))
    big = figure(D.clip_figure(g.as_dict(), *rnnviz.clip_by_global_norm(g, 1e6), 1e6))   # θ above ‖g‖: unchanged
    np.testing.assert_array_equal(np.asarray(big.data[1].y), flat)
