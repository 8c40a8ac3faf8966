import re
from pathlib import Path

import pytest

from trainer_core.i18n import LANGS, TABLE, _merge, for_lang, normalize_lang, t

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""\b(?:L|t|StudioError|StudioWarning|HubUnreachableError|BusyError|_err|_warn)\(\s*["']([a-z][\w.]+)["']""")


def test_every_entry_has_both_languages_and_same_placeholders():
    placeholder = re.compile(r"{(\w+)")
    for key, entry in TABLE.items():
        assert set(entry) >= set(LANGS), key
        assert entry["en"].strip() and entry["ko"].strip(), key
        assert set(placeholder.findall(entry["en"])) == set(placeholder.findall(entry["ko"])), key


def test_korean_strings_are_korean():
    # A copy-pasted English string in the ko column is the usual translation slip.
    hangul = re.compile(r"[\uac00-\ud7a3]")
    untranslated = [k for k, e in TABLE.items() if not hangul.search(e["ko"]) and e["ko"] == e["en"] and len(e["en"]) > 12]
    assert untranslated == []


def test_duplicate_keys_are_refused():
    with pytest.raises(RuntimeError, match="twice"):
        _merge([{"a.b": {"en": "x", "ko": "y"}}, {"a.b": {"en": "x", "ko": "y"}}])
    with pytest.raises(RuntimeError, match="lacks"):
        _merge([{"a.c": {"en": "x"}}])


def test_every_key_used_in_code_exists():
    used = set()
    for folder in ("trainer_core", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_USE.findall(path.read_text("utf-8")))
    used |= set(KEY_USE.findall((ROOT / "app.py").read_text("utf-8")))
    missing = sorted(k for k in used if k not in TABLE)
    assert used, "the scan found no keys at all; the pattern is broken"
    assert missing == []


@pytest.mark.parametrize("raw,expected", [("ko-KR", "ko"), ("ko", "ko"), ("en-US,en;q=0.9", "en"), ("", "en"),
                                          (None, "en"), ("ko-KR,ko;q=0.9,en;q=0.8", "ko"), ("fr", "en")])
def test_normalize_lang(raw, expected):
    assert normalize_lang(raw) == expected


def test_t_fills_placeholders_in_each_language():
    en = t("err.file_missing", "en", path="/x.csv")
    ko = t("err.file_missing", "ko-KR", path="/x.csv")
    assert "/x.csv" in en and "/x.csv" in ko and en != ko
    with pytest.raises(KeyError):
        t("no.such.key")


def test_for_lang_gives_flat_tables():
    ko = for_lang("ko")
    assert ko["tab.dataset"] == "데이터셋" and set(ko) == set(TABLE)
