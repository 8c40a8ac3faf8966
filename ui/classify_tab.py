"""Classify tab: layout and wiring only (inference, batch, Hub and picker logic live in trainer_core)."""
from __future__ import annotations

import gradio as gr
from gradio.context import Context

from trainer_core.batch import predict_csv, predict_lines
from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.inference import PRECISIONS, get_predictor, usage_code
from trainer_core.model_picker import (DEFAULT, base_model_of, check_model_ref, dataset_examples, model_choices,
                                       needs_head, run_choices, session_run_dirs)
from trainer_core.space import oauth_enabled, push_availability, push_token
from ui.common import AppContext, on
from ui.i18n import L

PRIVATE = {"api_visibility": "private"}


def _ref(value) -> str:
    return check_model_ref(value)


def _predictor(ref: str, precision=None, like=None):
    """Load (cached). A bare encoder compared with a run gets the run's labels, so before/after line up."""
    if like is not None and needs_head(ref):
        return get_predictor(ref, id2label=like.id2label, precision=precision)
    return get_predictor(ref, precision=precision)


def _model_facts(predictor, cached: bool, lang: str) -> str:
    facts = predictor.describe()
    load = t("cls.cached", lang) if cached else t("cls.loaded_in", lang, ms=f"{facts['load_ms']:.0f}")
    kinds = {"builtin": t("cls.kind_builtin", lang), "local": t("cls.kind_local", lang), "hub": t("cls.kind_hub", lang)}
    lines = [t("cls.model_facts", lang, kind=kinds.get(facts["kind"], facts["kind"]),
               labels=", ".join(facts["labels"]), max_length=facts["max_length"],
               params=f"{facts['parameters']:,}", load=load,
               precision=t("cls.precision_used", lang, precision=facts["precision"]))]
    if facts["eval_accuracy"] is not None:
        lines.append(t("cls.run_accuracy", lang, acc=f"{facts['eval_accuracy']:.3f}"))
    if facts["model"] == "multilingual" or predictor.run_info.get("model_kind") == "multilingual":
        lines.append(t("cls.multilingual_facts", lang, vocab=f"{len(predictor.tokenizer):,}"))
    if predictor.head_untrained:
        lines.append(t("cls.head_untrained", lang, names=", ".join(facts["newly_initialized"]) or "-"))
    return "\n\n".join(lines)


def _describe(model_a, precision, text, pair, lang):
    predictor, cached = _predictor(_ref(model_a), precision)
    # On page load and when a run is opened from Train the boxes may still be None.
    code = usage_code(predictor.ref.location, (text or "").strip() or "...", (pair or "").strip() or None,
                      precision=predictor.precision)
    return _model_facts(predictor, cached, lang), code["pipeline"], code["direct"]


def _top(pred, k: int) -> dict[str, float]:
    """The k most probable classes: a plain dict, so API clients get clean label/confidences."""
    return dict(pred.top(max(1, int(k))))


def _classify(model_a, model_b, text, pair, top_k, precision, lang):
    text, pair = (text or "").strip(), (pair or "").strip() or None
    pa, cached_a = _predictor(_ref(model_a), precision)
    preds, ms = pa.timed_predict([text], [pair] if pair else None)
    lines = [t("cls.latency", lang, name="A", ms=f"{ms:.1f}")]
    if pa.head_untrained:
        lines.append(t("cls.head_untrained_short", lang, name="A"))
    out_b = None
    if str(model_b or "").strip():
        pb, _ = _predictor(_ref(model_b), precision, like=pa)
        preds_b, ms_b = pb.timed_predict([text], [pair] if pair else None)
        out_b = _top(preds_b[0], top_k)
        lines.append(t("cls.latency", lang, name="B", ms=f"{ms_b:.1f}"))
        if pb.head_untrained:
            lines.append(t("cls.head_untrained_short", lang, name="B"))
    code = usage_code(pa.ref.location, text, pair, precision=pa.precision)
    return (_top(preds[0], top_k), out_b, "\n\n".join(lines), _model_facts(pa, cached_a, lang),
            code["pipeline"], code["direct"])


