"""The one training loop, step-able one epoch at a time, reporting progress records.

Tasks (rnnviz.datasets): seed 004's sine family, stock prices or a CSV column as next-value windows; or the
adding problem. Cells (rnnviz.train_models): elman, concat, lstm, gru, each answering y from its last state.
The training loss is torch's MSELoss, L = (1/B) Σ_b (y_b − target_b)² over a batch (a mean, no ½), in the
task's units: standardised z for a series (z = (s − μ)/σ; the sine family has μ = 0, σ = 1), the sum itself
for the adding problem. A race trains elman, lstm and gru on the identical batch sequence, one lane each.
Nothing here knows about display: the page, the CLI (`python -m rnnviz.train`) and the tests all consume
`make_trainer(cfg).step()` / `train`.
"""
import math
import time
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from rnnviz.datasets import AddingTask, adding_batch, make_task
from rnnviz.decay import spectral_radius
from rnnviz.extrapolate import extrapolate, extrapolation_mse  # noqa: F401 (re-exported)
from rnnviz.records import Divergence, EpochRecord, RaceRecord, first_if_all  # noqa: F401 (re-exported)
from rnnviz.train_config import TrainConfig
from rnnviz.train_models import ConcatRNN, ElmanRNN, engine_params, make_model  # noqa: F401 (re-exported)

ADVICE = "lower the learning rate or turn clipping on"


class Lane:
    """One model and its optimiser: `fit(X, y)` is one optimiser step, recorded until the epoch is closed."""

    def __init__(self, cfg, cell, inputs, generator):
        self.cfg, self.cell = cfg, cell
        self.model = make_model(cell, cfg.hidden, generator, inputs)
        self.params = list(self.model.parameters())
        optimizer = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[cfg.optimizer]
        self.optimizer = optimizer(self.params, lr=cfg.lr)
        self.divergence, self.last_finite_loss, self.val_pred = None, math.nan, None
        self.losses, self.norms, self.clipped = [], [], []

    def fit(self, X, y, epoch, step):
        """Forward, L, backward, clip, optimiser step; on a non-finite loss or norm, stop and say so."""
        cfg = self.cfg
        self.optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(self.model(X), y)  # L = mean (y − target)²
        value = loss.item()
        if not math.isfinite(value):
            return self._diverge(epoch, step, f"the loss became {value}")
        loss.backward()
        grads = [p.grad for p in self.params]
        norm = grad_norm(grads)
        g = norm.item()
        if not math.isfinite(g):
            return self._diverge(epoch, step, f"the gradient norm became {g}")
        if cfg.clip:
            clip_grads_(grads, cfg.max_norm, norm)
        self.optimizer.step()
        self.losses.append((value, len(y)))  # (batch loss, batch size)
        self.norms.append(g)
        self.clipped.append(cfg.clip and g > cfg.max_norm)
        self.last_finite_loss = value

    def _diverge(self, epoch, step, what):
        advice = (f"lower the learning rate or the clipping threshold θ (now {self.cfg.max_norm:g})"
                  if self.cfg.clip else ADVICE)
        who = f"{self.cell} " if self.cfg.race else ""
        message = (f"Training {who}diverged at epoch {epoch}, step {step}: {what}. The last finite loss was "
                   f"{self.last_finite_loss:.4g}. To fix it, {advice}.")
        self.divergence = Divergence(epoch, step, self.last_finite_loss, message)

    def close_epoch(self, epoch, X_val, y_val, seconds):
        """The epoch's record; scores the held-out set and keeps its predictions (one forward pass for both)."""
        losses, norms, clipped = self.losses, self.norms, self.clipped
        self.losses, self.norms, self.clipped = [], [], []
        train_loss = sum(v * b for v, b in losses) / sum(b for _, b in losses) if losses else math.nan
        val_loss, rho = math.nan, math.nan
        if self.divergence is None:
            with torch.no_grad():
                self.val_pred = self.model(X_val)  # (n_val,)
                val_loss = nn.functional.mse_loss(self.val_pred, y_val).item()
            W_hh = self.model.W_hh()
            rho = math.nan if W_hh is None else spectral_radius(W_hh.detach().numpy())  # > 1 can amplify
        return EpochRecord(epoch, train_loss, val_loss, tuple(norms), tuple(clipped), rho, seconds, self.divergence)


