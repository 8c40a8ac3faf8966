"""``run_training``: one synchronous training run, from a :class:`TrainConfig` to a run directory.

Order of work: load and split the data (unless the Dataset tab already prepared it),
choose the model, tokenize, create the run directory, train with the chosen backend,
evaluate, save the model where ``from_pretrained(run_dir)`` finds it, and write the
results, predictions and model card. Every failure becomes an ``error`` event and a
``failed`` result with a message that says what to do, never a traceback.
"""
from __future__ import annotations

import errno
import json
import logging
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import HELD_OUT_EVAL_ROWS, TrainConfig
from .errors import StudioError
from .events import TrainEvent

log = logging.getLogger(__name__)
# Below this, a model built from scratch barely moves in a short run (on the Korean sample at 1e-4 it
# predicted one class); pretrained bodies are fine-tuned at 2e-5..1e-4, random ones need ~1e-3.
SCRATCH_MIN_LR = 5e-4


@dataclass
class RunResult:
    run_dir: Path | None
    status: str                  # completed | stopped | failed
    results: dict = field(default_factory=dict)
    error: StudioError | None = None


def load_data(config: TrainConfig):
    """Read and split the data named by ``config`` with the Dataset tab's loader and splitter."""
    from datasets import DatasetDict

    from .data import ColumnMapping, detect_mapping, prepare
    from .loaders import SAMPLES, load_file, load_hub, load_sample

    eval_dsd = None
    if config.data_source == "sample":
        dsd = load_sample(config.sample)
        # A sample comes with its Hub twin's evaluation split: evaluate on it, as the tutorials do.
        eval_name = SAMPLES[config.sample].eval_split
        eval_dsd = DatasetDict({"train": dsd[eval_name]})
        dsd = DatasetDict({"train": dsd["train"]})
    elif config.data_source == "file":
        dsd = load_file(config.train_file)
    else:
        dsd = load_hub(config.dataset, config.dataset_config, split=config.dataset_split)
    if config.eval_file:
        eval_dsd = load_file(config.eval_file)
    mapping = None
    if config.text_column or config.label_column or config.text_pair_column:
        guessed = None
        if not (config.text_column and config.label_column):
            guessed = detect_mapping(dsd)
        mapping = ColumnMapping(text=config.text_column or guessed.text, label=config.label_column or guessed.label,
                                text_pair=config.text_pair_column or (guessed.text_pair if guessed else None))
    eval_rows = config.eval_rows
    if eval_rows is None:  # a separate evaluation split is used whole; else 200 rows are held out
        eval_rows = None if eval_dsd is not None else HELD_OUT_EVAL_ROWS
    return prepare(dsd, mapping, train_rows=config.train_rows, eval_rows=eval_rows,
                   test_rows=config.test_rows, seed=config.seed, eval_dsd=eval_dsd)


def friendly_error(exc: BaseException, config: TrainConfig, run_dir: Path | None) -> StudioError:
    """The StudioError to show for any failure: ours as they are, known system failures explained."""
    if isinstance(exc, StudioError):
        return exc
    text = str(exc)
    import torch

    if isinstance(exc, (MemoryError, torch.OutOfMemoryError)) or "out of memory" in text.lower():
        return StudioError("err.train_oom", batch_size=config.batch_size, max_length=config.max_length)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return StudioError("err.disk_full", path=str(run_dir or config.output_dir or "runs"))
    detail = (text.splitlines() or [""])[0][:300]
    return StudioError("err.train_failed", kind=type(exc).__name__, detail=detail)


class _Recorder:
    """Passes events to the consumer and appends them to metrics.jsonl once the run directory exists.

    A consumer that raises (a closed browser tab, a broken pipe) must not stop training,
    so its errors are logged and the run goes on.
    """

    def __init__(self, on_event: Callable[[TrainEvent], None] | None):
        self.on_event = on_event
        self.pending: list[TrainEvent] = []
        self.file = None
        self.lock = threading.Lock()
        self.last_step = 0

    def open(self, run_dir: Path):
        self.file = open(run_dir / "metrics.jsonl", "w", encoding="utf-8")
        for event in self.pending:
            self._write(event)
        self.pending.clear()

    def _write(self, event: TrainEvent):
        self.file.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        self.file.flush()

    def __call__(self, event: TrainEvent):
        self.last_step = max(self.last_step, event.step or 0)
        with self.lock:
            try:
                if self.file is not None:
                    self._write(event)
                else:
                    self.pending.append(event)
            except OSError:
                log.warning("could not write metrics.jsonl", exc_info=True)
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - the consumer's problem must not end the run
                log.warning("event consumer failed; training continues", exc_info=True)

    def close(self):
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass


def _message(key: str, **params) -> dict:
    from .i18n import t

    return {"message": t(key, "en", **params), "key": key, "params": params}


