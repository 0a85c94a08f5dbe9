"""Figure builders of the live-training page: what they plot comes from the records."""
import numpy as np
import torch

from rnnviz.train import EpochRecord, train
from rnnviz.train_config import TrainConfig
from ui import train_figures as figs

torch.set_num_threads(1)  # the model is tiny: a second thread only waits (badly, on a busy machine)


def test_loss_and_gradient_figures_plot_every_epoch_and_mark_each_clipped_step():
    records = list(train(TrainConfig(epochs=3, max_norm=0.2)))
    loss = figs.loss_figure(records)
    assert list(loss.data[0].x) == [1, 2, 3] and list(loss.data[1].y) == [r.val_loss for r in records]
    assert loss.layout.yaxis.type == "log"
    grad = figs.grad_norm_figure(records, 0.2, True)
    clipped = sum(sum(r.clipped) for r in records)
    assert len(grad.data[0].y) == sum(len(r.grad_norms) for r in records)
    assert len(grad.data[1].y) == clipped > 0 and all(y > 0.2 for y in grad.data[1].y)
    assert grad.layout.shapes[0].y0 == 0.2  # the threshold θ


def test_long_runs_are_thinned_without_losing_spikes():
    y = np.ones(10_000)
    y[7777] = 50.0
    x, thinned = figs._bucket_max(np.arange(10_000), y)
    assert len(thinned) <= figs.MAX_POINTS and thinned.max() == 50.0 and len(x) == len(thinned)


def test_long_runs_draw_at_most_max_points_per_curve_and_keep_a_loss_spike():
    records = [EpochRecord(i, 1e-3, 1e-3, (0.5,) * 5, (False,) * 5, 0.9, 0.0) for i in range(1, 5001)]
    records[4321] = EpochRecord(4322, 7.0, 1e-3, (0.5,) * 5, (False,) * 5, 0.9, 0.0)
    loss = figs.loss_figure(records)
    assert all(len(trace.x) <= figs.MAX_POINTS for trace in loss.data) and max(loss.data[0].y) == 7.0
    assert len(figs.spectral_radius_figure(records).data[0].x) <= figs.MAX_POINTS
    assert len(figs.grad_norm_figure(records, 1.0, True).data[0].x) <= figs.MAX_POINTS


def test_a_diverged_epoch_leaves_a_gap_on_the_log_axis():
    records = list(train(TrainConfig(optimizer="sgd", lr=10.0, clip=False, epochs=10)))
    y = figs.loss_figure(records).data[1].y  # the diverged epoch's validation loss is nan
    assert np.isnan(y[-1]) and np.all(np.isfinite(y[:-1]))


def test_every_figure_is_valid_plotly():
    """The builders skip Plotly's validation for speed; here it runs on each of them."""
    import plotly.graph_objects as go
    from rnnviz.train import Trainer, extrapolate
    trainer = Trainer(TrainConfig(epochs=2, max_norm=0.1))
    records = [trainer.step() for _ in range(2)]
    task, at = trainer.task, trainer.val_idx + 15
    for fig in (figs.loss_figure(records), figs.grad_norm_figure(records, 0.1, True),
                figs.prediction_figure(task.t, task.series, task.t[at], task.series[at], trainer.val_predictions()),
                figs.extrapolation_figure(task.t, task.series, task.t_ext, task.truth_ext,
                                          extrapolate(trainer.model, task, 15), 15),
                figs.spectral_radius_figure(records)):
        go.Figure(fig.to_dict())  # raises ValueError on any invalid property


def record(epoch, val, rho=0.5):
    return EpochRecord(epoch, val, val, (1.0, 2.0), (False, True), rho, float(epoch))


def test_race_figure_has_a_curve_per_cell_and_the_baseline_and_whole_epoch_ticks():
    lanes = {"elman": [record(1, 0.16), record(2, 0.15)], "lstm": [record(1, 0.1), record(2, 0.001)]}
    fig = figs.race_loss_figure(lanes, 0.163)
    assert [list(t.y) for t in fig.data] == [[0.16, 0.15], [0.1, 0.001]] and fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].y0 == 0.163 and "0.163" in fig.layout.annotations[0].text
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tick0 == 1
    many = figs.loss_figure([record(e, 0.1) for e in range(1, 40)])
    assert many.layout.xaxis.dtick is None and many.layout.xaxis.tickformat == "d"


def test_memory_figures_mark_the_two_marked_steps_where_they_are():
    x = np.zeros((10, 2))
    x[:, 0] = np.linspace(0.05, 0.95, 10)
    x[[2, 7], 1] = 1.0  # steps t = 3 and t = 8
    sample = figs.sample_figure(x, 0.3 + 0.8, {"elman": 1.0, "lstm": 1.09, "gru": None})
    assert list(sample.data[1].x) == [3, 8] and list(sample.data[1].y) == [x[2, 0], x[7, 0]]
    assert [t.name for t in sample.data[3:]] == ["RNN: 1.000", "LSTM: 1.090"]  # no answer yet: not drawn
    conn = figs.connectivity_figure({"lstm": np.linspace(1, 0.5, 10)}, [3, 8], 10)
    assert [s.x0 for s in conn.layout.shapes] == [7.0, 2.0]  # k = T − t
