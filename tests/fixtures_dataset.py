"""Small data files and fakes for the Dataset tests (written per test; nothing copied from real data)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest


def write_rows(path: Path, rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def topic_rows(n_per_class: int = 20, classes=("sports", "politics", "economy")) -> list[list]:
    """A header and ``n_per_class`` distinct headlines per topic, in a fixed order."""
    rows = [["headline", "topic", "id"]]
    for i in range(n_per_class):
        for c in classes:
            rows.append([f"{c} news number {i} about {c} things", c, f"{c}-{i}"])
    return rows


class FakeStream:
    """What ``load_dataset(..., streaming=True)`` returns, enough for ``take`` and ``features``."""

    def __init__(self, dataset):
        self._ds = dataset
        self.features = dataset.features
        self.taken = None

    def take(self, n):
        self.taken = n
        return iter(self._ds.select(range(min(n, self._ds.num_rows))))


# --- stand-ins for the real files in ../shared/data, written here so a clone without them (GitHub CI) covers the same ---

MRPC_HEADER = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
_WHO = ["The company", "Shares of the firm", "The agency", "Officials", "The court", "Analysts", "The union",
        "The minister", "Researchers", "The airline"]
_DID = [("said it would n't raise prices", "said prices would not go up"),
        ("reported a profit of $ 12 million", "posted net income of $ 12 million"),
        ("rejected the offer on Tuesday", "turned down the bid on Tuesday"),
        ("expects the deal to close in June", "says the deal should be done by June"),
        ("has n't commented on the report", "declined to comment on the report"),
        ("cut 300 jobs last year", "eliminated 300 positions last year")]


def mrpc_like_pairs(n: int, seed: int = 0) -> list[tuple[int, str, str]]:
    """(quality, sentence 1, sentence 2) in the GLUE tokenized style of MRPC, with bare quotes:
    a sentence opening a quotation it never closes, one with quotes inside, one ending in one.
    Two thirds are paraphrases (quality 1), as in MRPC; the rest pair unrelated sentences."""
    import random

    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        who, (first, same) = rng.choice(_WHO), rng.choice(_DID)
        quality = 1 if i % 3 else 0
        other = rng.choice([d for d in _DID if d[0] != first])[1]
        one, two = f"{who} {first} , sources said .", f"{who} {same if quality else other} ."
        if i % 5 == 0:
            one = f'" {one}'  # opens a quotation and never closes it: a CSV reader honouring quotes breaks here
        elif i % 5 == 1:
            two = f'{who} called it " a fair result " in item {i} .'
        elif i % 5 == 2:
            two = f'{two} "'
        pairs.append((quality, f"{one} ({i})", two))
    return pairs


def write_mrpc_like(path: Path, n: int, seed: int = 0) -> Path:
    """A TSV shaped like GLUE's MRPC files: UTF-8 with a byte-order mark, Quality/#1 ID/#2 ID/#1 String/
    #2 String, and bare ``"`` characters (so only ``quoting=csv.QUOTE_NONE`` reads it right)."""
    lines = ["\t".join(MRPC_HEADER)]
    for i, (quality, one, two) in enumerate(mrpc_like_pairs(n, seed)):
        lines.append(f"{quality}\t{1000 + 2 * i}\t{1001 + 2 * i}\t{one}\t{two}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


LARGE_TOPICS = {  # label -> words a headline of that topic uses (YNAT's seven topic names)
    "IT과학": ["반도체", "인공지능", "스마트폰", "통신사", "우주", "연구진"],
    "경제": ["주가", "환율", "금리", "수출", "증시", "물가"],
    "사회": ["경찰", "법원", "학교", "사고", "시민", "재판"],
    "생활문화": ["공연", "전시", "여행", "음식", "건강", "축제"],
    "세계": ["미국", "중국", "일본", "유럽", "정상회담", "유엔"],
    "스포츠": ["축구", "야구", "골프", "감독", "우승", "선수"],
    "정치": ["국회", "대통령", "총선", "여당", "야당", "장관"],
}
LARGE_ROWS = 45_678  # as many as KLUE YNAT's train split, the largest upload the app is shown with


def write_large_upload(path: Path, rows: int = LARGE_ROWS, seed: int = 0) -> dict[str, int]:
    """A generated ``label<TAB>text`` upload of ``rows`` Korean headlines over seven topics; returns the
    count per label (the truth the app's figures are checked against). Row 42 is quoted and ends in a
    TAB, as one real YNAT title does, so a reader that splits on TAB alone gets it wrong."""
    import random

    rng = random.Random(seed)
    names, filler = list(LARGE_TOPICS), ["오늘", "발표", "관련", "이번", "전망", "소식", "현장", "계획"]
    counts = dict.fromkeys(names, 0)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("label\ttext\n")
        for i in range(rows):
            label = rng.choice(names)
            counts[label] += 1
            words = rng.sample(LARGE_TOPICS[label], 2) + rng.sample(filler, 3)
            rng.shuffle(words)
            text = " ".join(words) + f" {i}"
            out.write(f'{label}\t"{text}\t"\n' if i == 42 else f"{label}\t{text}\n")
    return counts


MRPC_LIKE_ROWS = {"train": 60, "dev": 21}


@pytest.fixture(scope="session")
def mrpc_like(tmp_path_factory) -> dict[str, Path]:
    """``train.tsv`` and ``dev.tsv`` shaped like GLUE MRPC (see :func:`write_mrpc_like`)."""
    folder = tmp_path_factory.mktemp("mrpc-like")
    return {split: write_mrpc_like(folder / f"{split}.tsv", n, seed=i)
            for i, (split, n) in enumerate(MRPC_LIKE_ROWS.items())}


@pytest.fixture(scope="session")
def large_upload(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """(path, rows per label) of the generated 45,678-row upload (see :func:`write_large_upload`)."""
    path = tmp_path_factory.mktemp("large-upload") / "headlines.tsv"
    return path, write_large_upload(path)
