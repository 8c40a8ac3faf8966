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


def test_switching_language_in_settings_shows_korean_tabs(app_url):
    with chromium() as browser:
        page = browser.new_context(locale="en-US").new_page()
        page.goto(app_url)
        assert _tab_names(page)[:4] == TABS_EN
        page.get_by_text("Settings").last.click()
        page.get_by_label("Language").first.click()
        page.get_by_role("option", name="한국어").click()
        page.locator(".backdrop").click(position={"x": 5, "y": 5})  # close the Settings dialog
        for name in TABS_KO:
            page.get_by_role("tab", name=name).wait_for(timeout=10_000)
        assert _tab_names(page)[:4] == TABS_KO
        assert page.evaluate("document.documentElement.lang").startswith("ko")
        screenshot(page, "foundation-switched-ko")
