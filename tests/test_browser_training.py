"""The live-training page in headless chromium: Play makes the loss chart grow live, Pause stops it."""
import time

LOSS_POINTS_JS = """() => {
  const fig = [...document.querySelectorAll('.js-plotly-plot')]
      .find(g => (((g.layout || {}).title || {}).text || '').includes('Loss (MSE) per epoch'));
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
