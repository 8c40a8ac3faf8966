"""Train tab: layout and wiring only (logic in trainer_core; handlers in ui/train_handlers, ui/train_results)."""
from __future__ import annotations

import gradio as gr

from trainer_core.presets import DEFAULT_PRESET, PRESETS, tab_default_config
from trainer_core.train_live import ALL_EVAL, ALL_LOSS, EVAL_COLOURS, LOSS_COLOURS, LR_COLOURS, frame
from ui import train_handlers as h
from ui import train_results as r
from ui.common import AppContext, on, rerender, start_from
from ui.i18n import L
from ui.train_form import build_form
from ui.train_views import legend_html

PRIVATE = {"api_visibility": "private"}
LIVE = {"show_progress": "hidden", "concurrency_limit": None}  # watchers and waiters cost nothing: never queue them
OWNER_KEY = "fts-train-owner"


def _plots():
    # Initial values name every series the charts can show (see trainer_core.train_live.frame). The
    # charts' own legend is cut off by their box in Gradio 6.31, so it is off and drawn below instead.
    # Steps are whole numbers: with one evaluation point the axis would read "10.000000".
    common = {"x": "step", "y": "value", "color": "series", "height": 280, "colors_in_legend": [],
              "x_title": L("tt.axis_step"), "x_axis_format": "d", "x_lim": [0, None]}
    with gr.Row():
        with gr.Column():
            loss = gr.LinePlot(frame([], ALL_LOSS), label=L("tt.loss_plot"), elem_id="tt-loss-plot",
                               color_map=LOSS_COLOURS, y_title=L("tt.axis_loss"), **common)
            loss_legend = gr.HTML(legend_html(LOSS_COLOURS))
        with gr.Column():
            evals = gr.LinePlot(frame([], ALL_EVAL), label=L("tt.eval_plot"), elem_id="tt-eval-plot",
                                color_map=EVAL_COLOURS, y_title=L("tt.axis_metric"), **common)
            eval_legend = gr.HTML(legend_html(EVAL_COLOURS))
    return loss, evals, (loss_legend, eval_legend)


def _results_panels() -> dict:
    c = {}
    with gr.Tabs(elem_id="tt-panels"):
        with gr.Tab(L("tt.tab_results"), id="tt-results"):
            c["summary"] = gr.Markdown(elem_id="tt-summary")
            # tables are hidden until a run fills them, headers in the page language (ui.common.table)
            c["runs"] = gr.Dataframe(interactive=False, label=L("tt.runs_table"), visible=False)
            c["per_class"] = gr.Dataframe(interactive=False, label=L("tt.per_class"), visible=False)
            gr.Markdown(L("tt.confusion_help"))
            c["confusion"] = gr.Dataframe(interactive=False, label=L("tt.confusion"), elem_id="tt-confusion",
                                          max_height=420, visible=False)
            with gr.Row():
                c["true_label"] = gr.Dropdown(label=L("tt.true_label"), choices=[], elem_id="tt-true")
                c["pred_label"] = gr.Dropdown(label=L("tt.pred_label"), choices=[], elem_id="tt-pred")
            c["examples"] = gr.Dataframe(interactive=False, wrap=True, label=L("tt.cell_examples"), elem_id="tt-examples",
                                         column_widths=["54%", "24%", "10%", "12%"], max_height=420, visible=False)
            c["anatomy"] = gr.Markdown(elem_id="tt-anatomy")
        with gr.Tab(L("tt.tab_xray"), id="tt-xray"):
            c["xray"] = gr.HTML(L("tt.after_run"))
            c["lr"] = gr.LinePlot(x="step", y="value", color="series", label=L("tt.lr_plot"), height=220,
                                  color_map=LR_COLOURS, colors_in_legend=[], x_title=L("tt.axis_step"),
                                  y_title=L("tt.axis_lr"))
            c["lr_legend"] = gr.HTML(legend_html(LR_COLOURS))
        with gr.Tab(L("tt.tab_microscope"), id="tt-microscope"):
            gr.Markdown(L("tt.mic_intro"))
            with gr.Row():
                c["batch_index"] = gr.Number(value=0, precision=0, minimum=0, label=L("tt.mic_batch"), scale=1)
                c["mic_run"] = gr.Button(L("tt.mic_show_run"), scale=1)
                c["mic_form"] = gr.Button(L("tt.mic_show_form"), scale=1)
            c["microscope"] = gr.HTML(elem_id="tt-microscope-view")
        with gr.Tab(L("tt.tab_code"), id="tt-code"):
            c["script_backend"] = gr.Radio(["trainer", "loop"], value="trainer", label=L("tt.script_backend"))
            c["script"] = gr.Code(language="python", label=L("tt.script"), interactive=False)
            c["yaml"] = gr.Code(language="yaml", label=L("tt.yaml"), interactive=False)
            c["files"] = gr.File(label=L("tt.downloads"), file_count="multiple", interactive=False)
        with gr.Tab(L("tt.tab_history"), id="tt-history"):
            c["history_refresh"] = gr.Button(L("tt.history_refresh"), size="sm", elem_id="tt-history-refresh")
            c["history"] = gr.Dataframe(interactive=False, label=L("tt.history"), elem_id="tt-history", visible=False)
            with gr.Row():
                c["pick"] = gr.Dropdown(label=L("tt.history_pick"), choices=[], elem_id="tt-history-pick", scale=3)
                c["show"] = gr.Button(L("tt.history_show"), scale=1, elem_id="tt-history-show")
                c["open"] = gr.Button(L("tt.open_classify"), variant="primary", scale=1, elem_id="tt-open-classify")
    return c


