"""A real browser trains the offline quick demo: watch, stop, find it in History, open it in Classify;
meanwhile a second browser asking to train is told a job is running and waits in line."""
import re
from pathlib import Path

import pytest

from tests.browser import chromium, screenshot, served_app
from tests.fixtures_wait import wait_until

ROOT = Path(__file__).resolve().parent.parent
LONG_RUN = 100_000  # steps: the run ends by the test's Stop on a fast machine as on a slow one


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    runs = tmp_path_factory.mktemp("browser-runs")
    with served_app({"FTS_RUNS_DIR": str(runs)}) as url:
        yield url, runs


def _warm_up(url):
    """Ask for an estimate through the public API before any page is open.

    It imports transformers and datasets in one thread. (Several tabs' page-load handlers
    importing them at the same moment can fail on a fresh server; reported to the lead.)
    """
    from gradio_client import Client

    from trainer_core.presets import preset_config
    from ui.train_form import form_values

    text = Client(url, verbose=False).predict("form", *form_values(preset_config("quick_demo")), "en",
                                              api_name="/estimate")
    assert "Estimate before launch" in text and "96 optimizer steps" in text


def _bar(page) -> dict:
    bar = page.locator("#tt-progress .tt-progress")
    if not bar.count():
        return {"step": 0, "state": None}
    return {"step": int(bar.get_attribute("data-step")), "state": bar.get_attribute("data-state")}


def _points(page, plot: str) -> int:
    """Most points on any line of a chart (each drawn line is one SVG path: M x,y L x,y ...)."""
    paths = page.locator(f"#{plot} .mark-line path")
    return max([(paths.nth(i).get_attribute("d") or "").count("L") + 1 for i in range(paths.count())] or [0])


def _wait(page, condition, what: str):
    return wait_until(condition, what, poll=250, sleep=page.wait_for_timeout,
                      on_give_up=lambda: screenshot(page, "train-timeout"))


def test_train_watch_stop_history_and_classify_while_a_second_user_waits(app):
    url, runs = app
    _warm_up(url)
    with chromium() as browser:
        page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Train").click()
        max_steps = page.locator("#tt-cfg-max_steps input")
        max_steps.wait_for()
        max_steps.fill(str(LONG_RUN))  # the quick demo, so long that only the Stop below can end it
        page.locator("#tt-launch").click()

        _wait(page, lambda: _bar(page)["step"] >= 2 and _points(page, "tt-loss-plot") >= 2,
              "the progress bar and the loss curve")
        first = _bar(page)
        assert first["state"] == "running" and first["step"] < LONG_RUN
        assert "Estimate before launch" in page.locator("#tt-estimate-out").inner_text()

        # A second visitor asks to train: told a job runs and their place; the first run is not disturbed.
        other = browser.new_context(locale="en-US").new_page()
        other.goto(url)
        other.get_by_role("tab", name="Train").click()
        other.locator("#tt-launch").click()
        busy = _wait(other, lambda: "Another training job is running" in other.locator("#tt-status").inner_text()
                     and other.locator("#tt-status").inner_text(), "the busy message")
        assert "number 1 in line" in busy
        other.locator("#tt-stop").click()
        _wait(other, lambda: "You left the line" in other.locator("#tt-status").inner_text(), "leaving the line")

        # Reloading the page finds the running job again (this browser's id survives in local storage).
        before_reload = _bar(page)["step"]
        page.reload()
        page.get_by_role("tab", name="Train").click()
        _wait(page, lambda: _bar(page)["state"] == "running" and _bar(page)["step"] > before_reload,
              "the re-attached progress bar")
        assert "Found your running job" in page.locator("#tt-status").inner_text()

        # Both curves update: more loss points than before, and at least two evaluations (every 10 steps).
        _wait(page, lambda: _points(page, "tt-eval-plot") >= 2 and _points(page, "tt-loss-plot") > 2,
              "the evaluation curve")
        during = _bar(page)
        assert during["state"] == "running" and during["step"] > first["step"]
        screenshot(page, "train-during")

        page.locator("#tt-stop").click()
        _wait(page, lambda: _bar(page)["state"] == "stopped", "the run to stop")
        stopped_at = _bar(page)["step"]
        assert stopped_at < LONG_RUN
        _wait(page, lambda: "Stopped at step" in page.locator("#tt-summary").inner_text(), "the results")
        screenshot(page, "train-after")

        run_dirs = [p for p in runs.iterdir() if (p / "config.yaml").is_file()]
        assert len(run_dirs) == 1 and (run_dirs[0] / "model.safetensors").is_file()
        name = run_dirs[0].name

        page.get_by_role("tab", name="History").click()
        page.locator("#tt-history-refresh").click()
        history = page.locator("#tt-history")
        _wait(page, lambda: name in history.inner_text(), "the run in History")
        assert "Stopped" in history.inner_text()  # the status in the page language
        page.locator("#tt-open-classify").click()
        classify = page.get_by_role("tab", name="Classify")
        _wait(page, lambda: classify.get_attribute("aria-selected") == "true", "the Classify tab")
        model_a = page.locator("#cls-model-a input")
        _wait(page, lambda: name in (model_a.input_value() or ""), "the run as Classify's model")
        assert re.search(r"stopped|acc", model_a.input_value())
        screenshot(page, "train-open-in-classify")
