"""Train tab handlers for everything after a run: results, drill-down, X-ray, microscope, code, history.

All of them read run directories, so they work the same for the run that just ended,
a twin pair, or any run picked from the history.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
from pathlib import Path

import gradio as gr

from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.presets import PRESETS, choose, quick_demo_for
from trainer_core.sources import hub_reachable
from trainer_core.space import Visitor, on_space, visitor_may_name
from trainer_core.train_history import (anatomy, cell_examples, history_table, largest_confusion, per_class_rows,
                                        predictions, run_record, status_word, visible_runs)
from trainer_core.train_live import ALL_EVAL, ALL_LOSS, eval_rows, events_of, frame, loss_rows, prefix, progress
from ui.common import column_widths, shown, table
from ui.train_form import form_values
from ui.train_views import (anatomy_md, confusion_styler, microscope_html, progress_html, runs_table, xray_html)

log = logging.getLogger("fine_tune_studio.ui")

RUNS_HEADERS = ("tt.c_run", "tt.h_backend", "tt.h_status", "tt.h_acc", "tt.h_f1", "tt.h_base", "tt.c_base_f1",
                "tt.c_runtime")
PER_CLASS_HEADERS = ("tt.c_class", "tt.c_precision", "tt.c_recall", "tt.h_f1", "tt.c_support")
EXAMPLES_HEADERS = ("tt.c_text", "tt.c_text_pair", "tt.c_confidence", "tt.c_baseline_says")

RESULTS = ("summary", "runs", "per_class", "confusion", "true_label", "pred_label", "examples", "anatomy", "xray",
           "lr", "microscope", "script", "yaml", "files", "loss", "evals", "progress")


def _dirs(run_state) -> list[str]:
    return [str(d) for d in (run_state or []) if d and Path(d, "config.yaml").is_file()]


def _safely(what: str, fn, lang):
    """A panel that cannot be drawn (a failed run has no model) says why instead of breaking the others."""
    try:
        return fn()
    except StudioError as err:
        return t("tt.panel_failed", lang, what=what, error=err.render(lang))
    except Exception as err:  # noqa: BLE001 - one broken panel must not hide the results
        log.warning("Train tab panel %s failed", what, exc_info=True)
        return t("tt.panel_failed", lang, what=what, error=f"{type(err).__name__}: {err}")


def run_error(res: dict, lang: str) -> str:
    """A failed run's message in ``lang`` (results.json keeps its key and parameters)."""
    if res.get("error_key"):
        try:
            return StudioError(res["error_key"], **(res.get("error_params") or {})).render(lang)
        except (KeyError, IndexError):  # a run written by an older version: its English text
            pass
    return res.get("error", "?")


def summary_md(record: dict, lang: str) -> str:
    res = record["results"]
    if res.get("status") == "failed":
        return t("tt.sum_failed", lang, error=run_error(res, lang))
    rows = res.get("num_eval_rows", 0)
    lines = [t("tt.sum_model", lang, acc=f"{res.get('eval_accuracy', 0):.3f}", f1=f"{res.get('eval_macro_f1', 0):.3f}",
               rows=rows)]
    interval = res.get("eval_accuracy_ci95")
    if interval and rows:
        lines.append(t("tt.sum_interval", lang, rows=rows, lo=f"{interval[0]:.3f}", hi=f"{interval[1]:.3f}",
                       point=f"{100 / rows:.1f}"))
    lines += health_lines(record, lang)
    base = res.get("baseline_accuracy")
    if isinstance(base, (int, float)):
        delta = (res.get("eval_accuracy", 0) - base) * 100
        lines.append(t("tt.sum_baseline", lang, acc=f"{base:.3f}", f1=f"{res.get('baseline_macro_f1') or 0:.3f}",
                       delta=f"{delta:+.1f}"))
    else:
        lines.append(t("tt.sum_no_baseline", lang))
    if res.get("status") == "stopped":
        lines.append(t("tt.sum_stopped", lang, step=res.get("global_step", 0), total=res.get("total_steps", 0)))
    return "\n\n".join(lines)


def health_lines(record: dict, lang: str) -> list[str]:
    """The run's warnings (one class, no better than the majority, below the baseline), in words."""
    res = record["results"]
    out = []
    for key in res.get("warnings") or []:
        if key == "one_class":
            preds = predictions(record["run_dir"])
            out.append(t("tt.sum_warn_one_class", lang, label=preds[0]["pred"] if preds else "?"))
        elif key == "no_better_than_majority":
            matrix = res.get("confusion_matrix") or []
            total = sum(map(sum, matrix)) or 1
            out.append(t("tt.sum_warn_no_better_than_majority", lang,
                         share=f"{max((sum(r) for r in matrix), default=0) / total:.3f}"))
        elif key == "below_baseline":
            out.append(t("tt.sum_warn_below_baseline", lang))
    return out


