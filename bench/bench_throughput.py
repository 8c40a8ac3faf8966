"""Training throughput: the tutorials' recipe (pad every text to 512) against our default, same run.

Both sides train the built-in all-MiniLM-L6-v2 through the engine's own ``run_training``
(Trainer backend, fp32, batch 16, 2 CPU threads) on the same KLUE YNAT headlines read with
``trainer_core.loaders.load_file``; only the padding differs:

- seeds' recipe: ``padding="max_length"`` to the model maximum (512 tokens), random order;
- our default: dynamic padding (``DataCollatorWithPadding``, each batch padded to its
  longest row) plus length grouping.

Per side: steady-state samples/s (from the engine's step events, first step of each run
excluded), the share of computed tokens that are padding (from the batches the collator
really built), and the achieved GFLOP/s, set against an fp32 ``torch.mm`` peak measured in
the same run on the same threads. The two sides alternate in rounds with a peak measurement
between runs, and every figure is also given per CPU-second x threads: on a machine shared
with other jobs, wall-clock figures drift with the load, CPU-time figures much less. FLOPs per token for a BERT encoder layer: 8·d² (Q, K, V, output
projections) + 4·d·d_ff (feed-forward) + 4·L·d (attention scores and weighted sum, L =
padded length), plus the pooler; a training step costs 3x the forward pass. Goals from
issue 5: >= 45x the seeds' samples/s, >= 50% of the matmul peak. Writes
bench/results/throughput.json.

    python bench/bench_throughput.py [--train-rows 2000] [--steps 60] [--seeds-steps 4] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

from _common import ROOT, SHARED, passive_omp, write_json  # sets the offline environment: before torch loads

passive_omp()  # before torch loads
YNAT = SHARED / "ynat" / "ynat_train.tsv"
GOAL_SPEEDUP = 45.0
GOAL_PEAK_SHARE = 0.5
BATCH_SIZE = 16


def matmul_peak(threads: int, n: int = 2048, repeats: int = 8) -> dict:
    """Best fp32 GFLOP/s of an n x n x n torch.mm on ``threads`` threads: by wall clock, and per
    CPU-second x threads (what the threads do when they run, whoever else shares the cores)."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        torch.mm(a, b)
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        torch.mm(a, b)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    flops = 2 * n**3
    return {"wall": flops / best_wall / 1e9, "cpu": flops / (best_cpu / threads) / 1e9}


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


def run_once(name: str, prepared, model_config, steps: int, totals: dict, **overrides) -> None:
    """One engine run; adds its timed window (first step excluded) to ``totals``."""
    from trainer_core.config import TrainConfig
    from trainer_core.engine import run_training

    recorder = _Recorder()
    recorder.install()
    stamps = {}  # step -> (wall seconds since start, process CPU seconds)

    def on_event(event):
        if event.kind == "step":
            stamps[event.step] = (event.elapsed, time.process_time())

    config = TrainConfig(model="minilm", data_source="file", train_file=str(YNAT), eval_rows=32, max_steps=steps,
                         batch_size=BATCH_SIZE, seed=42, backend="trainer", precision="fp32", **overrides,
                         output_dir=tempfile.mkdtemp(prefix=f"bench-throughput-{name}-"))
    result = run_training(config, on_event=on_event, prepared=prepared)
    if result.status != "completed":
        raise SystemExit(f"{name}: run failed: {result.error}")
    first, last = min(stamps), max(stamps)
    # Batch i is consumed by step i + 1, so the window first+1..last used batches first..last-1.
    timed = recorder.batches[first:last]
    totals["steps"] += last - first
    totals["seconds"] += stamps[last][0] - stamps[first][0]
    totals["cpu_seconds"] += stamps[last][1] - stamps[first][1]
    totals["rows"] += sum(b[0] for b in timed)
    totals["computed"] += sum(b[0] * b[1] for b in timed)
    totals["real"] += sum(b[2] for b in timed)
    totals["flops"] += sum(b[0] * train_flops_per_sequence(model_config, b[1]) for b in timed)
    totals["config"] = {"padding": config.padding, "max_length": config.max_length,
                        "group_by_length": config.group_by_length}


