"""What a loaded data set looks like: splits, features, labels, a page of rows, token lengths.

Everything here reads columns as Arrow arrays (``value_counts``, ``to_numpy``) and
tokenizes in batches with the fast (Rust) tokenizer, so describing YNAT's 45k rows takes
milliseconds and measuring every row's token length a couple of seconds.
"""
from __future__ import annotations

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor

from .data import ColumnMapping, _blank_mask, column_array, detect_mapping, first_split_name, label_warnings
from .errors import StudioError

PERCENTILES = (50, 90, 95, 99)
_ENCODE_CHUNK = 8192  # bounded memory: Encoding objects of one chunk at a time


def feature_type(feature) -> str:
    """A short, readable type: 'string', 'int64', 'ClassLabel(7)', 'list<string>'."""
    from datasets import ClassLabel, Value

    if isinstance(feature, ClassLabel):
        return f"ClassLabel({feature.num_classes})"
    if isinstance(feature, Value):
        return "string" if feature.dtype in ("string", "large_string") else feature.dtype
    return type(feature).__name__


def label_distribution(ds, label_column: str) -> list[tuple[str, int]]:
    """(label name, rows) in label order: ClassLabel order, else sorted names; missing labels last."""
    import pyarrow.compute as pc
    from datasets import ClassLabel

    feature = ds.features[label_column]
    counts = pc.value_counts(column_array(ds, label_column)).to_pylist()
    by_value = {c["values"]: c["counts"] for c in counts}
    if isinstance(feature, ClassLabel):
        out = [(name, by_value.pop(i, 0)) for i, name in enumerate(feature.names)]
        out += [("(none)" if v in (None, -1) else str(v), n) for v, n in by_value.items()]
        return out
    named = sorted((str(v), n) for v, n in by_value.items() if v is not None)
    return named + ([("(none)", by_value[None])] if None in by_value else [])


def describe(dsd, mapping: ColumnMapping | None = None) -> dict:
    """Splits with row counts, features with types, label names and their distribution per split."""
    from datasets import ClassLabel, Value

    first = first_split_name(dsd)
    ds = dsd[first]
    if mapping is None:
        try:
            mapping = detect_mapping(dsd)
        except StudioError:
            mapping = None
    features = [{"name": name, "type": feature_type(f), "names": list(f.names) if isinstance(f, ClassLabel) else None}
                for name, f in ds.features.items()]
    summary = {"splits": {name: part.num_rows for name, part in dsd.items()}, "first_split": first,
               "total_rows": sum(part.num_rows for part in dsd.values()), "columns": list(ds.column_names),
               "features": features, "mapping": mapping.to_dict() if mapping else None,
               "is_pair": bool(mapping and mapping.text_pair), "label_column": None, "label_names": [],
               "distribution": {}, "blank_rows": {}, "warnings": []}
    if mapping is None:
        return summary
    label = mapping.label
    if not isinstance(ds.features[label], (ClassLabel, Value)):
        return summary  # lists or records as labels: prepare() says so clearly
    summary["label_column"] = label
    for name, part in dsd.items():
        if label in part.column_names:
            summary["distribution"][name] = label_distribution(part, label)
    feature = ds.features[label]
    if isinstance(feature, ClassLabel):
        summary["label_names"] = list(feature.names)
    else:
        summary["label_names"] = [n for n, _ in summary["distribution"][first] if n != "(none)"]
        summary["warnings"] = label_warnings(summary["label_names"])
    for column in mapping.columns():
        summary["blank_rows"][column] = int(_blank_mask(ds.select_columns([column]), [column]).sum())
    return summary


def page_rows(ds, page: int = 0, page_size: int = 20, label_column: str | None = None):
    """One page of rows as a pandas DataFrame: row number, the label (and ``label_str``, its ``int2str``
    name, for a ClassLabel column), then the other columns.

    Returns (frame, page actually shown, number of pages).
    """
    from datasets import ClassLabel

    page_size = max(1, int(page_size))
    pages = max(1, math.ceil(ds.num_rows / page_size))
    page = min(max(0, int(page)), pages - 1)
    start = page * page_size
    frame = ds.select(range(start, min(start + page_size, ds.num_rows))).to_pandas()
    feature = ds.features.get(label_column) if label_column else None
    if isinstance(feature, ClassLabel):
        names = [feature.int2str(int(v)) if 0 <= int(v) < feature.num_classes else "" for v in frame[label_column]]
        frame.insert(frame.columns.get_loc(label_column) + 1, "label_str", names)
    frame.insert(0, "#", range(start, start + len(frame)))
    # the label first, after the row number: long text columns would push it off to the right
    if label_column in frame.columns:
        first = ["#", label_column] + (["label_str"] if "label_str" in frame.columns else [])
        frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame, page, pages


def _texts(ds, column: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in column_array(ds, column).to_pylist()]


