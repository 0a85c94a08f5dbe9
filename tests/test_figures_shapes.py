"""ui/figures_shapes.py: the slab drawing shows the real sizes, caps what it draws, and explains each cell."""
import numpy as np

from ui.figures_shapes import meaning, tensor_figure
from ui.shapes import CAP, MAX_SLABS, Sizes, run_torch


def heatmaps(fig):
    return [t for t in fig.data if t.type == "heatmap"]


def test_every_slab_is_drawn_with_its_values_and_index_in_the_hover():
    s = Sizes(B=2, T=3, I=2, H=4, L=2, bidirectional=True)
    r = run_torch(s)
    fig = tensor_figure(r.h_n, "h_n", s)
    hm = heatmaps(fig)
    assert len(hm) == 4                                            # D·L slabs
    front = hm[-1]                                                 # drawn last = slab 0, rows reversed
    np.testing.assert_array_equal(np.array(front.z)[::-1], r.h_n[0])
    assert front.text[-1][2].startswith(f"h_n[0, 0, 2] = {r.h_n[0, 0, 2]:.4f}")
    assert "(4, 2, 4)" in fig.layout.title.text and "D·L, B, H" in fig.layout.title.text


def test_large_tensors_are_capped_but_labelled_with_their_true_size():
    s = Sizes(B=9, T=40, I=30, H=2)
    x = np.random.default_rng(0).normal(size=s.shape("x"))
    fig = tensor_figure(x, "x", s)
    hm = heatmaps(fig)
    assert len(hm) == MAX_SLABS and np.array(hm[0].z).shape == (CAP, CAP)
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert "T = 40 (first 12 drawn)" in labels and "I = 30 (first 12 drawn)" in labels
    assert "B = 9 (first 6 drawn)" in labels


def test_meaning_follows_batch_first_and_direction():
    s = Sizes(B=2, T=5, H=3, L=2, bidirectional=True, batch_first=False)
    assert meaning("x", s, (4, 1, 0)) == "input feature 0 of sequence 1 at step t = 5"   # (T, B, I)
    assert "reverse half, unit 1" in meaning("out", s, (0, 0, 4)) and "x_5 … x_1" in meaning("out", s, (0, 0, 4))
    assert meaning("h_n", s, (3, 1, 2)).startswith("layer 1, reverse")
