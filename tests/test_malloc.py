"""rnnviz._malloc: freed memory is kept for the next call, so a rerun does not fault in fresh pages."""
import resource
import sys

import numpy as np
import pytest

import rnnviz
from rnnviz._malloc import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_applies_on_linux():
    assert keep_freed_memory() is True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_repeated_decay_calls_take_no_fresh_pages():
    # (T, H, H) = (100, 16, 16) arrays are 200 kB: with glibc's defaults each call faulted in ~170 pages
    params = rnnviz.RNNParams.random(16, 1, 1, seed=1, scale=0.9 / 4)
    x = np.random.default_rng(0).standard_normal(100)
    for _ in range(3):
        rnnviz.gradient_decay(params, x)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        rnnviz.gradient_decay(params, x)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    assert faults < 20, f"{faults / 20:.1f} page faults a call"
