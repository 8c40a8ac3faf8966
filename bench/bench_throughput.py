"""Training throughput: the tutorials' recipe (pad every text to 512) against our default, same run.

Both sides train the built-in all-MiniLM-L6-v2 through the engine's own ``run_training``
(Trainer backend, fp32, batch 16, 2 CPU threads) on the same KLUE YNAT headlines read with
``trainer_core.loaders.load_file``; only the padding differs:

- seeds' recipe: ``padding="max_length"`` to the model maximum (512 tokens), random order;
- our default: dynamic padding (``DataCollatorWithPadding``, each batch padded to its
  longest row) plus length grouping.

Per side: steady-state samples/s (from the engine's step events, first step excluded),
the share of computed tokens that are padding (from the batches the collator really
built), and the achieved GFLOP/s, set against an fp32 ``torch.mm`` peak measured in the same
run on the same threads. FLOPs per token for a BERT encoder layer: 8·d² (Q, K, V, output
projections) + 4·d·d_ff (feed-forward) + 4·L·d (attention scores and weighted sum, L =
padded length), plus the pooler; a training step costs 3x the forward pass. Goals from
issue 5: >= 45x the seeds' samples/s, >= 50% of the matmul peak. Writes
bench/results/throughput.json.

    python bench/bench_throughput.py [--train-rows 2000] [--steps 100] [--seeds-steps 6]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YNAT = ROOT.parent / "shared" / "data" / "ynat" / "ynat_train.tsv"
GOAL_SPEEDUP = 45.0
GOAL_PEAK_SHARE = 0.5
BATCH_SIZE = 16


def matmul_peak(threads: int, n: int = 2048, repeats: int = 8) -> float:
    """Best fp32 GFLOP/s of an n x n x n torch.mm on ``threads`` threads."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def train_flops_per_sequence(config, padded_length: int) -> float:
    """Forward + backward FLOPs of one sequence of ``padded_length`` tokens (3x the forward pass)."""
    d, d_ff, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    per_token = layers * (8 * d * d + 4 * d * d_ff + 4 * padded_length * d)
    pooler = 2 * d * d
    return 3 * (per_token * padded_length + pooler)


class _Recorder:
    """Wraps the engine's collator to see every batch it builds: (rows, padded length, real tokens)."""

    def __init__(self):
        self.batches: list[tuple[int, int, int]] = []

    def install(self):
        import trainer_core.prepare as prep
        from transformers import DataCollatorWithPadding

        recorder = self

        class RecordingCollator(DataCollatorWithPadding):
            def __call__(self, features):
                batch = super().__call__(features)
                rows, length = batch["input_ids"].shape
                recorder.batches.append((int(rows), int(length), int(batch["attention_mask"].sum())))
                return batch

        prep.make_collator = lambda tokenizer: RecordingCollator(tokenizer=tokenizer)


