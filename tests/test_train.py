"""The training loop (rnnviz.train), its datasets and CSV validation, and the `python -m rnnviz.train` CLI."""
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnviz.csvdata import read_csv
from rnnviz.datasets import build_task, csv_column, validate_series
from rnnviz.train import (ADVICE, ConcatRNN, ElmanRNN, Trainer, clip_grads_, extrapolate, grad_norm, make_model,
                          split_indices, train)
from rnnviz.train_config import TrainConfig

torch.set_num_threads(1)  # the model is tiny: a second thread only waits (badly, on a busy machine)

REPO = Path(__file__).resolve().parents[1]
SHORT = TrainConfig(epochs=8)


def losses(cfg):
    return [(r.train_loss, r.val_loss, r.grad_norms) for r in train(cfg)]


@pytest.mark.parametrize("cell", ["elman", "concat"])
def test_a_short_run_lowers_the_loss_by_an_order_of_magnitude(cell):
    records = list(train(TrainConfig(cell=cell, epochs=8)))
    assert [r.epoch for r in records] == list(range(1, 9))
    assert records[-1].val_loss < records[0].train_loss / 10
    assert all(len(r.grad_norms) == math.ceil(587 / 128) for r in records)  # one norm per mini-batch


def test_same_seed_same_loss_curve_and_another_seed_another():
    assert losses(SHORT) == losses(SHORT)
    assert losses(SHORT) != losses(SHORT.replace(seed=1))


def test_seed_004_task_has_734_windows_split_80_20():
    task = build_task("sine", 15)
    assert task.X.shape == (734, 15) and np.allclose(task.X[0], np.sin(np.arange(15) * 0.1))
    train_idx, val_idx = split_indices(734, 0.2, 42)
    assert (len(train_idx), len(val_idx)) == (587, 147)
    assert sorted(train_idx + val_idx) == list(range(734))


def test_divergence_stops_the_run_and_says_what_to_do():
    trainer = Trainer(TrainConfig(optimizer="sgd", lr=10.0, clip=False, epochs=20))
    records = []
    while not trainer.done:
        records.append(trainer.step())
    d = records[-1].divergence
    assert d is not None and d.epoch == records[-1].epoch < 20
    assert math.isfinite(d.last_finite_loss)
    assert f"epoch {d.epoch}" in d.message and ADVICE in d.message
    assert all(r.divergence is None for r in records[:-1])


def test_clip_events_are_the_steps_whose_norm_exceeds_the_threshold():
    records = list(train(TrainConfig(epochs=3, max_norm=0.05)))
    norms = [g for r in records for g in r.grad_norms]
    clipped = [c for r in records for c in r.clipped]
    assert clipped == [g > 0.05 for g in norms] and any(clipped)
    assert not any(c for r in train(TrainConfig(epochs=3, clip=False)) for c in r.clipped)


