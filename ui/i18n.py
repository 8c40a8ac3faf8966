"""The translation table handed to Gradio's frontend (static labels follow the browser's language)."""
from __future__ import annotations

import gradio as gr

from trainer_core.i18n import LANGS, TABLE

# Keys with {placeholders} are rendered on the server (see ui.common); the frontend's
# ICU formatter would choke on them, so only plain strings go to gr.I18n.
_STATIC = {key for key, entry in TABLE.items() if "{" not in entry["en"] and "{" not in entry["ko"]}

I18N = gr.I18n(**{lang: {key: TABLE[key][lang] for key in _STATIC} for lang in LANGS})


def L(key: str):
    """A label/markdown that the browser shows in the user's language."""
    if key not in TABLE:
        raise KeyError(f"no translation for {key!r}")
    if key not in _STATIC:
        raise KeyError(f"{key!r} has placeholders; render it on the server with trainer_core.i18n.t")
    return I18N(key)