def _curves(records: list[dict]) -> tuple:
    losses, evals = [], []
    for r in records:
        events = events_of(r["metrics"])
        losses += loss_rows(events, prefix(r["config"].get("backend", "trainer")))
        evals += eval_rows(events, prefix(r["config"].get("backend", "trainer")))
    return frame(losses, ALL_LOSS), frame(evals, ALL_EVAL)


def export_files(record: dict, backend: str | None = None) -> tuple[str, str, list[str]]:
    """(script, YAML, [downloadable paths]) of a run; the files go to a fresh temp folder, not the run."""
    from trainer_core.config import TrainConfig
    from trainer_core.export import export_script

    config = TrainConfig.from_dict(record["config"])
    yaml_text = Path(record["run_dir"], "config.yaml").read_text("utf-8")
    script = export_script(config, backend=backend or config.backend)
    folder = Path(tempfile.mkdtemp(prefix="fts-export-"))
    name = Path(record["run_dir"]).name
    (folder / f"{name}-train.py").write_text(script, encoding="utf-8")
    shutil.copyfile(Path(record["run_dir"], "config.yaml"), folder / f"{name}-config.yaml")
    return script, yaml_text, [str(folder / f"{name}-train.py"), str(folder / f"{name}-config.yaml")]


def show_results(run_state, lang):
    """Fill every results panel for the runs in ``run_state`` (the last one in detail)."""
    from trainer_core.microscope import from_run
    from trainer_core.xray import xray

    dirs = _dirs(run_state)
    if not dirs:
        return tuple(gr.skip() for _ in RESULTS)
    records = [run_record(d) for d in dirs]
    last = records[-1]
    res = last["results"]
    names = list(res.get("label_names") or [])
    losses, evals = _curves(records)
    out = {"summary": summary_md(last, lang), "runs": shown(table(runs_table(records, lang), RUNS_HEADERS, lang)), "loss": losses, "evals": evals,
           "progress": progress_html(progress(events_of(last["metrics"])), lang)}
    if res.get("confusion_matrix"):
        cell = largest_confusion(res) or (names[0], names[0])
        out.update(per_class=shown(table(per_class_rows(res), PER_CLASS_HEADERS, lang)),
                   confusion=shown(confusion_styler(res, t("tt.c_true_pred", lang)), True),
                   true_label=gr.Dropdown(choices=names, value=cell[0]),
                   pred_label=gr.Dropdown(choices=names, value=cell[1]),
                   examples=shown(table(cell_examples(last["run_dir"], *cell), EXAMPLES_HEADERS, lang)),
                   anatomy=anatomy_md(anatomy(res), lang))
        xr = _safely("X-ray", lambda: xray(last["run_dir"]), lang)
        out["xray"] = xray_html(xr, lang) if isinstance(xr, dict) else xr
        out["lr"] = frame([{"step": r["step"], "value": r["lr"], "series": r["series"]}
                           for r in xr["lr_curve"]]) if isinstance(xr, dict) else frame([])
        mic = _safely("microscope", lambda: from_run(last["run_dir"]), lang)
        out["microscope"] = microscope_html(mic, lang) if isinstance(mic, dict) else mic
    code = _safely("code", lambda: export_files(last), lang)
    if isinstance(code, tuple):
        out.update(script=code[0], yaml=code[1], files=code[2])
    else:
        out.update(script=f"# {code}", yaml=Path(last["run_dir"], "config.yaml").read_text("utf-8"), files=None)
    return tuple(out.get(name, gr.skip()) for name in RESULTS)


def status_and_log(run_state, owner, lang):
    """The ended run's status line and log tail in ``lang`` (after a language switch).

    Skipped while this page's job still runs: its next streamed frame redraws both."""
    from trainer_core.jobs import JOBS
    from trainer_core.train_live import log_lines

    dirs = _dirs(run_state)
    job = JOBS.for_owner(owner) if owner else None
    if not dirs or (job is not None and not job.done):
        return gr.skip(), gr.skip()
    record = run_record(dirs[-1])
    status = record["results"].get("status")
    if status == "failed":
        line = t("tt.failed", lang, error=run_error(record["results"], lang))
    else:
        line = t("tt.finished" if status == "completed" else "tt.stopped", lang, run_dir=dirs[-1])
    return line, "\n".join(log_lines(events_of(record["metrics"]), lang))


def script_for(run_state, backend, lang):
    """The exported script of the shown run for the chosen backend (Trainer or plain loop)."""
    dirs = _dirs(run_state)
    if not dirs:
        raise StudioError("tt.err_no_run")
    script, _, files = export_files(run_record(dirs[-1]), backend)
    return script, files


def cell_rows(run_state, true_label, pred_label, lang):
    dirs = _dirs(run_state)
    if not dirs or not true_label or not pred_label:
        return shown(table([], EXAMPLES_HEADERS, lang))
    return shown(table(cell_examples(dirs[-1], true_label, pred_label), EXAMPLES_HEADERS, lang))


