"""The app's training loop against a bare PyTorch loop on the same task, in one run.

    python benchmarks/bench_train.py [--epochs 200] [--rounds 5]

Variants, interleaved round by round so a busy machine hurts all alike. Reported: the best round (as timeit
does: the cost without interference from other processes) and the median (what a busy machine gives).
  bare    seed 004's loop written plainly: forward, MSE, backward, clip, Adam step, validation loss per epoch
  engine  rnnviz.train.Trainer.step() per epoch: the same work plus the progress record (gradient norms,
          clip events, ρ(W_hh), timing)
  worker  the page's TrainingWorker thread, while the main thread plays the live views: every 0.4 s it takes
          a snapshot, extrapolates, and builds the five Plotly figures (what the fragment does)
Throughput ratio = bare time / variant time; the issue asks for ≥ 0.9. Each variant reports wall time and
CPU time (process CPU for the worker: training and views together); on a machine shared with other work,
CPU time is the steadier of the two, wall time is what a person waits.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rnnviz.train import Trainer, make_model  # noqa: E402
from rnnviz.train_config import TrainConfig  # noqa: E402
from ui import train_figures as figs  # noqa: E402
from ui.training_worker import TrainingWorker  # noqa: E402


def bare(cfg):
    """Plain PyTorch on the Trainer's own tensors and initial weights; returns seconds spent training."""
    data = Trainer(cfg)  # only for the split tensors; its model is not used
    model = make_model(cfg.cell, cfg.hidden, torch.Generator().manual_seed(cfg.seed))
    generator = torch.Generator().manual_seed(cfg.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    n = len(data.y_train)
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(cfg.epochs):
        order = torch.randperm(n, generator=generator)
        for b in range(0, n, cfg.batch_size):
            idx = order[b:b + cfg.batch_size]
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(data.X_train[idx]), data.y_train[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg.max_norm)
            optimizer.step()
        with torch.no_grad():
            nn.functional.mse_loss(model(data.X_val), data.y_val).item()
    return time.perf_counter() - start, time.process_time() - cpu


def engine(cfg):
    trainer = Trainer(cfg)
    start, cpu = time.perf_counter(), time.process_time()
    while not trainer.done:
        trainer.step()
    return time.perf_counter() - start, time.process_time() - cpu


def worker(cfg, period=0.4):
    """Wall time of the worker thread's run while this thread redraws the live views every `period`."""
    w = TrainingWorker()
    w.reset(cfg)
    start, cpu = time.perf_counter(), time.process_time()
    w.play()
    while True:
        w.join(period)  # returns the moment training ends: no rounding up to the next redraw
        if not w.running:
            break
        draw_views(w)
    return time.perf_counter() - start, time.process_time() - cpu


def draw_views(w):
    snap = w.snapshot()
    t_val, y_val = w.validation_targets()
    task = w.task
    for fig in (figs.loss_figure(snap.records), figs.grad_norm_figure(snap.records, 1.0, True),
                figs.prediction_figure(task.t, task.series, t_val, y_val, snap.val_pred),
                figs.extrapolation_figure(task.t, task.series, task.t_ext, task.truth_ext, w.extrapolation(), 15),
                figs.spectral_radius_figure(snap.records)):
        fig.to_json()  # what st.plotly_chart serialises


def summarise(rounds):
    """(best wall, median wall, median CPU) over the rounds' (wall, cpu) pairs."""
    walls, cpus = zip(*rounds)
    return min(walls), statistics.median(walls), statistics.median(cpus)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(1)
    variants = {"bare": bare, "engine": engine, "worker + views": worker}
    print(f"epochs={args.epochs}, rounds={args.rounds}, torch threads=1, load average {os.getloadavg()[0]:.1f}")
    print(f"{'cell':7} {'variant':15} {'best s':>7} {'epochs/s':>9} {'vs bare':>8} {'median s':>9} {'vs bare':>8}"
          f" {'cpu s':>6} {'vs bare':>8}")
    for cell in ("elman", "concat"):
        cfg = TrainConfig(cell=cell, epochs=args.epochs)
        times = {name: [] for name in variants}
        engine(TrainConfig(cell=cell, epochs=2))  # warm up
        for _ in range(args.rounds):
            for name, run in variants.items():
                times[name].append(run(cfg))
        best0, med0, cpu0 = summarise(times["bare"])
        for name, ts in times.items():
            best, med, cpu = summarise(ts)
            print(f"{cell:7} {name:15} {best:7.3f} {args.epochs / best:9.1f} {best0 / best:7.2f}× {med:9.3f} "
                  f"{med0 / med:7.2f}× {cpu:6.3f} {cpu0 / cpu:7.2f}×")


if __name__ == "__main__":
    main()
