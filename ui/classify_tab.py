"""Classify tab: layout and wiring only (inference, batch, Hub and picker logic live in trainer_core)."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from trainer_core.batch import predict_csv, predict_lines
from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.inference import MAX_TEXT_CHARS, PRECISIONS, get_predictor, usage_code
from trainer_core.model_picker import (DEFAULT, base_model_of, check_model_ref, dataset_examples, model_choices,
                                       needs_head, run_choices, session_run_dirs)
from trainer_core.space import Visitor, oauth_enabled, push_availability, push_token
from ui.common import AppContext, on, rerender, table
from ui.i18n import L

PRIVATE = {"api_visibility": "private"}
LINES_HEADERS = ("cls.col_text", "cls.col_label", "cls.col_score")


def _predictor(ref, session_runs, precision=None, like=None):
    """Load (cached) a model this session may use (its own runs, built-ins, Hub ids). A bare encoder
    compared with a run gets the run's labels, so before/after line up."""
    visitor = Visitor.of(session_runs)
    ref = check_model_ref(ref, visitor)
    id2label = like.id2label if like is not None and needs_head(ref) else None
    return get_predictor(ref, id2label=id2label, precision=precision, visitor=visitor)


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


def _describe(model_a, precision, text, pair, session_runs, lang):
    predictor, cached = _predictor(model_a, session_runs, precision)
    # On page load and when a run is opened from Train the boxes may still be None.
    code = usage_code(predictor.ref.location, (text or "").strip() or "...", (pair or "").strip() or None,
                      precision=predictor.precision)
    return _model_facts(predictor, cached, lang), code["pipeline"], code["direct"]


def _redescribe(shown, model_a, precision, text, pair, session_runs, lang):
    """The model facts in a new language, only if they are on screen (the model is cached by then)."""
    if not shown:
        return gr.skip(), gr.skip(), gr.skip()
    return _describe(model_a, precision, text, pair, session_runs, lang)


def _top(pred, k: int) -> dict[str, float]:
    """The k most probable classes: a plain dict, so API clients get clean label/confidences."""
    return dict(pred.top(max(1, int(k))))


def _classify(model_a, model_b, text, pair, top_k, precision, session_runs, lang):
    text, pair = (text or "").strip(), (pair or "").strip() or None
    pa, cached_a = _predictor(model_a, session_runs, precision)
    preds, ms = pa.timed_predict([text], [pair] if pair else None)
    lines = [t("cls.latency", lang, name="A", ms=f"{ms:.1f}")]
    longest = max(len(text), len(pair or ""))
    if longest > MAX_TEXT_CHARS:  # cut before tokenising (inference.Predictor._inputs); say so
        lines.append(t("cls.text_cut", lang, chars=f"{longest:,}", limit=f"{MAX_TEXT_CHARS:,}", tokens=pa.max_length))
    if pa.head_untrained:
        lines.append(t("cls.head_untrained_short", lang, name="A"))
    out_b = None
    if str(model_b or "").strip():
        pb, _ = _predictor(model_b, session_runs, precision, like=pa)
        preds_b, ms_b = pb.timed_predict([text], [pair] if pair else None)
        out_b = _top(preds_b[0], top_k)
        lines.append(t("cls.latency", lang, name="B", ms=f"{ms_b:.1f}"))
        if pb.head_untrained:
            lines.append(t("cls.head_untrained_short", lang, name="B"))
    code = usage_code(pa.ref.location, text, pair, precision=pa.precision)
    return (_top(preds[0], top_k), out_b, "\n\n".join(lines), _model_facts(pa, cached_a, lang),
            code["pipeline"], code["direct"])


def _before(model_a, session_runs, lang):
    model = check_model_ref(model_a, Visitor.of(session_runs))  # another visitor's run: refused like a missing one
    base = base_model_of(model)
    if base is None:
        is_run = Path(model, "config.yaml").is_file()
        raise StudioError("cls.err_scratch_base" if is_run else "cls.err_no_base", model=model)
    return base


def _examples(dataset, lang):
    """The examples table; its headers are rendered here (as L() objects they show as raw keys)."""
    samples = dataset_examples(dataset)
    return gr.Dataset(samples=samples, visible=bool(samples), headers=[t("cls.text", lang), t("cls.text_pair", lang)],
                      label=t("cls.examples", lang))


def _refresh(runs, dataset, lang):
    choices = model_choices(runs, lang)
    return (gr.Dropdown(choices=choices), gr.Dropdown(choices=[(t("cls.none", lang), "")] + choices),
            gr.Dropdown(choices=run_choices(runs, lang)), _examples(dataset, lang))


