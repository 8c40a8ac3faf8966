"""Column mapping, label casting and seeded splitting: what every backend trains on.

A :class:`PreparedData` keeps the user's own column names (as the tutorials do:
``title`` for YNAT, ``sentence1``/``sentence2`` for MRPC) and says which is which in
``mapping``; the label column is always a ``ClassLabel``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import StudioError

TEXT_CANDIDATES = ("text", "sentence", "title", "sentence1", "question", "premise", "review", "content",
                   "document", "#1 String", "string", "headline", "body")
PAIR_CANDIDATES = ("sentence2", "text_pair", "hypothesis", "#2 String", "question2", "answer", "passage")
LABEL_CANDIDATES = ("label", "labels", "Quality", "class", "target", "category", "sentiment", "topic", "y")


@dataclass
class ColumnMapping:
    text: str
    label: str
    text_pair: str | None = None

    def columns(self) -> list[str]:
        return [c for c in (self.text, self.text_pair, self.label) if c]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PreparedData:
    """Train/validation(/test) splits ready for tokenization, and how they were made."""

    splits: object                 # datasets.DatasetDict with 'train', 'validation' and maybe 'test'
    mapping: ColumnMapping
    label_names: list[str]
    report: dict = field(default_factory=dict)  # rows dropped, rows per split, stratified or not

    @property
    def is_pair(self) -> bool:
        return self.mapping.text_pair is not None

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.label_names))


def _first_split(dsd):
    return dsd["train"] if "train" in dsd else next(iter(dsd.values()))


def detect_mapping(dsd) -> ColumnMapping:
    """Guess the text, optional pair and label columns from names and types."""
    ds = _first_split(dsd)
    columns = list(ds.column_names)
    lowered = {c.lower(): c for c in columns}

    def pick(candidates, exclude=()):
        for name in candidates:
            col = lowered.get(name.lower())
            if col and col not in exclude:
                return col
        return None

    label = pick(LABEL_CANDIDATES)
    if label is None:
        from datasets import ClassLabel

        label = next((c for c, f in ds.features.items() if isinstance(f, ClassLabel)), None)
    text = pick(TEXT_CANDIDATES, exclude=(label,))
    if text is None:
        strings = [c for c, f in ds.features.items() if getattr(f, "dtype", "") in ("string", "large_string") and c != label]
        text = strings[0] if strings else None
    if text is None or label is None:
        raise StudioError("err.mapping_undetected", found=", ".join(columns))
    pair = pick(PAIR_CANDIDATES, exclude=(label, text))
    return ColumnMapping(text=text, label=label, text_pair=pair)


def validate_mapping(dsd, mapping: ColumnMapping) -> None:
    columns = _first_split(dsd).column_names
    for role, name in (("text", mapping.text), ("label", mapping.label), ("text_pair", mapping.text_pair)):
        if name is not None and name not in columns:
            raise StudioError("err.mapping_missing", role=role, name=name, found=", ".join(columns))
    if mapping.text == mapping.label or (mapping.text_pair and mapping.text_pair in (mapping.text, mapping.label)):
        raise StudioError("err.mapping_same", found=", ".join(columns))


def cast_labels(ds, label_column: str):
    """Make the label column a ClassLabel: names kept, ints kept, strings sorted into names."""
    from datasets import ClassLabel

    feature = ds.features[label_column]
    if isinstance(feature, ClassLabel):
        return ds, list(feature.names)
    values = ds.unique(label_column)
    if all(isinstance(v, bool) or (isinstance(v, (int, float)) and float(v).is_integer()) for v in values if v is not None):
        ints = sorted({int(v) for v in values if v is not None})
        if ints and ints[0] >= 0:
            names = [str(i) for i in range(max(ints) + 1)]
            ds = ds.map(lambda b: {label_column: [int(v) for v in b[label_column]]}, batched=True)
            return ds.cast_column(label_column, ClassLabel(names=names)), names
    names = sorted({str(v) for v in values if v is not None})
    to_id = {n: i for i, n in enumerate(names)}
    ds = ds.map(lambda b: {label_column: [to_id[str(v)] for v in b[label_column]]}, batched=True)
    return ds.cast_column(label_column, ClassLabel(names=names)), names


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip()


def drop_empty(ds, mapping: ColumnMapping):
    columns = mapping.columns()
    before = ds.num_rows
    ds = ds.filter(lambda b: [not any(_is_blank(b[c][i]) for c in columns) for i in range(len(b[columns[0]]))],
                   batched=True)
    return ds, before - ds.num_rows


def prepare(dsd, mapping: ColumnMapping | None = None, train_rows: int | None = None, eval_rows: int | None = None,
            test_rows: int = 0, seed: int = 42, eval_dsd=None) -> PreparedData:
    """Keep the mapped columns, drop empty rows, cast labels, then take seeded, stratified splits.

    ``eval_dsd`` (a separate evaluation file) is used as the validation split when given;
    otherwise validation (and test) rows are carved out of the training data.
    """
    from datasets import DatasetDict

    mapping = mapping or detect_mapping(dsd)
    validate_mapping(dsd, mapping)
    source = _first_split(dsd)
    source = source.remove_columns([c for c in source.column_names if c not in mapping.columns()])
    source, dropped = drop_empty(source, mapping)
    source, names = cast_labels(source, mapping.label)
    present = set(source.unique(mapping.label))
    if len(present) < 2:
        raise StudioError("err.one_class", label=mapping.label, names=", ".join(names[i] for i in sorted(present)) or "-")
    report = {"dropped_empty": dropped, "rows_after_cleaning": source.num_rows}

    holdout = (0 if eval_dsd is not None else (eval_rows or 0)) + (test_rows or 0)
    want_train = train_rows or (source.num_rows - holdout)
    if eval_dsd is None and not eval_rows:
        raise StudioError("err.split_no_eval")
    if want_train <= 0 or want_train + holdout > source.num_rows:
        raise StudioError("err.split_too_small", need=want_train + holdout, have=source.num_rows)
    n_classes = len(present)
    for name, n in (("validation", eval_rows if eval_dsd is None else None), ("test", test_rows or None)):
        if n is not None and n < n_classes:
            raise StudioError("err.split_class_rows", split=name, rows=n, classes=n_classes)

    counts = {}
    for label in source[mapping.label]:
        counts[label] = counts.get(label, 0) + 1
    stratify = min(counts.values()) >= 2 and len(counts) > 1
    shuffled = source.shuffle(seed=seed)
    splits = {}
    rest = shuffled
    if holdout:
        kw = {"stratify_by_column": mapping.label} if stratify else {}
        parts = rest.train_test_split(test_size=holdout, train_size=want_train, seed=seed, **kw) \
            if want_train + holdout <= rest.num_rows else None
        splits["train"], held = parts["train"], parts["test"]
        if eval_dsd is None and test_rows:
            kw2 = {"stratify_by_column": mapping.label} if stratify and held.num_rows >= 2 * n_classes else {}
            try:
                inner = held.train_test_split(test_size=test_rows, seed=seed, **kw2)
            except ValueError:
                inner = held.train_test_split(test_size=test_rows, seed=seed)
            splits["validation"], splits["test"] = inner["train"], inner["test"]
        elif eval_dsd is None:
            splits["validation"] = held
        else:
            splits["test"] = held
    else:
        splits["train"] = rest.select(range(want_train))
    if eval_dsd is not None:
        ev = _first_split(eval_dsd)
        validate_mapping(DatasetDict({"train": ev}), mapping)
        ev = ev.remove_columns([c for c in ev.column_names if c not in mapping.columns()])
        ev, ev_dropped = drop_empty(ev, mapping)
        ev = _align_labels(ev, mapping.label, names)
        if eval_rows:
            ev = ev.select(range(min(eval_rows, ev.num_rows)))
        splits["validation"] = ev
        report["dropped_empty_eval"] = ev_dropped
    report.update({"rows": {k: v.num_rows for k, v in splits.items()}, "stratified": stratify, "seed": seed})
    ordered = {k: splits[k] for k in ("train", "validation", "test") if k in splits}
    return PreparedData(DatasetDict(ordered), mapping, names, report)


def _align_labels(ds, label_column: str, names: list[str]):
    """Encode an evaluation split's labels with the training split's names."""
    from datasets import ClassLabel

    feature = ds.features[label_column]
    if isinstance(feature, ClassLabel):
        values = [feature.names[i] for i in ds[label_column]]
    else:
        values = [str(int(v)) if isinstance(v, float) and float(v).is_integer() else str(v) for v in ds[label_column]]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise StudioError("err.eval_unknown_labels", unknown=", ".join(unknown[:10]), names=", ".join(names))
    index = {n: i for i, n in enumerate(names)}
    ds = ds.remove_columns([label_column]).add_column(label_column, [index[v] for v in values])
    return ds.cast_column(label_column, ClassLabel(names=names))
