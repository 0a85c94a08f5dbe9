"""The live-training page through AppTest, and the training pool behind it: lifecycle, independence, the queue."""
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.runtime.caching import clear_session_resource_cache
from streamlit.testing.v1 import AppTest

from rnnviz.train import train
from rnnviz.train_config import TrainConfig
from apptest_util import decode, live_figures, move, shown_field, slider_value
from ui import train_views as views
from ui.pool_run import Snapshot
from ui.training_pool import Pool, pool

torch.set_num_threads(1)  # the model is tiny: a second thread only waits (badly, on a busy machine)

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "training.py")
APPTEST_SESSION = "test session id"  # the session id AppTest's script runner uses


@pytest.fixture
def at():
    at = AppTest.from_file(PAGE, default_timeout=60)
    yield at.run()
    clear_session_resource_cache(APPTEST_SESSION)  # release the session: its run leaves the pool


@pytest.fixture(scope="module", autouse=True)
def no_worker_left():
    """After the module: the page's pool stopped, and no training process of any pool left, zombies included."""
    yield
    pool().shutdown()
    assert wait_until(lambda: training_processes() == []), training_processes()


@pytest.fixture
def small_pool():
    """A pool of one worker whose process stops 0.5 s after its last run is gone."""
    p = Pool(workers=1, idle_s=0.5)
    yield p
    p.shutdown()


def loss_points(at):
    """Epochs drawn on the loss chart."""
    for spec in live_figures(at):
        if spec["layout"]["title"]["text"].startswith("Loss"):
            return len(decode(spec["data"][0]["x"]))
    raise AssertionError("no loss chart on the page")


def progress_text(at):
    return at.get("progress")[0].proto.text


