import numpy as np
import pytest

import rnnviz
from rnnviz import data


def test_counting_is_seed_003():
    x, target = data.counting(10)
    assert x.tolist() == list(range(1, 10)) and target.tolist() == list(range(2, 11))


def test_sine_windows_are_seed_004():
    X, y = data.sine_windows()
    assert X.shape == (734, 15) and y.shape == (734,)
    t = np.arange(0, 75, 0.1)
    np.testing.assert_array_equal(X[5], np.sin(t[5:20]))
    assert y[5] == np.sin(t[20])
    ext = data.extension_time()
    assert ext[0] == 75.0 and ext[-1] < 175.0 and len(ext) == 1000


def test_stock_price_windows_are_seed_000():
    X, y = data.windows(data.STOCK_PRICES, 3)
    assert X.tolist()[0] == [100, 102, 105] and y.tolist()[0] == 107
    assert len(X) == len(data.STOCK_PRICES) - 3 - 1   # seed 004's convention drops the last window


def test_series_shapes():
    t = np.linspace(0, 10, 50)
    for name, fn in data.SERIES.items():
        s = fn(t)
        assert s.shape == (50,) and np.all(np.isfinite(s)), name
    assert np.array_equal(data.noisy_sine(t, seed=3), data.noisy_sine(t, seed=3))
    assert data.step(5, 2).tolist() == [0, 0, 1, 1, 1]


@pytest.mark.parametrize("text, values", [
    ("1, 2, 3", [1, 2, 3]),
    ("1 2\n3\t4", [1, 2, 3, 4]),
    ("  -1.5;2.25 , .5 ", [-1.5, 2.25, 0.5]),
    ("1e-3, 2E2, +3", [1e-3, 200, 3]),
])
def test_parse_sequence_accepts_what_a_person_types(text, values):
    assert data.parse_sequence(text).tolist() == values


@pytest.mark.parametrize("text, position, words", [
    ("1, 2, x, 4", 6, "'x' at character 7"),
    ("1, nan, 3", 3, "'nan'"),
    ("1, 2,, 3, 1e999", 10, "too large"),
    ("", 0, "empty"),
    ("   ,, ", 0, "empty"),
    ("1.2.3", 0, "not a number"),
])
def test_parse_sequence_rejects_the_rest_with_the_position(text, position, words):
    with pytest.raises(rnnviz.SequenceParseError) as e:
        data.parse_sequence(text)
    assert e.value.position == position and words in str(e.value)
    assert isinstance(e.value, ValueError)


def test_parse_sequence_caps_the_length():
    with pytest.raises(rnnviz.SequenceParseError, match="longer than 10"):
        data.parse_sequence(" ".join(["1"] * 11), max_len=10)
    with pytest.raises(rnnviz.SequenceParseError, match=str(rnnviz.MAX_T)):
        data.parse_sequence("1 " * 1_000_000)
