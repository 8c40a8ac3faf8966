"""What every bench shares: run offline as the app does, find this project, write figures.

Import it before torch, transformers or gradio: the environment it sets is read when they load.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"  # real public data, when it sits beside the project
RESULTS = ROOT / "bench" / "results"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # as app.py sets it
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def passive_omp() -> None:
    """As app.py and the tests: idle OpenMP threads sleep instead of spinning. Call before importing torch.

    With spinning threads, any other busy process on the 2 cores made torch many times slower
    (measured here: a MiniLM step 0.9 s vs 3-7 s; one Classify call 13 ms vs 450 ms).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def write_json(path: Path, data: dict) -> Path:
    """Write ``data`` to ``path`` (JSON, UTF-8, Korean kept readable), creating its folder; returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo (the platform's guess elsewhere)."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def cpu_kind() -> str:
    """The kind of CPU by its matmul instructions, from /proc/cpuinfo flags: amx, avx512_bf16, avx2 or other.

    Results files are named for it, so a run on one kind of machine never overwrites another's.
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            flags = set(next(line.split(":", 1)[1].split() for line in info if line.startswith("flags")))
    except (OSError, StopIteration):
        return "other"
    for kind, flag in (("amx", "amx_bf16"), ("avx512_bf16", "avx512_bf16"), ("avx2", "avx2")):
        if flag in flags:
            return kind
    return "other"


def load_average() -> float:
    """The 1-minute load average: other processes on the shared cores skew every timing."""
    return round(os.getloadavg()[0], 2)


def stop_app(proc) -> None:
    """Stop a launched ``python app.py``: politely, then for sure."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