def training_processes():
    """Pids of this process's children running rnnviz.train_pool, zombies included (from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # it exited while we looked
        if ppid == os.getpid() and b"rnnviz.train_pool" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def exists(pid):
    """Whether `pid` is still a process, zombies included (a zombie's cmdline is empty: ps would miss it)."""
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_page_renders_seed_004_defaults(at):
    assert not at.exception and not at.error
    assert len(live_figures(at)) == 5 and loss_points(at) == 0
    assert "epoch 0/50" in progress_text(at)
    assert "W_{hh}" in at.latex[0].value


def test_step_adds_one_epoch_and_reset_clears_the_history(at):
    at.button(key="train_step").click().run()
    assert not at.exception and loss_points(at) == 1 and "epoch 1/50" in progress_text(at)
    at.button(key="train_step").click().run()
    assert loss_points(at) == 2
    at.button(key="train_reset").click().run()
    assert not at.exception and loss_points(at) == 0 and "epoch 0/50" in progress_text(at)


def test_changing_a_setting_with_history_asks_for_a_reset(at):
    at.button(key="train_step").click().run()
    move(at, "train_cell", "concat")
    assert any("Reset" in w.value for w in at.warning)
    assert loss_points(at) == 1 and "W_{hh}" in at.latex[0].value  # the run goes on with its own settings
    at.button(key="train_reset").click().run()
    assert not at.warning and loss_points(at) == 0 and "v_t" in at.latex[0].value


def test_settings_come_from_the_url():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(train_cell="concat", train_epochs="300", train_lr="10", train_clip="false",
                           train_hidden="abc")
    at.run()
    assert not at.exception and "epoch 0/300" in progress_text(at) and "v_t" in at.latex[0].value
    assert slider_value(at, "train_lr") == "10.0" and slider_value(at, "train_clip") is False
    assert slider_value(at, "train_hidden") == 10  # a bad value: the default, and a notice naming it
    assert any("`train_hidden=abc` ignored" in w.value for w in at.warning)
    clear_session_resource_cache(APPTEST_SESSION)


def test_bad_csv_shows_an_error_not_a_traceback(at):
    move(at, "train_dataset", "csv")
    at.file_uploader(key="train_csv_file").upload("prices.csv", b"price\n1\n2\nabc\n", "text/csv").run()
    assert not at.exception
    assert any("line 4 of column 'price' is 'abc'" in e.value for e in at.error)


def test_released_session_leaves_the_pool_at_once_and_idle_workers_exit(at, monkeypatch):
    monkeypatch.setattr(pool(), "idle_s", 0.5)  # the page's pool: stop its workers soon after the last run is gone
    move(at, "train_epochs", 5000)
    at.button(key="train_play").click().run()
    assert wait_until(lambda: "epoch 0/" not in progress_text(at.run()), timeout=60)  # it trains
    pids = training_processes()
    assert pids and pool().runs
    start = time.monotonic()
    clear_session_resource_cache(APPTEST_SESSION)  # what Streamlit does when the session ends
    assert time.monotonic() - start < 0.1 and not pool().runs  # posted, not waited for
    assert wait_until(lambda: not any(map(exists, pids)), timeout=10)  # exited and reaped: no zombie


def test_two_runs_in_one_worker_take_turns_and_reproduce_their_runs(small_pool):
    a, b = small_pool.open(), small_pool.open()
    cfg_a, cfg_b = TrainConfig(epochs=6), TrainConfig(epochs=6, seed=7, cell="concat")
    a.reset(cfg_a)
    b.reset(cfg_b)
    a.play()
    b.play()
    assert a.snapshot().sharing == 2
    a.join(60)
    b.join(60)
    for run, cfg in ((a, cfg_a), (b, cfg_b)):
        got = [(r.train_loss, r.val_loss) for r in run.snapshot().records]
        assert got == [(r.train_loss, r.val_loss) for r in train(cfg)]
        assert run.weights_pt() and run.extrapolation().shape == run.task.t_ext.shape
        run.close()
    assert wait_until(lambda: training_processes() == [])


def test_runs_moved_between_workers_to_share_the_cpu_fairly_still_reproduce_their_runs():
    p = Pool(workers=2, idle_s=0.5, rebalance_s=0.1)  # 3 runs on 2 workers: one at a time takes the lone seat
    try:
        runs, cfgs = [p.open() for _ in range(3)], [TrainConfig(epochs=150, seed=s) for s in range(3)]
        for run, cfg in zip(runs, cfgs):
            run.reset(cfg)
            run.play()
        for run in runs:
            run.join(120)
        assert p.moves >= 2
        for run, cfg in zip(runs, cfgs):
            assert [r.train_loss for r in run.snapshot().records] == [r.train_loss for r in train(cfg)]
    finally:
        p.shutdown()


def test_play_while_the_worker_starts_trains_once_it_is_up(small_pool):
    run = small_pool.open()
    run.reset(TrainConfig(epochs=3))
    assert not run.snapshot().starting and training_processes() == []  # no worker before the first Play
    run.play()
    assert run.snapshot().starting and run.running  # importing torch takes the worker far longer than this
    run.join(60)
    snap = run.snapshot()
    assert not snap.starting and snap.done and [r.epoch for r in snap.records] == [1, 2, 3]
    run.close()


def test_a_visit_warms_the_workers_and_they_stop_once_every_visitor_has_left():
    p = Pool(workers=2, idle_s=0.5)
    try:
        here = threading.Event()
        here.set()
        p.visit(here.is_set)  # a session connected: the workers start before anyone presses Play
        assert len(training_processes()) == 1  # one process loads PyTorch, then forks the second worker
        assert wait_until(lambda: len(p.worker_pids()) == 2, timeout=60)
        pids = p.worker_pids()
        time.sleep(4 * p.idle_s)
        assert p.worker_pids() == pids and all(map(exists, pids))  # they stay while it is connected, no run at all
        run = p.open()
        run.reset(TrainConfig(epochs=2))
        run.play()
        run.join(60)
        run.close()
        assert p.worker_pids() == pids  # the run is gone, the visitor is still here
        here.clear()  # the tab closed
        assert wait_until(lambda: not any(map(exists, pids)), timeout=10)  # both exited and reaped: no zombie
    finally:
        p.shutdown()


def test_a_snapshot_can_wait_for_the_first_epoch_since_play(small_pool):
    run = small_pool.open()
    run.reset(TrainConfig(epochs=100_000))
    run.play()  # the worker starts cold: its first epoch is seconds away
    snap = run.snapshot(wait=60)
    assert snap.running and len(snap.records) >= 1 and not snap.awaiting  # drawn as it arrived
    run.pause()
    paused = run.snapshot()
    assert not paused.awaiting
    run.play()  # (it counts from this Play: the history before it does not count as its first epoch)
    assert len(run.snapshot(wait=60).records) > len(paused.records)
    run.close()


def test_the_live_views_redraw_fast_from_play_to_the_first_epoch_then_on_the_budget():
    snap = Snapshot(TrainConfig(), (), running=True, done=False, val_pred=None, error=None, training=15)
    assert views.refresh_s(replace(snap, awaiting=True)) == views.STARTING_S
    assert views.refresh_s(snap) == 15 / views.TICKS_PER_S  # 15 pages share the server's redraws
    assert views.refresh_s(replace(snap, awaiting=True, queued=3)) == views.SLOW_S


def test_pause_keeps_the_run_and_play_continues_it_identically(small_pool):
    run = small_pool.open()
    run.reset(TrainConfig(epochs=40))
    run.step()
    run.play()
    assert wait_until(lambda: len(run.snapshot().records) >= 5, timeout=60)
    run.pause()
    paused = len(run.snapshot().records)
    assert not run.running and paused < 40
    time.sleep(0.2)
    assert len(run.snapshot().records) == paused  # nothing trains while paused
    run.play()
    run.join(60)
    got = [r.train_loss for r in run.snapshot().records]
    assert got == [r.train_loss for r in train(TrainConfig(epochs=40))]
    run.close()


def test_the_run_of_a_session_no_longer_connected_is_dropped(small_pool):
    alive = threading.Event()
    alive.set()
    run = small_pool.open(alive=alive.is_set)
    run.reset(TrainConfig(epochs=100_000))
    run.play()
    assert wait_until(lambda: run.snapshot().records, timeout=60)
    alive.clear()  # the tab closed
    assert wait_until(lambda: not small_pool.runs and not run.running, timeout=5)
    assert len(run.snapshot().records) < 100_000
    assert wait_until(lambda: training_processes() == [], timeout=5)  # and the idle worker exits


def test_a_full_pool_queues_a_play_and_starts_it_when_a_slot_frees(small_pool):
    small_pool.capacity = 1
    a, b = small_pool.open(), small_pool.open()
    for run in (a, b):
        run.reset(TrainConfig(epochs=100_000))
        run.play()
    assert a.snapshot().queued is None and b.snapshot().queued == 1 and b.running
    assert wait_until(lambda: a.snapshot().records, timeout=60)
    assert not b.snapshot().records  # it waits its turn
    a.pause()
    assert wait_until(lambda: b.snapshot().records, timeout=10) and b.snapshot().queued is None
    a.close()
    b.close()


def test_a_full_server_says_so_on_the_page(at):
    capacity, pool().capacity = pool().capacity, 0  # every slot taken
    try:
        at.button(key="train_play").click().run()
        assert not at.exception and "queued (1 in line)" in progress_text(at)
        assert any("number **1** in the queue" in i.value for i in at.info)
        at.button(key="train_pause").click().run()
        assert not at.info and "queued" not in progress_text(at) and at.button(key="train_play").disabled is False
    finally:
        pool().capacity = capacity


def test_the_server_side_of_training_never_imports_torch():
    code = "import sys, ui.training_pool, ui.train_views, rnnviz.records; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "False"


def test_divergence_is_reported_and_the_page_keeps_working(at):
    at.session_state["train_optimizer"] = "sgd"
    at.session_state["train_lr"] = 10.0
    move(at, "train_clip", False)
    for _ in range(5):  # it diverges at epoch 2; Step is disabled once it has
        if at.button(key="train_step").disabled:
            break
        at.button(key="train_step").click().run()
    assert not at.exception
    assert any("diverged" in e.value and "lower the learning rate or turn clipping on" in e.value for e in at.error)
    assert at.button(key="train_step").disabled and at.button(key="train_play").disabled
    at.button(key="train_reset").click().run()
    assert not at.error and loss_points(at) == 0


def test_downloads_appear_once_there_is_a_run(at):
    assert not at.get("download_button")
    at.button(key="train_step").click().run()
    assert len(at.get("download_button")) == 3


# ------------------------------------------------------------------ the adding problem and the race (issue 20)
def figure(at, title):
    return next(spec for spec in live_figures(at) if spec["layout"]["title"]["text"].startswith(title))


def test_the_adding_problem_starts_from_its_defaults_and_a_race_steps_all_three(at):
    move(at, "train_task", "adding")
    assert not at.exception and not at.error
    assert (slider_value(at, "train_window"), slider_value(at, "train_hidden")) == (50, 16)
    assert slider_value(at, "train_batch_size") == "64" and "epoch 0/30" in progress_text(at)
    at.session_state["train_window"] = 6
    move(at, "train_race", True)
    assert shown_field(at, "train_cell")["disabled"]
    at.button(key="train_step").click().run()
    assert not at.exception and "epoch 1/30" in progress_text(at)
    race = figure(at, "Test loss per epoch")
    assert [t["name"] for t in race["data"]] == ["RNN (test)", "LSTM (test)", "GRU (test)"]
    assert all(len(decode(t["x"])) == 1 for t in race["data"])
    baseline = race["layout"]["shapes"][0]["y0"]
    assert abs(baseline - 1 / 6) < 0.02 and "baseline" in race["layout"]["annotations"][0]["text"]
    assert len(figure(at, "Gradient norm per step")["data"]) == 3
    verdict = next(m.value for m in at.markdown if "Test loss:" in m.value)
    assert "After 50 steps" in verdict and f"({baseline:.3f})" in verdict
    memory = figure(at, "Memory")
    assert [t["name"] for t in memory["data"]] == ["RNN", "LSTM", "GRU"]
    assert all(len(decode(t["y"])) == 6 for t in memory["data"])  # ‖∂h_T/∂x_{T−k}‖ for k = 0 … T−1
    sample = figure(at, "One test sequence")
    assert len(decode(sample["data"][1]["x"])) == 2  # exactly two marked steps
    assert len(at.get("download_button")) == 9  # weights, log and script for each cell


def test_a_link_to_the_adding_problem_opens_with_its_defaults_and_its_baseline_on_the_loss_chart():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(train_task="adding", train_cell="lstm", train_window="6")
    at.run()
    try:
        assert "epoch 0/30" in progress_text(at) and slider_value(at, "train_hidden") == 16
        at.button(key="train_step").click().run()
        loss = figure(at, "Loss L per epoch")
        assert "baseline" in loss["layout"]["annotations"][0]["text"] and "test loss" in loss["data"][1]["name"]
        assert "c_t = f_t" in at.latex[0].value and "W_{hy} h_T" in at.latex[1].value
    finally:
        clear_session_resource_cache(APPTEST_SESSION)


# ------------------------------------------------------------------ issue 18 on this page
def test_one_notation_and_the_loss_named_with_its_units(at):
    assert "W_{xh}" in at.latex[0].value and "W_{ih}" not in at.latex[0].value and "hat" not in at.latex[0].value
    captions = " ".join(c.value for c in at.caption)
    assert "weight_ih_l0" in captions and "MSELoss" in captions and "a mean" in captions
    at.button(key="train_step").click().run()
    table = next(m.value for m in at.markdown if "train L" in m.value)
    assert "in the series' units" in table


def test_a_csv_shows_its_standardisation_and_the_error_in_its_own_units(at):
    move(at, "train_dataset", "csv")
    rows = "".join(f"{t},{100 + 100 * ((t * 7) % 13) / 13:.2f}\n" for t in range(40))
    at.file_uploader(key="train_csv_file").upload("s.csv", ("t,value\n" + rows).encode(), "text/csv").run()
    assert not at.exception and at.selectbox(key="train_csv_column").value == "value"  # not the index t
    captions = " ".join(c.value for c in at.caption)
    assert "standardised" in captions and "units of σ²" in captions
    at.button(key="train_step").click().run()
    table = next(m.value for m in at.markdown if "train L" in m.value)
    cells = [c.strip() for c in table.splitlines()[-1].strip("|").split("|")]
    values = [float(v) for v in rows.replace("\n", ",").split(",")[1::2]]
    sigma = float(np.std(values))
    assert float(cells[2]) == pytest.approx(sigma * float(cells[1]) ** 0.5, rel=1e-3)


def test_a_diverged_run_says_so_with_an_icon_that_renders_and_no_false_caption(at):
    at.session_state["train_optimizer"] = "sgd"
    at.session_state["train_lr"] = 10.0
    move(at, "train_clip", False)
    for _ in range(5):
        if at.button(key="train_step").disabled:
            break
        at.button(key="train_step").click().run()
    epoch = int(progress_text(at).split(" · epoch ")[1].split("/")[0])
    assert f"diverged at epoch {epoch}" in progress_text(at) and "finished" not in progress_text(at)
    assert all(e.proto.icon == ":material/error:" for e in at.error)
    assert not any("< 1: the recurrence forgets" in c.value for c in at.caption)


def test_the_rho_caption_follows_the_number_and_epochs_are_whole(at):
    at.button(key="train_step").click().run()
    at.button(key="train_step").click().run()
    table = next(m.value for m in at.markdown if "train L" in m.value)
    rho = [c.strip() for c in table.splitlines()[-1].strip("|").split("|")][3]
    caption = next(c.value for c in at.caption if c.value.startswith("ρ(W_hh) ="))
    assert caption.startswith(f"ρ(W_hh) = {rho} ")
    assert ("< 1" in caption) == (float(rho) < 1)
    for title in ("Loss L per epoch", "Spectral radius"):
        assert figure(at, title)["layout"]["xaxis"]["dtick"] == 1  # no tick at epoch 1.5


def test_a_race_on_the_sine_and_an_lstm_alone_on_it(at):
    move(at, "train_race", True)
    at.button(key="train_step").click().run()
    assert not at.exception and not at.error
    race = figure(at, "Validation loss per epoch")
    assert [t["name"] for t in race["data"]] == ["RNN (validation)", "LSTM (validation)", "GRU (validation)"]
    assert not race["layout"]["shapes"]  # a series has no baseline to beat
    assert any("Lowest:" in m.value for m in at.markdown)
    move(at, "train_race", False)
    move(at, "train_cell", "lstm")
    at.button(key="train_reset").click().run()
    at.button(key="train_step").click().run()
    assert not at.exception and not at.error
    extrapolation = figure(at, "Autoregressive extrapolation")
    assert len(decode(extrapolation["data"][-1]["y"])) == 1000  # t ∈ [75, 175) in steps of 0.1
    assert any("one W_hh block per gate" in c.value for c in at.caption)
