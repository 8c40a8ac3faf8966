"""Classify tab: layout and wiring only."""
from __future__ import annotations

import gradio as gr

from ui.common import AppContext
from ui.i18n import L


def build(ctx: AppContext) -> None:
    gr.Markdown(L("cls.placeholder"))
