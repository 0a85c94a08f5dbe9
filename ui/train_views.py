"""The live views of the training page: a fragment that redraws from the run's snapshot while it trains."""
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from rnnviz.export import log_csv, standalone_script
from ui import race_views
from ui import train_figures as figs
from ui.live import described, live_chart

REFRESH_S = 0.4     # fragment period while few runs train: ≥ 2 redraws a second
TICKS_PER_S = 6.0   # redraws a second the server spends on all training pages together, once many train
STARTING_S = 1.0    # from Play to its first epoch (workers loading PyTorch, or the epoch on its way)
FIRST_WAIT_S = 0.8  # meanwhile a redraw waits up to this long for that epoch, and draws it as it arrives
PLAY_WAIT_S = 0.5   # the page's own run after Play waits this long for it, if the worker is warm (~0.1 s away)
SLOW_S = 3.0        # the longest period: under heavy load, and while queued


def refresh_s(snap):
    """How often the live views redraw. Each redraw rebuilds five figures on the server (tens of ms of the GIL
    every other session's rerun waits for), so the training pages share a budget of TICKS_PER_S: every REFRESH_S
    while few runs train, backing off as more do (each of them then gets fewer epochs a second to show anyway);
    STARTING_S from Play to its first epoch, and SLOW_S while queued, when next to nothing changes."""
    if snap.queued:
        return SLOW_S
    if snap.starting or snap.awaiting:
        return STARTING_S
    return min(SLOW_S, max(REFRESH_S, snap.training / TICKS_PER_S))


def live(run, ticking):
    """Progress, divergence and the charts; ticks while `ticking` (training, queued or starting up), then one
    full rerun once the run is none of these, or when the pace of redraws should change."""
    if ticking and not run.starting:  # the page's run after Play: a warm worker's first epoch is ~0.1 s away
        run.snapshot(wait=PLAY_WAIT_S)  # (and with it here, the ticks start at their pace after it)
    period = refresh_s(run.snapshot()) if ticking else None

    @st.fragment(run_every=period)
    def views():
        # a tick while the first epoch since Play is on its way waits for it (no CPU) and draws it at once: the
        # learner who pressed Play sees it then, not up to a period later (snapshot waits only in that state)
        snap = run.snapshot(wait=FIRST_WAIT_S if ticking and _fragment_run() else 0.0)
        progress(snap, run.seconds_per_epoch)
        if snap.queued:
            st.info(f"The server is busy: every training slot is taken. Your run is number **{snap.queued}** in "
                    "the queue and starts as soon as another run pauses or finishes. The page keeps working "
                    "meanwhile.", icon=":material/hourglass_top:")
        elif snap.running and snap.sharing > 1:
            st.caption(f"{snap.sharing} runs share this training worker, one epoch each in turn: yours trains "
                       f"at about 1/{snap.sharing} of a core, so epochs come slower than alone.")
        if snap.last is not None and snap.last.divergence is not None and not snap.config.race:
            st.error(snap.last.divergence.message, icon=":material/error:")  # a race's: in its verdict
        if snap.error:
            st.error(f"Training stopped: {snap.error}")
        charts(snap, run)
        if ticking and not (snap.running or snap.starting):  # finished, diverged or stopped: redraw all
            st.rerun()
        if ticking and not 2 / 3 < refresh_s(snap) / period < 3 / 2:  # the load changed: tick at the new pace
            st.rerun()
    views()


def _fragment_run():
    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def progress(snap, seconds_per_epoch):
    """A progress bar with epoch, training time and ETA."""
    total, last = snap.config.epochs, snap.last
    epoch, seconds = (last.epoch, last.seconds) if last else (0, 0.0)
    per_epoch = max(seconds / epoch if epoch else 0.0, seconds_per_epoch)
    diverged = last is not None and last.divergence is not None
    state = (f"queued ({snap.queued} in line)" if snap.queued else
             "starting the trainer (loading PyTorch)" if snap.starting else "training" if snap.running
             else f"diverged at epoch {last.divergence.epoch}" if diverged
             else "finished" if snap.done else "paused" if epoch else "ready")
    eta = f" · ETA {(total - epoch) * per_epoch:.1f} s" if snap.running and not (snap.queued or snap.starting) else ""
    st.progress(epoch / total, text=f"**{state}** · epoch {epoch}/{total} · {seconds:.2f} s of training{eta}")


