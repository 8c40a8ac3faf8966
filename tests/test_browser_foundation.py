"""A real browser sees the four tabs, in English and in Korean, and can switch language."""
import pytest

from tests.browser import chromium, screenshot, served_app

TABS_EN = ["Dataset", "Tokenizer", "Train", "Classify"]
TABS_KO = ["데이터셋", "토크나이저", "학습", "분류"]


@pytest.fixture(scope="module")
def app_url():
    with served_app() as url:
        yield url


def _tab_names(page):
    page.get_by_role("tab").first.wait_for(timeout=30_000)
    return [name.strip() for name in page.get_by_role("tab").all_inner_texts()]


def test_four_tabs_in_english_and_korean(app_url):
    with chromium() as browser:
        en = browser.new_context(locale="en-US").new_page()
        en.goto(app_url)
        assert _tab_names(en)[:4] == TABS_EN
        screenshot(en, "foundation-en")
        ko = browser.new_context(locale="ko-KR").new_page()
        ko.goto(app_url)
        assert _tab_names(ko)[:4] == TABS_KO
        screenshot(ko, "foundation-ko")


def test_switching_language_in_the_header_shows_korean_tabs_and_settings_offers_no_second_picker(app_url):
    with chromium() as browser:
        page = browser.new_context(locale="en-US").new_page()
        page.goto(app_url)
        assert _tab_names(page)[:4] == TABS_EN
        page.locator("#app-lang").get_by_text("한국어").click()
        for name in TABS_KO:
            page.get_by_role("tab", name=name).wait_for(timeout=10_000)
        assert _tab_names(page)[:4] == TABS_KO
        assert page.evaluate("document.documentElement.lang").startswith("ko")
        page.get_by_text("설정").last.click()  # Gradio's Settings: its 33-language picker is hidden
        page.locator(".api-docs-wrap").first.wait_for(timeout=10_000)
        assert not page.locator('.api-docs-wrap input[role="combobox"]').first.is_visible()
        screenshot(page, "foundation-switched-ko")
