"""Run directories: where each training run is saved, and how to list and read them back.

A run directory is a complete, portable result: config.yaml, metrics.jsonl,
results.json, the model and tokenizer (``from_pretrained(run_dir)`` just works), a
model card and the evaluation predictions.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from .errors import StudioError

RUN_MARKERS = ("config.yaml", "results.json")


def runs_root() -> Path:
    """``FTS_RUNS_DIR``, else ``runs`` here; on a Space (absolute, and by default outside the working
    directory, so no relative name a visitor types can reach a run) the temporary folder's ``fts-runs``."""
    from .space import on_space

    configured = os.environ.get("FTS_RUNS_DIR")
    if not on_space():
        return Path(configured or "runs")
    import tempfile

    return Path(configured or Path(tempfile.gettempdir(), "fts-runs")).resolve()


def owner_tag(owner: str | None) -> str | None:
    """What a run records of who started it: a hash, since the owner id itself can stop jobs."""
    if not owner:
        return None
    import hashlib

    return hashlib.sha256(str(owner).encode("utf-8")).hexdigest()[:16]


def _slug(text: str) -> str:
    tail = str(text).rstrip("/\\").replace("\\", "/").split("/")[-1] or "model"
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", tail).strip("-.")[:40] or "model"


SPACE_KEEP_RUNS = 10          # on a shared Space: at most this many finished runs are kept ...
SPACE_KEEP_MB = 3000          # ... and at most this much disk in all (FTS_SPACE_KEEP_RUNS / FTS_SPACE_KEEP_MB)
_FINISHED = ("completed", "stopped", "failed")


def folder_bytes(path: Path) -> int:
    """Bytes of every file under ``path`` (what a run folder costs on disk)."""
    total = 0
    for item in Path(path).rglob("*"):
        try:
            if item.is_file() and not item.is_symlink():
                total += item.stat().st_size
        except OSError:
            continue
    return total


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default


def prune_runs(root: Path, keep_runs: int, keep_bytes: int) -> list[Path]:
    """Delete the oldest *finished* runs under ``root`` until at most ``keep_runs`` remain and they fit in
    ``keep_bytes``; a run still going (no finished results.json) is never touched. Returns what went."""
    import shutil

    finished = []
    for path in root.iterdir() if root.is_dir() else []:
        results = _read_json(path / "results.json")
        if (path / "config.yaml").is_file() and results.get("status") in _FINISHED:
            finished.append((results.get("finished") or results.get("created") or 0, path))
    finished.sort()  # oldest first
    sizes = {path: folder_bytes(path) for _, path in finished}
    total, removed = sum(sizes.values()), []
    while finished and (len(finished) > keep_runs or total > keep_bytes):
        _, path = finished.pop(0)
        shutil.rmtree(path, ignore_errors=True)
        total -= sizes[path]
        removed.append(path)
    return removed


def new_run_dir(config) -> Path:
    """``config.output_dir`` if given (a fresh or previous run folder), else runs/<time>-<model>-<backend>-<random>.

    The random part (48 bits) makes a run's name unguessable from its start time, model and backend.
    """
    if config.output_dir:
        path = Path(config.output_dir).expanduser()
        if path.exists() and not path.is_dir():
            raise StudioError("err.train_output_not_dir", path=str(path))
        if path.is_dir():
            entries = [p.name for p in path.iterdir()]
            # Re-using a previous run's folder is fine; writing into an unrelated folder is not.
            if entries and not any(m in entries for m in RUN_MARKERS):
                raise StudioError("err.train_output_not_empty", path=str(path),
                                  found=", ".join(sorted(entries)[:8]))
        path.mkdir(parents=True, exist_ok=True)
        return path
    root = runs_root()
    from .space import on_space

    if on_space():
        # A shared Space's disk is small and nobody cleans it: the oldest finished runs go first,
        # leaving room for this one (9 + 1 runs, ~3 GB with multilingual runs of ~100 MB each).
        prune_runs(root, _env_int("FTS_SPACE_KEEP_RUNS", SPACE_KEEP_RUNS) - 1,
                   _env_int("FTS_SPACE_KEEP_MB", SPACE_KEEP_MB) * 1024 * 1024)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{_slug(config.model)}-{config.backend}-{secrets.token_hex(6)}"
    path = root / base
    n = 2
    while path.exists():
        path = root / f"{base}-{n}"
        n += 1
    path.mkdir(parents=True)
    return path


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def list_runs(root: str | os.PathLike | None = None) -> list[dict]:
    """Every run under ``root`` (default :func:`runs_root`), newest first; broken folders are skipped."""
    from .config import TrainConfig

    root = Path(root) if root is not None else runs_root()
    if not root.is_dir():
        return []
    rows = []
    for path in root.iterdir():
        if not (path / "config.yaml").is_file():
            continue
        results = _read_json(path / "results.json")
        try:
            config = TrainConfig.from_yaml((path / "config.yaml").read_text("utf-8"))
            model, backend = config.model, config.backend
        except (StudioError, OSError):
            model = backend = "?"
        rows.append({
            "run_dir": str(path),
            "name": path.name,
            "model": results.get("model_ref", model),
            "backend": backend,
            "status": results.get("status", "running" if not results else "unknown"),
            "eval_accuracy": results.get("eval_accuracy"),
            "eval_macro_f1": results.get("eval_macro_f1"),
            "created": results.get("created") or (path / "config.yaml").stat().st_mtime,
        })
    rows.sort(key=lambda r: r["created"], reverse=True)
    return rows


def read_run(run_dir: str | os.PathLike) -> dict:
    """``{"config": dict, "results": dict, "metrics": [event dicts]}`` of one run."""
    import yaml

    path = Path(run_dir)
    if not (path / "config.yaml").is_file():
        raise StudioError("err.run_missing", path=str(path))
    config = yaml.safe_load((path / "config.yaml").read_text("utf-8")) or {}
    metrics = []
    metrics_file = path / "metrics.jsonl"
    if metrics_file.is_file():
        for line in metrics_file.read_text("utf-8").splitlines():
            try:
                metrics.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by a crash: keep the rest
    return {"config": config, "results": _read_json(path / "results.json"), "metrics": metrics}
