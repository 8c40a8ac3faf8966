"""The TF-IDF + logistic regression baseline: same split as the model, same metric code, real signal."""
from __future__ import annotations

from collections import Counter

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tests.fixtures_engine import independent_baseline
from trainer_core.baseline import run_baseline
from trainer_core.data import prepare
from trainer_core.loaders import load_sample


def _majority_share(split, label_column: str) -> float:
    counts = Counter(split[label_column])
    return max(counts.values()) / split.num_rows


def test_ynat_sample_beats_majority_and_reports_the_split():
    prepared = prepare(load_sample("ynat_ko"), eval_rows=70, seed=42)
    result = run_baseline(prepared)
    assert result["num_train_rows"] == prepared.splits["train"].num_rows
    assert result["num_eval_rows"] == 70
    assert result["accuracy"] > _majority_share(prepared.splits["validation"], prepared.mapping.label) + 0.2
    truth = independent_baseline(prepared)
    assert (result["accuracy"], result["macro_f1"]) == pytest.approx((truth["accuracy"], truth["macro_f1"]), abs=1e-9)
    assert "f1" not in result  # seven classes: no binary F1
    assert set(result["per_class"]) == set(prepared.label_names)
    assert sum(map(sum, result["confusion_matrix"])) == 70
    assert result["runtime"] > 0 and "char_wb" in result["method"]


def test_deterministic_and_test_split_scored():
    prepared = prepare(load_sample("imdb_en"), eval_rows=30, test_rows=30, seed=7)
    first, second = run_baseline(prepared), run_baseline(prepared)
    assert first["accuracy"] == second["accuracy"] and first["confusion_matrix"] == second["confusion_matrix"]
    truth = independent_baseline(prepared)
    assert "f1" in first and first["test_accuracy"] == pytest.approx(truth["test_accuracy"], abs=1e-9)
    assert first["test_macro_f1"] == pytest.approx(truth["test_macro_f1"], abs=1e-9)


def test_sentence_pairs_use_both_texts():
    prepared = prepare(load_sample("mrpc_en"), eval_rows=20, seed=42)
    assert prepared.is_pair
    result = run_baseline(prepared)
    truth = independent_baseline(prepared)
    assert result["accuracy"] == pytest.approx(truth["accuracy"], abs=1e-9) and "f1" in result
    # The pair features read both sides: identical texts have no one-sided n-grams and cosine 1.
    from trainer_core import baseline

    train = prepared.splits["train"]
    vectorizer = TfidfVectorizer(analyzer=baseline.ANALYZER, ngram_range=baseline.NGRAM_RANGE)
    baseline._features(vectorizer, train, prepared.mapping, fit=True)
    same = train.map(lambda row: {prepared.mapping.text_pair: row[prepared.mapping.text]})
    x_same = baseline._features(vectorizer, same, prepared.mapping, fit=False).toarray()
    x_real = baseline._features(vectorizer, train, prepared.mapping, fit=False).toarray()
    width = len(vectorizer.vocabulary_)
    assert x_same.shape == x_real.shape == (train.num_rows, 2 * width + 1)
    assert not x_same[:, :width].any() and x_real[:, :width].any()
    assert x_same[:, -1] == pytest.approx(baseline.COSINE_SCALE, rel=1e-4)
    assert (x_real[:, -1] < baseline.COSINE_SCALE * 0.999).all()


def test_real_ynat_headlines():
    from tests.conftest import shared_file
    from trainer_core.loaders import load_file

    prepared = prepare(load_file(shared_file("ynat", "ynat_train.tsv")), train_rows=2000, eval_rows=500, seed=42)
    result = run_baseline(prepared)
    # Seven topics, ~16% majority: character n-grams read Korean without any tokenizer.
    assert result["accuracy"] > 0.6
