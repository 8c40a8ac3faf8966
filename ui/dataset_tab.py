"""Dataset tab: layout and wiring only (loading, describing, preparing and the code live in trainer_core).

Handlers are plain functions ``fn(*inputs, lang)`` (``ui.common.on`` appends the page
language), so tests call them directly. The loaded data stays in a per-user ``gr.State``
(``raw``: DatasetDict + source + summary); Prepare puts ``{"prepared", "source", "code"}``
into ``ctx.dataset`` for the Train tab.
"""
from __future__ import annotations

import html
from pathlib import Path

import gradio as gr
import pandas as pd

from trainer_core.data import ColumnMapping, prepare
from trainer_core.data_code import emit_code
from trainer_core.data_describe import describe, page_rows, suggest_split, token_length_stats
from trainer_core.errors import StudioError, StudioWarning
from trainer_core.i18n import t
from trainer_core.loaders import SAMPLES, default_sample, load_file_with_source, load_hub_with_source, load_source, sample_source
from trainer_core.space import Visitor, visitor_may_name
from ui.common import AppContext, column_widths, on, rerender, shown, start_from, warn
from ui.i18n import L

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the same limit as app.MAX_FILE_SIZE ("50mb"), checked in core too
MAX_UPLOAD_ROWS = 200_000  # a few KB of Parquet can hold millions of rows: uploads are capped in rows too
MEASURE_ROWS = 20_000  # the token-length measurement after every load reads an even sample above this
PAGE_SIZE = 10
CELL_CHARS = 300  # long reviews are cut in the table only
PRIVATE = {"api_visibility": "private"}
PREPARED = "prepared/"  # view-split prefix for the prepared splits
KEPT, CUT = "≤", ">"  # token-length bars: within max_length, truncated
TOKEN_COLOURS = {KEPT: "#4f46e5", CUT: "#ef4444"}  # the plot's colours, and the keys of its legend


def token_legend(max_length, lang: str) -> str:
    """The token-length plot's legend with its colour keys (the plot's own is cut off in Gradio 6.31)."""
    keys = (("ds.tok_kept", KEPT), ("ds.tok_cut", CUT))
    return " &nbsp; ".join(f'<span style="color:{TOKEN_COLOURS[name]}">■</span> {_esc(t(key, lang, n=max_length))}'
                           for key, name in keys)


# --- loading ------------------------------------------------------------------------

def _loaded(dsd, source: dict, lang: str):
    summary = describe(dsd)
    for w in summary["warnings"]:
        warn(StudioWarning(w["key"], **w["params"]), lang)
    # no "path" key: Gradio clients take a dict with "path" for a file to download (and a server
    # path means nothing to them anyway)
    public = {k: v for k, v in source.items() if k != "path"}
    return {**summary, "source": public}, {"dsd": dsd, "source": source, "summary": summary}


def load_sample_data(name, lang):
    dsd, source = load_source(sample_source(name or "ynat_ko"))
    return _loaded(dsd, source, lang)


def load_upload(file, lang):
    if not file:
        raise StudioError("err.no_file")
    path = Path(file if isinstance(file, str) else getattr(file, "name", file))
    dsd, source = load_file_with_source(path, MAX_UPLOAD_BYTES, name=path.name, max_rows=MAX_UPLOAD_ROWS)
    return _loaded(dsd, source, lang)


def load_hub_data(dataset_id, config, split, streaming, max_rows, lang):
    dsd, source = load_hub_with_source(dataset_id, config, split, bool(streaming), int(max_rows or 0) or None)
    return _loaded(dsd, source, lang)


def _need(raw) -> dict:
    if not raw or "dsd" not in raw:
        raise StudioError("err.no_dataset")
    return raw


# --- showing ------------------------------------------------------------------------

def _esc(value) -> str:
    return html.escape(str(value))


