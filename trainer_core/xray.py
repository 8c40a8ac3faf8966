"""Trainer X-ray: what the Trainer did without being asked, with this run's own numbers.

Each item is an i18n key plus the numbers that fill it, and the Trainer argument or
function responsible, so the tab can show "what happened" beside "why" and "where".
The facts come from the run directory (config.yaml, results.json, metrics.jsonl,
config.json, tokenizer) and from the Trainer's own helpers where they exist
(``Trainer.get_decay_parameter_names``), applied to the model's architecture built on
the ``meta`` device (no weights are loaded).
"""
from __future__ import annotations

import inspect
import math
from pathlib import Path


def _meta_model(run_dir: Path):
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    hf_config = AutoConfig.from_pretrained(run_dir, trust_remote_code=False)
    with torch.device("meta"):
        return hf_config, AutoModelForSequenceClassification.from_config(hf_config)


def decay_groups(model, weight_decay: float) -> dict:
    """Parameter counts with and without weight decay, split exactly as the Trainer splits them."""
    from transformers import Trainer

    # The method never touches ``self``: the Trainer's own rule, without building a Trainer.
    decay_names = set(Trainer.get_decay_parameter_names(None, model))
    decay = no_decay = tensors_decay = tensors_no = 0
    examples: list[str] = []
    for name, param in model.named_parameters():
        if name in decay_names:
            decay += param.numel()
            tensors_decay += 1
        else:
            no_decay += param.numel()
            tensors_no += 1
            if len(examples) < 3:
                examples.append(name)
    return {"decay": decay, "no_decay": no_decay, "tensors_decay": tensors_decay, "tensors_no_decay": tensors_no,
            "examples": examples, "weight_decay": weight_decay}


def planned_lr(step: int, peak: float, warmup: int, total: int) -> float:
    """Linear warm-up to ``peak`` then linear decay to 0 (``get_linear_schedule_with_warmup``), after ``step`` steps."""
    if step < warmup:
        return peak * step / max(1, warmup)
    return peak * max(0.0, (total - step) / max(1, total - warmup))