def run_training(config: TrainConfig, on_event: Callable[[TrainEvent], None] | None = None,
                 stop: threading.Event | None = None, prepared=None, owner: str | None = None) -> RunResult:
    """Train once, synchronously. Never raises for a failed run: see ``RunResult.status`` / ``.error``."""
    from . import runtime

    stop = stop or threading.Event()
    rank, world_size, _ = runtime.world()
    # Under torchrun every process trains; only the first one reports and writes the run directory.
    main = rank == 0
    record = _Recorder(on_event if main else None)
    started, created = time.monotonic(), time.time()
    run_dir: Path | None = None

    def emit(kind: str, **values):
        event = TrainEvent(kind, elapsed=round(time.monotonic() - started, 3), **values)
        record(event)
        return event

    try:
        if not isinstance(config, TrainConfig):
            config = TrainConfig.from_dict(config)
        device = runtime.pick_device()
        runtime.check_precision(config.precision, device)
        if world_size > 1 and config.backend != "trainer":
            raise StudioError("err.train_loop_distributed", world=world_size)
        from transformers import set_seed

        emit("log", **_message("train.phase_data"))
        if prepared is None:
            prepared = load_data(config)
        emit("log", **_message("train.phase_model", model=config.model))
        set_seed(config.seed)  # before the model is built: same initial weights in both backends
        shown = {"percent": -10}

        def converting(fraction: float, what: str):  # first use of 'multilingual': a one-time conversion
            percent = int(fraction * 100)
            if percent - shown["percent"] >= 10 or fraction >= 1.0:
                shown["percent"] = percent
                emit("log", **_message("model.ml_converting", percent=percent, what=what))

        choice = runtime.build_model(config, prepared, on_progress=converting)
        if choice.kind == "scratch" and config.learning_rate < SCRATCH_MIN_LR:
            # Random weights need larger updates than a pretrained body; say so instead of silently changing it.
            emit("log", **_message("train.scratch_lr_hint", lr=config.learning_rate))
        from .prepare import effective_max_length, make_collator, tokenize_splits, total_steps, warmup_steps

        max_length = effective_max_length(choice.tokenizer, choice.model, config.max_length)
        tokenized = tokenize_splits(prepared, choice.tokenizer, max_length, config.padding)
        from .runs import new_run_dir

        if main:
            run_dir = new_run_dir(config)
            for stale in ("results.json", "error.log", "eval_predictions.jsonl"):  # from an earlier run here
                (run_dir / stale).unlink(missing_ok=True)
            record.open(run_dir)
            (run_dir / "config.yaml").write_text(config.to_yaml(), encoding="utf-8")
        work_dir = run_dir if main else Path(tempfile.mkdtemp(prefix=f"fts-rank{rank}-"))
        total = total_steps(config, tokenized["train"].num_rows)
        ctx = runtime.TrainContext(
            config=config, model=choice.model, tokenizer=choice.tokenizer, tokenized=tokenized,
            collator=make_collator(choice.tokenizer), device=device, run_dir=work_dir,
            label_names=list(prepared.label_names), total_steps=total, warmup_steps=warmup_steps(config, total),
            on_event=record, stop=stop, started=started)
        emit("start", total_steps=total, **_message(
            "train.started", model=choice.model_ref, backend=config.backend, device=device.type,
            rows=tokenized["train"].num_rows, steps=total))
        set_seed(config.seed)  # again, so the data order does not depend on how the model was built
        if config.backend == "trainer":
            from .train_trainer import train_with_trainer as backend
        else:
            from .train_loop import train_with_loop as backend
        with runtime.MemoryWatch() as memory:
            output = backend(ctx)
        output.memory = memory.to_dict()
        if not main:
            return RunResult(None, output.status, {"status": output.status, "rank": rank})

        from .outputs import write_outputs

        results = write_outputs(ctx, prepared, choice, output, max_length=max_length, created=created, owner=owner,
                                emit=emit)
        final = "done" if output.status == "completed" else "stopped"
        emit(final, step=output.global_step, total_steps=total, metrics={
            k: results.get(k) for k in ("eval_accuracy", "eval_macro_f1", "baseline_accuracy") if k in results},
            **_message(f"train.{final}", run_dir=str(run_dir), accuracy=results.get("eval_accuracy") or 0.0))
        return RunResult(run_dir, output.status, results)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a clear message
        error = friendly_error(exc, config if isinstance(config, TrainConfig) else TrainConfig(), run_dir)
        log.debug("training failed", exc_info=True)
        results = {"status": "failed", "error": str(error), "error_key": error.key,
                   "error_params": {k: str(v) for k, v in error.params.items()}, "created": created}
        if run_dir is not None:
            try:  # keep the traceback for a bug report, out of the user's way
                (run_dir / "error.log").write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
                (run_dir / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
            except OSError:
                pass
        emit("error", step=record.last_step, message=str(error), key=error.key,
             params={k: str(v) for k, v in error.params.items()})
        return RunResult(run_dir, "failed", results, error)
    finally:
        record.close()
