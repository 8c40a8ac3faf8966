"""Dataset tab speed on KLUE YNAT train (45,678 Korean headlines), loaded through the upload path.

- describe (splits, features, label distribution, blank cells): goal under 2 s; baseline in
  the same run: counting labels by iterating the column in Python (``Counter(ds["label"])``).
- token-length statistics over all rows with the built-in tokenizer (MiniLM), percentiles and
  truncated share: goal under 5 s; baseline: the plain batched ``tokenizer(texts)`` call
  (lengths from its ``input_ids``). Tokenizer loading is reported separately.
- prepare (seeded, stratified 10,000/1,000/1,000): against the same splits made the way the
  emitted code makes them (``class_encode_column`` + ``train_test_split(stratify_by_column=)``
  twice), and checked to be identical to it and across two runs.

Uses ../shared/data when present, else the bundled ynat_ko sample (then the figures say so).
Writes bench/results/dataset.json.

    python bench/bench_dataset.py [--repeats 3] [--max-length 128]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections import Counter

from _common import ROOT, SHARED, write_json  # sets the offline environment: before torch loads
YNAT = SHARED / "ynat" / "ynat_train.tsv"

GOAL_DESCRIBE_S = 2.0
GOAL_TOKENS_S = 5.0


def _best(fn, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def _data():
    from trainer_core.loaders import load_file_with_source, load_source, sample_source

    if YNAT.is_file():
        start = time.perf_counter()
        dsd, source = load_file_with_source(YNAT, max_bytes=50 * 2**20, name=YNAT.name)
        return dsd, source, "KLUE YNAT train via the upload path (shared data)", time.perf_counter() - start
    start = time.perf_counter()
    dsd, source = load_source(sample_source("ynat_ko"))
    return dsd, source, "bundled ynat_ko sample (shared data absent)", time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=128)
    args = parser.parse_args()

    from datasets import disable_caching
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()
    disable_caching()  # else a second run reads the baseline's split indices from the cache
    from trainer_core.data import prepare
    from trainer_core.data_describe import describe, token_length_stats, token_lengths
    from trainer_core.sources import load_tokenizer

    dsd, source, data_name, load_s = _data()
    ds = dsd["train"]
    text = "text" if "text" in ds.column_names else "title"
    print(f"data: {data_name}, {ds.num_rows:,} rows; load {load_s:.2f} s")

    describe_s, describe_med, summary = _best(lambda: describe(dsd), args.repeats)
    count_s, _, counts = _best(lambda: Counter(ds["label"]), args.repeats)
    assert sum(n for _, n in summary["distribution"]["train"]) == sum(counts.values()) == ds.num_rows
    print(f"describe: {describe_s:.3f} s (goal < {GOAL_DESCRIBE_S} s); Python Counter baseline {count_s:.3f} s")

    start = time.perf_counter()
    tok = load_tokenizer("default")
    tok_load_s = time.perf_counter() - start
    stats_s, stats_med, stats = _best(
        lambda: token_length_stats(ds, tok, text, max_length=args.max_length), args.repeats)
    texts = list(ds[text])
    plain_s, _, plain = _best(lambda: tok(texts, truncation=False)["input_ids"], args.repeats)
    assert [len(x) for x in plain] == token_lengths(ds, tok, text).tolist()
    print(f"token lengths over {stats['rows']:,} rows: {stats_s:.2f} s (goal < {GOAL_TOKENS_S} s); "
          f"plain tokenizer(texts) baseline {plain_s:.2f} s; tokenizer load {tok_load_s:.2f} s")
    print(f"  p50 {stats['percentiles']['50']:.0f}, p95 {stats['percentiles']['95']:.0f}, "
          f"max {stats['max']}, truncated at {args.max_length}: {stats['truncated_share']:.2%}")

    sizes = (10_000, 1_000, 1_000) if ds.num_rows > 12_000 else (0, max(7, ds.num_rows // 10), 0)
    kw = dict(train_rows=sizes[0] or None, eval_rows=sizes[1], test_rows=sizes[2], seed=42)
    prep_s, prep_med, prepared = _best(lambda: prepare(dsd, **kw), args.repeats)
    again = prepare(dsd, **kw)
    same_runs = all(prepared.splits[k].to_dict() == again.splits[k].to_dict() for k in prepared.splits)

    def with_datasets_calls():
        plan = prepared.report["plan"]
        base = ds.class_encode_column("label") if plan["label_kind"] == "string" else ds
        h = plan["holdout"]
        parts = base.train_test_split(train_size=h["train"], test_size=h["test"], seed=42,
                                      stratify_by_column="label" if h["stratify"] else None)
        if "inner" not in plan:
            return {"train": parts["train"], "validation": parts["test"]}
        i = plan["inner"]
        held = parts["test"].train_test_split(train_size=i["train"], test_size=i["test"], seed=42,
                                              stratify_by_column="label" if i["stratify"] else None)
        return {"train": parts["train"], "validation": held["train"], "test": held["test"]}

    base_s, _, base = _best(with_datasets_calls, 1)
    same_as_code = all(base[k].to_dict() == prepared.splits[k].to_dict() for k in prepared.splits)
    print(f"prepare {prepared.report['rows']}: {prep_s:.3f} s; datasets train_test_split way {base_s:.2f} s "
          f"({base_s / prep_s:.0f}x); identical to it: {same_as_code}; identical across runs: {same_runs}")

    result = {
        "data": data_name, "rows": ds.num_rows, "labels": summary["label_names"],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "tokenizers_parallelism": os.environ.get("TOKENIZERS_PARALLELISM"),
                    # other work on the machine slows every figure; kept so runs can be compared
                    "load_average_1min": round(os.getloadavg()[0], 2)},
        "load_upload_s": round(load_s, 3),
        "describe": {"best_s": round(describe_s, 4), "median_s": round(describe_med, 4), "goal_s": GOAL_DESCRIBE_S,
                     "meets_goal": describe_s < GOAL_DESCRIBE_S, "baseline_python_counter_s": round(count_s, 4),
                     "speedup_vs_baseline": round(count_s / describe_s, 1)},
        "token_lengths": {"rows": stats["rows"], "best_s": round(stats_s, 3), "median_s": round(stats_med, 3),
                          "goal_s": GOAL_TOKENS_S, "meets_goal": stats_s < GOAL_TOKENS_S,
                          "baseline_tokenizer_call_s": round(plain_s, 3),
                          "speedup_vs_baseline": round(plain_s / stats_s, 2), "tokenizer_load_s": round(tok_load_s, 3),
                          "max_length": args.max_length, "percentiles": stats["percentiles"],
                          "truncated_share": round(stats["truncated_share"], 4)},
        "prepare": {"rows": prepared.report["rows"], "best_s": round(prep_s, 4), "median_s": round(prep_med, 4),
                    "baseline_train_test_split_s": round(base_s, 3), "speedup_vs_baseline": round(base_s / prep_s, 1),
                    "identical_to_datasets_calls": same_as_code, "identical_across_runs": same_runs},
    }
    out = write_json(ROOT / "bench" / "results" / "dataset.json", result)
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
