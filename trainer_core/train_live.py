"""What the Train tab draws while a run goes on (and for a finished run): progress, curves, a log tail.

Pure functions of the run's :class:`~trainer_core.events.TrainEvent` list (live from a
job, or read back from ``metrics.jsonl``), so a reloaded page, a history entry and the
twin run's overlay are drawn by the same code.
"""
from __future__ import annotations

from .events import TrainEvent
from .i18n import t

LOG_TAIL = 12


def _as_event(item) -> TrainEvent:
    return item if isinstance(item, TrainEvent) else TrainEvent.from_dict(item)


def events_of(items) -> list[TrainEvent]:
    return [_as_event(e) for e in items or []]


def progress(events: list[TrainEvent]) -> dict:
    """Step, total, elapsed and remaining seconds (from the pace of the steps so far), state and speed."""
    steps = [e for e in events if e.kind == "step"]
    start = next((e for e in events if e.kind == "start"), None)
    final = next((e for e in reversed(events) if e.is_final), None)
    total = max([e.total_steps for e in events if e.total_steps] or [0])
    step = steps[-1].step if steps else 0
    elapsed = events[-1].elapsed if events else 0.0
    remaining = None
    if steps and start is not None and step > 0 and total:
        pace = (steps[-1].elapsed - start.elapsed) / step
        remaining = max(0.0, pace * (total - step))
    state = {"done": "completed", "stopped": "stopped", "error": "failed"}.get(final.kind, "running") if final else (
        "running" if events else "idle")
    if final is not None:
        remaining = 0.0
        step = final.step or step
    return {"step": step, "total": total, "elapsed": elapsed, "remaining": remaining, "state": state,
            "samples_per_second": steps[-1].samples_per_second if steps else None,
            "epoch": steps[-1].epoch if steps else None}


def loss_rows(events: list[TrainEvent], prefix: str = "") -> list[dict]:
    """Train loss (each logged window) and evaluation loss, as long-form rows for a line chart."""
    rows = [{"step": e.step, "value": e.loss, "series": f"{prefix}train loss"}
            for e in events if e.kind == "log" and e.loss is not None]
    rows += [{"step": e.step, "value": e.metrics["loss"], "series": f"{prefix}eval loss"}
             for e in events if e.kind == "eval" and e.metrics and e.metrics.get("loss") is not None]
    return rows


def eval_rows(events: list[TrainEvent], prefix: str = "", keys=("accuracy", "macro_f1")) -> list[dict]:
    return [{"step": e.step, "value": e.metrics[k], "series": f"{prefix}{k}"}
            for e in events if e.kind == "eval" and e.metrics for k in keys if e.metrics.get(k) is not None]


LOSS_SERIES = ("train loss", "eval loss")
EVAL_SERIES = ("accuracy", "macro_f1")
BACKENDS = ("trainer", "loop")


def prefix(backend: str) -> str:
    """Curves are named after their backend, so a twin run's two halves can be told apart."""
    return f"{backend} · "


def series_names(names) -> list[str]:
    """Every series a chart can show: each name for each backend (see :func:`frame` for why all)."""
    return [f"{prefix(b)}{n}" for b in BACKENDS for n in names]


ALL_LOSS = series_names(LOSS_SERIES)
ALL_EVAL = series_names(EVAL_SERIES)
# One colour per (backend, series position): the same colour means the same line in both charts.
PALETTE = ("#2563eb", "#f97316", "#7c3aed", "#16a34a")
LOSS_COLOURS = dict(zip(ALL_LOSS, PALETTE))
EVAL_COLOURS = dict(zip(ALL_EVAL, PALETTE))
LR_COLOURS = {"planned": "#9ca3af", "logged": "#2563eb"}


def frame(rows: list[dict], series=()):
    """A DataFrame for gr.LinePlot: the three columns, numeric step/value, and every expected series.

    The chart fixes its axis types and its colour list from the first data it receives and
    does not revisit them when new data arrive (Gradio 6.31): an untyped empty frame would
    make the value axis categorical, and a series that appears later (the first evaluation,
    the twin's second backend) would be drawn without a colour, i.e. invisibly. So every
    series a chart can ever show is present in every frame, including the chart's initial
    value, as one empty (NaN) point until it has real ones; line marks skip NaN points.
    """
    import pandas as pd

    present = {r["series"] for r in rows}
    first = min((r["step"] for r in rows), default=0)
    rows = list(rows) + [{"step": first, "value": float("nan"), "series": s} for s in series if s not in present]
    data = pd.DataFrame(rows, columns=["step", "value", "series"])
    return data.astype({"step": "float64", "value": "float64", "series": "str"})


def render_message(event: TrainEvent, lang: str) -> str | None:
    """The event's message in ``lang`` (engine messages carry an i18n key), else its English text."""
    if event.key:
        try:
            return t(event.key, lang, **(event.params or {}))
        except (KeyError, ValueError, IndexError, TypeError):
            pass  # params turned into text (error events) cannot fill a numeric format: use the English copy
    return event.message


def log_lines(events: list[TrainEvent], lang: str, tail: int = LOG_TAIL) -> list[str]:
    lines = []
    for e in events:
        if e.kind == "step":
            continue
        if e.kind == "log" and e.loss is not None and not e.key:
            lines.append(t("tt.log_loss", lang, step=e.step, total=e.total_steps, loss=f"{e.loss:.4f}",
                           lr=f"{e.learning_rate:.2e}" if e.learning_rate is not None else "-"))
        elif e.kind == "eval" and e.metrics:
            lines.append(t("tt.log_eval", lang, step=e.step, acc=_pct(e.metrics.get("accuracy")),
                           f1=_pct(e.metrics.get("macro_f1")), loss=_num(e.metrics.get("loss"))))
        else:
            text = render_message(e, lang)
            if text:
                lines.append(text)
    return lines[-tail:]


def _pct(value) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "-"


def _num(value) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else "-"


def format_seconds(seconds) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
