"""Column mapping, label casting and seeded splitting: what every backend trains on.

A :class:`PreparedData` keeps the user's own column names (as the tutorials do:
``title`` for YNAT, ``sentence1``/``sentence2`` for MRPC) and says which is which in
``mapping``; the label column is always a ``ClassLabel``.

Every step here is the same as a plain ``datasets`` call (``remove_columns``, ``filter``,
``class_encode_column``, ``train_test_split(stratify_by_column=...)``, ``shuffle``) so that
:mod:`trainer_core.data_code` can print the equivalent code and it gives the same rows.
The work itself is done on Arrow/NumPy arrays: ``train_test_split``'s stratified path
reads the label column row by row in datasets 5 (about 7 s on YNAT's 45k rows); feeding
the same splitter the label array directly gives identical indices in milliseconds.
"""
from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field

from .errors import StudioError, StudioWarning

TEXT_CANDIDATES = ("text", "sentence", "title", "sentence1", "question", "premise", "review", "content",
                   "document", "#1 String", "string", "headline", "body")
PAIR_CANDIDATES = ("sentence2", "text_pair", "hypothesis", "#2 String", "question2", "answer", "passage")
LABEL_CANDIDATES = ("label", "labels", "Quality", "class", "target", "category", "sentiment", "topic", "y")
_STRING_TYPES = ("string", "large_string")
_MAX_INT_LABEL = 10_000


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
    # rows dropped, rows per split, stratified or not, seed, warnings (JSON-safe dicts), and
    # "plan": the exact steps taken, which data_code turns into runnable code
    report: dict = field(default_factory=dict)

    @property
    def is_pair(self) -> bool:
        return self.mapping.text_pair is not None

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.label_names))

    @property
    def warnings(self) -> list[StudioWarning]:
        """The report's warnings as StudioWarning objects (the UI shows each with gr.Warning)."""
        return [StudioWarning(w["key"], **w["params"]) for w in self.report.get("warnings", [])]


def first_split_name(dsd) -> str:
    return "train" if "train" in dsd else next(iter(dsd))


def _first_split(dsd):
    return dsd[first_split_name(dsd)]


def column_array(ds, column: str):
    """One column as a pyarrow ChunkedArray, honouring any indices mapping (select/shuffle)."""
    return ds.with_format("arrow")[column]


def _is_string(feature) -> bool:
    return getattr(feature, "dtype", "") in _STRING_TYPES


# --- mapping ------------------------------------------------------------------------

def _partner(text: str, columns: list[str], exclude) -> str | None:
    """A pair column named like the text column: sentence1/sentence2, #1 String/#2 String, text_a/text_b."""
    candidates = []
    if "1" in text:
        i = text.rindex("1")
        candidates.append(text[:i] + "2" + text[i + 1:])
    for a, b in (("_a", "_b"), ("a", "b"), ("_1", "_2")):
        if text.endswith(a):
            candidates.append(text[: -len(a)] + b)
    return next((c for c in candidates if c in columns and c not in exclude), None)


def detect_mapping(dsd) -> ColumnMapping:
    """Guess the text, optional pair and label columns from names and types."""
    from datasets import ClassLabel

    ds = _first_split(dsd)
    columns = list(ds.column_names)
    lowered = {c.lower(): c for c in columns}

    def pick(candidates, exclude=()):
        for name in candidates:
            col = lowered.get(name.lower())
            if col and col not in exclude:
                return col
        return None

    label = next((c for c, f in ds.features.items() if isinstance(f, ClassLabel)), None) or pick(LABEL_CANDIDATES)
    text = pick(TEXT_CANDIDATES, exclude=(label,))
    if text is None:
        strings = [c for c, f in ds.features.items() if _is_string(f) and c != label]
        if strings:  # the column with the longest texts is the likeliest input
            head = ds.select(range(min(ds.num_rows, 200)))
            text = max(strings, key=lambda c: sum(len(v or "") for v in head[c]))
    if text is None or label is None:
        raise StudioError("err.mapping_undetected", found=", ".join(columns))
    pair = _partner(text, columns, (label, text)) or pick(PAIR_CANDIDATES, exclude=(label, text))
    if pair is not None and not _is_string(ds.features[pair]):
        pair = None
    return ColumnMapping(text=text, label=label, text_pair=pair)


_MISSING_KEYS = {"text": ("err.mapping_missing_text", "err.mapping_missing_text_guess"),
                 "text_pair": ("err.mapping_missing_pair", "err.mapping_missing_pair_guess"),
                 "label": ("err.mapping_missing_label", "err.mapping_missing_label_guess")}


