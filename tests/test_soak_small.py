"""The soak benchmark, small: 40 classify requests from 8 concurrent clients against ``python app.py``.

Asserts what must always hold: no failed request, every answer equal to what a single client
gets for the same text (so one user's result never reaches another), the server still answers.
Latency and memory figures are measured by ``bench/bench_soak.py`` and reported, never asserted.
The model is a real tiny trained run whose scores differ from text to text, so a mix-up shows.
"""
import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures_classify import spread_bert_dir, tiny_run_dir  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def test_forty_requests_from_eight_clients_all_get_their_own_answer(tiny_run_dir):
    out = ROOT / "tests" / "artifacts" / "soak-small.json"
    run = subprocess.run([sys.executable, "bench/bench_soak.py", "--requests", "40", "--clients", "8",
                          "--model", str(tiny_run_dir), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads(out.read_text("utf-8"))
    assert report["errors"] == 0, report["error_samples"]
    assert report["completed"] == 40 and report["server_alive_after"]
    assert report["compared_with_single_client"] == 40 and report["mismatches"] == 0, report["mismatch_samples"]
    assert report["distinct_answers"] > 1  # the texts get different scores, so a swapped answer would show
    assert report["rss_before_mb"] > 0 and report["rss_series_mb"]  # memory was sampled during the soak
