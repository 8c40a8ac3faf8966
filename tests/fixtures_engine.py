"""Engine test helpers: a synthetic Korean topic file with a known ceiling, and a simulated OOM.

Each row holds two topic words among filler words; a fixed share of labels is
flipped at random, so a model that learns the rule scores about ``1 - noise`` and
two correct training loops land in the same band.
"""
from __future__ import annotations

import csv
import functools
import random
from pathlib import Path

import pytest

TOPICS = {
    "경제": ["주가", "환율", "금리", "수출", "증시", "물가"],
    "스포츠": ["축구", "야구", "골프", "감독", "우승", "선수"],
    "정치": ["국회", "대통령", "총선", "여당", "야당", "장관"],
}
FILLER = ["오늘", "내일", "발표", "관련", "이번", "지난", "전망", "소식", "현장", "계획", "정부", "지역"]


def write_topic_tsv(path: Path, rows: int, seed: int = 0, noise: float = 0.1) -> Path:
    rng = random.Random(seed)
    names = list(TOPICS)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(["label", "title"])
        for _ in range(rows):
            topic = rng.choice(names)
            words = rng.sample(TOPICS[topic], 2) + rng.sample(FILLER, 4)
            rng.shuffle(words)
            label = rng.choice([n for n in names if n != topic]) if rng.random() < noise else topic
            writer.writerow([label, " ".join(words)])
    return path


@pytest.fixture
def failing_forward(monkeypatch):
    """Make the BERT forward raise a CUDA-style out-of-memory error from its 3rd call on."""
    from transformers import BertForSequenceClassification

    real = BertForSequenceClassification.forward
    calls = {"n": 0}

    @functools.wraps(real)  # keeps the signature the Trainer inspects to pick input columns
    def forward(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= 3:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(BertForSequenceClassification, "forward", forward)
    return calls


def independent_baseline(prepared) -> dict[str, float]:
    """The TF-IDF + logistic regression baseline fitted here with sklearn alone, on the prepared splits:
    the truth ``trainer_core.baseline`` is compared with. Its settings are the documented ones
    (char_wb 1-3 n-grams, sublinear tf, C, max_iter); pairs use |a-b|, a*b and the scaled cosine."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    from trainer_core import baseline

    m, splits = prepared.mapping, prepared.splits
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                          max_features=baseline.MAX_FEATURES, dtype=np.float32)

    def texts(split, column):
        return ["" if v is None else str(v) for v in split[column]]

    if m.text_pair is None:
        vec.fit(texts(splits["train"], m.text))
        features = lambda split: vec.transform(texts(split, m.text))  # noqa: E731
    else:
        vec.fit(texts(splits["train"], m.text) + texts(splits["train"], m.text_pair))

        def features(split):
            a, b = vec.transform(texts(split, m.text)), vec.transform(texts(split, m.text_pair))
            cosine = np.asarray(a.multiply(b).sum(axis=1)) * baseline.COSINE_SCALE
            return hstack([abs(a - b), a.multiply(b), csr_matrix(cosine)]).tocsr()

    model = LogisticRegression(C=baseline.C, max_iter=baseline.MAX_ITER, random_state=prepared.report.get("seed", 42))
    model.fit(features(splits["train"]), list(splits["train"][m.label]))
    truth = {}
    for split, prefix in (("validation", ""), ("test", "test_")):
        if split in splits:
            want, got = list(splits[split][m.label]), model.predict(features(splits[split]))
            truth[f"{prefix}accuracy"] = accuracy_score(want, got)
            truth[f"{prefix}macro_f1"] = f1_score(want, got, average="macro",
                                                  labels=list(range(len(prepared.label_names))), zero_division=0)
    return truth
