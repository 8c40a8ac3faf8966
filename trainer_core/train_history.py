"""After a run: its figures beside the baseline, the confusion-matrix drill-down, model anatomy, history.

Everything is read from run directories (results.json, eval_predictions.jsonl,
metrics.jsonl), so a run from an hour ago or from the CLI is shown exactly like the one
that just finished.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from .i18n import TABLE, t
from .runs import list_runs, read_run


def _results(run_dir) -> dict:
    try:
        data = json.loads(Path(run_dir, "results.json").read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def visible_runs(owner: str | None, session_runs, on_space: bool, root=None) -> list[dict]:
    """Past runs, newest first. On a shared Space only this visitor's own (:func:`trainer_core.space.owns_run`)."""
    from .space import Visitor, owns_run

    rows = list_runs(root)
    if not on_space:
        return rows
    visitor = Visitor.of(session_runs, owner)
    return [row for row in rows if owns_run(row["run_dir"], visitor)]


def status_word(status: str, lang: str) -> str:
    """completed / stopped / failed in the page's language."""
    key = f"tt.state_{status}"
    return t(key, lang) if key in TABLE else str(status)


def short_model(ref: str) -> str:
    """A model as a table cell: a Hub id as it is, a local folder by its name (paths are machine noise)."""
    path = Path(str(ref or ""))
    return path.name if path.is_absolute() else str(ref or "")


def history_table(rows: list[dict], lang: str = "en") -> list[list]:
    """Rows for the history table: name, model, backend, status, accuracy, macro-F1, baseline, steps, created."""
    out = []
    for row in rows:
        results = _results(row["run_dir"])
        out.append([row["name"], short_model(row["model"]), row["backend"], status_word(row["status"], lang),
                    _fmt(row.get("eval_accuracy")),
                    _fmt(row.get("eval_macro_f1")), _fmt(results.get("baseline_accuracy")),
                    results.get("global_step", ""),
                    time.strftime("%Y-%m-%d %H:%M", time.localtime(row["created"])) if row.get("created") else ""])
    return out


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "-"


def metric_rows(results: dict) -> list[list]:
    """[metric, fine-tuned, baseline] for accuracy and macro-F1 (the baseline column is '-' without one)."""
    return [["accuracy", _fmt(results.get("eval_accuracy")), _fmt(results.get("baseline_accuracy"))],
            ["macro-F1", _fmt(results.get("eval_macro_f1")), _fmt(results.get("baseline_macro_f1"))]]


def per_class_rows(results: dict) -> list[list]:
    rows = []
    for name, values in (results.get("per_class") or {}).items():
        rows.append([name, _fmt(values.get("precision")), _fmt(values.get("recall")), _fmt(values.get("f1")),
                     values.get("support", 0)])
    return rows


def predictions(run_dir) -> list[dict]:
    path = Path(run_dir, "eval_predictions.jsonl")
    if not path.is_file():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def cell_examples(run_dir, true_label: str, pred_label: str, limit: int = 50) -> list[list]:
    """Evaluation rows with this true label predicted as this label: [text, pair, confidence, baseline's label]."""
    results = _results(run_dir)
    names = results.get("label_names") or []
    rows = []
    for p in predictions(run_dir):
        if p.get("label") == true_label and p.get("pred") == pred_label:
            scores = p.get("scores") or []
            index = names.index(pred_label) if pred_label in names else None
            confidence = scores[index] if index is not None and index < len(scores) else None
            rows.append([p.get("text", ""), p.get("text_pair") or "", _fmt(confidence), p.get("baseline_pred") or "-"])
            if len(rows) >= limit:
                break
    return rows


def largest_confusion(results: dict) -> tuple[str, str] | None:
    """The off-diagonal cell with the most rows (what to look at first), or None when all are right."""
    matrix, names = results.get("confusion_matrix") or [], results.get("label_names") or []
    best, where = 0, None
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if i != j and count > best and i < len(names) and j < len(names):
                best, where = count, (names[i], names[j])
    return where


def anatomy(results: dict) -> dict:
    """Body/head parameter counts and the newly initialised weights, with the reason they are new."""
    counts = results.get("param_counts") or {}
    new = list(results.get("newly_initialized") or [])
    kind = results.get("model_kind", "")
    if kind == "scratch":
        reason = "tt.anat_reason_scratch"
    elif not new:
        reason = "tt.anat_reason_none"
    else:
        reason = "tt.anat_reason_head"
    return {"body": int(counts.get("body", 0)), "head": int(counts.get("head", 0)),
            "total": int(counts.get("total", 0)), "new": new, "reason": reason, "model": results.get("model_ref", "?"),
            "labels": len(results.get("label_names") or [])}


def run_record(run_dir) -> dict:
    """Everything the results panel shows for one run."""
    run = read_run(run_dir)
    return {"run_dir": str(run_dir), "config": run["config"], "results": run["results"], "metrics": run["metrics"]}
