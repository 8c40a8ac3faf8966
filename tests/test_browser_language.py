"""A real browser: the header's language control re-renders what is on screen, a reload keeps the
choice, the tokenizer's chip colours match its legend, and a refused input leaves no stale panels."""
import re

import pytest

from tests.browser import chip_colours_match_the_legend, chromium, screenshot, served_app
from trainer_core.i18n import t
from trainer_core.tokens import MAX_CHARS

HANGUL = re.compile(r"[\uac00-\ud7a3]")
TAB = {"en": "Tokenizer", "ko": "토크나이저"}


@pytest.fixture(scope="module")
def app_url():
    with served_app() as url:
        yield url


def _tokenizer(page, lang):
    page.get_by_role("tab", name=TAB[lang]).click()
    page.locator(".tokv .chips:not(.legend)").first.wait_for(timeout=60_000)


def _panel_text(page):
    """The panels' own words; the user's text they quote ('새', '생중계') is left out."""
    text = " ".join(page.locator(".tokv .facts, .tokv .note, .tokv .legend, .tokv .rowh").all_inner_texts())
    return re.sub(r"'[^'\s]+'", "''", text)


def test_switch_re_renders_everything_and_a_reload_keeps_the_language(app_url):
    with chromium() as browser:
        page = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(app_url)
        _tokenizer(page, "ko")
        page.get_by_role("radio", name=t("tok.kind_pair", "ko"), exact=True).check()
        page.locator(".tokv .chips:not(.legend) .sb").first.wait_for(timeout=30_000)
        assert chip_colours_match_the_legend(page) == {"a", "b", "sp"}
        assert t("tok.lg_seg_a", "ko") in _panel_text(page)
        screenshot(page, "language-ko-tokenizer")

        page.locator("#app-lang").get_by_text("English").click()
        page.get_by_role("tab", name="Tokenizer").wait_for(timeout=10_000)
        page.get_by_text(t("tok.lg_seg_a", "en")).first.wait_for(timeout=30_000)
        # nothing already shown stays Korean: server-made panels, static labels, tab names
        assert not HANGUL.search(_panel_text(page)), _panel_text(page)
        assert page.get_by_role("tab").all_inner_texts()[:4] == ["Dataset", "Tokenizer", "Train", "Classify"]
        assert not HANGUL.search(page.locator("#start-here").inner_text())
        assert chip_colours_match_the_legend(page) >= {"a", "sp"}
        screenshot(page, "language-switched-en")

        page.reload()  # the browser says Korean; the choice says English
        _tokenizer(page, "en")
        page.get_by_text(t("tok.lg_seg_a", "en")).first.wait_for(timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == "en"
        assert not HANGUL.search(_panel_text(page))
        screenshot(page, "language-reloaded-en")


def test_a_refused_input_clears_the_panels_and_the_toast_is_korean(app_url):
    with chromium() as browser:
        page = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(app_url)
        _tokenizer(page, "ko")
        page.get_by_label(t("tok.text", "ko"), exact=True).fill("가" * (MAX_CHARS + 1))
        page.get_by_role("button", name=t("tok.run", "ko"), exact=True).click()
        toast = page.locator(".toast-body").first
        toast.wait_for(timeout=30_000)
        assert t("common.error", "ko") in toast.inner_text() and "Error" not in toast.inner_text()
        page.wait_for_function("document.querySelectorAll('.tokv .chips').length === 0", timeout=30_000)
        screenshot(page, "language-refused-input-ko")
