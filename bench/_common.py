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
    """The CPU's model name, as /proc/cpuinfo gives it."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def cpu_kind() -> str:
    """The kind of CPU a figure belongs to, from its flags: amx, avx512_bf16, avx2 or other."""
    try:
        flags = next((line.split(":", 1)[1].split() for line in open("/proc/cpuinfo", encoding="utf-8")
                      if line.startswith("flags")), [])
    except OSError:
        flags = []
    for kind, flag in (("amx", "amx_bf16"), ("avx512_bf16", "avx512_bf16"), ("avx2", "avx2")):
        if flag in flags:
            return kind
    return "other"
