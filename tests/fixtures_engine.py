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
