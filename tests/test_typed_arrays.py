"""ui/typed_arrays: numpy arrays leave as plotly.js typed arrays, written as plotly's own encoder writes them."""
import copy

import _plotly_utils.utils as plotly_utils
import numpy as np
from plotly.io.json import to_json_plotly

from ui import typed_arrays


def test_the_same_json_as_plotlys_convert_to_base64():
    """Every dtype, arrays under a skipped key, inside lists and tuples, empty and too wide for int32."""
    spec = {"data": [{"type": "heatmap", "z": np.random.default_rng(0).normal(size=(3, 4)),
                      "x": np.arange(4), "y": np.array([-1, 300, 70000]), "customdata": np.float32([1.5, 2]),
                      "text": [np.int8([1, 2]), (np.arange(2**40, 2**40 + 2),)], "ids": np.array([], dtype=np.int64)}],
            "layout": {"xaxis": {"range": np.array([0.5, 3.5])}, "shapes": [{"x0": np.float64(1.0)}]}}
    ours, theirs = copy.deepcopy(spec), copy.deepcopy(spec)
    typed_arrays.convert_to_base64(ours)
    plotly_utils.convert_to_base64(theirs)
    assert to_json_plotly(ours, engine="json") == to_json_plotly(theirs, engine="json")
    assert ours["data"][0]["y"]["dtype"] == "i4" and ours["data"][0]["x"]["dtype"] == "i1"