def summary_card(raw: dict, lang: str) -> str:
    """The summary card as HTML; every value that came from the user's data is escaped."""
    s, source = raw["summary"], raw["source"]
    if source["kind"] == "sample":
        title = t("ds.card_from_sample", lang, name=_esc(source["name"]))
    elif source["kind"] == "file":
        title = t("ds.card_from_file", lang, name=_esc(source["name"]))
    else:
        ref = " / ".join(str(x) for x in (source["id"], source.get("config"), source.get("split")) if x)
        title = t("ds.card_from_hub", lang, ref=_esc(ref))
    splits = ", ".join(f"{_esc(k)} {v:,}" for k, v in s["splits"].items())
    features = ", ".join(f"<code>{_esc(f['name'])}</code> {_esc(f['type'])}" for f in s["features"])
    lines = [f"<h3>{title}</h3>", f"<p>{t('ds.card_rows', lang, rows=format(s['total_rows'], ','), splits=splits)}</p>",
             f"<p><b>{t('ds.card_features', lang)}</b>: {features}</p>"]
    if s["label_names"]:
        names = ", ".join(_esc(n) for n in s["label_names"][:50]) + (" …" if len(s["label_names"]) > 50 else "")
        lines.append(f"<p><b>{t('ds.card_labels', lang, n=len(s['label_names']))}</b>: {names}</p>")
    m = s["mapping"]
    if m:
        lines.append(f"<p>{t('ds.card_mapping', lang, text=_esc(m['text']), label=_esc(m['label']))}</p>")
        if m["text_pair"]:
            lines.append(f"<p>{t('ds.card_pair', lang, pair=_esc(m['text_pair']))}</p>")
    else:
        lines.append(f"<p>{t('ds.card_no_mapping', lang)}</p>")
    blanks = ", ".join(f"{_esc(c)} {n:,}" for c, n in s["blank_rows"].items() if n)
    if blanks:
        lines.append(f"<p>{t('ds.card_blank', lang, cells=blanks)}</p>")
    return '<div class="fts-dataset-card">' + "".join(lines) + "</div>"


def distribution_plot(raw: dict, lang: str) -> pd.DataFrame:
    """Rows per label of the first split. Only the value is returned: Gradio 6.31's plot stops
    redrawing when an update changes its other properties (titles, sort) along with the data."""
    s = raw["summary"]
    rows = s["distribution"].get(s["first_split"], [])
    return pd.DataFrame({"label": [n for n, _ in rows], "rows": [c for _, c in rows]})


def _view_choices(raw, dataset) -> list[str]:
    choices = list(raw["dsd"]) if raw and "dsd" in raw else []
    prepared = dataset.get("prepared") if isinstance(dataset, dict) else None
    if prepared is not None:
        choices += [PREPARED + k for k in prepared.splits]
    return choices


def show_page(raw, dataset, split, page, lang):
    """One page of the chosen split (loaded or prepared): (table, page number, page info)."""
    raw = _need(raw)
    if split and split.startswith(PREPARED) and isinstance(dataset, dict) and dataset.get("prepared"):
        prepared = dataset["prepared"]
        ds, label = prepared.splits[split[len(PREPARED):]], prepared.mapping.label
    else:
        name = split if split in raw["dsd"] else raw["summary"]["first_split"]
        ds, label, split = raw["dsd"][name], raw["summary"]["label_column"], name
    frame, shown, pages = page_rows(ds, int(page or 1) - 1, PAGE_SIZE, label)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = [v[:CELL_CHARS] + "…" if isinstance(v, str) and len(v) > CELL_CHARS else v
                             for v in frame[column]]
    info = t("ds.page_info", lang, page=shown + 1, pages=pages, split=split, rows=f"{ds.num_rows:,}")
    return frame, shown + 1, info


def prev_page(raw, dataset, split, page, lang):
    return show_page(raw, dataset, split, int(page or 1) - 1, lang)


def next_page(raw, dataset, split, page, lang):
    return show_page(raw, dataset, split, int(page or 1) + 1, lang)


NO_TITLE = " "  # a blank axis title (an empty one falls back to the column name)


def render_loaded(raw, lang):
    """Everything that follows a load: card, plot, first page, mapping and split controls."""
    raw = _need(raw)
    s = raw["summary"]
    columns = s["columns"]
    mapping = s["mapping"] or {"text": None, "label": None, "text_pair": None}
    none = (t("ds.none", lang), "")
    split = suggest_split(s)
    evals = [(t("ds.carve", lang), "")] + [(k, k) for k in s["splits"] if k != s["first_split"]]
    frame, page, info = show_page(raw, None, s["first_split"], 1, lang)
    table = gr.update(value=frame, visible=True, column_widths=column_widths(frame))
    return (summary_card(raw, lang), distribution_plot(raw, lang), table, page, info,
            gr.Dropdown(choices=_view_choices(raw, None), value=s["first_split"]),
            gr.Dropdown(choices=columns, value=mapping["text"]),
            gr.Dropdown(choices=[none] + [(c, c) for c in columns], value=mapping["text_pair"] or ""),
            gr.Dropdown(choices=columns, value=mapping["label"]),
            gr.Dropdown(choices=evals, value=split["eval_split"]),
            split["train_rows"], split["eval_rows"], split["test_rows"], gr.Column(visible=True))


# --- token lengths --------------------------------------------------------------------

