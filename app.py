"""Fine-Tune Studio: fine-tune and inspect text classifiers with the Hugging Face stack.

``python app.py`` serves on 127.0.0.1:7860 (``GRADIO_SERVER_NAME``/``GRADIO_SERVER_PORT``
honoured, as on Spaces). Heavy libraries (torch, transformers, datasets) are imported
lazily by the handlers, so the first page is served fast.
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# The app trains while it serves other users; spinning OpenMP threads would starve them.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MAX_FILE_SIZE = "50mb"
QUEUE_MAX_SIZE = 64


def configure_environment() -> bool:
    """Decide Hub reachability once, before any Hugging Face library is imported.

    Offline, the HF libraries are told so (they would otherwise retry each file for
    tens of seconds). On a Space with an owner's token secret, visitors' downloads must
    never borrow that token, so implicit token use is switched off.
    """
    from trainer_core.sources import hub_reachable

    online = hub_reachable()
    if not online:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["HF_DATASETS_OFFLINE"] = "1"
    if os.environ.get("SPACE_ID") and os.environ.get("HF_TOKEN"):
        os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
    return online


def build_demo(online: bool | None = None):
    import gradio as gr

    from trainer_core.sources import hub_reachable
    from ui import classify_tab, dataset_tab, language, tokenizer_tab, train_tab
    from ui.common import AppContext
    from ui.i18n import L

    online = hub_reachable() if online is None else online
    with gr.Blocks(title="Fine-Tune Studio") as demo:
        with gr.Row(equal_height=True, elem_id="app-header"):
            gr.Markdown("# Fine-Tune Studio", elem_id="app-title")
            lang_pick, lang_store = language.build_control()
        gr.Markdown(L("app.subtitle"))
        gr.Markdown(L("app.hub_online" if online else "app.hub_offline"), elem_id="hub-status")
        gr.Markdown(L("app.start_here"), elem_id="start-here")
        ctx = AppContext(
            lang=gr.Textbox(value="en", visible=False, elem_id="ui-lang"),
            dataset=gr.State(None),
            runs=gr.State({}),
        )
        with gr.Tabs() as tabs:
            ctx.extras["tabs"] = tabs  # lets a tab switch to another (Train -> "open in Classify")
            with gr.Tab(L("tab.dataset"), id="dataset"):
                dataset_tab.build(ctx)
            with gr.Tab(L("tab.tokenizer"), id="tokenizer"):
                tokenizer_tab.build(ctx)
            with gr.Tab(L("tab.train"), id="train"):
                train_tab.build(ctx)
            with gr.Tab(L("tab.classify"), id="classify"):
                classify_tab.build(ctx)
        language.wire(demo, ctx, lang_pick, lang_store)
    return demo


def launch_kwargs() -> dict:
    from trainer_core.space import on_space
    from ui.i18n import I18N
    from ui.language import HEAD_JS, PAGE_CSS

    kwargs = dict(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size=MAX_FILE_SIZE,
        i18n=I18N,
        head=HEAD_JS,
        css=PAGE_CSS,
    )
    if on_space():  # Gradio serves /monitoring (every visitor's traffic) to anyone unless told not to
        kwargs["enable_monitoring"] = False
    return kwargs


def warm_imports() -> None:
    """Import the heavy libraries once, before any handler runs.

    transformers' lazy first import is not thread-safe: a page load fires several handlers at
    once, and two threads importing it together fail, so the first visitor would see errors.
    """
    import datasets
    import transformers
    from huggingface_hub.utils import disable_progress_bars
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer  # noqa: F401

    # No console progress bars in a server: nobody watches them, and tqdm's class-wide lock is not
    # safe when several handlers load data at once (a Load failed with "tqdm has no attribute _lock").
    datasets.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    disable_progress_bars()


def main() -> None:
    online = configure_environment()
    from ui.common import warm_up_in_background

    warm_up_in_background(warm_imports)  # the page is served meanwhile; handlers wait for it
    demo = build_demo(online)
    demo.queue(max_size=QUEUE_MAX_SIZE, default_concurrency_limit=4)
    demo.launch(**launch_kwargs())


if __name__ == "__main__":
    main()