def validate_mapping(dsd, mapping: ColumnMapping) -> None:
    """Check the mapping against the real columns; a misspelt name gets the closest real one."""
    ds = _first_split(dsd)
    columns = list(ds.column_names)
    found = ", ".join(columns)
    for role, name in (("text", mapping.text), ("label", mapping.label), ("text_pair", mapping.text_pair)):
        if role != "text_pair" and not name:
            raise StudioError(_MISSING_KEYS[role][0], name="", found=found)
        if name and name not in columns:
            by_case = [c for c in columns if c.lower() == name.strip().lower()]
            close = by_case or difflib.get_close_matches(name, columns, n=1, cutoff=0.5)
            if close:
                raise StudioError(_MISSING_KEYS[role][1], name=name, guess=close[0], found=found)
            raise StudioError(_MISSING_KEYS[role][0], name=name, found=found)
    if mapping.text == mapping.label or (mapping.text_pair and mapping.text_pair in (mapping.text, mapping.label)):
        raise StudioError("err.mapping_same", found=found)
    for name in (mapping.text, mapping.text_pair):
        if name and not _is_string(ds.features[name]):
            raise StudioError("err.mapping_not_text", name=name, dtype=str(ds.features[name]), found=found)
    if not _is_scalar(ds.features[mapping.label]):
        raise StudioError("err.label_not_scalar", name=mapping.label, dtype=str(ds.features[mapping.label])[:80])


def _is_scalar(feature) -> bool:
    """A label must be one value per row (a ClassLabel or a plain Value), not a list or a record."""
    from datasets import ClassLabel, Value

    return isinstance(feature, (ClassLabel, Value))


# --- labels -------------------------------------------------------------------------

def label_cast_kind(ds, label_column: str) -> str:
    """How the label column becomes a ClassLabel: 'classlabel' (kept), 'int' (ids kept) or 'string'
    (``class_encode_column``: the distinct values as text, sorted)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from datasets import ClassLabel

    if isinstance(ds.features[label_column], ClassLabel):
        return "classlabel"
    values = column_array(ds, label_column)
    kind = values.type
    if pa.types.is_integer(kind) or (pa.types.is_floating(kind) and values.null_count == 0 and len(values)
                                     and pc.all(pc.equal(pc.floor(values), values)).as_py()):
        # ids kept as ids; an id column mapped as label by mistake must not make a billion names
        if len(values) == 0 or (pc.min(values).as_py() >= 0 and pc.max(values).as_py() < _MAX_INT_LABEL):
            return "int"
    return "string"


def cast_labels(ds, label_column: str, kind: str | None = None):
    """Make the label column a ClassLabel: names kept, ints kept, strings sorted into names."""
    import numpy as np
    import pyarrow.compute as pc
    from datasets import ClassLabel

    kind = kind or label_cast_kind(ds, label_column)
    if kind == "classlabel":
        return ds, list(ds.features[label_column].names)
    values = column_array(ds, label_column)
    if kind == "int":  # the same as cast_column(label, ClassLabel(names=["0", ..., str(max)]))
        top = pc.max(values).as_py() if len(values) else 0
        names = [str(i) for i in range(int(top) + 1)]
        return ds.cast_column(label_column, ClassLabel(names=names)), names
    # the same as class_encode_column(label): sorted distinct values as text
    texts = [None if v is None else str(v) for v in values.to_pylist()]
    names = sorted({v for v in texts if v is not None})
    index = {n: i for i, n in enumerate(names)}
    codes = np.fromiter((index[v] for v in texts), dtype=np.int64, count=len(texts))
    return _replace_column(ds, label_column, codes, ClassLabel(names=names)), names


def _replace_column(ds, column: str, values, feature):
    from datasets import Dataset, Features

    order = list(ds.column_names)
    if order == [column]:  # removing the only column would leave a table of 0 rows
        return Dataset.from_dict({column: values}, features=Features({column: feature}))
    if ds._indices is not None:  # add_column needs the rows in table order
        ds = ds.flatten_indices()
    ds = ds.remove_columns([column]).add_column(column, values, feature=feature)
    return ds.select_columns(order)


def label_warnings(names: list[str]) -> list[dict]:
    """Labels that differ only by case or spaces ('Positive', 'positive ') are usually one class."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(" ".join(name.split()).casefold(), []).append(name)
    clashes = [g for g in groups.values() if len(g) > 1]
    if not clashes:
        return []
    shown = "; ".join(" / ".join(repr(n) for n in g) for g in clashes[:5])
    return [_warning("warn.labels_case_space", groups=shown)]


def _warning(key: str, **params) -> dict:
    return {"key": key, "params": params, "message": str(StudioWarning(key, **params))}


# --- cleaning -----------------------------------------------------------------------

