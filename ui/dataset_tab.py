"""Dataset tab: layout and wiring only."""
from __future__ import annotations

import gradio as gr

from trainer_core.loaders import SAMPLES, load_sample
from ui.common import AppContext, on
from ui.i18n import L


def _load(sample_name: str, lang: str):
    dsd = load_sample(sample_name)
    rows = {split: ds.num_rows for split, ds in dsd.items()}
    names = dsd["train"].features["label"].names
    return {"splits": rows, "label_names": names, "columns": dsd["train"].column_names}, dsd


def build(ctx: AppContext) -> None:
    gr.Markdown(L("ds.placeholder"))
    sample = gr.Dropdown(choices=list(SAMPLES), value="ynat_ko", label=L("ds.sample"))
    load_btn = gr.Button(L("ds.load"), variant="primary")
    summary = gr.JSON(label=L("ds.summary"))
    on(load_btn.click, _load, [sample], [summary, ctx.dataset], ctx, api_name="load_sample")
