"""The one translation table (English and Korean) for every user-facing string.

The table is split by area only to keep files small and owned; at run time it is
one dict, ``TABLE``, checked at import for duplicate keys and missing languages.
``trainer_core`` renders messages with :func:`t`; ``ui/`` hands the same table to
``gr.I18n`` for static labels.
"""
from __future__ import annotations

from . import classify, common, dataset, tokenizer, train, train_tab

LANGS = ("en", "ko")
_SECTIONS = (common.STRINGS, dataset.STRINGS, tokenizer.STRINGS, train.STRINGS, train_tab.STRINGS,
             classify.STRINGS)


def _merge(sections) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for section in sections:
        for key, entry in section.items():
            if key in table:
                raise RuntimeError(f"translation key {key!r} is defined twice")
            missing = [lang for lang in LANGS if not entry.get(lang)]
            if missing:
                raise RuntimeError(f"translation key {key!r} lacks {missing}")
            table[key] = entry
    return table


TABLE: dict[str, dict[str, str]] = _merge(_SECTIONS)


def normalize_lang(lang: str | None) -> str:
    """Map a browser or Accept-Language value ('ko-KR', 'en-US,en;q=0.9') to 'ko'/'en'."""
    if not lang:
        return "en"
    first = str(lang).split(",")[0].strip().lower()
    return "ko" if first.startswith("ko") else "en"


def t(key: str, lang: str | None = "en", **params) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``params``."""
    entry = TABLE.get(key)
    if entry is None:
        raise KeyError(f"no translation for {key!r}")
    text = entry[normalize_lang(lang)]
    return text.format(**params) if params else text


def for_lang(lang: str) -> dict[str, str]:
    """The whole table in one language (what ``gr.I18n`` wants)."""
    return {key: entry[lang] for key, entry in TABLE.items()}
