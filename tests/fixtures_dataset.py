"""Small data files and fakes for the Dataset tests (written per test; nothing copied from real data)."""
from __future__ import annotations

import csv
from pathlib import Path


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
