"""What a finished (or stopped) run leaves on disk, besides config.yaml and metrics.jsonl.

- the model and tokenizer at the top of the run dir (``from_pretrained(run_dir)``),
- ``eval_predictions.jsonl``: one line per evaluation row in the validation split's order (row,
  text, text_pair, label, pred, scores, and baseline_pred with a baseline) for the drill-down,
- ``results.json``: the final metrics and facts about the run,
- ``README.md``: the model card.
"""
from __future__ import annotations

import json
import platform
import time


def softmax_rows(logits) -> list[list[float]]:
    import numpy as np

    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).tolist()


def write_predictions(path, prepared, labels: list[int], preds: list[int], scores: list[list[float]],
                      baseline_preds: list[int] | None = None) -> None:
    """One line per evaluation row, in the validation split's order: what every per-example view reads."""
    split = prepared.splits["validation"]
    mapping, names = prepared.mapping, prepared.label_names
    if list(labels) != [int(v) for v in split[mapping.label]]:
        # The backends must hand back the evaluation rows in data-set order; writing texts beside
        # another row's label and prediction would make every per-example view lie.
        raise RuntimeError("evaluation predictions are not in the order of the evaluation rows")
    texts = split[mapping.text]
    pairs = split[mapping.text_pair] if mapping.text_pair else [None] * len(texts)
    baseline = baseline_preds if baseline_preds is not None else [None] * len(texts)
    with open(path, "w", encoding="utf-8") as out:
        for index, (text, pair, label, pred, row, base) in enumerate(zip(texts, pairs, labels, preds, scores, baseline)):
            line = {"row": index, "text": text, "text_pair": pair, "label": names[label], "pred": names[pred],
                    "scores": [round(s, 5) for s in row]}
            if base is not None:
                line["baseline_pred"] = names[base]
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def run_baseline_into(results: dict, prepared, emit) -> list[int]:
    """The honest comparison: TF-IDF character n-grams + logistic regression on the same split.

    Returns the baseline's prediction for every validation row (shown beside the model's)."""
    from .baseline import run_baseline

    emit("log", message="Training the TF-IDF + logistic regression baseline", key="train.phase_baseline", params={})
    base = run_baseline(prepared)
    results["baseline_accuracy"] = base.get("accuracy")
    results["baseline_macro_f1"] = base.get("macro_f1")
    results["baseline_runtime"] = base.get("runtime")
    return base["predictions"]


def write_outputs(ctx, prepared, choice, output, *, max_length: int, created: float, owner, emit) -> dict:
    from .card import render_card
    from .runs import owner_tag
    from .metrics import argmax, compute_metrics, health_warnings, wilson_interval
    from .prepare import padding_stats
    from .runtime import param_counts, world

    run_dir, config = ctx.run_dir, ctx.config
    preds = argmax(output.eval_logits)
    labels = list(output.eval_labels)
    metrics = compute_metrics(labels, preds, ctx.label_names)

    # Save first: a stopped run must still leave a loadable model even if a later step fails.
    choice.model.save_pretrained(run_dir)
    choice.tokenizer.save_pretrained(run_dir)

    import torch
    import transformers

    results = {
        "status": output.status,
        "eval_accuracy": metrics["accuracy"],
        "eval_macro_f1": metrics["macro_f1"],
        "eval_f1": metrics.get("f1"),
        "eval_loss": output.eval_loss,
        "per_class": metrics["per_class"],
        "confusion_matrix": metrics["confusion_matrix"],
        "label_names": list(ctx.label_names),
        "train_runtime": round(output.train_runtime, 3),
        "train_samples_per_second": round(output.train_samples_per_second, 3),
        "train_loss": output.train_loss,
        "global_step": output.global_step,
        "total_steps": ctx.total_steps,
        "num_train_rows": ctx.tokenized["train"].num_rows,
        "num_eval_rows": ctx.tokenized["validation"].num_rows,
        "model_ref": choice.model_ref,
        "model_kind": choice.kind,
        "base_model": choice.base_ref,
        "language": choice.language,
        "newly_initialized": list(choice.newly_initialized),
        "param_counts": param_counts(choice.model),
        "backend": config.backend,
        "max_length_used": max_length,
        "padding": padding_stats(ctx.tokenized["train"], config.batch_size * config.grad_accum_steps, config.padding,
                                 config.group_by_length, config.seed),
        "memory": output.memory or {},
        "device": ctx.device.type,
        "threads": torch.get_num_threads(),
        "world_size": world()[1],  # processes under torchrun; rows per step = batch_size x this
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "python": platform.python_version()},
        "mapping": prepared.mapping.to_dict(),
        "data_report": prepared.report,
        "created": created,
        "finished": time.time(),
        "owner_tag": owner_tag(owner),  # lets a Space list a visitor's own runs after a reload
    }
    baseline_preds = run_baseline_into(results, prepared, emit) if config.baseline else None
    write_predictions(run_dir / "eval_predictions.jsonl", prepared, labels, preds, softmax_rows(output.eval_logits),
                      baseline_preds)
    correct = sum(a == b for a, b in zip(labels, preds))
    results["eval_accuracy_ci95"] = [round(v, 4) for v in wilson_interval(correct, len(labels))]
    results["warnings"] = health_warnings(labels, preds, results.get("baseline_accuracy"))
    from .runs import folder_bytes

    # The model, tokenizer and predictions as saved (results.json and the card add a few kB).
    results["run_size_mb"] = round(folder_bytes(run_dir) / 2**20, 1)
    (run_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str),
                                          encoding="utf-8")
    (run_dir / "README.md").write_text(render_card(config, results), encoding="utf-8")
    return results
