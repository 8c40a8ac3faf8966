"""The full offline path in a real browser (Playwright + Debian's Chromium against ``python app.py``):
bundled sample -> tokenizer view -> a short training run (the "Quick demo (offline)" preset) ->
classify with the new run -> switch the language to Korean. Screenshots go to tests/artifacts.
"""
from __future__ import annotations

import re

import pytest

from tests.browser import ARTIFACTS, chromium, screenshot, served_app

TRAIN_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    runs = tmp_path_factory.mktemp("e2e-runs")
    with served_app({"FTS_RUNS_DIR": str(runs), "HF_HUB_OFFLINE": "1"}) as url:
        # One request first, so the page's simultaneous load events do not race transformers'
        # first import (a start-up race reported separately).
        from gradio_client import Client

        Client(url, verbose=False).predict("text", "warm up", "", "default", "default", "do_not_pad", "none", 32,
                                           False, "en", api_name="/tokenize")
        yield url


def _visible(locator):
    return locator.locator("visible=true")


def _error_toasts(page) -> list[str]:
    """Texts of the error pop-ups on the page (Gradio's red toasts)."""
    return [text.strip() for text in page.locator(".toast-body.error").all_inner_texts()]


def test_sample_tokenizer_train_classify_and_language_switch(app_url):
    with chromium() as browser:
        page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 1600}).new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(app_url)
        page.get_by_role("tab", name="Dataset").wait_for(timeout=30_000)

        # 1. Dataset: the bundled English reviews; loading also prepares the default splits.
        page.get_by_label("Bundled sample").click()
        page.get_by_role("option", name="imdb_en").click()
        _visible(page.get_by_role("button", name="Load", exact=True)).first.click()
        page.locator("#ds-card").get_by_text("imdb_en").wait_for(timeout=60_000)
        page.locator("#ds-status").get_by_text("The Train tab now uses these splits").wait_for(timeout=60_000)
        screenshot(page, "e2e-1-dataset")

        # 2. Tokenizer: what the model will see for one review.
        page.get_by_role("tab", name="Tokenizer").click()
        text = page.get_by_label("Text (batch: one text per line)")
        text.fill("A wonderful, moving film.")
        page.get_by_role("button", name="Tokenize", exact=True).click()
        page.locator(".tokv .chips:not(.legend)").first.get_by_text("wonderful").first.wait_for(timeout=60_000)
        assert page.locator(".tokv").count() >= 2  # both tokenizers side by side
        screenshot(page, "e2e-2-tokenizer")

        # 3. Train: the quick demo preset on the data prepared in step 1.
        page.get_by_role("tab", name="Train").click()
        assert "Quick demo (offline)" in page.locator("#tt-preset").inner_text() or \
            page.locator("#tt-preset input").input_value() == "Quick demo (offline)"
        prepared = page.locator("#tt-data-choice").get_by_label("The data set prepared in the Dataset tab")
        prepared.wait_for(timeout=30_000)
        assert prepared.is_checked()
        page.locator("#tt-launch").click()
        status = page.locator("#tt-status")
        status.get_by_text(re.compile(r"^Finished\.")).wait_for(timeout=TRAIN_TIMEOUT_MS)
        run_dir = re.search(r"Saved in (\S+?)\.?$", status.inner_text().strip()).group(1)
        lines = page.locator('#tt-loss-plot path[aria-roledescription="line mark"]')
        lines.first.wait_for(timeout=30_000)
        # every curve is drawn in a colour (an uncoloured series is invisible)
        assert all(line.get_attribute("stroke") for line in lines.all())
        # The summary is its own output: the page may render it a moment after the status line.
        page.locator("#tt-summary").get_by_text(re.compile("accuracy", re.I)).first.wait_for(timeout=30_000)
        screenshot(page, "e2e-3-trained")

        # 4. Classify: the run just trained is offered (and picked) as model A.
        page.get_by_role("tab", name="Classify").click()
        picker = page.locator("#cls-model-a input")
        page.wait_for_function("(name) => document.querySelector('#cls-model-a input').value.includes(name)",
                               arg=run_dir.rstrip("/").split("/")[-1], timeout=30_000)
        page.locator("#cls-text textarea").fill("An absolute delight from start to finish.")
        page.locator("#cls-go").click()
        label = page.locator("#cls-label-a")
        label.get_by_text(re.compile(r"^(neg|pos)$")).first.wait_for(timeout=60_000)
        page.locator("#cls-latency").get_by_text("Model A:").wait_for(timeout=10_000)
        assert "untrained" not in page.locator("#cls-latency").inner_text()  # the run trained its head
        assert picker.input_value()
        screenshot(page, "e2e-4-classify")

        # 5. Language: the header's control -> 한국어; the tabs and the next answer are in Korean.
        page.locator("#app-lang").get_by_text("한국어").click()
        for name in ("데이터셋", "토크나이저", "학습", "분류"):
            page.get_by_role("tab", name=name, exact=True).wait_for(timeout=10_000)
        page.locator("#cls-go").click()
        page.locator("#cls-latency").get_by_text("모델 A: 서버에서").wait_for(timeout=30_000)
        screenshot(page, "e2e-5-korean")
        assert errors == []
        toasts = _error_toasts(page)
        (ARTIFACTS / "e2e-error-toasts.txt").write_text("\n".join(toasts), encoding="utf-8")
        assert toasts == []  # no error pop-up anywhere on the whole path