def _backend(tokenizer):
    """The Rust tokenizer without truncation or padding (a copy: the caller's object is untouched)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return None
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(backend.to_str())
    copy.no_truncation()
    copy.no_padding()
    return copy


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def token_lengths(ds, tokenizer, text_column: str, text_pair: str | None = None, limit: int | None = None):
    """Tokens per row (special tokens included, no truncation) as a NumPy int array.

    The Rust tokenizer releases the GIL while encoding, so chunks run on two threads: both
    cores are used even with TOKENIZERS_PARALLELISM=false (which app.py sets).
    """
    import numpy as np

    if limit and limit < ds.num_rows:  # an even sample over the whole set, not its first rows
        ds = ds.select(np.linspace(0, ds.num_rows - 1, int(limit)).astype(int).tolist())
    first = _texts(ds, text_column)
    second = _texts(ds, text_pair) if text_pair else None
    backend = _backend(tokenizer)

    def lengths_of(start: int) -> list[int]:
        stop = min(start + _ENCODE_CHUNK, len(first))
        if backend is not None:
            batch = first[start:stop] if second is None else list(zip(first[start:stop], second[start:stop]))
            encode = getattr(backend, "encode_batch_fast", backend.encode_batch)
            return [len(e) for e in encode(batch, add_special_tokens=True)]
        args = (first[start:stop],) if second is None else (first[start:stop], second[start:stop])
        ids = tokenizer(*args, truncation=False, return_attention_mask=False, return_token_type_ids=False)
        return [len(x) for x in ids["input_ids"]]  # a slow (Python) tokenizer: one batched call a chunk

    starts = range(0, len(first), _ENCODE_CHUNK)
    if backend is not None and len(starts) > 1 and _workers() > 1:
        with ThreadPoolExecutor(_workers()) as pool:
            parts = list(pool.map(lengths_of, starts))
    else:
        parts = [lengths_of(start) for start in starts]
    return np.fromiter((n for part in parts for n in part), dtype=np.int64, count=len(first))


def _edges(start: int, stop: int, bins: int, min_width: int = 1) -> list[int]:
    """Integer edges from start to stop in equal steps (the last bin may be narrower)."""
    width = max(min_width, -(-(stop - start) // max(1, bins)))
    return list(range(start, stop, width)) + [stop]


def histogram(lengths, max_length: int, bins: int = 24) -> list[dict]:
    """Bins [from, to] with an edge right after ``max_length``: each bar is wholly kept or wholly truncated."""
    import numpy as np

    cut = max_length + 1  # a row of exactly max_length tokens is kept whole
    top = int(lengths.max()) if len(lengths) else 0
    below = max(1, min(bins * 2 // 3, cut))
    edges = _edges(0, cut, below)
    if top >= cut:
        edges += _edges(cut, top + 1, bins - below, min_width=edges[1] - edges[0])[1:]
    counts, _ = np.histogram(lengths, bins=np.array(edges))
    return [{"from": int(a), "to": int(b) - 1, "rows": int(n), "truncated": bool(a >= cut)}
            for a, b, n in zip(edges[:-1], edges[1:], counts)]


def token_length_stats(ds, tokenizer, text_column: str, text_pair: str | None = None, max_length: int = 128,
                       limit: int | None = None, bins: int = 24) -> dict:
    """Percentiles of tokens per row and the share of rows longer than ``max_length``."""
    import numpy as np

    if ds.num_rows == 0:
        raise StudioError("err.file_empty", name=text_column)
    max_length = int(max_length)
    if max_length < 2:
        raise StudioError("err.max_length_invalid", value=max_length)
    start = time.perf_counter()
    lengths = token_lengths(ds, tokenizer, text_column, text_pair, limit)
    over = int((lengths > max_length).sum())
    return {"rows": int(len(lengths)), "max_length": max_length, "mean": float(lengths.mean()),
            "min": int(lengths.min()), "max": int(lengths.max()),
            "percentiles": {str(p): float(np.percentile(lengths, p)) for p in PERCENTILES},
            "truncated": over, "truncated_share": over / len(lengths),
            "histogram": histogram(lengths, max_length, bins), "seconds": time.perf_counter() - start}


EVAL_SPLIT_NAMES = ("validation", "valid", "dev", "test")


def suggest_split(summary: dict) -> dict:
    """Starting values for the split controls: the data's own validation split when it has one,
    else the tutorial's 10,000/1,000/1,000 for big sets and 10%/10% for small ones."""
    splits = summary["splits"]
    first = summary["first_split"]
    labelled = summary.get("distribution", {})  # splits that have the label column
    own = [n for n in EVAL_SPLIT_NAMES if n in splits and n != first and splits[n] > 0 and n in labelled
           and not any(name == "(none)" for name, _ in labelled[n])]  # not an unlabelled test split
    if own:
        return {"eval_split": own[0], "train_rows": 0, "eval_rows": 0, "test_rows": 0}
    rows = splits[first]
    classes = max(2, len(summary.get("label_names") or []))
    if rows >= 12_000:
        return {"eval_split": "", "train_rows": 10_000, "eval_rows": 1_000, "test_rows": 1_000}
    tenth = max(classes, rows // 10)
    return {"eval_split": "", "train_rows": 0, "eval_rows": tenth, "test_rows": tenth if rows >= 20 * classes else 0}