def run_side(name: str, prepared, model_config, peak: float, steps: int, **overrides) -> dict:
    from trainer_core.config import TrainConfig
    from trainer_core.engine import run_training

    recorder = _Recorder()
    recorder.install()
    events = []
    config = TrainConfig(model="minilm", data_source="file", train_file=str(YNAT), eval_rows=32, max_steps=steps,
                         batch_size=BATCH_SIZE, seed=42, backend="trainer", precision="fp32", **overrides,
                         output_dir=tempfile.mkdtemp(prefix=f"bench-throughput-{name}-"))
    print(f"[{name}] {steps} steps ...", flush=True)
    result = run_training(config, on_event=lambda e: events.append(e) if e.kind == "step" else None,
                          prepared=prepared)
    if result.status != "completed":
        raise SystemExit(f"{name}: run failed: {result.error}")
    steps_seen = sorted({e.step: e for e in events}.values(), key=lambda e: e.step)
    first, last = steps_seen[0], steps_seen[-1]
    timed_steps = last.step - first.step
    seconds = last.elapsed - first.elapsed
    # Batch i is consumed by step i + 1; the timed window is steps first+1..last.
    timed = recorder.batches[first.step:last.step]
    rows = sum(b[0] for b in timed)
    computed = sum(b[0] * b[1] for b in timed)
    real = sum(b[2] for b in timed)
    flops = sum(b[0] * train_flops_per_sequence(model_config, b[1]) for b in timed)
    useful = sum(train_flops_per_sequence(model_config, max(1, round(b[2] / b[0]))) * b[0] for b in timed)
    out = {
        "padding": config.padding, "max_length": config.max_length, "group_by_length": config.group_by_length,
        "steps_timed": timed_steps, "seconds_timed": round(seconds, 3),
        "seconds_per_step": round(seconds / timed_steps, 4),
        "samples_per_second": round(rows / seconds, 3),
        "padded_token_share": round(1 - real / computed, 4),
        "mean_real_tokens": round(real / rows, 2), "mean_padded_length": round(computed / rows, 2),
        "computed_gflops_per_second": round(flops / seconds / 1e9, 2),
        "useful_gflops_per_second": round(useful / seconds / 1e9, 2),
        "peak_share": round(flops / seconds / 1e9 / peak, 4),
        "engine_train_samples_per_second": result.results.get("train_samples_per_second"),
    }
    print(f"[{name}] {out['samples_per_second']} samples/s, padding {out['padded_token_share']:.1%}, "
          f"{out['computed_gflops_per_second']} GFLOP/s ({out['peak_share']:.1%} of peak)", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=100, help="steps of the default side")
    parser.add_argument("--seeds-steps", type=int, default=6, help="steps of the padding-to-512 side (slow)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not YNAT.is_file():
        raise SystemExit(f"needs {YNAT} (KLUE YNAT, present only inside the development workplace)")

    import torch
    import transformers

    from trainer_core.data import ColumnMapping, prepare
    from trainer_core.loaders import load_file
    from trainer_core.sources import builtin_model_path

    transformers.logging.set_verbosity_error()
    peak_before = matmul_peak(args.threads)
    print(f"fp32 matmul peak: {peak_before:.1f} GFLOP/s on {args.threads} threads", flush=True)
    prepared = prepare(load_file(YNAT), ColumnMapping(text="text", label="label"), train_rows=args.train_rows,
                       eval_rows=32, seed=42)
    model_config = transformers.AutoConfig.from_pretrained(builtin_model_path())
    seeds = run_side("seeds", prepared, model_config, peak_before, args.seeds_steps, padding="max_length",
                     max_length=512, group_by_length=False)
    default = run_side("default", prepared, model_config, peak_before, args.steps)
    peak_after = matmul_peak(args.threads)
    peak = max(peak_before, peak_after)
    for side in (seeds, default):  # against the better of the two peak measurements
        side["peak_share"] = round(side["computed_gflops_per_second"] / peak, 4)
    speedup = default["samples_per_second"] / seeds["samples_per_second"]
    results = {
        "data": f"KLUE YNAT train, {args.train_rows} rows, via trainer_core.loaders.load_file",
        "model": "all-MiniLM-L6-v2 (built-in), Trainer backend, fp32",
        "batch_size": BATCH_SIZE, "threads": args.threads,
        "matmul_peak_gflops": round(peak, 1), "matmul_peak_runs": [round(peak_before, 1), round(peak_after, 1)],
        "seeds_recipe": seeds, "default": default,
        "speedup": round(speedup, 1),
        "goals": {"speedup": GOAL_SPEEDUP, "peak_share": GOAL_PEAK_SHARE},
        "met": {"speedup": speedup >= GOAL_SPEEDUP, "peak_share": default["peak_share"] >= GOAL_PEAK_SHARE},
        "load_average_1m": round(os.getloadavg()[0], 2),
        "torch": torch.__version__, "transformers": transformers.__version__, "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }
    out = ROOT / "bench" / "results" / "throughput.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"speedup {speedup:.1f}x (goal {GOAL_SPEEDUP:.0f}x); default at {default['peak_share']:.1%} of the "
          f"{peak:.0f} GFLOP/s matmul peak (goal {GOAL_PEAK_SHARE:.0%}) -> {out}")


if __name__ == "__main__":
    main()
