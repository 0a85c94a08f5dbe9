"""The live-training page in headless chromium: Play makes the loss chart grow live, Pause stops it; the race."""
import time

LOSS_POINTS_JS = """() => {
  const fig = [...document.querySelectorAll('.js-plotly-plot')]
      .find(g => (((g.layout || {}).title || {}).text || '').includes('Loss L per epoch'));
  return fig && fig.data && fig.data[0].x ? fig.data[0].x.length : -1;
}"""


def loss_points(app):
    return app.page.evaluate(LOSS_POINTS_JS)


def test_play_updates_the_loss_chart_live_and_pause_stops_it(app):
    app.open("training", query={"train_epochs": 3000}, expect="epoch 0/3000")
    app.page.wait_for_function(f"() => ({LOSS_POINTS_JS})() >= 0")  # the loss chart is drawn
    assert loss_points(app) == 0
    app.page.get_by_role("button", name="Play").click()
    seen = [0]
    deadline = time.monotonic() + 60
    while len(seen) < 4 and time.monotonic() < deadline:  # the initial 0 and three redraws
        app.page.wait_for_function(f"() => ({LOSS_POINTS_JS})() > {seen[-1]}", timeout=30_000)
        seen.append(loss_points(app))
    assert seen == sorted(set(seen)) and len(seen) == 4, seen
    app.page.get_by_role("button", name="Pause").click()
    app.page.get_by_text("paused").first.wait_for()
    app.wait_idle()
    stopped = loss_points(app)
    app.page.wait_for_timeout(1500)  # three fragment periods: a running worker would have drawn more
    assert loss_points(app) == stopped and stopped >= seen[-1]
    app.assert_no_exception()
    app.screenshot("training_paused")


RACE_JS = """() => {
  const title = g => (((g.layout || {}).title || {}).text || '');
  const figs = [...document.querySelectorAll('.js-plotly-plot')];
  const race = figs.find(g => title(g).startsWith('Test loss per epoch'));
  const memory = figs.find(g => title(g).startsWith('Memory'));
  return {epochs: race && race.data ? race.data.map(d => d.x ? d.x.length : 0) : [],
          memory: memory && memory.data ? memory.data.map(d => d.name) : []};
}"""


def test_the_race_plays_all_three_cells_and_shows_their_memory(app):
    app.open("training", query={"train_task": "adding", "train_race": "true", "train_window": 8,
                                "train_epochs": 3, "train_speed": "full speed"}, expect="epoch 0/3")
    assert app.page.evaluate(RACE_JS)["epochs"] == [0, 0, 0]
    app.page.get_by_role("button", name="Play").click()
    app.page.get_by_text("finished").first.wait_for(timeout=120_000)
    app.wait_idle()
    app.page.get_by_text("Test loss:").first.wait_for()
    seen = app.page.evaluate(RACE_JS)
    assert seen["epochs"] == [3, 3, 3] and seen["memory"] == ["RNN", "LSTM", "GRU"], seen
    assert app.page.get_by_text("After 150 steps").count() == 1
    app.assert_no_exception()
    app.screenshot("training_race")
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.wait_idle()
    app.screenshot("training_race_phone")
