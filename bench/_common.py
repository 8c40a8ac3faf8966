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
    """The CPU's model name from /proc/cpuinfo (what a figure was measured on)."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def cpu_kind() -> dict:
    """Name and matmul ISA kind (amx / avx512_bf16 / fp32) of this CPU: results files are kept per kind."""
    from trainer_core.precision import bf16_isa

    return {"name": cpu_name(), "bf16_isa": bf16_isa() or "fp32", "cpus": os.cpu_count()}