def _before(model_a, lang):
    base = base_model_of(_ref(model_a))
    if base is None:
        raise StudioError("cls.err_no_base", model=_ref(model_a))
    return base


def _refresh(runs, dataset, lang):
    choices = model_choices(runs, lang)
    samples = dataset_examples(dataset)
    return (gr.Dropdown(choices=choices), gr.Dropdown(choices=[(t("cls.none", lang), "")] + choices),
            gr.Dropdown(choices=run_choices(runs, lang)), gr.Dataset(samples=samples, visible=bool(samples)))


def _runs_changed(runs, dataset, lang):
    """A run finished or was opened from the Train tab: list it and select it as model A."""
    outputs = _refresh(runs, dataset, lang)
    newest = session_run_dirs(runs)
    if newest:
        outputs = (gr.Dropdown(choices=outputs[0].choices, value=newest[0]),) + outputs[1:]
    return outputs


def _examples(dataset, lang):
    samples = dataset_examples(dataset)
    return gr.Dataset(samples=samples, visible=bool(samples))


def _pick_example(sample, lang):
    sample = list(sample or []) + ["", ""]
    return sample[0] or "", sample[1] or ""


def _batch_lines(model_a, lines, precision, lang):
    predictor, _ = _predictor(_ref(model_a), precision)
    rows = predict_lines(predictor, lines)
    return [[r["text"], r["label"], r["score"]] for r in rows]


def _batch_csv(model_a, file, text_column, precision, lang):
    if not file:
        raise StudioError("cls.err_no_file")
    predictor, _ = _predictor(_ref(model_a), precision)
    result = predict_csv(predictor, file, text_column=(text_column or "").strip() or None)
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(result.counts.items(), key=lambda kv: -kv[1])) or "-"
    summary = t("cls.batch_done", lang, rows=result.rows, predicted=result.predicted, column=result.text_column,
                pair=result.pair_column or "-", counts=counts)
    return str(result.path), summary


def _push(run_dir, repo, private, oauth_token: gr.OAuthToken | None, lang):
    # The token lives only in this call: it is handed to push_run and dropped, never logged or stored.
    from trainer_core.hub import push_run

    token, _source = push_token(oauth_token.token if oauth_token is not None else None)
    if not token:
        raise StudioError("hub.err_no_token")  # said first: signing in is the step the visitor can take
    if str(run_dir or "").strip():
        check_model_ref(run_dir)
    result = push_run(run_dir, repo, token, private=bool(private))
    return t("cls.push_done", lang, repo=result.repo_id, url=result.url, files=len(result.files),
             visibility=t("cls.private" if result.private else "cls.public", lang))


