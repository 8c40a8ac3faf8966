"""Start-up: how long ``python app.py`` takes from launch to its first page (goal: 6 s).

Launches the app on a free loopback port (offline, as the tests and the Space run it),
times until ``GET /`` answers with the page, stops it, and repeats ``--runs`` times. The
time is measured here and only here: tests/test_app_smoke.py checks that the app serves.

Writes bench/results/startup-<kind>.json, one file per kind of CPU (amx, avx512_bf16, avx2,
other, read from /proc/cpuinfo flags), with the CPU's name and the load average before and
after: other processes on the shared cores make every figure slower.

    python bench/bench_startup.py [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from _common import RESULTS, ROOT, cpu_kind, cpu_name, load_average, stop_app, write_json

GOAL_S = 6.0
GIVE_UP_S = 120.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_first_page() -> float:
    """Seconds from ``python app.py`` to a served page holding the app's title."""
    port = _free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1",
               FTS_RUNS_DIR=tempfile.mkdtemp(prefix="fts-startup-runs-"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        while time.perf_counter() - start < GIVE_UP_S:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read().decode()
                if "Fine-Tune Studio" in body:
                    return time.perf_counter() - start
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:])
            time.sleep(0.05)
        raise RuntimeError(f"no page after {GIVE_UP_S:.0f} s")
    finally:
        stop_app(proc)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    kind, load_before = cpu_kind(), load_average()
    seconds = [round(time_to_first_page(), 2) for _ in range(args.runs)]
    report = {
        "goal_s_to_first_page": GOAL_S,
        "runs_s": seconds,
        "median_s": round(statistics.median(seconds), 2), "best_s": min(seconds), "worst_s": max(seconds),
        "meets_goal": statistics.median(seconds) <= GOAL_S,
        "machine": {"cpu": cpu_name(), "cpu_kind": kind, "cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_1min_at_start": load_before, "load_average_1min_at_end": load_average()},
    }
    dest = write_json(RESULTS / f"startup-{kind}.json", report)
    print(f"first page after {report['median_s']} s (median of {args.runs}; goal {GOAL_S} s) on {report['machine']['cpu']}, "
          f"load {load_before} -> {report['machine']['load_average_1min_at_end']}; -> {dest}")
    return report


if __name__ == "__main__":
    main()