def measure_tokens(raw, text, pair, tokenizer_ref, max_length, session_runs, lang):
    """Token-length histogram (bars past max_length in another colour) and the statistics."""
    from trainer_core.sources import load_tokenizer

    raw = _need(raw)
    ref = visitor_may_name("model", str(tokenizer_ref or "").strip() or "default", Visitor.of(session_runs))
    ds = raw["dsd"][raw["summary"]["first_split"]]
    if not text:
        raise StudioError("err.mapping_missing_text", name="", found=", ".join(ds.column_names))
    for column in (text, pair):
        if column and column not in ds.column_names:
            raise StudioError("err.mapping_missing_text", name=column, found=", ".join(ds.column_names))
    stats = token_length_stats(ds, load_tokenizer(ref), text, pair or None, int(max_length or 128), limit=MEASURE_ROWS)
    bins = stats["histogram"]
    # padded with spaces (drawn collapsed) so the plot's default sort by name is numeric order
    width = len(str(bins[-1]["from"]))
    rows = []
    for b in bins:  # both colours in every bar (one of height 0): see the plot's construction
        label = f"{b['from']:>{width}}–{b['to']}"
        rows += [(label, 0 if b["truncated"] else b["rows"], KEPT), (label, b["rows"] if b["truncated"] else 0, CUT)]
    frame = pd.DataFrame(rows, columns=["tokens", "rows", "max_length"])
    p = stats["percentiles"]
    text_out = t("ds.tok_stats", lang, rows=f"{stats['rows']:,}", tokenizer=ref.replace("`", "'"),
                 mean=f"{stats['mean']:.1f}", p50=f"{p['50']:.0f}", p90=f"{p['90']:.0f}", p95=f"{p['95']:.0f}",
                 p99=f"{p['99']:.0f}", max=stats["max"], max_length=stats["max_length"],
                 share=f"{stats['truncated_share']:.1%}", truncated=f"{stats['truncated']:,}",
                 seconds=f"{stats['seconds']:.2f}")
    if stats["rows"] < ds.num_rows:
        text_out += "\n\n" + t("ds.tok_sampled", lang, rows=f"{stats['rows']:,}", total=f"{ds.num_rows:,}",
                                limit=f"{MEASURE_ROWS:,}")
    return frame, token_legend(stats["max_length"], lang) + "\n\n" + text_out


# --- preparing ------------------------------------------------------------------------

def prepared_status(report: dict, lang: str) -> str:
    rows = ", ".join(t("ds.prepared_rows", lang, split=k, rows=f"{v:,}") for k, v in report["rows"].items())
    how = t("ds.stratified" if report["stratified"] or "holdout" not in report["plan"] else "ds.random", lang)
    return t("ds.prepared", lang, rows=rows, seed=report["seed"], how=how, dropped=f"{report['dropped_empty']:,}")


def prepare_data(raw, text, pair, label, eval_split, train_rows, eval_rows, test_rows, seed, lang):
    """Prepare seeded splits: (report JSON, ctx.dataset value, code, status text)."""
    raw = _need(raw)
    dsd = raw["dsd"]
    mapping = ColumnMapping(text=text or "", label=label or "", text_pair=pair or None)
    eval_dsd = None
    if eval_split:
        if eval_split not in dsd:
            raise StudioError("err.dataset_split_unknown", ref=raw["source"].get("name") or raw["source"].get("id", ""),
                              split=eval_split, choices=", ".join(dsd))
        from datasets import DatasetDict

        eval_dsd = DatasetDict({eval_split: dsd[eval_split]})
    prepared = prepare(dsd, mapping, train_rows=train_rows or None, eval_rows=eval_rows or None,
                       test_rows=test_rows or 0, seed=seed if seed is not None else 42, eval_dsd=eval_dsd)
    for warning in prepared.warnings:
        warn(warning, lang)
    source = raw["source"]
    code = emit_code(source, prepared, data_path=source.get("name") if source["kind"] == "file" else None)
    report = prepared.report
    status = prepared_status(report, lang)
    public = {k: v for k, v in report.items() if k != "plan"}
    public.update(mapping=prepared.mapping.to_dict(), label_names=prepared.label_names)
    return public, {"prepared": prepared, "source": source, "code": code}, code, status


def auto_prepare(*args):
    """Prepare with the suggested controls right after a load; a problem is shown, not raised,
    and the previous data set is cleared so the Train tab never trains on stale data."""
    try:
        return prepare_data(*args)
    except StudioError as err:
        return None, None, "", err.render(args[-1])


def auto_measure(*args):
    """measure_tokens after a load: its plot's box shown, or hidden with the reason in the stats."""
    try:
        frame, text = measure_tokens(*args)
        return frame, text, gr.Column(visible=True)
    except StudioError as err:
        return None, err.render(args[-1]), gr.Column(visible=False)


