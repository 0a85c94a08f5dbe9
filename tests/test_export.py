"""Exports of a run: the standalone script reproduces the run without rnnviz; weights and log round-trip."""
import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from rnnviz.export import LOG_COLUMNS, lane_state, log_csv, standalone_script, weights_bytes
from rnnviz.train import Trainer, summary
from rnnviz.train_config import TrainConfig

torch.set_num_threads(1)  # the model is tiny: a second thread only waits (badly, on a busy machine)

CSV_VALUES = tuple(float(v) for v in 50 + 5 * np.cos(np.arange(40) * 0.4))


def trained(cfg):
    trainer = Trainer(cfg)
    records = [trainer.step() for _ in range(cfg.epochs)]
    return trainer, records


@pytest.mark.parametrize("cfg", [
    TrainConfig(epochs=3),
    TrainConfig(epochs=2, cell="concat", dataset="noisy sine", optimizer="sgd", lr=0.05, seed=3),
    TrainConfig(epochs=2, dataset="csv", values=CSV_VALUES, window=4, hidden=5, clip=False, batch_size=8),
    TrainConfig(epochs=2, cell="lstm", window=6),
    TrainConfig.for_task("adding", cell="gru", window=6, hidden=4, batch_size=8, epochs=2, steps_per_epoch=3),
], ids=["elman-sine", "concat-noisy-sgd", "csv", "lstm-sine", "gru-adding"])
def test_standalone_script_reproduces_the_run(cfg, tmp_path):
    script, weights = tmp_path / "run.py", tmp_path / "w.pt"
    script.write_text(standalone_script(cfg))
    done = subprocess.run([sys.executable, str(script), "--save", str(weights)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    trainer, records = trained(cfg)
    assert [(e["train_loss"], e["val_loss"]) for e in lines[:-1]] == [(r.train_loss, r.val_loss) for r in records]
    ours = summary(trainer)
    if cfg.task == "adding":
        assert lines[-1]["test_mse"] == ours["test_mse"] and lines[-1]["baseline_mse"] == ours["baseline_mse"]
        return
    assert lines[-1]["val_mse"] == ours["val_mse"] and lines[-1]["train_mse"] == ours["train_mse"]
    if ours["extrapolation_mse"] is None:
        assert lines[-1]["extrapolation_mse"] is None
    else:  # seed 004's window-by-window loop there, the batched one here: equal up to float32 rounding
        assert lines[-1]["extrapolation_mse"] == pytest.approx(ours["extrapolation_mse"], rel=1e-3, abs=1e-6)
    saved = torch.load(weights)
    assert saved.keys() == trainer.model.state_dict().keys()
    assert all(torch.equal(saved[k], v) for k, v in trainer.model.state_dict().items())


def test_weights_bytes_load_back_into_a_fresh_model():
    trainer, _ = trained(TrainConfig(epochs=1, cell="concat"))
    state = torch.load(io.BytesIO(weights_bytes(trainer.model.state_dict())))
    fresh = type(trainer.model)(10)
    fresh.load_state_dict(state)
    assert torch.equal(fresh(trainer.X_val), trainer.model(trainer.X_val))


def test_a_race_exports_each_cell_as_the_run_of_that_cell_alone():
    race = TrainConfig.for_task("adding", race=True, window=6, hidden=3, epochs=1, steps_per_epoch=2)
    trainer, _ = trained(race)
    for i, cell in enumerate(race.cells):
        assert standalone_script(race, cell) == standalone_script(race.replace(race=False, cell=cell))
        state = lane_state(trainer.state(), cell)
        assert state.keys() == trainer.lanes[i].model.state_dict().keys()
        assert all(torch.equal(state[k], v) for k, v in trainer.lanes[i].model.state_dict().items())


def test_log_csv_has_one_row_per_epoch_with_the_records_numbers():
    _, records = trained(TrainConfig(epochs=3, max_norm=0.1))
    rows = list(csv.DictReader(io.StringIO(log_csv(records))))
    assert tuple(rows[0].keys()) == LOG_COLUMNS and len(rows) == 3
    for row, r in zip(rows, records):
        assert float(row["val_loss"]) == r.val_loss and float(row["grad_norm_max"]) == max(r.grad_norms)
        assert int(row["clipped_steps"]) == sum(r.clipped) and int(row["steps"]) == len(r.grad_norms)
