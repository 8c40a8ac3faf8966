"""The soak benchmark, small: 40 classify requests from 8 concurrent clients against ``python app.py``.

Asserts only what must always hold (no failed request, the server still answers); latency
and memory figures are measured by ``bench/bench_soak.py`` and reported, never asserted.
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_forty_requests_from_eight_clients_all_answer():
    out = ROOT / "tests" / "artifacts" / "soak-small.json"
    run = subprocess.run([sys.executable, "bench/bench_soak.py", "--requests", "40", "--clients", "8",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads(out.read_text("utf-8"))
    assert report["errors"] == 0, report["error_samples"]
    assert report["completed"] == 40 and report["server_alive_after"]
    assert report["rss_before_mb"] > 0 and report["rss_series_mb"]  # memory was sampled during the soak