def pick_cell(run_state, evt: gr.SelectData, lang):
    """A click on a confusion-matrix cell: that (true, predicted) pair in the two dropdowns."""
    dirs = _dirs(run_state)
    row, col = (evt.index or [None, None])[:2]
    if not dirs or row is None or col is None or col == 0:  # column 0 holds the true label names
        return gr.skip(), gr.skip()
    names = run_record(dirs[-1])["results"].get("label_names") or []
    if row >= len(names) or col - 1 >= len(names):
        return gr.skip(), gr.skip()
    return names[row], names[col - 1]


def microscope(run_state, index, lang):
    from trainer_core.microscope import from_run

    dirs = _dirs(run_state)
    if not dirs:
        raise StudioError("tt.err_no_run")
    return microscope_html(from_run(dirs[-1], int(index or 0)), lang)


def microscope_before(choice, dataset, session_runs, index, *args):
    """The batch the form's run would see first (before any run): the model's tokenizer on the training split."""
    from trainer_core.estimate_model import effective_limit, model_facts
    from trainer_core.microscope import from_prepared
    from ui.train_handlers import gather

    *values, lang = args
    config, prepared, _ = gather(choice, dataset, values, Visitor.of(session_runs))
    facts = model_facts(config, prepared)
    if facts.tokenizer is None:
        raise StudioError("tt.err_microscope_tokenizer", model=facts.ref)
    data = from_prepared(facts.tokenizer, prepared, config.batch_size, effective_limit(facts, config.max_length),
                         int(index or 0), config.group_by_length, config.seed)
    return microscope_html(data, lang)


# --- history ------------------------------------------------------------------------------

HISTORY_HEADERS = ("tt.h_name", "tt.h_model", "tt.h_backend", "tt.h_status", "tt.h_acc", "tt.h_f1", "tt.h_base",
                   "tt.h_steps", "tt.h_created")


def history(owner, session_runs, lang):
    rows = visible_runs(owner, session_runs, on_space())
    choices = [(f"{r['name']} ({status_word(r['status'], lang)})", r["run_dir"]) for r in rows]
    frame = table(history_table(rows, lang), HISTORY_HEADERS, lang)
    return (gr.update(value=frame, visible=len(frame) > 0, column_widths=column_widths(frame)),
            gr.Dropdown(choices=choices, value=choices[0][1] if choices else None))


def pick_history(owner, session_runs, evt: gr.SelectData, lang):
    rows = visible_runs(owner, session_runs, on_space())
    row = (evt.index or [None])[0]
    if row is None or row >= len(rows):
        return gr.skip()
    return rows[row]["run_dir"]


def _own_run(owner, pick, session_runs) -> str:
    """The picked run, if it is this visitor's (by session or owner tag: the one rule in trainer_core.space)."""
    return visitor_may_name("run", pick, Visitor.of(session_runs, owner)) if pick else ""


def show_picked(owner, pick, session_runs, lang):
    pick = _own_run(owner, pick, session_runs)
    if not pick or not Path(pick, "config.yaml").is_file():
        raise StudioError("tt.err_no_run")
    return [str(pick)]


def open_in_classify(owner, pick, session_runs, lang):
    """Put the picked run among this session's runs (the Classify tab lists them first), ask Classify to
    select exactly that run, and switch to Classify."""
    pick = _own_run(owner, pick, session_runs)
    if not pick or not Path(pick, "config.json").is_file():
        raise StudioError("tt.err_open_run", path=str(pick or "-"))
    runs = dict(session_runs or {})
    name = Path(pick).name
    runs.pop(name, None)
    runs[name] = str(pick)
    return runs, {"run_dir": str(pick), "nonce": uuid.uuid4().hex}, gr.Tabs(selected="classify")


# --- presets ------------------------------------------------------------------------------

def preset_for_page(lang):
    return quick_demo_for(lang)


def preset_note(name, lang) -> str:
    """What the chosen preset is (and, offline, which twin to use instead)."""
    _, twin = choose(name, hub_reachable())
    preset = PRESETS.get(name) or PRESETS["quick_demo"]
    note = t(preset.note_key, lang)
    if preset.source:
        note += "\n\n" + t("tt.preset_source", lang, source=preset.source)
    if twin:
        note += "\n\n" + t("tt.preset_offline", lang, twin=t(PRESETS[twin].label_key, lang))
    return note


def apply_preset(name, lang):
    """Fill the form from a preset; offline, a Hub preset says so and offers its offline twin."""
    config, twin = choose(name, hub_reachable())
    return (*form_values(config), preset_note(name, lang), gr.Button(visible=bool(twin)))


def use_twin(name, lang):
    preset = PRESETS.get(name)
    if preset is None or not preset.twin:
        return gr.skip()
    return preset.twin
