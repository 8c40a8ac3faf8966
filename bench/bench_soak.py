"""Soak: many classify requests from concurrent gradio_client clients against the launched app.

Starts ``python app.py`` on 127.0.0.1 (a free port, offline), warms the model up, then:

1. baseline: 20 requests from one client, one after the other (the latency of a quiet app);
2. soak: ``--requests`` requests (default 500) from ``--clients`` (default 8) concurrent
   clients, each with its own gradio_client session, texts drawn from the bundled samples.

Every soak answer is compared with what the quiet client alone gets for the same text
(``mismatches``, goal: 0): a request answered with another user's result counts as wrong.
Reports errors (goal: 0), p50/p95/max latency and their ratio to the baseline, throughput,
and the server's resident memory (psutil) after warm-up, half-way and at the end, so a leak
shows as growth. Writes bench/results/soak.json (or ``--out``).

    python bench/bench_soak.py [--requests 500] [--clients 8] [--model default] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from _common import ROOT, stop_app, write_json  # sets the offline environment: before torch loads
BASELINE_REQUESTS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(runs_dir: str, log_path: Path, timeout: float = 90.0):
    """``python app.py`` on a free loopback port, offline; returns (process, url)."""
    port = _free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1", HF_HUB_OFFLINE="1",
               HF_DATASETS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", FTS_RUNS_DIR=runs_dir)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    start = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.perf_counter() - start > timeout:
                proc.kill()
                raise RuntimeError(f"the app did not start; see {log_path}")
            time.sleep(0.25)


def texts_pool(n: int = 200) -> list[str]:
    """Texts of every kind the app meets: Korean headlines, English reviews (some long), sentence pairs."""
    out = []
    for name, keys in (("ynat_ko.jsonl", ("title",)), ("imdb_en.jsonl", ("text",)), ("mrpc_en.jsonl", ("sentence1",))):
        for line in (ROOT / "trainer_core" / "samples" / name).read_text("utf-8").splitlines():
            row = json.loads(line)
            out.extend(str(row[k]) for k in keys if k in row)
    random.Random(0).shuffle(out)
    return out[:n]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


SERVER_MS = re.compile(r"Model A: ([0-9.]+) ms on the server")


SCORE_TOLERANCE = 1e-4  # the same text alone or among concurrent requests: the same scores, to float noise


def _classify(client, model: str, text: str) -> tuple[float, float, dict]:
    """(round-trip ms as the client sees it, the model's own ms as the server reports it, label -> score)."""
    start = time.perf_counter()
    label, _b, latency, *_ = client.predict(model, "", text, "", 3, "auto", "en", api_name="/classify")
    elapsed = (time.perf_counter() - start) * 1000
    found = SERVER_MS.search(str(latency))
    if not isinstance(label, dict) or "label" not in label or not found:
        raise RuntimeError(f"unexpected answer: {str(label)[:100]} {str(latency)[:100]}")
    return elapsed, float(found.group(1)), {c["label"]: c["confidence"] for c in label.get("confidences", [])}


def mismatches(answers: list[tuple[str, dict]], truth: dict[str, dict]) -> list[str]:
    """The concurrent answers that differ from the single-client answer for the same text."""
    wrong = []
    for text, got in answers:
        want = truth[text]
        if got.keys() != want.keys() or any(abs(got[k] - want[k]) > SCORE_TOLERANCE for k in want):
            wrong.append(f"{text[:60]!r}: {got} instead of {want}")
    return wrong


def soak(url: str, pid: int, requests: int, clients: int, model: str) -> dict:
    from gradio_client import Client

    pool = texts_pool()
    latencies: list[float] = []
    server: list[float] = []
    answers: list[tuple[str, dict]] = []  # (text, label -> score) of every soak request
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    marks = {requests * k // 10 for k in range(1, 10)}
    series: list[tuple[int, float]] = []  # (requests started, server RSS MB): a leak shows as a steady climb

    def worker(seed: int):
        rng = random.Random(seed)
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # noqa: BLE001 - a client that cannot connect is an error to report
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}"[:300])
            return
        while True:
            with lock:
                i = next(counter, None)
                if i in marks:
                    series.append((i, round(rss_mb(pid), 1)))
            if i is None:
                return
            text = rng.choice(pool)
            try:
                ms, server_ms, scores = _classify(client, model, text)
                with lock:
                    latencies.append(ms)
                    server.append(server_ms)
                    answers.append((text, scores))
            except Exception as exc:  # noqa: BLE001 - counted and reported, the soak goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {"latencies": latencies, "server_ms": server, "answers": answers, "errors": errors, "wall_s": wall,
            "rss_series": series}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--model", default="default", help="what to classify with (default: built-in MiniLM)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "soak.json"))
    args = parser.parse_args(argv)

    from gradio_client import Client

    runs_dir = tempfile.mkdtemp(prefix="fts-soak-runs-")
    proc, url = start_app(runs_dir, ROOT / "tests" / "artifacts" / "soak-app.log")
    try:
        quiet = Client(url, verbose=False)
        pool = texts_pool()
        _classify(quiet, args.model, pool[0])  # loads the model once
        rss_before = rss_mb(proc.pid)
        baseline = [_classify(quiet, args.model, pool[i % len(pool)])[0] for i in range(BASELINE_REQUESTS)]
        result = soak(url, proc.pid, args.requests, args.clients, args.model)
        rss_after = rss_mb(proc.pid)
        truth = {text: _classify(quiet, args.model, text)[2] for text in {text for text, _ in result["answers"]}}
        alive = proc.poll() is None
        after_ok = alive and isinstance(quiet.predict(args.model, "", "still here?", "", 3, "auto", "en",
                                                      api_name="/classify")[0], dict)
    finally:
        stop_app(proc)

    lat, series = result["latencies"], result["rss_series"]
    wrong = mismatches(result["answers"], truth)
    base_p50 = statistics.median(baseline)
    mid = next((mb for n, mb in series if n >= args.requests // 2), None)
    report = {
        "requests": args.requests, "clients": args.clients, "model": args.model,
        "completed": len(lat), "errors": len(result["errors"]), "error_samples": result["errors"][:5],
        "server_alive_after": bool(after_ok),
        "compared_with_single_client": len(result["answers"]),
        "distinct_answers": len({tuple(sorted(scores.items())) for scores in truth.values()}),
        "mismatches": len(wrong), "mismatch_samples": wrong[:5],
        "baseline_p50_ms": round(base_p50, 1),
        "p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1),
        "max_ms": round(max(lat), 1) if lat else None,
        "server_model_p50_ms": round(percentile(result["server_ms"], 50), 1),
        "server_model_p95_ms": round(percentile(result["server_ms"], 95), 1),
        "p50_vs_baseline": round(percentile(lat, 50) / base_p50, 2) if lat else None,
        "p95_vs_baseline": round(percentile(lat, 95) / base_p50, 2) if lat else None,
        "throughput_rps": round(len(lat) / result["wall_s"], 1),
        "wall_s": round(result["wall_s"], 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_mid_mb": mid,
        "rss_after_mb": round(rss_after, 1),
        "rss_growth_mb": round(rss_after - rss_before, 1),
        "rss_growth_second_half_mb": round(rss_after - mid, 1) if mid else None,
        "rss_series_mb": sorted(series),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    out = write_json(Path(args.out), report)
    print(f"{report['completed']}/{args.requests} requests from {args.clients} clients, {report['errors']} errors, "
          f"{report['mismatches']} answers unlike the single client's; "
          f"p50 {report['p50_ms']} ms ({report['p50_vs_baseline']}x a quiet app's {report['baseline_p50_ms']} ms), "
          f"p95 {report['p95_ms']} ms ({report['p95_vs_baseline']}x); model time on the server p50 "
          f"{report['server_model_p50_ms']} ms; {report['throughput_rps']} req/s; "
          f"RSS {report['rss_before_mb']} -> {report['rss_mid_mb']} -> {report['rss_after_mb']} MB; -> {out}")
    return report


if __name__ == "__main__":
    report = main()
    sys.exit(0 if report["errors"] == 0 and report["mismatches"] == 0 and report["server_alive_after"] else 1)
