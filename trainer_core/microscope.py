"""Batch microscope: one collated batch as the model receives it, cell by cell.

The same examples are collated twice: with ``DataCollatorWithPadding`` (each batch padded
to its longest row: what this app trains with) and padded to ``max_length`` (what the
tutorials do). Every cell of the grid (example x position) is classified as a special
token, a token of the first text (segment A), of the second text (segment B) or
padding, so the share of computation spent on padding is visible at a glance.
"""
from __future__ import annotations

import json
from pathlib import Path

KINDS = ("special", "a", "b", "pad")
MAX_ROWS = 16


def _kinds_row(seq_ids: list, mask: list[int]) -> list[str]:
    """Cell kinds of one padded row: ``seq_ids`` covers the real tokens, ``mask`` the padded row
    (padding may sit on either side: real tokens are taken in order wherever the mask is 1)."""
    real = iter(seq_ids)
    out = []
    for m in mask:
        if not m:
            out.append("pad")
            continue
        sid = next(real)
        out.append("special" if sid is None else ("a" if sid == 0 else "b"))
    return out


def _grid(tokenizer, encoded, features: list[dict], padded: dict) -> dict:
    ids, mask = padded["input_ids"], padded["attention_mask"]
    rows, tokens = [], []
    for i in range(len(features)):
        row_mask = [int(v) for v in mask[i]]
        rows.append(_kinds_row(encoded.sequence_ids(i), row_mask))
        tokens.append(tokenizer.convert_ids_to_tokens([int(v) for v in ids[i]]))
    cells = sum(len(r) for r in rows)
    pads = sum(r.count("pad") for r in rows)
    counts = {k: sum(r.count(k) for r in rows) for k in KINDS}
    return {"kinds": rows, "tokens": tokens, "shape": [len(rows), len(rows[0]) if rows else 0],
            "padded_share": pads / cells if cells else 0.0, "counts": counts}


def pick_rows(lengths: list[int], batch_size: int, index: int = 0, grouped: bool = True, seed: int = 42) -> list[int]:
    """Row indices of batch number ``index`` in the order the run would draw them (length-grouped or random)."""
    import torch

    from .prepare import length_grouped_indices

    if not lengths:
        return []
    generator = torch.Generator().manual_seed(seed)
    if grouped:
        order = length_grouped_indices(lengths, batch_size, generator=generator)
    else:
        order = torch.randperm(len(lengths), generator=generator).tolist()
    batches = max(1, -(-len(order) // batch_size))
    start = (index % batches) * batch_size
    return order[start:start + batch_size]


def collate(tokenizer, texts: list[str], pairs: list[str] | None, max_length: int) -> dict:
    """Both collations of the same examples: ``{"dynamic": grid, "max_length": grid, "rows", "max_length"}``."""
    from transformers import DataCollatorWithPadding

    if not texts:
        from .errors import StudioError

        raise StudioError("tt.err_microscope_empty")
    texts = [str(t) for t in texts[:MAX_ROWS]]
    pairs = [str(p) for p in pairs[:MAX_ROWS]] if pairs else None
    encoded = tokenizer(texts, pairs, truncation=True, max_length=max_length)
    features = [{k: encoded[k][i] for k in encoded.keys()} for i in range(len(texts))]
    dynamic = DataCollatorWithPadding(tokenizer=tokenizer)(features)
    fixed = tokenizer(texts, pairs, truncation=True, max_length=max_length, padding="max_length")
    return {"rows": len(texts), "max_length": max_length, "texts": texts, "pairs": pairs,
            "dynamic": _grid(tokenizer, encoded, features, dynamic),
            "max_length_grid": _grid(tokenizer, encoded, features, fixed)}


def from_prepared(tokenizer, prepared, batch_size: int, max_length: int, index: int = 0, grouped: bool = True,
                  seed: int = 42, split: str = "train") -> dict:
    """A training batch of the prepared data (before a run): the batch the run would form."""
    data = prepared.splits[split]
    mapping = prepared.mapping
    texts = [str(t) for t in data[mapping.text]]
    pairs = [str(t) for t in data[mapping.text_pair]] if mapping.text_pair else None
    lengths = [len(ids) for ids in tokenizer(texts, pairs, truncation=True, max_length=max_length)["input_ids"]]
    rows = pick_rows(lengths, min(batch_size, MAX_ROWS), index, grouped, seed)
    return collate(tokenizer, [texts[i] for i in rows], [pairs[i] for i in rows] if pairs else None, max_length)


def from_run(run_dir, index: int = 0) -> dict:
    """A batch of a run's evaluation rows, with the run's tokenizer, batch size and max length."""
    import yaml
    from transformers import AutoTokenizer

    from .errors import StudioError

    run_dir = Path(run_dir)
    predictions = run_dir / "eval_predictions.jsonl"
    if not predictions.is_file():
        raise StudioError("err.run_missing", path=str(run_dir))
    config = yaml.safe_load((run_dir / "config.yaml").read_text("utf-8")) or {}
    results = json.loads((run_dir / "results.json").read_text("utf-8"))
    rows = [json.loads(line) for line in predictions.read_text("utf-8").splitlines() if line.strip()]
    tokenizer = AutoTokenizer.from_pretrained(run_dir)
    max_length = int(results.get("max_length_used") or config.get("max_length") or 128)
    texts = [r["text"] for r in rows]
    pairs = [r["text_pair"] for r in rows] if rows and rows[0].get("text_pair") is not None else None
    lengths = [len(ids) for ids in tokenizer(texts, pairs, truncation=True, max_length=max_length)["input_ids"]]
    picked = pick_rows(lengths, min(int(config.get("batch_size", 8)), MAX_ROWS), index,
                       bool(config.get("group_by_length", True)), int(config.get("seed", 42)))
    return collate(tokenizer, [texts[i] for i in picked], [pairs[i] for i in picked] if pairs else None, max_length)