def redraw(raw, dataset, view, page, tok_shown, text, pair, tokenizer_ref, max_length, session_runs, lang):
    """What this tab shows, in a new language: card, page, prepare status, token-length figures.

    Only what is on screen: before a load everything stays as it is."""
    if not raw or "dsd" not in raw:
        return tuple(gr.skip() for _ in range(7))
    frame, shown, info = show_page(raw, dataset, view, page, lang)
    prepared = dataset.get("prepared") if isinstance(dataset, dict) else None
    status = prepared_status(prepared.report, lang) if prepared is not None else gr.skip()
    measured = (auto_measure(raw, text, pair, tokenizer_ref, max_length, session_runs, lang)[:2] if tok_shown
                else (gr.skip(),) * 2)
    return (summary_card(raw, lang), frame, shown, info, status) + tuple(measured)


def refresh_views(raw, dataset, lang):
    """After Prepare: the prepared splits join the view choices."""
    return gr.Dropdown(choices=_view_choices(raw, dataset))


# --- layout -----------------------------------------------------------------------------

def build(ctx: AppContext) -> None:
    raw = gr.State(None)  # this user's loaded data: {"dsd", "source", "summary"}
    gr.Markdown(L("ds.intro"))
    with gr.Row():
        with gr.Column(scale=1):
            with gr.Tabs():
                with gr.Tab(L("ds.src_sample")):
                    sample = gr.Dropdown(choices=list(SAMPLES), value=default_sample("en"), label=L("ds.sample"),
                                         elem_id="ds-sample")
                    gr.Markdown(L("ds.samples_help"))
                    load_sample_btn = gr.Button(L("ds.load"), variant="primary")
                with gr.Tab(L("ds.src_upload")):
                    upload = gr.File(label=L("ds.upload_file"), type="filepath",
                                     file_types=[".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet"])
                    gr.Markdown(L("ds.upload_help"))
                    load_file_btn = gr.Button(L("ds.load"), variant="primary")
                with gr.Tab(L("ds.src_hub")):
                    hub_id = gr.Textbox(label=L("ds.hub_id"), placeholder="klue")
                    hub_config = gr.Textbox(label=L("ds.hub_config"), placeholder="ynat")
                    hub_split = gr.Textbox(label=L("ds.hub_split"), placeholder="train")
                    hub_stream = gr.Checkbox(label=L("ds.hub_streaming"), value=False)
                    hub_rows = gr.Number(label=L("ds.hub_max_rows"), value=0, precision=0, minimum=0)
                    gr.Markdown(L("ds.hub_help"))
                    load_hub_btn = gr.Button(L("ds.load"), variant="primary")
        with gr.Column(scale=2):
            card = gr.HTML(elem_id="ds-card")
            with gr.Accordion(L("ds.details"), open=False):
                summary = gr.JSON(label=L("ds.summary"))
    # Everything that shows a loaded data set waits for one: no empty plots, dropdowns or code
    # panel on the first screen (render_loaded shows the box).
    with gr.Column(visible=False) as loaded_box:
        with gr.Row():
            # Axis titles: blank, set once here (the translated label above each plot says what the axes
            # are). Gradio 6.31's BarPlot drew an L(...) axis title as its raw __i18n__ key, and setting
            # titles in an update stops it redrawing; a blank title also hides the English column name
            # it would fall back to. Plots never get a visibility update either: their boxes are shown.
            dist = gr.BarPlot(x="label", y="rows", label=L("ds.dist_title"), show_label=True, height=300,
                              x_title=NO_TITLE, y_title=NO_TITLE, y_lim=[0, None])
            with gr.Column():
                with gr.Row():
                    tokenizer = gr.Textbox(value="default", label=L("ds.tokenizer"), scale=3)
                    max_length = gr.Number(value=128, precision=0, minimum=2, maximum=8192, label=L("ds.max_length"),
                                           scale=1)
                measure_btn = gr.Button(L("ds.measure"))
                # Gradio 6.31's plot fixes its colours to the categories of the first data it gets and
                # hides later ones, so every update carries both, with language-neutral names; its own legend
                # is off: token_legend() draws the keys, translated, in tok_stats
                with gr.Column(visible=False) as tok_box:
                    tok_plot = gr.BarPlot(x="tokens", y="rows", color="max_length", color_map=TOKEN_COLOURS,
                                          label=L("ds.tokens_title"), show_label=True, height=300,
                                          x_title=NO_TITLE, y_title=NO_TITLE, y_lim=[0, None],
                                          x_label_angle=-45, colors_in_legend=[])
                tok_stats = gr.Markdown()
        with gr.Row():
            view = gr.Dropdown(choices=[], label=L("ds.view_split"), allow_custom_value=True, scale=2)
            prev_btn = gr.Button(L("ds.prev"), scale=1)
            page = gr.Number(value=1, precision=0, minimum=1, label=L("ds.page"), scale=1)
            next_btn = gr.Button(L("ds.next"), scale=1)
        page_info = gr.Markdown()
        table = gr.Dataframe(interactive=False, wrap=True, max_height=420, visible=False)
        with gr.Row():
            text_col = gr.Dropdown(choices=[], label=L("ds.map_text"), allow_custom_value=True)
            pair_col = gr.Dropdown(choices=[], label=L("ds.map_pair"), allow_custom_value=True)
            label_col = gr.Dropdown(choices=[], label=L("ds.map_label"), allow_custom_value=True)
            eval_split = gr.Dropdown(choices=[], label=L("ds.eval_split"), allow_custom_value=True)
        with gr.Row():
            train_rows = gr.Number(value=0, precision=0, minimum=0, label=L("ds.train_rows"))
            eval_rows = gr.Number(value=0, precision=0, minimum=0, label=L("ds.eval_rows"))
            test_rows = gr.Number(value=0, precision=0, minimum=0, label=L("ds.test_rows"))
            seed = gr.Number(value=42, precision=0, minimum=0, label=L("ds.seed"))
        prepare_btn = gr.Button(L("ds.prepare"), variant="primary")
        status = gr.Markdown(elem_id="ds-status")
        with gr.Accordion(L("ds.report"), open=False):
            report = gr.JSON(label=L("ds.report"))
        code = gr.Code(language="python", label=L("ds.code_title"), interactive=False)

    # allow_custom_value: API clients name columns without the render step that fills the choices
    shown = [card, dist, table, page, page_info, view, text_col, pair_col, label_col, eval_split,
             train_rows, eval_rows, test_rows, loaded_box]
    tokens_in = [raw, text_col, pair_col, tokenizer, max_length, ctx.runs]
    prepare_in = [raw, text_col, pair_col, label_col, eval_split, train_rows, eval_rows, test_rows, seed]
    prepare_out = [report, ctx.dataset, code, status]
    hub_in = [hub_id, hub_config, hub_split, hub_stream, hub_rows]
    for trigger, fn, inputs, api in ((load_sample_btn.click, load_sample_data, [sample], {"api_name": "load_sample"}),
                                     (load_file_btn.click, load_upload, [upload], {"api_name": "load_file"}),
                                     (upload.upload, load_upload, [upload], PRIVATE),  # a dropped file loads at once
                                     (load_hub_btn.click, load_hub_data, hub_in, {"api_name": "load_hub"})):
        loaded = on(trigger, fn, inputs, [summary, raw], ctx, **api)
        rendered = on(loaded.success, render_loaded, [raw], shown, ctx, **PRIVATE)
        # the defaults usually fit, so the Train tab can start at once; then the token lengths
        ready = on(rendered.success, auto_prepare, prepare_in, prepare_out, ctx, **PRIVATE)
        ready = on(ready.success, refresh_views, [raw, ctx.dataset], [view], ctx, **PRIVATE)
        on(ready.success, auto_measure, tokens_in, [tok_plot, tok_stats, tok_box], ctx, **PRIVATE)
    on(measure_btn.click, measure_tokens, tokens_in, [tok_plot, tok_stats], ctx, clear=[tok_plot, tok_stats],
       reveal=[tok_box], api_name="token_lengths")
    prepared = on(prepare_btn.click, prepare_data, prepare_in, prepare_out, ctx, api_name="prepare")
    on(prepared.success, refresh_views, [raw, ctx.dataset], [view], ctx, **PRIVATE)
    page_io = ([raw, ctx.dataset, view, page], [table, page, page_info])
    on(view.input, show_page, *page_io, ctx, **PRIVATE)
    on(page.submit, show_page, *page_io, ctx, api_name="page")
    on(prev_btn.click, prev_page, *page_io, ctx, **PRIVATE)
    on(next_btn.click, next_page, *page_io, ctx, **PRIVATE)
    rerender(ctx, redraw, [raw, ctx.dataset, view, page, tok_stats, text_col, pair_col, tokenizer, max_length, ctx.runs],
             [card, table, page, page_info, status, tok_plot, tok_stats])
    start_from(ctx, sample_for_page, [], [sample])  # a Korean page starts from the Korean sample


def sample_for_page(lang):
    return default_sample(lang)