def charts(snap, run):
    """The five live charts, updated in place (Plotly.react): st.plotly_chart would draw each from scratch
    every tick, ~0.9 of a core in the browser while training. All are built before any is sent."""
    cfg, records, task = snap.config, snap.records, run.task
    if cfg.task == "adding":
        return race_views.adding_charts(snap, run)
    if cfg.race:
        return race_views.series_race_charts(snap, run)
    diverged = snap.last is not None and snap.last.divergence is not None  # weights of no use to extrapolate
    t_val, y_val = run.validation_targets()
    left_figs = (figs.loss_figure(records),
                 figs.prediction_figure(task.t, task.series, t_val, y_val, snap.val_pred),
                 figs.spectral_radius_figure(records))
    right_figs = (figs.grad_norm_figure(records, cfg.max_norm, cfg.clip),
                  figs.extrapolation_figure(task.t, task.series, task.t_ext, task.truth_ext,
                                            None if diverged else run.extrapolation(), cfg.window))
    def bucketed(n):  # (figs._bucket_max: past MAX_POINTS points a curve draws each run's largest value)
        return "" if n <= figs.MAX_POINTS else (f"{n} points, drawn as {figs.MAX_POINTS} at most: each row is the "
                                                "largest value from its own to the next row's.")
    # the numbers of the two curves the lesson follows, as a "Data table" under each
    described(left_figs[0], table=("epoch", "y", bucketed(len(records))))
    described(right_figs[0], table=("optimiser step", "y", bucketed(sum(len(r.grad_norms) for r in records))))
    left, right = st.columns(2)
    for column, figures, names in ((left, left_figs, ("loss", "pred", "rho")), (right, right_figs, ("grad", "extrap"))):
        for fig, name in zip(figures, names):
            with column:
                live_chart(fig, key=f"train_fig_{name}", patch=True)  # new points only, each tick
    with right:
        metrics(records, task.std)


def metrics(records, std=1.0):
    """The latest numbers, the validation error in the series' own units, and what ρ(W_hh) means."""
    if not records:
        st.caption("Press **Play** or **Step** to train.")
        return
    last = records[-1]
    clipped = sum(sum(r.clipped) for r in records)
    steps = sum(len(r.grad_norms) for r in records)
    rmse = std * last.val_loss ** 0.5 if last.val_loss == last.val_loss else float("nan")
    st.markdown(f"| train L | validation L | validation error σ·√L, in the series' units | ρ(W_hh) | "
                f"clipped steps |\n|---|---|---|---|---|\n| {last.train_loss:.3e} | {last.val_loss:.3e} | "
                f"{rmse:.4g} | {last.spectral_radius:.3f} | {clipped} of {steps} |")
    st.caption(rho_caption(last.spectral_radius))


def rho_caption(rho):
    """What the ρ(W_hh) on screen means: a caption that follows the number."""
    if rho != rho:  # nan: a gated cell, or weights that are no longer numbers
        return ("ρ(W_hh) is drawn for the Elman and concat cells. An LSTM or GRU has one W_hh block per gate; "
                "its gates, not one matrix, decide what it keeps.")
    if rho < 1:
        return (f"ρ(W_hh) = {rho:.3f} < 1: the recurrence forgets its past geometrically, the same contraction "
                "that makes gradients vanish (see the vanishing-gradient page).")
    return (f"ρ(W_hh) = {rho:.3g} ≥ 1: along some direction the recurrence does not shrink its past; with tanh "
            "saturating it need not blow up, but gradients through W_hh can grow (see the vanishing-gradient page).")


def downloads(run):
    """Weights, training log and a standalone script of the run (shown when it is not training)."""
    snap = run.snapshot()
    if not snap.records:
        return
    if snap.config.race:
        return race_views.downloads(snap, run)
    a, b, c = st.columns(3)
    a.download_button("Weights (.pt)", run.weights_pt, "rnnviz_weights.pt",
                      "application/octet-stream", key="train_dl_weights", on_click="ignore", width="stretch", icon=":material/download:")
    b.download_button("Training log (.csv)", log_csv(snap.records), "rnnviz_training_log.csv", "text/csv",
                      key="train_dl_log", on_click="ignore", width="stretch", icon=":material/download:")
    c.download_button("Standalone script (.py)", standalone_script(snap.config), "rnnviz_train.py",
                      "text/x-python", key="train_dl_script", on_click="ignore", width="stretch", icon=":material/download:")