def build(ctx: AppContext) -> None:
    owner = gr.BrowserState(None, storage_key=OWNER_KEY)   # who this browser is: survives a page reload
    run_state = gr.State([])                               # run dirs shown in the results panels
    following = gr.State(None)                             # the owner whose job this page streams (per page)
    twin_off, twin_on = gr.State(False), gr.State(True)
    gr.Markdown(L("tt.intro"))
    with gr.Row():
        preset = gr.Dropdown(choices=[(L(p.label_key), name) for name, p in PRESETS.items()], value=DEFAULT_PRESET,
                             label=L("tt.preset"), elem_id="tt-preset", scale=3)
        use_twin = gr.Button(L("tt.use_twin"), visible=False, scale=1, elem_id="tt-use-twin")
    preset_note = gr.Markdown(L(PRESETS[DEFAULT_PRESET].note_key), elem_id="tt-preset-note")
    choice = gr.Radio([(L("tt.data_prepared"), "prepared"), (L("tt.data_form"), "form")], value="form",
                      visible=False, label=L("tt.data_choice"), elem_id="tt-data-choice")
    form = build_form(tab_default_config())
    with gr.Row():
        estimate = gr.Button(L("tt.estimate"), elem_id="tt-estimate")
        launch = gr.Button(L("tt.launch"), variant="primary", elem_id="tt-launch")
        twin = gr.Button(L("tt.twin"), elem_id="tt-twin")
        stop = gr.Button(L("tt.stop"), variant="stop", elem_id="tt-stop")
    estimate_out = gr.Markdown(elem_id="tt-estimate-out")
    status = gr.Markdown(elem_id="tt-status")
    bar = gr.HTML(elem_id="tt-progress")
    loss, evals, legends = _plots()
    log_box = gr.Textbox(label=L("tt.log"), lines=6, max_lines=12, interactive=False, elem_id="tt-log")
    panels = _results_panels()

    fields = list(form.values())
    stream = {"status": status, "progress": bar, "loss": loss, "evals": evals, "log": log_box,
              "run_state": run_state, "session_runs": ctx.runs, "owner": owner, "estimate": estimate_out,
              "following": following}
    stream_out = [stream[name] for name in h.STREAM]
    panels.update(loss=loss, evals=evals, progress=bar)
    results_out = [panels[name] for name in r.RESULTS]
    base_in = [owner, choice, ctx.dataset, ctx.runs]

    on(preset.change, r.apply_preset, [preset], fields + [preset_note, use_twin], ctx, **PRIVATE)
    start_from(ctx, r.preset_for_page, [], [preset])  # a Korean page: the Korean quick demo (its change fills the form)
    on(use_twin.click, r.use_twin, [preset], [preset], ctx, **PRIVATE)
    on(ctx.dataset.change, h.dataset_choice, [ctx.dataset], [choice], ctx, **PRIVATE)
    on(estimate.click, h.estimate_run, [choice, ctx.dataset, ctx.runs] + fields, [estimate_out], ctx,
       api_name="estimate")
    started = on(launch.click, h.launch, base_in + [twin_off] + fields, stream_out, ctx, api_name="train", **LIVE)
    on(started.then, r.show_results, [run_state], results_out, ctx, **PRIVATE)
    twins = on(twin.click, h.launch, base_in + [twin_on] + fields, stream_out, ctx, **PRIVATE, **LIVE)
    on(twins.then, r.show_results, [run_state], results_out, ctx, **PRIVATE)
    on(stop.click, h.stop, [owner], [status], ctx, api_name="stop", concurrency_limit=None)
    # A reloaded page finds this browser's running job again (and its results once it has ended). The
    # browser's id is read from local storage only when this tab is first shown (tabs render lazily), and
    # arrives as a change of ``owner``; a page-load event would still see it empty. The id is made by the
    # first launch and never set on load, so a slow load answer cannot overwrite the stored one.
    attached = on(owner.change, h.attach, [owner, following, ctx.runs], stream_out, ctx, **PRIVATE, **LIVE)
    on(attached.then, r.show_results, [run_state], results_out, ctx, **PRIVATE)

    on(panels["confusion"].select, r.pick_cell, [run_state], [panels["true_label"], panels["pred_label"]], ctx,
       **PRIVATE)
    for dd in (panels["true_label"], panels["pred_label"]):
        on(dd.change, r.cell_rows, [run_state, panels["true_label"], panels["pred_label"]], [panels["examples"]],
           ctx, **PRIVATE)
    on(panels["mic_run"].click, r.microscope, [run_state, panels["batch_index"]], [panels["microscope"]], ctx,
       **PRIVATE)
    on(panels["mic_form"].click, r.microscope_before, [choice, ctx.dataset, ctx.runs, panels["batch_index"]] + fields,
       [panels["microscope"]], ctx, **PRIVATE)
    on(panels["script_backend"].change, r.script_for, [run_state, panels["script_backend"]],
       [panels["script"], panels["files"]], ctx, **PRIVATE)

    # after the page loads and a language switch: what is on screen, drawn again in the page's language
    rerender(ctx, r.show_results, [run_state], results_out)
    rerender(ctx, r.preset_note, [preset], [preset_note])
    rerender(ctx, _legends, [], [*legends, panels["lr_legend"]])
    rerender(ctx, r.status_and_log, [run_state, owner], [status, log_box])
    rerender(ctx, h.reestimate, [estimate_out, choice, ctx.dataset, ctx.runs] + fields, [estimate_out])

    history_out = [panels["history"], panels["pick"]]
    on(panels["history_refresh"].click, r.history, [owner, ctx.runs], history_out, ctx, **PRIVATE)
    on(run_state.change, r.history, [owner, ctx.runs], history_out, ctx, **PRIVATE)
    on(panels["history"].select, r.pick_history, [owner, ctx.runs], [panels["pick"]], ctx, **PRIVATE)
    rerender(ctx, r.history, [owner, ctx.runs], history_out)
    picked = on(panels["show"].click, r.show_picked, [owner, panels["pick"], ctx.runs], [run_state], ctx, **PRIVATE)
    on(picked.then, r.show_results, [run_state], results_out, ctx, **PRIVATE)
    tabs = ctx.extras.get("tabs")
    open_out = [ctx.runs, ctx.open_run] + ([tabs] if tabs is not None else [])
    on(panels["open"].click, _open_for(tabs is not None), [owner, panels["pick"], ctx.runs], open_out, ctx,
       **PRIVATE)


def _open_for(with_tabs: bool):
    if with_tabs:
        return r.open_in_classify

    def open_without_tabs(owner, pick, session_runs, lang):
        return r.open_in_classify(owner, pick, session_runs, lang)[:2]

    return open_without_tabs


def _legends(lang):
    return tuple(legend_html(colours, lang) for colours in (LOSS_COLOURS, EVAL_COLOURS, LR_COLOURS))
