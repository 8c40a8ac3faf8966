"""Classify speed with the built-in model (all-MiniLM-L6-v2), server side.

Per request: ``Predictor.predict([headline])`` — what the Classify tab's handler runs
for one text — p50/p95 over many calls (goal: p50 <= 8 ms). The served predictor is the
app's default, precision 'auto' (bf16 on a CPU with AMX or AVX512-BF16, fp32 elsewhere). Baselines
measured in the same run, round-robin: the fp32 predictor, the bare fp32 direct call
(tokenizer + forward + softmax, no wrapper) and the transformers ``pipeline`` call.
Batched throughput: texts/s over 512 texts with batch 32 and 64 (goal >= 600 texts/s on
2 cores), against fp32 and one-at-a-time in the same run.

Fidelity: what bf16 costs. The same weights in fp32 and bf16 score the same texts; the
file records the largest probability gap and how often the top label agrees. With
``--fidelity-run DIR`` (repeatable) it does so for trained runs too, e.g. runs made by
    python -m trainer_core train --model default --train-file ../shared/data/mrpc/train.tsv \
        --train-rows 3000 --eval-rows 500 --epochs 2 --output-dir /tmp/runs/mrpc

Texts: KLUE YNAT headlines read through the project's loader when ../shared/data is
present (else the bundled Korean sample), and English MRPC sentences (else the bundled
English sample). Note that MiniLM's English vocabulary turns Hangul into jamo, so a
Korean headline is far more tokens than an English one of the same length.
Writes bench/results/inference-<isa>.json, one file per kind of CPU (amx, avx512_bf16, fp32):
the figures differ by 2-4x between them, and both kinds run this project.

    python bench/bench_inference.py [--requests 300] [--texts 512] [--fidelity-run DIR ...]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from _common import ROOT, SHARED, cpu_name, passive_omp, write_json  # sets the offline environment: before torch loads

passive_omp()  # before torch loads

GOAL_P50_MS = 8.0
GOAL_TEXTS_PER_S = 600.0


def _texts(kind: str, n: int) -> tuple[list[str], str]:
    from trainer_core.loaders import load_file, load_sample

    if kind == "ko":
        path = SHARED / "ynat" / "ynat_train.tsv"
        if path.is_file():
            return list(load_file(path)["train"].select(range(n))["text"]), "KLUE YNAT train (shared data)"
        ds = load_sample("ynat_ko")["train"]
        return [ds["title"][i % ds.num_rows] for i in range(n)], "bundled ynat_ko sample"
    path = SHARED / "mrpc" / "train.tsv"
    if path.is_file():
        return list(load_file(path)["train"].select(range(n))["#1 String"]), "GLUE MRPC train #1 String (shared data)"
    ds = load_sample("mrpc_en")["train"]
    return [ds["sentence1"][i % ds.num_rows] for i in range(n)], "bundled mrpc_en sample"


def _percentiles(fns: dict, repeats: int) -> dict:
    """p50/p95 of each callable, measured round-robin so background load hits all of them alike."""
    for fn in fns.values():
        for _ in range(20):
            fn()  # warm-up: first calls allocate and tune kernels
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    out = {}
    for name, ts in times.items():
        ts.sort()
        out[name] = {"p50_ms": round(statistics.median(ts), 2), "p95_ms": round(ts[int(0.95 * (len(ts) - 1))], 2),
                     "min_ms": round(ts[0], 2)}
    return out


def _throughput(fn, texts: list[str], repeats: int = 2) -> float:
    fn(texts[:64])  # warm-up
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn(texts)
        best = max(best, len(texts) / (time.perf_counter() - start))
    return round(best, 1)


def _matmul_peak_gflops(dtype_name: str = "float32") -> float:
    """Matmul rate of this CPU right now in one dtype: the ceiling for batched inference."""
    import torch

    dtype = getattr(torch, dtype_name)
    a, b = torch.randn(1024, 1024, dtype=dtype), torch.randn(1024, 1024, dtype=dtype)
    a @ b
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            a @ b
        best = max(best, 10 * 2 * 1024**3 / (time.perf_counter() - start) / 1e9)
    return round(best, 1)


def _twin_in(predictor, precision: str):
    """The same weights (and the same random head, for the built-in model) in another precision."""
    import copy
    import dataclasses
    import threading

    from trainer_core.precision import to_precision

    assert predictor.precision == "fp32", "twins are made from the fp32 weights"
    model = to_precision(copy.deepcopy(predictor.model), precision)  # the app's own conversion
    return dataclasses.replace(predictor, model=model, precision=precision, _lock=threading.Lock(), _pipe=None)


def _fidelity(exact, fast, texts: list[str], pairs: list[str] | None = None) -> dict:
    """How far bf16 scores are from fp32 ones on the same texts, and how often the top label agrees."""
    a, b = exact.predict(texts, pairs), fast.predict(texts, pairs)
    gaps = [abs(x.scores[k] - y.scores[k]) for x, y in zip(a, b) for k in x.scores]
    margins = [sorted(x.scores.values())[-1] - sorted(x.scores.values())[-2] for x in a]
    return {"texts": len(texts), "labels": len(exact.labels), "max_abs_prob_gap": round(max(gaps), 4),
            "mean_abs_prob_gap": round(sum(gaps) / len(gaps), 5),
            "top_label_agreement": round(sum(x.label == y.label for x, y in zip(a, b)) / len(a), 4),
            "median_fp32_top_margin": round(statistics.median(margins), 4)}


def _run_fidelity(run_dir: str, n: int) -> dict:
    """bf16 vs fp32 on a trained run, over texts of the data it was trained on (past its rows)."""
    from trainer_core.inference import Predictor

    from trainer_core.config import TrainConfig
    from trainer_core.loaders import load_file

    exact = Predictor.load(run_dir, precision="fp32")
    info = exact.run_info
    path = Path(TrainConfig.load(Path(run_dir) / "config.yaml").train_file or "")
    if not path.is_file():
        return {"run": run_dir, "skipped": "the run's train_file is not on this machine"}
    ds = load_file(path)["train"]
    ds = ds.select(range(max(0, ds.num_rows - n), ds.num_rows))  # the last rows: a 3000-row run never saw them
    texts = list(ds[info["mapping"]["text"]])
    pair_col = info["mapping"].get("text_pair")
    pairs = list(ds[pair_col]) if pair_col else None
    out = _fidelity(exact, _twin_in(exact, "bf16"), texts, pairs)
    return {"run": run_dir, "eval_accuracy": info.get("eval_accuracy"), "data": path.name, **out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--fidelity-run", action="append", default=[],
                        help="a trained run folder: also measure bf16 against fp32 on its data")
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 2)  # other processes on the 2 cores skew every figure

    import torch

    from trainer_core.inference import Predictor
    from trainer_core.precision import bf16_isa, resolve_precision

    exact = Predictor.load("default", precision="fp32")
    # What the app serves (precision 'auto'), built from the same weights so the untrained
    # head is the same random one in both and the fidelity figures compare like with like.
    served_precision = resolve_precision("auto")
    served = exact if served_precision == "fp32" else _twin_in(exact, served_precision)
    tok, model = exact.tokenizer, exact.model
    pipe = exact.pipeline()

    def bare(text):
        with torch.inference_mode():
            enc = tok(text, truncation=True, max_length=exact.max_length, return_tensors="pt")
            return model(**enc).logits.softmax(-1)

    peaks = {"float32": _matmul_peak_gflops("float32"), "bfloat16": _matmul_peak_gflops("bfloat16")}
    cpu, isa = cpu_name(), bf16_isa()
    print(f"{cpu}: served in {served.precision} (bf16 instructions: {isa}); "
          f"matmul peak now: {peaks} GFLOP/s")
    dense_params = sum(p.numel() for n, p in model.named_parameters() if "embeddings" not in n)
    results = {}
    for kind in ("ko", "en"):
        texts, source = _texts(kind, args.texts)
        one = texts[0]
        latency = _percentiles({
            "predictor": lambda: served.predict([one]),
            "baseline_fp32_predictor": lambda: exact.predict([one]),
            "baseline_bare_fp32_direct_call": lambda: bare(one),
            "baseline_fp32_pipeline_call": lambda: pipe(one, top_k=None, truncation=True),
        }, args.requests)
        tokens = [len(ids) for ids in tok(texts, truncation=True, max_length=exact.max_length)["input_ids"]]
        throughput = {f"batch_{b}": _throughput(lambda xs, b=b: served.predict(xs, batch_size=b), texts)
                      for b in (32, 64)}
        throughput["baseline_fp32_batch_64"] = _throughput(lambda xs: exact.predict(xs, batch_size=64), texts)
        throughput["baseline_one_at_a_time"] = _throughput(
            lambda xs: [served.predict([x]) for x in xs], texts[:128], repeats=1)
        # Matmul work per token ~ 2 x non-embedding parameters (attention scores add little at
        # these lengths): shows how close the batched path is to the CPU's matmul peak.
        tokens_per_s = throughput["batch_64"] * sum(tokens) / len(tokens)
        throughput["tokens_per_s_batch_64"] = round(tokens_per_s)
        throughput["approx_gflops_batch_64"] = round(2 * dense_params * tokens_per_s / 1e9, 1)
        p50 = latency["predictor"]["p50_ms"]
        best = max(throughput["batch_32"], throughput["batch_64"])
        results[kind] = {
            "source": source, "headline": one, "headline_tokens": len(tok(one)["input_ids"]),
            "mean_tokens_per_text": round(sum(tokens) / len(tokens), 1), "texts": len(texts),
            "latency": latency,
            "ratio_fp32_to_served_p50": round(latency["baseline_fp32_predictor"]["p50_ms"] / p50, 2),
            "throughput_texts_per_s": throughput,
            "ratio_served_to_fp32_batch_64": round(throughput["batch_64"] / throughput["baseline_fp32_batch_64"], 2),
            "ratio_batch32_to_one_at_a_time": round(throughput["batch_32"] / throughput["baseline_one_at_a_time"], 1),
            # Built-in model: its head is untrained (random but the same in both precisions).
            "fidelity_bf16_vs_fp32": _fidelity(exact, _twin_in(exact, "bf16"), texts),
            "meets_latency_goal": p50 <= GOAL_P50_MS,
            "meets_throughput_goal": best >= GOAL_TEXTS_PER_S,
        }
        print(f"[{kind}] {source}: headline {results[kind]['headline_tokens']} tokens; served ({served.precision}) "
              f"p50 {p50} ms (p95 {latency['predictor']['p95_ms']}), fp32 predictor "
              f"{latency['baseline_fp32_predictor']['p50_ms']} ms, bare fp32 call "
              f"{latency['baseline_bare_fp32_direct_call']['p50_ms']} ms, fp32 pipeline "
              f"{latency['baseline_fp32_pipeline_call']['p50_ms']} ms; throughput b32 {throughput['batch_32']}/s, "
              f"b64 {throughput['batch_64']}/s (~{throughput['approx_gflops_batch_64']} GFLOP/s), fp32 b64 "
              f"{throughput['baseline_fp32_batch_64']}/s, one-at-a-time {throughput['baseline_one_at_a_time']}/s "
              f"(mean {results[kind]['mean_tokens_per_text']} tokens/text); bf16 vs fp32: "
              f"{results[kind]['fidelity_bf16_vs_fp32']}")

    trained = [_run_fidelity(run, args.texts) for run in args.fidelity_run]
    for entry in trained:
        print(f"fidelity on a trained run: {entry}")
    out = {
        "what": "Classify with the built-in model (all-MiniLM-L6-v2), server side: Predictor.predict",
        "goals": {"p50_ms_one_headline": GOAL_P50_MS, "texts_per_s_batched": GOAL_TEXTS_PER_S},
        "served_precision": served.precision,
        "requests": args.requests,
        "machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(), "cpu": cpu, "bf16_isa": isa,
                    "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "python": platform.python_version(),
                    "torch": torch.__version__, "load_average_1min_at_start": load_at_start,
                    "load_average_1min_at_end": round(os.getloadavg()[0], 2)},
        "matmul_peak_gflops": peaks,
        "results": results,
        "fidelity_on_trained_runs": trained,
    }
    dest = write_json(ROOT / "bench" / "results" / f"inference-{isa or 'fp32'}.json", out)
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
