"""Classification metrics computed through ``evaluate``, offline.

``evaluate.load("accuracy")`` fetches its script from the Hub at run time and fails
without a connection, so the package ships local twins of the official modules in
``metric_modules/<name>.py`` and loads them by ABSOLUTE path (a relative name
would be shadowed by any folder of that name in the current directory, or sent to the
Hub). ``evaluate`` costs ~7 s to import, so it is imported on first use, and the loaded
modules are cached for the process.

Definitions (the same as scikit-learn's defaults, which the exported scripts inline):
- ``accuracy``: share of correct predictions.
- ``per_class``: precision, recall, F1 and support for every label name (0 where a
  denominator is zero).
- ``macro_f1`` (and ``macro_precision``/``macro_recall``): unweighted mean over the classes
  that occur in the references or the predictions (a class absent from both says nothing).
- ``f1``: binary F1 of class 1, only when there are exactly two labels.
- ``confusion_matrix``: rows = true label, columns = predicted label, in label order.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Sequence

MODULES_DIR = Path(__file__).resolve().parent / "metric_modules"
MODULE_NAMES = ("accuracy", "f1", "precision", "recall", "confusion_matrix")
SCALAR_KEYS = ("accuracy", "macro_f1", "macro_precision", "macro_recall", "f1")

_cache: dict[str, object] = {}   # process-wide cache of loaded modules: a property of the install, not user state
_lock = threading.Lock()         # evaluate modules keep per-call state (add_batch, compute): one caller at a time


def module_path(name: str) -> str:
    """Absolute path of a shipped metric module script (what ``evaluate.load`` is given)."""
    if name not in MODULE_NAMES:
        raise KeyError(f"no local metric module {name!r}; available: {', '.join(MODULE_NAMES)}")
    return str(MODULES_DIR / f"{name}.py")


def load_module(name: str):
    """``evaluate.load`` of a local module, cached; kept in memory so parallel processes never share files."""
    with _lock:
        module = _cache.get(name)
        if module is None:
            import evaluate

            module = evaluate.load(module_path(name), keep_in_memory=True)
            _cache[name] = module
        return module


def _combined():
    modules = [load_module(name) for name in MODULE_NAMES]
    import evaluate

    return evaluate.combine(modules)


def _as_int_list(values) -> list[int]:
    return [int(v) for v in (values.tolist() if hasattr(values, "tolist") else values)]


def compute_metrics(labels: Sequence[int], preds: Sequence[int], label_names: Sequence[str]) -> dict:
    """All metrics of one evaluation, from integer references and predictions.

    Returns ``{"accuracy", "macro_f1", "macro_precision", "macro_recall", "f1" (two labels only),
    "per_class": {name: {"precision", "recall", "f1", "support"}}, "confusion_matrix": [[int]]}``.
    """
    refs, hyps = _as_int_list(labels), _as_int_list(preds)
    names = [str(n) for n in label_names]
    if len(refs) != len(hyps):
        raise ValueError(f"{len(refs)} labels but {len(hyps)} predictions")
    if not refs:
        raise ValueError("no examples to evaluate")
    n = len(names)
    bad = sorted({v for v in refs + hyps if not 0 <= v < n})
    if bad:
        raise ValueError(f"class ids {bad[:10]} are outside 0..{n - 1} (label names: {names})")
    class_ids = list(range(n))
    combined = _combined()
    with _lock:  # the combined object drives the cached modules, which keep per-call state
        raw = combined.compute(predictions=hyps, references=refs, labels=class_ids, average=None)
    matrix = [[int(c) for c in row] for row in raw["confusion_matrix"]]
    support = [sum(row) for row in matrix]
    predicted = [sum(matrix[i][j] for i in range(n)) for j in range(n)]
    seen = [i for i in class_ids if support[i] or predicted[i]]

    def macro(values: list[float]) -> float:
        return float(sum(values[i] for i in seen) / len(seen))

    result = {
        "accuracy": float(raw["accuracy"]),
        "macro_f1": macro(raw["f1"]),
        "macro_precision": macro(raw["precision"]),
        "macro_recall": macro(raw["recall"]),
    }
    if n == 2:
        result["f1"] = float(raw["f1"][1])
    result["per_class"] = {
        names[i]: {"precision": float(raw["precision"][i]), "recall": float(raw["recall"][i]),
                   "f1": float(raw["f1"][i]), "support": int(support[i])}
        for i in class_ids
    }
    result["confusion_matrix"] = matrix
    return result


def argmax(logits) -> list[int]:
    """Predicted class ids from logits (a model output tuple's first element is the logits)."""
    import numpy as np

    if isinstance(logits, (tuple, list)) and logits and not np.isscalar(logits[0]) and np.ndim(logits[0]) == 2:
        logits = logits[0]
    return np.asarray(logits).argmax(axis=-1).astype(int).tolist()


def trainer_compute_metrics(label_names: Sequence[str]) -> Callable:
    """The ``compute_metrics`` callable for ``Trainer``: scalar metrics only.

    The Trainer logs whatever this returns (prefixed ``eval_``) into its JSON log history
    and progress output, so nested per-class tables and the matrix are left out here; call
    :func:`compute_metrics` on the final predictions for those.
    """
    names = list(label_names)

    def _compute(eval_pred) -> dict:
        logits, refs = eval_pred.predictions, eval_pred.label_ids
        full = compute_metrics(_as_int_list(refs), argmax(logits), names)
        return {k: full[k] for k in SCALAR_KEYS if k in full}

    return _compute


# --- how far an accuracy can be trusted -----------------------------------------------------

Z_95 = 1.959964  # the standard normal quantile of a two-sided 95% interval


def wilson_interval(correct: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of an accuracy of ``correct``/``total`` (95% by default).

    On 48 rows one wrong answer moves accuracy by 2 points; the interval says how much of a
    gap between two models could be chance. Wilson's interval (not the normal one) stays
    inside [0, 1] and is honest near 0% and 100%.
    """
    if total <= 0:
        return 0.0, 1.0
    p = correct / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def health_warnings(labels: Sequence[int], preds: Sequence[int], baseline_accuracy: float | None) -> list[str]:
    """Translation keys of what a teacher must be told about a result that looks like learning but is not.

    - ``one_class``: every evaluation row got the same prediction (while the rows have several labels).
    - ``no_better_than_majority``: accuracy is not above always answering the most common label.
    - ``below_baseline``: the TF-IDF baseline of the same run is more accurate.
    """
    labels, preds = list(labels), list(preds)
    if not labels:
        return []
    out = []
    accuracy = sum(a == b for a, b in zip(labels, preds)) / len(labels)
    if len(set(preds)) == 1 and len(set(labels)) > 1:
        out.append("one_class")
    majority = max(labels.count(v) for v in set(labels)) / len(labels)
    if accuracy <= majority and len(set(labels)) > 1:
        out.append("no_better_than_majority")
    if baseline_accuracy is not None and accuracy < baseline_accuracy:
        out.append("below_baseline")
    return out