def data_seed(seed):
    """The seed of the batches when they must not depend on the model's init: a stream apart from `seed`'s."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


class Trainer:
    """One run: `step()` trains one epoch and returns its record; `done` once all epochs ran or it diverged.

    Solo runs return EpochRecords, races RaceRecords. Each model's init is drawn from a generator seeded
    cfg.seed. A solo series run then draws its batch order from that same generator (seed 004's order);
    the adding problem and races draw their batches from a generator of their own (data_seed), so a race's
    lstm sees exactly the batches, and gives exactly the curve, of the lstm trained alone.
    """

    def __init__(self, cfg: TrainConfig, task=None):
        self.cfg = cfg
        self.task = task or make_task(cfg)
        generator = torch.Generator().manual_seed(cfg.seed)  # init first, then (solo series) batch order
        self.lanes = [Lane(cfg, cell, self.task.inputs, generator if not cfg.race
                           else torch.Generator().manual_seed(cfg.seed)) for cell in cfg.cells]
        separate = cfg.race or self.adding
        self.generator = torch.Generator().manual_seed(data_seed(cfg.seed)) if separate else generator
        if self.adding:
            self.X_val, self.y_val = self.task.X_test, self.task.y_test  # the fixed test set
        else:
            X = torch.tensor(self.task.X, dtype=torch.float32).unsqueeze(-1)  # (n, T, 1)
            y = torch.tensor(self.task.y, dtype=torch.float32)  # (n,)
            train_idx, val_idx = split_indices(len(y), cfg.val_fraction, cfg.split_seed)
            self.X_train, self.y_train = X[train_idx], y[train_idx]
            self.X_val, self.y_val = X[val_idx], y[val_idx]
            self.val_idx = np.array(val_idx)  # window i predicts series[i + T]
        self.epoch, self.seconds = 0, 0.0

    @property
    def adding(self):
        return isinstance(self.task, AddingTask)

    @property
    def model(self):
        """The model of a solo run (a race's first)."""
        return self.lanes[0].model

    @property
    def params(self):
        """The parameters of a solo run's model (a race's first)."""
        return self.lanes[0].params

    @property
    def divergence(self):
        """Why the run stopped early: a solo run's divergence, or a race's once every cell diverged."""
        return first_if_all(lane.divergence for lane in self.lanes)

    @property
    def done(self):
        return self.divergence is not None or self.epoch >= self.cfg.epochs

    def step(self):
        """Train one epoch on every cell still training, then score the held-out set."""
        start = time.perf_counter()
        self.epoch += 1
        for i, (X, y) in enumerate(self._batches(), start=1):
            training = [lane for lane in self.lanes if lane.divergence is None]
            if not training:
                break
            for lane in training:
                lane.fit(X, y, self.epoch, i)
        records = [lane.close_epoch(self.epoch, self.X_val, self.y_val, 0.0) for lane in self.lanes]
        self.seconds += time.perf_counter() - start
        records = [replace(r, seconds=self.seconds) for r in records]
        if self.cfg.race:
            return RaceRecord(self.epoch, self.cfg.cells, tuple(records), self.seconds)
        return records[0]

    def _batches(self):
        """This epoch's mini-batches (X (B, T, I), target (B,)): fresh adding-problem ones, or shuffled windows."""
        cfg = self.cfg
        if self.adding:
            for _ in range(cfg.steps_per_epoch):
                yield adding_batch(cfg.batch_size, cfg.window, self.generator)
            return
        n = len(self.y_train)
        order = torch.randperm(n, generator=self.generator)
        for b in range(0, n, cfg.batch_size):
            idx = order[b:b + cfg.batch_size]
            yield self.X_train[idx], self.y_train[idx]

    @torch.no_grad()
    def mse(self, X, y, lane=0):
        """Mean squared error of the current model on windows X (n, T, I) against targets y (n,)."""
        return nn.functional.mse_loss(self.lanes[lane].model(X), y).item()

    def val_predictions(self):
        """y on the held-out set after the last epoch, (n_val,) — a race's stacked, (cells, n_val).

        Series: in the series' own units (s = μ + σ z). Adding problem: the sum itself."""
        preds = []
        for lane in self.lanes:
            if lane.val_pred is None:
                with torch.no_grad():
                    lane.val_pred = lane.model(self.X_val)
            y = lane.val_pred.double().numpy()
            if lane.divergence is not None:
                y = np.full_like(y, np.nan)  # a diverged model predicts nothing worth drawing
            preds.append(y if self.adding else y * self.task.std + self.task.mean)
        return np.stack(preds) if self.cfg.race else preds[0]

    def state(self):
        """A copy of the weights, safe to read while training goes on (a race's keyed "<cell>.<name>")."""
        models = nn.ModuleDict({lane.cell: lane.model for lane in self.lanes}) if self.cfg.race else self.model
        return {k: v.detach().clone() for k, v in models.state_dict().items()}

    SAMPLES = 8  # adding problem: test sequences shipped for the page's memory view

    def live(self, heavy):
        """What a live page draws besides the records, as numpy and bytes (they unpickle without torch).

        Series: the validation windows' indices and, once trained, y on them; with `heavy`, also the
        extrapolation over t_ext and the weights as torch.save bytes. Adding problem: the test set's baseline,
        its first SAMPLES sequences (x, target) and, once trained, each cell's y on them; with `heavy`, the
        weights. A race's y are (cells, n); its extrapolations and weights are {cell: …}."""
        race, cells = self.cfg.race, self.cfg.cells
        if self.adding:
            k = self.SAMPLES
            view = {"baseline": self.task.baseline, "sample_x": self.X_val[:k].numpy(),
                    "sample_y": self.y_val[:k].numpy(), "val_pred": None}
        else:
            view = {"val_idx": self.val_idx, "val_pred": None}
        if self.epoch == 0:
            return view
        trained = [lane.divergence is None for lane in self.lanes]
        if any(trained):
            pred = self.val_predictions()
            view["val_pred"] = pred[..., :self.SAMPLES] if self.adding else pred
        if heavy:
            from rnnviz.export import weights_bytes
            weights = {lane.cell: weights_bytes(lane.model.state_dict()) for lane in self.lanes}
            view["weights_pt"] = weights if race else weights[self.cfg.cell]
            if self.adding:  # ‖∂h_T/∂x_{T−k}‖ on each sample sequence, from the engine
                x = view["sample_x"].astype(np.float64)  # (SAMPLES, T, 2)
                view["connectivity"] = {lane.cell: memory(lane.model, x) for lane, ok in zip(self.lanes, trained)
                                        if ok}
            else:
                ext = {lane.cell: extrapolate(lane.model, self.task, self.cfg.window) if ok else None
                       for lane, ok in zip(self.lanes, trained)}
                view["extrapolation"] = ext if race else ext[self.cfg.cell]
        return view


def memory(model, xs):
    """(n, T) ‖∂h_T/∂x_{T−k}‖ for k = 0 … T−1 of a trained model on each of the sequences xs (n, T, I)."""
    from rnnviz.decay import connectivity
    params = engine_params(model)
    return np.stack([connectivity(params, x) for x in xs])


def make_trainer(cfg: TrainConfig):
    """The trainer of `cfg`: how the training pool (rnnviz.train_pool) builds a run from a picklable config.

    A trainer has `.step()` (one epoch → a picklable record), `.done`, and `.live(heavy)` (a dict to ship)."""
    return Trainer(cfg)


def grad_norm(grads):
    """‖g‖ = √(Σ_p ‖g_p‖²) over the torch parameters' .grad (rnnviz.global_norm is the same on numpy Grads).

    The ops of torch.nn.utils.get_total_norm on CPU without its grouping by device and dtype, which was half
    of clipping's cost here (43 → 22 µs a step, norm and clip together)."""
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


@torch.no_grad()
def clip_grads_(grads, max_norm, norm):
    """g ← min(1, θ/(‖g‖ + 10⁻⁶))·g in place: exactly torch.nn.utils.clip_grad_norm_'s arithmetic."""
    torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))


