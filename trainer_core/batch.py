"""Batch prediction: one text per line, or a CSV/TSV file in -> the same file with predictions added.

The file round-trips: every input row comes back, in order, with its original cells
untouched (read as text, never re-typed), plus the predicted label, its score and one
probability column per class. Rows with an empty text keep empty prediction cells.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .data import PAIR_CANDIDATES, TEXT_CANDIDATES
from .errors import StudioError
from .loaders import decode_text, detect_quoting

MAX_LINES = int(os.environ.get("FTS_BATCH_MAX_LINES", "1000"))
MAX_ROWS = int(os.environ.get("FTS_BATCH_MAX_ROWS", "10000"))
TABLE_TYPES = (".csv", ".tsv", ".txt")


@dataclass
class BatchResult:
    path: Path                 # the CSV written, with predictions added
    rows: int                  # rows in == rows out
    predicted: int             # rows that had a text to classify
    text_column: str
    pair_column: str | None
    added: list[str]           # the new columns
    counts: dict[str, int] = field(default_factory=dict)  # predicted label -> rows


def parse_lines(text: str, limit: int | None = None) -> list[str]:
    """Non-blank lines, stripped; more than ``limit`` is a clear error rather than a slow request."""
    limit = MAX_LINES if limit is None else limit
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise StudioError("cls.err_no_lines")
    if len(lines) > limit:
        raise StudioError("cls.err_too_many_lines", lines=len(lines), limit=limit)
    return lines


def predict_lines(predictor, text: str, batch_size: int = 32) -> list[dict]:
    """One row per non-blank line: text (a long line shortened: the answer never echoes megabytes), label, score."""
    from .inference import ECHO_CHARS

    lines = parse_lines(text)
    preds = predictor.predict(lines, batch_size=batch_size)
    return [{"text": line if len(line) <= ECHO_CHARS else line[:ECHO_CHARS] + "…", "label": p.label,
             "score": round(p.score, 4)} for line, p in zip(lines, preds)]


def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a CSV/TSV, every cell as text; encoding and quoting detected like the loaders."""
    path = Path(path)
    if not path.is_file():
        raise StudioError("err.file_missing", path=str(path))
    ext = path.suffix.lower()
    if ext not in TABLE_TYPES:
        raise StudioError("cls.err_batch_type", ext=ext or path.name)
    text, _ = decode_text(path.read_bytes(), path.name)
    if not text.strip():
        raise StudioError("err.file_empty", name=path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if ext == ".tsv" or (ext == ".txt" and "\t" in first) else ","
    quoting = detect_quoting(text, delimiter)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quoting=quoting)
    table = [row for row in reader if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise StudioError("err.file_empty", name=path.name)
    header = [h.strip() for h in table[0]]
    width = max(len(row) for row in table)
    header += [f"column_{i + 1}" for i in range(len(header), width)]  # ragged rows keep every cell
    return header, table[1:]


def _pick_column(header: list[str], candidates, exclude=()) -> str | None:
    lowered = {h.lower(): h for h in header}
    for name in candidates:
        col = lowered.get(name.lower())
        if col and col not in exclude:
            return col
    return None


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def predict_csv(predictor, in_path: str | Path, out_dir: str | Path | None = None, text_column: str | None = None,
                pair_column: str | None = None, batch_size: int = 32, max_rows: int | None = None) -> BatchResult:
    """Classify the text column of a CSV/TSV and write ``<name>-predictions.csv`` (UTF-8 with BOM, for Excel)."""
    header, rows = read_table(in_path)
    limit = MAX_ROWS if max_rows is None else max_rows
    if len(rows) > limit:
        raise StudioError("cls.err_batch_too_many", rows=len(rows), limit=limit)
    found = ", ".join(header)
    for given in (text_column, pair_column):
        if given and given not in header:
            raise StudioError("cls.err_batch_column", column=given, found=found)
    text_col = text_column or _pick_column(header, TEXT_CANDIDATES) or (header[0] if len(header) == 1 else None)
    if text_col is None:
        raise StudioError("cls.err_batch_no_text", found=found)
    pair_col = pair_column or (_pick_column(header, PAIR_CANDIDATES, exclude=(text_col,)) if text_column is None else None)
    ti = header.index(text_col)
    pi = header.index(pair_col) if pair_col else None

    def cell(row, i):
        return row[i].strip() if i is not None and i < len(row) else ""

    todo = [r for r, row in enumerate(rows) if cell(row, ti)]
    texts = [cell(rows[r], ti) for r in todo]
    pairs = [cell(rows[r], pi) for r in todo] if pi is not None else None
    preds = predictor.predict(texts, pairs, batch_size=batch_size) if todo else []

    taken = set(header)
    label_col, score_col = _unique("predicted_label", taken), _unique("predicted_score", taken)
    prob_cols = [_unique(f"prob_{name}", taken) for name in predictor.labels]
    added = [label_col, score_col, *prob_cols]
    by_row = dict(zip(todo, preds))
    out_dir = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="fts-batch-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / f"{Path(in_path).stem}-predictions.csv"
    with out_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + added)
        for r, row in enumerate(rows):
            row = list(row) + [""] * (len(header) - len(row))
            pred = by_row.get(r)
            extra = [""] * len(added) if pred is None else \
                [pred.label, f"{pred.score:.6f}", *(f"{pred.scores[name]:.6f}" for name in predictor.labels)]
            writer.writerow(row + extra)
    return BatchResult(path=out_path, rows=len(rows), predicted=len(todo), text_column=text_col, pair_column=pair_col,
                       added=added, counts=dict(Counter(p.label for p in preds)))