def _runs_changed(runs, dataset, lang):
    """A run finished or was opened from the Train tab: list it and select it as model A."""
    outputs = _refresh(runs, dataset, lang)
    newest = session_run_dirs(runs)
    if newest:
        outputs = (gr.Dropdown(choices=outputs[0].choices, value=newest[0]),) + outputs[1:]
    return outputs


def _open_run(open_request, runs, dataset, lang):
    """History asked for this run: list the session's runs and select exactly the one picked."""
    outputs = _refresh(runs, dataset, lang)
    run_dir = open_request.get("run_dir") if isinstance(open_request, dict) else None
    if not run_dir or run_dir not in session_run_dirs(runs):
        return outputs
    return (gr.Dropdown(choices=outputs[0].choices, value=run_dir),) + outputs[1:]


def _pick_example(sample, lang):
    sample = list(sample or []) + ["", ""]
    return sample[0] or "", sample[1] or ""


def _batch_lines(model_a, lines, precision, session_runs, lang):
    predictor, _ = _predictor(model_a, session_runs, precision)
    rows = predict_lines(predictor, lines)
    return table([[r["text"], r["label"], r["score"]] for r in rows], LINES_HEADERS, lang)


def _batch_csv(model_a, file, text_column, precision, session_runs, lang):
    if not file:
        raise StudioError("cls.err_no_file")
    predictor, _ = _predictor(model_a, session_runs, precision)
    result = predict_csv(predictor, file, text_column=(text_column or "").strip() or None)
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(result.counts.items(), key=lambda kv: -kv[1])) or "-"
    summary = t("cls.batch_done", lang, rows=result.rows, predicted=result.predicted, column=result.text_column,
                pair=result.pair_column or "-", counts=counts)
    return str(result.path), summary


def _push(run_dir, repo, private, session_runs, oauth_token: gr.OAuthToken | None, lang):
    # The token lives only in this call: it is handed to push_run and dropped, never logged or stored.
    from trainer_core.hub import push_run

    token, _source = push_token(oauth_token.token if oauth_token is not None else None)
    if not token:
        raise StudioError("hub.err_no_token")  # said first: signing in is the step the visitor can take
    result = push_run(run_dir, repo, token, private=bool(private), visitor=Visitor.of(session_runs))
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
            examples = gr.Dataset(components=[text, pair], samples=[], visible=False)  # headers: see _examples
        with gr.Tab(L("cls.tab_batch")):
            lines = gr.Textbox(label=L("cls.lines"), lines=6, elem_id="cls-lines")
            go_lines = gr.Button(L("cls.classify_lines"))
            lines_out = gr.Dataframe(interactive=False, wrap=True, visible=False)  # see ui.common.table
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
        on(changed, _describe, [model_a, precision, text, pair, ctx.runs], [facts, code_pipe, code_direct], ctx,
           **PRIVATE)
    classify_outputs = [label_a, label_b, latency, facts, code_pipe, code_direct]
    classify_inputs = [model_a, model_b, text, pair, top_k, precision, ctx.runs]
    cleared = [label_a, label_b, latency]  # a refused input leaves no earlier prediction on screen
    on(go.click, _classify, classify_inputs, classify_outputs, ctx, clear=cleared, api_name="classify")
    on(text.submit, _classify, classify_inputs, classify_outputs, ctx, clear=cleared, **PRIVATE)
    on(before.click, _before, [model_a, ctx.runs], [model_b], ctx, **PRIVATE)
    on(refresh.click, _refresh, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples], ctx, **PRIVATE)
    on(ctx.runs.change, _runs_changed, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples], ctx,
       **PRIVATE)
    on(ctx.open_run.change, _open_run, [ctx.open_run, ctx.runs, ctx.dataset],
       [model_a, model_b, push_run_dir, examples], ctx, **PRIVATE)
    on(ctx.dataset.change, _examples, [ctx.dataset], [examples], ctx, **PRIVATE)
    # list runs with names in the visitor's language when the page opens and after a language switch
    rerender(ctx, _refresh, [ctx.runs, ctx.dataset], [model_a, model_b, push_run_dir, examples])
    rerender(ctx, _redescribe, [facts, model_a, precision, text, pair, ctx.runs], [facts, code_pipe, code_direct])
    on(examples.click, _pick_example, [examples], [text, pair], ctx, **PRIVATE)
    on(go_lines.click, _batch_lines, [model_a, lines, precision, ctx.runs], [lines_out], ctx, clear=[lines_out],
       reveal=[lines_out], api_name="classify_lines")
    on(go_csv.click, _batch_csv, [model_a, csv_in, text_column, precision, ctx.runs], [csv_out, csv_summary], ctx,
       api_name="classify_csv")
    on(push_btn.click, _push, [push_run_dir, repo, private, ctx.runs], [push_out], ctx, **PRIVATE)