def split_indices(n, val_fraction, seed):
    """Seed 004's random 80/20 split: torch.utils.data.random_split with a generator seeded `seed`."""
    n_train = int(n * (1 - val_fraction))
    train, val = torch.utils.data.random_split(range(n), [n_train, n - n_train],
                                               generator=torch.Generator().manual_seed(seed))
    return list(train.indices), list(val.indices)


def train(cfg: TrainConfig):
    """The training loop as a generator: one EpochRecord per epoch, stopping at cfg.epochs or divergence."""
    trainer = Trainer(cfg)
    while not trainer.done:
        yield trainer.step()


def summary(trainer):
    """The headline numbers of a run (what the CLI prints as JSON)."""
    if trainer.adding:
        return adding_summary(trainer)
    pred = extrapolate(trainer.model, trainer.task, trainer.cfg.window)
    diverged = trainer.divergence is not None
    return {
        "train_mse": None if diverged else trainer.mse(trainer.X_train, trainer.y_train),
        "val_mse": None if diverged else trainer.mse(trainer.X_val, trainer.y_val),
        "extrapolation_mse": None if diverged else extrapolation_mse(pred, trainer.task),
        "epochs": trainer.epoch,
        "seconds": round(trainer.seconds, 4),
        "diverged": diverged,
        "message": trainer.divergence.message if diverged else None,
    }


def adding_summary(trainer):
    """The adding problem's headline: each cell's test MSE against the baseline of always answering 1, last."""
    cfg, test = trainer.cfg, {}
    for i, lane in enumerate(trainer.lanes):
        test[lane.cell] = None if lane.divergence else trainer.mse(trainer.X_val, trainer.y_val, lane=i)
    diverged = [lane for lane in trainer.lanes if lane.divergence]
    return {
        "task": "adding", "T": cfg.window, "cells": list(cfg.cells),
        "baseline_mse": trainer.task.baseline,
        "epochs": trainer.epoch, "steps": trainer.epoch * cfg.steps_per_epoch,
        "seconds": round(trainer.seconds, 4),
        "diverged": bool(diverged) if cfg.race else trainer.divergence is not None,
        "message": " ".join(lane.divergence.message for lane in diverged) or None,
        "test_mse": test if cfg.race else test[cfg.cell],
    }


if __name__ == "__main__":
    from rnnviz.train_cli import main
    raise SystemExit(main())