def build(ctx: AppContext) -> None:
    gr.Markdown(L("cls.intro"))
    initial = model_choices(None, "en")
    with gr.Row(equal_height=True):
        model_a = gr.Dropdown(choices=initial, value=DEFAULT, allow_custom_value=True, label=L("cls.model_a"),
                              info=L("cls.model_a_info"), scale=4, elem_id="cls-model-a")
        model_b = gr.Dropdown(choices=[("-", "")] + initial, value="", allow_custom_value=True,
                              label=L("cls.model_b"), info=L("cls.model_b_info"), scale=3, elem_id="cls-model-b")
        with gr.Column(scale=1, min_width=140):
            refresh = gr.Button(L("cls.refresh"), size="sm")
            before = gr.Button(L("cls.before"), size="sm")
    precision = gr.Radio(choices=list(PRECISIONS), value="auto", label=L("cls.precision"),
                         info=L("cls.precision_info"), elem_id="cls-precision")
    facts = gr.Markdown(elem_id="cls-facts")
    ctx.extras["classify_model"] = model_a  # the Train tab can open a run here by setting this value
    with gr.Tabs():
        with gr.Tab(L("cls.tab_single")):
            text = gr.Textbox(label=L("cls.text"), lines=3, elem_id="cls-text")
            pair = gr.Textbox(label=L("cls.text_pair"), info=L("cls.text_pair_info"), lines=1, elem_id="cls-pair")
            with gr.Row():
                top_k = gr.Slider(1, 10, value=5, step=1, label=L("cls.top_k"), scale=3)
                go = gr.Button(L("cls.classify"), variant="primary", scale=1, elem_id="cls-go")
            with gr.Row():
                label_a = gr.Label(label=L("cls.result_a"), elem_id="cls-label-a")
                label_b = gr.Label(label=L("cls.result_b"), elem_id="cls-label-b")
            latency = gr.Markdown(elem_id="cls-latency")
            examples = gr.Dataset(components=[text, pair], samples=[], label=L("cls.examples"), visible=False)
        with gr.Tab(L("cls.tab_batch")):
            lines = gr.Textbox(label=L("cls.lines"), lines=6, elem_id="cls-lines")
            go_lines = gr.Button(L("cls.classify_lines"))
            lines_out = gr.Dataframe(headers=["text", "label", "score"], interactive=False, wrap=True)
            with gr.Row():
                csv_in = gr.File(label=L("cls.csv_in"), file_types=[".csv", ".tsv", ".txt"], type="filepath")
                csv_out = gr.File(label=L("cls.csv_out"), interactive=False)
            text_column = gr.Textbox(label=L("cls.text_column"), info=L("cls.text_column_info"), max_lines=1)
            go_csv = gr.Button(L("cls.classify_csv"))
            csv_summary = gr.Markdown()
        with gr.Tab(L("cls.tab_code")):
            gr.Markdown(L("cls.code_intro"))
            code_pipe = gr.Code(language="python", label=L("cls.code_pipeline"), interactive=False)
            code_direct = gr.Code(language="python", label=L("cls.code_direct"), interactive=False)
        with gr.Tab(L("cls.tab_push")):
            status_key, enabled = push_availability()
            gr.Markdown(L(status_key), elem_id="cls-push-status")
            if oauth_enabled():
                gr.LoginButton()
            push_run_dir = gr.Dropdown(choices=run_choices(None, "en"), allow_custom_value=True,
                                       label=L("cls.push_run"), elem_id="cls-push-run")
            repo = gr.Textbox(label=L("cls.push_repo"), info=L("cls.push_repo_info"), max_lines=1)
            private = gr.Checkbox(value=True, label=L("cls.push_private"))
            push_btn = gr.Button(L("cls.push"), variant="primary", interactive=enabled, elem_id="cls-push")
            push_out = gr.Markdown(elem_id="cls-push-out")

    for changed in (model_a.change, precision.change):
        on(changed, _describe, [model_a, precision, text, pair], [facts, code_pipe, code_direct], ctx, **PRIVATE)
    classify_outputs = [label_a, label_b, latency, facts, code_pipe, code_direct]
    classify_inputs = [model_a, model_b, text, pair, top_k, precision]
    on(go.click, _classify, classify_inputs, classify_outputs, ctx, api_name="classify")
    on(text.submit, _classify, classify_inputs, classify_outputs, ctx, **PRIVATE)
    on(before.click, _before, [model_a], [model_b], ctx, **PRIVATE)
    on(refresh.click, _refresh, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples], ctx, **PRIVATE)
    on(ctx.runs.change, _runs_changed, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples], ctx,
       **PRIVATE)
    on(ctx.dataset.change, _examples, [ctx.dataset], [examples], ctx, **PRIVATE)
    demo = Context.root_block
    if demo is not None:  # list runs with names in the visitor's language when the page opens
        on(demo.load, _refresh, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples], ctx, **PRIVATE)
    on(examples.click, _pick_example, [examples], [text, pair], ctx, **PRIVATE)
    on(go_lines.click, _batch_lines, [model_a, lines, precision], [lines_out], ctx, api_name="classify_lines")
    on(go_csv.click, _batch_csv, [model_a, csv_in, text_column, precision], [csv_out, csv_summary], ctx,
       api_name="classify_csv")
    on(push_btn.click, _push, [push_run_dir, repo, private], [push_out], ctx, **PRIVATE)