@pytest.mark.parametrize("max_norm", [0.05, 1.0, 100.0])
def test_norm_and_clip_are_bit_for_bit_torchs_clip_grad_norm(max_norm):
    grads = [torch.randn(10, 11, generator=torch.Generator().manual_seed(i)) for i in range(3)]
    params = [torch.nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    want = torch.nn.utils.clip_grad_norm_(params, max_norm)
    norm = grad_norm(grads)
    clip_grads_(grads, max_norm, norm)
    assert torch.equal(norm, want) and all(torch.equal(p.grad, g) for p, g in zip(params, grads))


def test_clipping_bounds_the_first_update():
    """With SGD, ‖Δθ‖ = lr·‖g‖ before clipping and lr·θ after it."""
    def first_step(clip):
        trainer = Trainer(TrainConfig(optimizer="sgd", lr=1.0, clip=clip, max_norm=0.01, batch_size=587))
        before = torch.cat([p.detach().flatten().clone() for p in trainer.params])
        record = trainer.step()
        after = torch.cat([p.detach().flatten() for p in trainer.params])
        return float((after - before).norm()), record.grad_norms[0]
    step_clipped, g = first_step(True)
    step_free, _ = first_step(False)
    assert g > 0.01
    assert step_clipped == pytest.approx(0.01, rel=1e-4) and step_free == pytest.approx(g, rel=1e-4)


def test_concat_cell_w_hh_is_the_block_acting_on_the_previous_hidden_state():
    model = make_model("concat", 4, torch.Generator().manual_seed(0))
    x = torch.zeros(1, 2, 1)  # x_1 = x_2 = 0, so h_1 = tanh(b_h) and ŷ = W_o [0, h_1] + b_o
    h1 = torch.tanh(model.i2h.bias)
    assert torch.allclose(model(x), model.i2o.weight[0, 1:] @ h1 + model.i2o.bias)
    assert torch.equal(model.W_hh(), model.i2h.weight[:, 1:])


@pytest.mark.parametrize("cell", ["elman", "concat"])
def test_batched_extrapolation_equals_seed_004s_window_by_window_loop(cell):
    trainer = Trainer(TrainConfig(cell=cell, epochs=3))
    for _ in range(3):
        trainer.step()
    window, steps = 15, 200
    buf = list(trainer.task.z[-window:])
    with torch.no_grad():  # seed 004's loop, literally: run the window, append ŷ, slide
        for k in range(steps):
            x = torch.tensor(buf[k:k + window], dtype=torch.float32).reshape(1, -1, 1)
            buf.append(trainer.model(x)[0].item())
    np.testing.assert_allclose(extrapolate(trainer.model, trainer.task, window, steps), buf[window:], atol=1e-4)


def test_models_of_both_cells_map_windows_to_one_value_each():
    for cls in (ElmanRNN, ConcatRNN):
        assert cls(3)(torch.zeros(5, 7, 1)).shape == (5,)


@pytest.mark.parametrize("text, column, message", [
    ("a,b\n1,2\n3,x\n", "b", "line 3 of column 'b' is 'x'"),
    ("a,b\n1,2\n", "c", "no column 'c'"),
    ("", "a", "empty"),
    ("a\n", "a", "no values"),
    (b"\xff\xfe1,2", "a", "not UTF-8"),
    (b"a\n\x00\x01", "a", "not text"),
])
def test_csv_errors_name_the_problem(text, column, message):
    with pytest.raises(ValueError, match=message):
        csv_column(text, column)


def test_csv_column_reads_numbers_and_skips_blank_lines():
    text = "t,price\n0,100\n\n1, 102.5\n2,1e2\n"
    assert read_csv(text).columns == ("t", "price")
    assert csv_column(text, "price").tolist() == [100.0, 102.5, 100.0]


@pytest.mark.parametrize("values, window, message", [
    (None, 3, "upload a CSV"),
    ([1.0, 2.0, 3.0], 3, "at least 6"),
    ([1.0] * 10, 3, "constant"),
    ([1.0, float("nan")] * 5, 3, "value 2 .* not a finite number"),
])
def test_series_validation(values, window, message):
    with pytest.raises(ValueError, match=message):
        validate_series(values, window)


def test_a_csv_column_trains_standardised_and_reports_no_extrapolation_truth():
    values = tuple(100 + 10 * np.sin(np.arange(60) * 0.3))
    trainer = Trainer(TrainConfig(dataset="csv", values=values, window=5, epochs=2))
    assert abs(trainer.task.z.mean()) < 1e-9 and trainer.task.truth_ext is None
    trainer.step()
    assert 85 < trainer.val_predictions().mean() < 115  # back in the column's own units


def test_config_rejects_settings_outside_their_range():
    with pytest.raises(ValueError, match="hidden must be between"):
        TrainConfig(hidden=0)
    with pytest.raises(ValueError, match="cell must be one of"):
        TrainConfig(cell="rnn")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "rnnviz.train", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_cli_prints_a_json_summary_last_and_progress_on_stderr():
    done = run_cli("--epochs", "3", "--cell", "concat", "--hidden", "6")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["epochs"] == 3 and summary["seconds"] > 0
    assert {"train_mse", "val_mse", "extrapolation_mse"} <= summary.keys()
    assert "epoch 3/3" in done.stderr
    direct = Trainer(TrainConfig(epochs=3, cell="concat", hidden=6))
    for _ in range(3):
        direct.step()
    assert summary["val_mse"] == direct.mse(direct.X_val, direct.y_val)  # the same loop, the same numbers


def test_cli_reports_bad_csv_and_divergence(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("price\n1\n2\nfoo\n")
    done = run_cli("--csv", str(bad), "--quiet")
    assert done.returncode == 2 and "line 4 of column 'price' is 'foo'" in done.stderr
    done = run_cli("--optimizer", "sgd", "--lr", "10", "--no-clip", "--quiet")
    assert done.returncode == 1 and json.loads(done.stdout.splitlines()[-1])["diverged"]


def test_engine_modules_import_no_display_library():
    code = ("import sys, rnnviz.train, rnnviz.train_cli, rnnviz.export; "
            "print([m for m in ('streamlit', 'plotly') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def adding(**settings):
    return TrainConfig.for_task("adding", window=8, hidden=4, batch_size=16, steps_per_epoch=5, **settings)


def curves(cfg, epochs=3):
    trainer = Trainer(cfg)
    return [trainer.step() for _ in range(epochs)]


def numbers(record):
    """What a run computed in an epoch (not how long it took)."""
    return record.train_loss, record.val_loss, record.grad_norms, record.clipped, record.spectral_radius


def test_every_cell_trains_the_adding_problem_on_two_inputs_and_the_series_on_one():
    for cell in ("elman", "concat", "lstm", "gru"):
        r = curves(adding(cell=cell), 1)[0]
        assert len(r.grad_norms) == 5 and math.isfinite(r.val_loss)
        assert math.isnan(r.spectral_radius) == (cell in ("lstm", "gru"))  # gated cells have no single W_hh
        assert math.isfinite(curves(TrainConfig(cell=cell, epochs=1), 1)[0].val_loss)


def test_a_race_is_deterministic_and_each_lane_is_its_cell_trained_alone():
    race = curves(adding(race=True))
    again = curves(adding(race=True))
    assert [[numbers(x) for x in r.lanes] for r in race] == [[numbers(x) for x in r.lanes] for r in again]
    assert race[-1].cells == ("elman", "lstm", "gru")
    for cell in race[-1].cells:  # same init, same batches: the same curve as the cell trained by itself
        alone = curves(adding(cell=cell))
        assert [r.of(cell).val_loss for r in race] == [r.val_loss for r in alone]
        assert [r.of(cell).grad_norms for r in race] == [r.grad_norms for r in alone]
    other = curves(adding(race=True, seed=1))
    assert [numbers(r.of("lstm")) for r in other] != [numbers(r.of("lstm")) for r in race]


def test_a_race_cell_that_diverges_stops_alone_and_the_race_ends_when_all_have():
    trainer = Trainer(adding(race=True, optimizer="sgd", lr=100.0, clip=False, epochs=20))
    while not trainer.done:
        record = trainer.step()
    assert record.divergence is not None and all(r.divergence for r in record.lanes)
    assert all(f"Training {c} diverged at epoch" in r.divergence.message for c, r in zip(record.cells, record.lanes))


def test_gated_cells_extrapolate_like_a_window_by_window_forward():
    trainer = Trainer(TrainConfig(cell="gru", epochs=1, window=6))
    trainer.step()
    pred = extrapolate(trainer.model, trainer.task, 6, steps=5)
    seq = list(trainer.task.z[-6:])
    for k in range(5):
        with torch.no_grad():
            seq.append(trainer.model(torch.tensor(seq[k:k + 6], dtype=torch.float32).reshape(1, 6, 1)).item())
    np.testing.assert_allclose(pred, seq[6:], rtol=1e-5, atol=1e-6)


def test_cli_trains_the_adding_problem_and_prints_test_mse_last(cell="lstm"):
    done = run_cli("--task", "adding", "--T", "6", "--cell", cell, "--epochs", "2", "--steps-per-epoch", "3",
                   "--quiet")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert list(summary)[-1] == "test_mse" and summary["T"] == 6 and summary["steps"] == 6
    direct = Trainer(TrainConfig.for_task("adding", window=6, cell=cell, epochs=2, steps_per_epoch=3))
    direct.step(), direct.step()
    assert summary["test_mse"] == direct.mse(direct.X_val, direct.y_val)
    assert summary["baseline_mse"] == direct.task.baseline and direct.cfg.hidden == 16  # the task's defaults


def test_cli_help_documents_the_adding_task():
    out = run_cli("--help").stdout
    assert "--task {series,adding}" in out and "--T" in out and "lstm" in out
    assert "adding problem" in out and "0.167" in out and "test_mse" in out


def test_cli_learns_a_t_value_csv_from_value_not_t(tmp_path):
    data = tmp_path / "series.csv"
    data.write_text("t,value\n" + "".join(f"{t},{100 + 50 * np.sin(t / 3):.3f}\n" for t in range(40)))
    done = run_cli("--csv", str(data), "--window", "5", "--epochs", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    direct = Trainer(TrainConfig(dataset="csv", window=5, epochs=1,
                                 values=tuple(csv_column(data.read_text(), "value"))))
    direct.step()
    assert json.loads(done.stdout.splitlines()[-1])["val_mse"] == direct.mse(direct.X_val, direct.y_val)


def last_state(model, x):
    """h_T of a torch model on one sequence x (T, I), by its own forward (the concat cell's loop written out)."""
    if isinstance(model, ConcatRNN):
        h = x.new_zeros(model.hidden)
        for x_t in x:
            h = torch.tanh(model.i2h(torch.cat((x_t, h))))
        return h
    return model.rnn(x[None])[0][0, -1]


@pytest.mark.parametrize("cell", ["elman", "concat", "lstm", "gru"])
def test_memory_is_autograds_norm_of_dh_T_dx_through_the_engine(cell):
    from rnnviz.datasets import adding_batch
    from rnnviz.train import memory
    model = make_model(cell, 5, torch.Generator().manual_seed(0), inputs=2).double()
    xs = adding_batch(2, 7, torch.Generator().manual_seed(1))[0].double()  # (2, T, 2)
    got = memory(model, xs.numpy())
    for x, conn in zip(xs, got):
        J = torch.autograd.functional.jacobian(lambda x: last_state(model, x), x)  # (H, T, I)
        want = [torch.linalg.matrix_norm(J[:, 6 - k, :], ord=2).item() for k in range(7)]
        np.testing.assert_allclose(conn, want, rtol=1e-9, atol=1e-12)
