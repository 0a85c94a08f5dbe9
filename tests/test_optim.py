import numpy as np
import pytest

import rnnviz


def test_gradient_descent_step_is_theta_minus_alpha_grad_and_lowers_the_loss():
    x, target = rnnviz.data.counting(10)
    p = rnnviz.RNNParams.scalar()
    g = rnnviz.bptt(p, x, target)
    q = rnnviz.sgd_step(p, g, 1e-3)
    for n in rnnviz.PARAM_NAMES:
        np.testing.assert_array_equal(getattr(q, n), getattr(p, n) - 1e-3 * g.as_dict()[n])
    assert rnnviz.bptt(q, x, target).loss < g.loss
    with pytest.raises(ValueError, match="learning rate"):
        rnnviz.sgd_step(p, g, float("nan"))


def test_clipping_rescales_to_max_norm_only_when_above_it():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped, norm = rnnviz.clip_by_global_norm(g, 1.0)
    assert norm == 5.0
    assert rnnviz.global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    same, _ = rnnviz.clip_by_global_norm(g, 10.0)
    np.testing.assert_array_equal(same["b"], g["b"])
    with pytest.raises(ValueError):
        rnnviz.clip_by_global_norm(g, 0.0)
