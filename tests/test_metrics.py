"""Metrics go through `evaluate` with local modules (offline) and agree with scikit-learn."""
from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from trainer_core import metrics


def _random_case(n_classes: int, n: int, seed: int):
    rng = random.Random(seed)
    refs = [rng.randrange(n_classes) for _ in range(n)]
    preds = [r if rng.random() < 0.6 else rng.randrange(n_classes) for r in refs]
    return refs, preds


@pytest.mark.parametrize("n_classes,seed", [(2, 0), (3, 1), (7, 2)])
def test_matches_sklearn(n_classes, seed):
    refs, preds = _random_case(n_classes, 300, seed)
    names = [f"c{i}" for i in range(n_classes)]
    got = metrics.compute_metrics(refs, preds, names)
    assert got["accuracy"] == pytest.approx(accuracy_score(refs, preds))
    assert got["macro_f1"] == pytest.approx(f1_score(refs, preds, average="macro"))
    p, r, f, s = precision_recall_fscore_support(refs, preds, labels=list(range(n_classes)), zero_division=0)
    for i, name in enumerate(names):
        assert got["per_class"][name] == pytest.approx({"precision": p[i], "recall": r[i], "f1": f[i], "support": s[i]})
    assert got["confusion_matrix"] == confusion_matrix(refs, preds, labels=list(range(n_classes))).tolist()
    if n_classes == 2:
        assert got["f1"] == pytest.approx(f1_score(refs, preds))
    else:
        assert "f1" not in got


def test_absent_class_is_listed_but_not_averaged():
    # Class "c" never occurs: it gets a zero row and column, and does not drag the macro mean down.
    got = metrics.compute_metrics([0, 0, 1, 1], [0, 1, 1, 1], ["a", "b", "c"])
    assert got["confusion_matrix"] == [[1, 1, 0], [0, 2, 0], [0, 0, 0]]
    assert got["per_class"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert got["macro_f1"] == pytest.approx(f1_score([0, 0, 1, 1], [0, 1, 1, 1], average="macro"))
    # ...but a class that is predicted and never true does count (its F1 is 0).
    got = metrics.compute_metrics([0, 0, 1, 1], [0, 2, 1, 1], ["a", "b", "c"])
    assert got["macro_f1"] == pytest.approx((2 / 3 + 1.0 + 0.0) / 3)


def test_numpy_inputs_and_bad_inputs():
    got = metrics.compute_metrics(np.array([1, 0, 1]), np.array([1, 0, 0]), ("neg", "pos"))
    assert got["accuracy"] == pytest.approx(2 / 3)
    assert isinstance(got["confusion_matrix"][0][0], int)
    with pytest.raises(ValueError, match="outside"):
        metrics.compute_metrics([0, 3], [0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="predictions"):
        metrics.compute_metrics([0, 1], [0], ["a", "b"])
    with pytest.raises(ValueError, match="no examples"):
        metrics.compute_metrics([], [], ["a", "b"])


def test_modules_are_real_evaluate_modules_loaded_offline():
    import evaluate

    f1 = metrics.load_module("f1")
    assert isinstance(f1, evaluate.EvaluationModule)
    assert metrics.load_module("f1") is f1  # cached
    assert f1.compute(predictions=[0, 1, 1], references=[0, 1, 0])["f1"] == pytest.approx(2 / 3)  # binary default
    assert f1.compute(predictions=[0, 1, 2], references=[0, 1, 1], average="macro")["f1"] == pytest.approx(
        f1_score([0, 1, 1], [0, 1, 2], average="macro"))
    combined = evaluate.combine([metrics.load_module("accuracy"), metrics.load_module("recall")])
    assert combined.compute(predictions=[1, 1], references=[1, 0]) == {"accuracy": 0.5, "recall": 1.0}
    with pytest.raises(KeyError):
        metrics.module_path("bleu")


def test_a_folder_named_like_a_metric_in_the_cwd_does_not_shadow(tmp_path, monkeypatch):
    # evaluate resolves a bare name against the current directory first; absolute paths avoid that.
    trap = tmp_path / "accuracy"
    trap.mkdir()
    (trap / "accuracy.py").write_text("raise RuntimeError('shadowed')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(metrics, "_cache", {})
    assert metrics.compute_metrics([0, 1], [0, 1], ["a", "b"])["accuracy"] == 1.0


def test_trainer_callable_returns_scalars_from_logits():
    from transformers import EvalPrediction

    logits = np.array([[2.0, 0.1], [0.3, 0.9], [0.8, 0.2], [0.1, 0.2]])
    fn = metrics.trainer_compute_metrics(["neg", "pos"])
    out = fn(EvalPrediction(predictions=logits, label_ids=np.array([0, 1, 1, 1])))
    assert set(out) == {"accuracy", "macro_f1", "macro_precision", "macro_recall", "f1"}
    assert out["accuracy"] == pytest.approx(0.75)
    assert all(isinstance(v, float) for v in out.values())
    # Some models return a tuple (logits, hidden states): the logits are the first element.
    out = fn(EvalPrediction(predictions=(logits, np.zeros((4, 3, 2))), label_ids=np.array([0, 1, 1, 0])))
    assert out["accuracy"] == pytest.approx(0.5)