def is_blank(value) -> bool:
    """None, NaN or a string of only whitespace (the emitted code's filter uses the same test)."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip()


def _blank_mask(ds, columns: list[str]):
    import numpy as np
    import pyarrow.compute as pc

    mask = np.zeros(ds.num_rows, dtype=bool)
    for column in columns:
        values = column_array(ds, column)
        if _is_string(ds.features[column]):
            mask |= np.fromiter((v is None or not v.strip() for v in values.to_pylist()), dtype=bool,
                                count=ds.num_rows)
        else:
            mask |= pc.is_null(values, nan_is_null=True).to_numpy(zero_copy_only=False)
    return mask


def _keep_and_clean(ds, mapping: ColumnMapping):
    """Only the mapped columns, without empty rows: (dataset, columns removed, rows dropped)."""
    removed = [c for c in ds.column_names if c not in mapping.columns()]
    ds, dropped = drop_empty(ds.remove_columns(removed) if removed else ds, mapping)
    return ds, removed, dropped


def drop_empty(ds, mapping: ColumnMapping):
    """Drop rows whose mapped columns are empty/NaN: the same rows as ``ds.filter`` with :func:`is_blank`."""
    import numpy as np

    mask = _blank_mask(ds, mapping.columns())
    dropped = int(mask.sum())
    if dropped:
        ds = ds.select(np.flatnonzero(~mask))
    return ds, dropped


# --- splitting ----------------------------------------------------------------------

def _labels(ds, label_column: str):
    return column_array(ds, label_column).to_numpy()


def can_stratify(labels, n_train: int, n_test: int) -> bool:
    """What ``train_test_split(stratify_by_column=...)`` accepts: 2+ rows a class, each side >= classes."""
    import numpy as np

    counts = np.bincount(labels) if len(labels) else np.array([])
    counts = counts[counts > 0]
    return bool(len(counts) > 1 and counts.min() >= 2 and n_train >= len(counts) and n_test >= len(counts))


def split_like_datasets(ds, label_column: str, n_train: int, n_test: int, seed: int, stratify: bool):
    """Identical to ``ds.train_test_split(test_size=n_test, train_size=n_train, seed=seed,
    stratify_by_column=label_column if stratify else None)``, without its row-by-row label read."""
    import numpy as np

    generator = np.random.default_rng(seed)
    if stratify:
        from datasets.utils.stratify import stratified_shuffle_split_generate_indices

        train_idx, test_idx = next(stratified_shuffle_split_generate_indices(
            _labels(ds, label_column), n_train, n_test, rng=generator))
    else:
        permutation = generator.permutation(ds.num_rows)
        test_idx, train_idx = permutation[:n_test], permutation[n_test:n_test + n_train]
    return ds.select(train_idx), ds.select(test_idx)


def _rows(value, name: str) -> int:
    try:
        n = int(value or 0)
    except (TypeError, ValueError):
        raise StudioError("err.split_rows_invalid", split=name, value=str(value)) from None
    if n < 0 or n != float(value or 0):
        raise StudioError("err.split_rows_invalid", split=name, value=str(value))
    return n


def prepare(dsd, mapping: ColumnMapping | None = None, train_rows: int | None = None, eval_rows: int | None = None,
            test_rows: int = 0, seed: int = 42, eval_dsd=None) -> PreparedData:
    """Keep the mapped columns, drop empty rows, cast labels, then take seeded, stratified splits.

    ``eval_dsd`` (a separate evaluation file) is used as the validation split when given;
    otherwise validation (and test) rows are carved out of the training data.
    """
    from datasets import DatasetDict

    mapping = mapping or detect_mapping(dsd)
    validate_mapping(dsd, mapping)
    train_rows, eval_rows, test_rows = (_rows(train_rows, "train"), _rows(eval_rows, "validation"),
                                        _rows(test_rows, "test"))
    seed = _rows(seed, "seed")
    source, removed, dropped = _keep_and_clean(_first_split(dsd), mapping)
    kind = label_cast_kind(source, mapping.label)
    source, names = cast_labels(source, mapping.label, kind)
    labels = _labels(source, mapping.label)
    present = sorted(set(labels.tolist()))
    if len(present) < 2:
        raise StudioError("err.one_class", label=mapping.label, names=", ".join(names[i] for i in present) or "-")
    warnings = label_warnings(names)
    if len(present) > 100 or len(present) > source.num_rows // 2:
        warnings.append(_warning("warn.many_classes", label=mapping.label, classes=len(present), rows=source.num_rows))

    if eval_dsd is None and not eval_rows:
        raise StudioError("err.split_no_eval")
    holdout = (0 if eval_dsd is not None else eval_rows) + test_rows
    want_train = train_rows or (source.num_rows - holdout)
    if want_train <= 0 or want_train + holdout > source.num_rows:
        raise StudioError("err.split_too_small", need=max(want_train, 1) + holdout, have=source.num_rows)
    n_classes = len(present)
    for name, n in (("train", want_train), ("validation", eval_rows if eval_dsd is None else None),
                    ("test", test_rows or None)):
        if n is not None and n < n_classes:
            raise StudioError("err.split_class_rows", split=name, rows=n, classes=n_classes)

    plan = {"source_split": first_split_name(dsd), "removed": removed, "columns": mapping.columns(),
            "label_kind": kind, "label_names": names, "seed": seed}
    splits = {}
    stratify = inner_stratify = False
    if holdout:
        stratify = can_stratify(labels, want_train, holdout)
        splits["train"], held = split_like_datasets(source, mapping.label, want_train, holdout, seed, stratify)
        plan["holdout"] = {"train": want_train, "test": holdout, "stratify": stratify}
        if eval_dsd is None and test_rows:
            inner_stratify = can_stratify(_labels(held, mapping.label), eval_rows, test_rows)
            splits["validation"], splits["test"] = split_like_datasets(held, mapping.label, eval_rows, test_rows,
                                                                       seed, inner_stratify)
            plan["inner"] = {"train": eval_rows, "test": test_rows, "stratify": inner_stratify}
        else:
            splits["validation" if eval_dsd is None else "test"] = held
    else:
        shuffled = source.shuffle(seed=seed)
        splits["train"] = shuffled.select(range(want_train)) if want_train < shuffled.num_rows else shuffled
        plan["shuffle_select"] = want_train if want_train < shuffled.num_rows else None
    report = {"dropped_empty": dropped, "rows_after_cleaning": source.num_rows, "columns_removed": removed,
              "label_cast": kind}
    if eval_dsd is not None:
        splits["validation"], report["dropped_empty_eval"], plan["eval"] = _eval_split(
            eval_dsd, mapping, names, eval_rows, seed)
    for split_name, ds in splits.items():
        missing = sorted(set(present) - set(_labels(ds, mapping.label).tolist()))
        if missing:
            warnings.append(_warning("warn.split_missing_classes", split=split_name,
                                     names=", ".join(names[i] for i in missing[:10])))
    report.update({"rows": {k: splits[k].num_rows for k in ("train", "validation", "test") if k in splits},
                   "stratified": stratify, "stratified_validation_test": inner_stratify, "seed": seed,
                   "warnings": warnings, "plan": plan})
    ordered = {k: splits[k] for k in ("train", "validation", "test") if k in splits}
    return PreparedData(DatasetDict(ordered), mapping, names, report)


def _eval_split(eval_dsd, mapping: ColumnMapping, names: list[str], eval_rows: int, seed: int):
    """A separate evaluation split: same columns, blanks dropped, labels encoded with the training names."""
    from datasets import DatasetDict

    ev = _first_split(eval_dsd)
    validate_mapping(DatasetDict({"train": ev}), mapping)
    ev, removed, dropped = _keep_and_clean(ev, mapping)
    ev, aligned = align_labels(ev, mapping.label, names)
    take = eval_rows if eval_rows and eval_rows < ev.num_rows else None
    if take:
        ev = ev.shuffle(seed=seed).select(range(take))
    if ev.num_rows == 0:
        raise StudioError("err.split_too_small", need=1, have=0)
    return ev, dropped, {"split": first_split_name(eval_dsd), "removed": removed, "align": aligned, "rows": take}


def align_labels(ds, label_column: str, names: list[str]):
    """Encode an evaluation split's labels with the training split's names: (dataset, changed?)."""
    import numpy as np
    from datasets import ClassLabel

    feature = ds.features[label_column]
    if isinstance(feature, ClassLabel):
        import pyarrow.compute as pc

        unlabelled = int(pc.sum(pc.less(column_array(ds, label_column), 0)).as_py() or 0)
        if unlabelled:  # the Hub's test splits often carry -1 ("no label")
            raise StudioError("err.eval_unlabelled", rows=unlabelled)
        if list(feature.names) == list(names):
            return ds, False
    raw = column_array(ds, label_column).to_pylist()
    if isinstance(feature, ClassLabel):
        values = [feature.names[v] for v in raw]
    else:  # spelt as training spells them: ids as '0', and 1.0 (a column with NaN) as '1'
        values = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in raw]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise StudioError("err.eval_unknown_labels", unknown=", ".join(unknown[:10]), names=", ".join(names))
    index = {n: i for i, n in enumerate(names)}
    codes = np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    return _replace_column(ds, label_column, codes, ClassLabel(names=names)), True
