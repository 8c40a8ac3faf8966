"""Tokenizer tab: layout and wiring only (the view itself is built in trainer_core.tokens_view)."""
from __future__ import annotations

import gradio as gr

from trainer_core.loaders import SAMPLES
from trainer_core.space import Visitor
from trainer_core.tokens import MAX_LENGTH_LIMIT, PADDING_MODES, ROBERTA_STYLE, TRUNCATION_MODES
from trainer_core.tokens_display import TOKENS_CSS
from trainer_core.tokens_view import compare, stats_view
from ui.common import AppContext, on, rerender
from ui.i18n import L

# Written for this app in the style of a news headline (syllables byte-level BPE splits into bytes,
# a number chunk MiniLM turns into [UNK]), plus markup that must show literally.
EXAMPLE_TEXT = "새 스마트폰 3일부터 사전 판매…유튜브로 생중계 <script>"
EXAMPLE_PAIR = "The museum will reopen to the public on March 3."


def tokenize(kind, text, text_pair, tokenizer_a, tokenizer_b, padding, truncation, max_length, raw_bytes,
             session_runs, lang):
    """Both panels, the raw arrays as JSON, and the equivalent code."""
    panels, data, code = compare(kind, text, text_pair, [tokenizer_a, tokenizer_b], padding, truncation,
                                 max_length, bool(raw_bytes), lang, Visitor.of(session_runs))
    return panels[0], panels[1], {"tokenizer_a": data[0], "tokenizer_b": data[1]}, code


def statistics(dataset, source, tokenizer_a, tokenizer_b, max_length, session_runs, lang):
    return stats_view(dataset, source, [tokenizer_a, tokenizer_b], max_length, lang, Visitor.of(session_runs))


def restatistics(shown, dataset, source, tokenizer_a, tokenizer_b, max_length, session_runs, lang):
    """Redraw the statistics in a new language, only if they are on screen."""
    if not shown:
        return gr.skip()
    return statistics(dataset, source, tokenizer_a, tokenizer_b, max_length, session_runs, lang)


def _pair_visible(kind, lang):
    return gr.update(visible=kind == "pair")


def build(ctx: AppContext) -> None:
    gr.Markdown(L("tok.intro"))
    kind = gr.Radio([(L("tok.kind_text"), "text"), (L("tok.kind_pair"), "pair"), (L("tok.kind_batch"), "batch")],
                    value="text", label=L("tok.kind"))
    with gr.Row():
        text = gr.Textbox(value=EXAMPLE_TEXT, lines=3, label=L("tok.text"), scale=3)
        text_pair = gr.Textbox(value=EXAMPLE_PAIR, lines=3, label=L("tok.text_pair"), visible=False, scale=2)
    choices = [(L("tok.choice_default"), "default"), (L("tok.choice_multilingual"), "multilingual"),
               (L("tok.choice_roberta"), ROBERTA_STYLE)]
    with gr.Row():
        tokenizer_a = gr.Dropdown(choices, value="default", allow_custom_value=True, label=L("tok.tokenizer_a"),
                                  info=L("tok.picker_info"))
        tokenizer_b = gr.Dropdown(choices, value=ROBERTA_STYLE, allow_custom_value=True, label=L("tok.tokenizer_b"),
                                  info=L("tok.picker_info"))
    with gr.Row():
        padding = gr.Radio(list(PADDING_MODES), value="do_not_pad", label=L("tok.padding"))
        truncation = gr.Dropdown([(L("tok.trunc_none"), "none")] + [(m, m) for m in TRUNCATION_MODES[1:]],
                                 value="none", label=L("tok.truncation"))
        max_length = gr.Number(value=32, precision=0, minimum=1, maximum=MAX_LENGTH_LIMIT, label=L("tok.max_length"))
        raw_bytes = gr.Checkbox(value=False, label=L("tok.raw_bytes"))
    run = gr.Button(L("tok.run"), variant="primary")
    with gr.Row(equal_height=False):
        view_a = gr.HTML(css_template=TOKENS_CSS, min_height=60)
        view_b = gr.HTML(css_template=TOKENS_CSS, min_height=60)
    with gr.Accordion(L("tok.raw_arrays"), open=False):
        raw_json = gr.JSON(show_label=False)
    code = gr.Code(language="python", label=L("common.code"), interactive=False)
    with gr.Accordion(L("tok.stats_title"), open=False):
        with gr.Row():
            source = gr.Dropdown([(L("tok.stats_auto"), "auto")] + [(L(f"sample.{name}"), name) for name in SAMPLES],
                                 value="auto", label=L("tok.stats_source"))
            stats_run = gr.Button(L("tok.stats_run"))
        stats_out = gr.HTML(css_template=TOKENS_CSS)

    inputs = [kind, text, text_pair, tokenizer_a, tokenizer_b, padding, truncation, max_length, raw_bytes, ctx.runs]
    outputs = [view_a, view_b, raw_json, code]
    # a refused input empties the panels: the error must not stand above the previous input's tokens
    on(run.click, tokenize, inputs, outputs, ctx, clear=outputs, api_name="tokenize")
    # Changing a control re-renders at once; these share the public endpoint's function but stay private.
    for control in (padding, truncation, raw_bytes, tokenizer_a, tokenizer_b):
        on(control.change, tokenize, inputs, outputs, ctx, clear=outputs, api_visibility="private")
    on(max_length.submit, tokenize, inputs, outputs, ctx, clear=outputs, api_visibility="private")
    shown = on(kind.change, _pair_visible, [kind], [text_pair], ctx, api_visibility="private")
    on(shown.then, tokenize, inputs, outputs, ctx, clear=outputs, api_visibility="private")
    stats_in = [ctx.dataset, source, tokenizer_a, tokenizer_b, max_length, ctx.runs]
    on(stats_run.click, statistics, stats_in, [stats_out], ctx, clear=[stats_out], api_name="token_stats")
    # after the page loads (the example instead of an empty panel) and after a language switch
    rerender(ctx, tokenize, inputs, outputs)
    rerender(ctx, restatistics, [stats_out] + stats_in, [stats_out])