def lr_schedule(config, total: int, metrics: list[dict]) -> list[dict]:
    """Planned and logged learning rate per step (for a plot): rows {step, series, lr}."""
    warmup = int(math.ceil(config.get("warmup_ratio", 0.0) * total))
    peak = float(config.get("learning_rate", 0.0))
    stride = max(1, total // 200)
    rows = [{"step": s, "series": "planned", "lr": planned_lr(s, peak, warmup, total)}
            for s in range(0, total + 1, stride)]
    seen = set()
    for event in metrics:
        if event.get("learning_rate") is not None and event.get("kind") in ("step", "log") and event["step"] not in seen:
            seen.add(event["step"])
            rows.append({"step": event["step"], "series": "logged", "lr": event["learning_rate"]})
    return rows


def _grad_norms(metrics: list[dict]) -> list[float]:
    by_step = {}
    for event in metrics:
        if event.get("grad_norm") is not None:
            by_step[event["step"]] = event["grad_norm"]
    return list(by_step.values())


def _item(name: str, arg: str, **params) -> dict:
    return {"id": name, "key": f"tt.xray_{name}", "arg": arg, "params": params}


def xray(run_dir) -> dict:
    """``{"backend", "items": [...], "lr_curve": [...]}`` for a finished or stopped run."""
    from transformers import AutoTokenizer

    from .runs import read_run

    run_dir = Path(run_dir)
    run = read_run(run_dir)
    config, results, metrics = run["config"], run["results"], run["metrics"]
    hf_config, model = _meta_model(run_dir)
    tokenizer = AutoTokenizer.from_pretrained(run_dir)
    mapping = results.get("mapping") or {}
    report = results.get("data_report") or {}
    batch = int(config.get("batch_size", 8))
    total = int(results.get("total_steps") or 0)
    items = []

    # 1. Columns: the Trainer keeps only what forward() accepts (plus label/label_ids for the collator).
    signature = list(inspect.signature(model.forward).parameters)
    data_columns = [c for c in (mapping.get("text"), mapping.get("text_pair"), mapping.get("label")) if c]
    data_columns += list(report.get("columns_removed") or [])
    tokenizer_columns = list(tokenizer.model_input_names)
    allowed = set(signature) | {"label", "label_ids"}
    dropped = [c for c in data_columns if c not in allowed and c != mapping.get("label")]
    kept = [c for c in tokenizer_columns if c in signature] + ["labels"]
    items.append(_item("columns", "remove_unused_columns=True", dropped=", ".join(dropped) or "-",
                       kept=", ".join(kept), forward=type(model).__name__))

    # 2. label -> labels: the collator renames it; forward() then computes the loss itself.
    problem = getattr(hf_config, "problem_type", None) or "single_label_classification"
    loss = "CrossEntropyLoss" if problem == "single_label_classification" else (
        "BCEWithLogitsLoss" if problem == "multi_label_classification" else "MSELoss")
    items.append(_item("labels", "DataCollatorWithPadding", column=mapping.get("label") or "label",
                       classes=len(results.get("label_names") or []), loss=loss))

    # 3. Padding per batch instead of to max_length.
    padding = results.get("padding") or {}
    mean_len = float(padding.get("mean_length") or 0.0)
    max_len = int(results.get("max_length_used") or config.get("max_length") or 0)
    items.append(_item("padding", "DataCollatorWithPadding(padding=True)", mode=config.get("padding", "dynamic"),
                       share=f"{float(padding.get('padded_share') or 0.0):.1%}", mean=f"{mean_len:.1f}",
                       max_length=max_len, max_share=f"{1 - mean_len / max_len:.1%}" if max_len else "-"))

    # 4. Weight decay only on weight matrices.
    groups = decay_groups(model, float(config.get("weight_decay", 0.0)))
    items.append(_item("decay", "Trainer.get_decay_parameter_names", decay=f"{groups['decay']:,}",
                       no_decay=f"{groups['no_decay']:,}", tensors=groups["tensors_decay"],
                       tensors_no=groups["tensors_no_decay"], examples=", ".join(groups["examples"]),
                       weight_decay=groups["weight_decay"]))

    # 5. The learning-rate schedule.
    warmup = int(math.ceil(float(config.get("warmup_ratio", 0.0)) * total))
    done = int(results.get("global_step") or 0)
    peak = float(config.get("learning_rate", 0.0))
    items.append(_item("schedule", "lr_scheduler_type='linear', warmup_steps", warmup=warmup, total=total,
                       peak=f"{peak:g}", done=done, last=f"{planned_lr(done, peak, warmup, total):.2e}"))

    # 6. Gradient clipping.
    norms = _grad_norms(metrics)
    limit = float(config.get("max_grad_norm", 0.0))
    clipped = sum(n > limit for n in norms) if limit > 0 else 0
    items.append(_item("clipping", "max_grad_norm", limit=limit, logged=len(norms), clipped=clipped,
                       largest=f"{max(norms):.3f}" if norms else "-"))

    # 7. Evaluation: no gradients, dropout off, a bigger batch.
    evals = sum(1 for e in metrics if e.get("kind") == "eval")
    dropout = getattr(hf_config, "hidden_dropout_prob", None)
    items.append(_item("eval", "Trainer.evaluate / prediction_step", evals=evals,
                       rows=int(results.get("num_eval_rows") or 0), batch=batch * 2,
                       dropout="-" if dropout is None else dropout))

    # 8. Data order: length grouping and the seed.
    items.append(_item("order", "train_sampling_strategy", grouped=bool(config.get("group_by_length")),
                       seed=config.get("seed"), accum=config.get("grad_accum_steps", 1),
                       effective=batch * int(config.get("grad_accum_steps", 1))))
    return {"backend": config.get("backend", "trainer"), "items": items,
            "lr_curve": lr_schedule(config, total, metrics)}