def summarise(name: str, t: dict, peak: dict, threads: int) -> dict:
    wall_gflops = t["flops"] / t["seconds"] / 1e9
    cpu_gflops = t["flops"] / (t["cpu_seconds"] / threads) / 1e9
    out = {
        **t["config"], "steps_timed": t["steps"], "seconds_timed": round(t["seconds"], 2),
        "seconds_per_step": round(t["seconds"] / t["steps"], 4),
        "samples_per_second": round(t["rows"] / t["seconds"], 3),
        "samples_per_cpu_second_x_threads": round(t["rows"] / (t["cpu_seconds"] / threads), 3),
        "padded_token_share": round(1 - t["real"] / t["computed"], 4),
        "mean_real_tokens": round(t["real"] / t["rows"], 2), "mean_padded_length": round(t["computed"] / t["rows"], 2),
        "gflops_per_second": round(wall_gflops, 2),
        "peak_share": round(wall_gflops / peak["wall"], 4),
        "gflops_per_cpu_second_x_threads": round(cpu_gflops, 2),
        "cpu_peak_share": round(cpu_gflops / peak["cpu"], 4),
    }
    print(f"[{name}] {out['samples_per_second']} samples/s, padding {out['padded_token_share']:.1%}, "
          f"{out['gflops_per_second']} GFLOP/s ({out['peak_share']:.1%} of peak; by CPU time "
          f"{out['cpu_peak_share']:.1%})", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=60, help="steps per round of the default side")
    parser.add_argument("--seeds-steps", type=int, default=4, help="steps per round of the padding-to-512 side (slow)")
    parser.add_argument("--rounds", type=int, default=2)
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
    prepared = prepare(load_file(YNAT), ColumnMapping(text="text", label="label"), train_rows=args.train_rows,
                       eval_rows=32, seed=42)
    model_config = transformers.AutoConfig.from_pretrained(builtin_model_path())
    sides = {"seeds": {"padding": "max_length", "max_length": 512, "group_by_length": False}, "default": {}}
    steps = {"seeds": args.seeds_steps, "default": args.steps}
    totals = {name: dict.fromkeys(("steps", "seconds", "cpu_seconds", "rows", "computed", "real", "flops"), 0)
              for name in sides}
    peaks = [matmul_peak(args.threads)]
    # Alternate the two sides in rounds, with a peak measurement between runs, so that other
    # processes sharing the cores weigh on both sides alike.
    for round_no in range(args.rounds):
        for name, overrides in sides.items():
            print(f"round {round_no + 1}/{args.rounds}: {name}, {steps[name]} steps", flush=True)
            run_once(name, prepared, model_config, steps[name], totals[name], **overrides)
            peaks.append(matmul_peak(args.threads))
    peak = {kind: max(p[kind] for p in peaks) for kind in ("wall", "cpu")}
    print(f"fp32 matmul peak: {peak['wall']:.1f} GFLOP/s wall, {peak['cpu']:.1f} per CPU-second x threads", flush=True)
    seeds = summarise("seeds", totals["seeds"], peak, args.threads)
    default = summarise("default", totals["default"], peak, args.threads)
    speedup = default["samples_per_second"] / seeds["samples_per_second"]
    cpu_speedup = default["samples_per_cpu_second_x_threads"] / seeds["samples_per_cpu_second_x_threads"]
    results = {
        "data": f"KLUE YNAT train, {args.train_rows} rows, via trainer_core.loaders.load_file",
        "model": "all-MiniLM-L6-v2 (built-in), Trainer backend, fp32",
        "batch_size": BATCH_SIZE, "threads": args.threads,
        "matmul_peak_gflops": round(peak["wall"], 1), "matmul_peak_gflops_cpu": round(peak["cpu"], 1),
        "matmul_peak_runs": [round(p["wall"], 1) for p in peaks],
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "seeds_recipe": seeds, "default": default,
        "speedup": round(speedup, 1), "speedup_by_cpu_time": round(cpu_speedup, 1),
        "goals": {"speedup": GOAL_SPEEDUP, "peak_share": GOAL_PEAK_SHARE},
        "met": {"speedup": speedup >= GOAL_SPEEDUP, "peak_share": default["peak_share"] >= GOAL_PEAK_SHARE},
        "met_by_cpu_time": {"speedup": cpu_speedup >= GOAL_SPEEDUP,
                            "peak_share": default["cpu_peak_share"] >= GOAL_PEAK_SHARE},
        "load_average_1m": round(os.getloadavg()[0], 2),
        "torch": torch.__version__, "transformers": transformers.__version__, "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }
    out = write_json(ROOT / "bench" / "results" / "throughput.json", results)
    print(f"speedup {speedup:.1f}x (by CPU time {cpu_speedup:.1f}x; goal {GOAL_SPEEDUP:.0f}x); default at "
          f"{default['peak_share']:.1%} of the {peak['wall']:.0f} GFLOP/s matmul peak (by CPU time "
          f"{default['cpu_peak_share']:.1%}; goal {GOAL_PEAK_SHARE:.0%}) -> {out}")


if __name__ == "__main__":
    main()
