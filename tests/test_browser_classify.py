"""A real browser classifies with a saved run, in Korean, and sees the label, latency and push state."""
import pytest

from tests.browser import chromium, screenshot, served_app
from tests.fixtures_classify import spread_bert_dir, tiny_run_dir  # noqa: F401
from trainer_core.inference import predict_json


@pytest.fixture(scope="module")
def app_url(tiny_run_dir):
    with served_app({"FTS_RUNS_DIR": str(tiny_run_dir.parent), "HF_HUB_OFFLINE": "1"}) as url:
        yield url


def test_classify_a_saved_run_in_the_browser(app_url, tiny_run_dir):
    expected = predict_json(str(tiny_run_dir), "a wonderful film")
    with chromium() as browser:
        page = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 1400}).new_page()
        page.goto(app_url)
        page.get_by_role("tab", name="분류").click()
        picker = page.locator("#cls-model-a input")
        picker.click()
        page.get_by_role("option", name=f"저장된 실행: {tiny_run_dir.name}", exact=False).click()  # listed from runs/
        page.locator("#cls-text textarea").fill("a wonderful film")
        page.locator("#cls-go").click()
        label = page.locator("#cls-label-a")
        label.get_by_text(expected["label"]).first.wait_for(timeout=30_000)
        page.locator("#cls-latency").get_by_text("모델 A: 서버에서").wait_for(timeout=10_000)
        assert "neg, pos" in page.locator("#cls-facts").inner_text()
        screenshot(page, "classify-ko")
        page.get_by_role("tab", name="Hub에 올리기").click()
        status = page.locator("#cls-push-status").inner_text()
        assert "연결할 수 없어" in status  # offline: the panel says why pushing is disabled
        assert page.locator("#cls-push").is_disabled()
        screenshot(page, "classify-push-offline-ko")
