"""The training tasks of rnnviz.datasets: the adding problem's generator, and a CSV's default column."""
import numpy as np
import pytest
import torch

from rnnviz.datasets import ADDING_BASELINE, adding_batch, adding_task, build_task


@pytest.mark.parametrize("T", [2, 7, 50])
def test_adding_batch_has_two_markers_one_per_half_and_the_target_is_their_sum(T):
    X, y = adding_batch(500, T, torch.Generator().manual_seed(3))
    assert X.shape == (500, T, 2) and y.shape == (500,) and X.dtype == torch.float32
    u, m = X[..., 0].numpy(), X[..., 1].numpy()
    assert ((u >= 0) & (u < 1)).all() and set(np.unique(m)) <= {0.0, 1.0}
    assert (m.sum(1) == 2).all()
    assert (m[:, :T // 2].sum(1) == 1).all() and (m[:, T // 2:].sum(1) == 1).all()
    np.testing.assert_allclose(y.numpy(), (u * m).sum(1), rtol=1e-6)
    assert len(np.unique(m.argmax(1))) == T // 2  # the first marker takes every place of its half


def test_adding_batches_come_fresh_from_the_generator_and_repeat_with_its_seed():
    g = torch.Generator().manual_seed(0)
    first, second = adding_batch(8, 10, g), adding_batch(8, 10, g)
    again = adding_batch(8, 10, torch.Generator().manual_seed(0))
    assert not torch.equal(first[0], second[0])
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])


def test_adding_test_set_is_fixed_by_its_seed_and_its_baseline_is_one_sixth():
    task, same, other = adding_task(50, 42), adding_task(50, 42), adding_task(50, 7)
    assert torch.equal(task.X_test, same.X_test) and not torch.equal(task.X_test, other.X_test)
    u, m = task.X_test[..., 0].double(), task.X_test[..., 1].double()
    assert task.baseline == pytest.approx(float((((u * m).sum(1) - 1) ** 2).mean()), rel=1e-6)  # from x, not y
    n = len(task.y_test)  # (s − 1)² has standard deviation ≈ 0.18: 4 standard errors of the mean
    assert abs(task.baseline - ADDING_BASELINE) < 4 * 0.18 / np.sqrt(n)
    assert ADDING_BASELINE == pytest.approx(0.1667, abs=1e-4)
    with pytest.raises(ValueError, match="T ≥ 2"):
        adding_task(1, 0)


def test_a_windows_target_is_the_value_after_it_in_the_series_own_units():
    task = build_task("sine", 15)
    idx = np.array([0, 7, len(task.y) - 1])
    t, s = task.targets(idx)
    assert np.array_equal(t, task.t[idx + 15]) and np.array_equal(s, task.series[idx + 15])
    np.testing.assert_allclose((s - task.mean) / task.std, task.y[idx])  # the y each window is trained on
