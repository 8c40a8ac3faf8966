"""Fuzzing column mapping and prepare: any columns, any mapping typed into the API, any split
numbers — either prepared splits that keep their invariants, or a StudioError.

The data sets are built in memory (typed columns with blanks, NaN, case-variant labels,
huge ids), the mapping is auto-detected or typed (misspelt, empty, the same column twice),
and the row counts come as the API could send them (negative, fractional, text).
"""
from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures_quality import check_prepared
from trainer_core.data import ColumnMapping, detect_mapping, prepare, validate_mapping
from trainer_core.data_code import emit_code
from trainer_core.errors import StudioError

NAMES = ["text", "label", "Label", "sentence1", "sentence2", "title", "x", "labels", "Text "]
LABEL_WORDS = ["pos", "Pos", "pos ", "neg", "NEG", "중립", "", " "]
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SOURCE = {"kind": "file", "path": "data.csv", "name": "data.csv", "builder": "csv", "load_kwargs": {"sep": ","}}


def mostly(good, bad):
    """``good`` eight times in ten: prepare must get past the checks often enough to be exercised."""
    return st.sampled_from([True] * 8 + [False]).flatmap(lambda ok: good if ok else bad)


def column(kind: str, n: int):
    texts = mostly(st.text(min_size=1, max_size=10),
                   st.none() | st.sampled_from(["좋아요", "  ", "", "a,b", "<b>x</b>"]))
    values = {
        "text": texts,
        "label_text": mostly(st.sampled_from(LABEL_WORDS[:3]), st.none() | st.sampled_from(LABEL_WORDS)),
        "int": mostly(st.integers(0, 2), st.none() | st.integers(-2, 4) | st.sampled_from([10**12, 9_999, 10_000])),
        "float": mostly(st.sampled_from([0.0, 1.0, 2.0]), st.floats(allow_infinity=False) | st.just(math.nan)),
        "bool": st.booleans(),
    }[kind]
    return st.lists(values, min_size=n, max_size=n)


@st.composite
def datasets_(draw, n=None):
    from datasets import Dataset

    n = draw(mostly(st.integers(12, 40), st.integers(0, 12))) if n is None else n
    # Mostly a recognisable text and label column (so prepare gets past the mapping), plus extras.
    text_name = draw(st.sampled_from(["text", "sentence1", "title", "Text", "review"]))
    label_name = draw(st.sampled_from(["label", "Label", "labels", "category", "y"]))
    kinds = ["label_text", "int", "float", "bool", "text"]
    data = {text_name: draw(column("text", n)), label_name: draw(column(draw(st.sampled_from(kinds)), n))}
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True)):
        data[name] = draw(column(draw(st.sampled_from(kinds)), n))
    if draw(st.integers(0, 4)) == 4:  # sometimes no label-like name at all
        data.pop(label_name)
    return Dataset.from_dict(data)


def mapping_for(names):
    choice = st.sampled_from(names + ["missing", "", "TEXT"])
    typed = st.builds(ColumnMapping, text=choice, label=choice,
                      text_pair=st.none() | st.sampled_from(names + ["", "missing"]))
    return mostly(st.none(), typed)


def row_counts(good):
    return mostly(good, st.none() | st.integers(-3, 60) | st.floats(-2, 50) | st.sampled_from(["", "10", "ten", "2.5"]))


@FUZZ
@given(data=st.data())
def test_prepare_any_mapping_and_split_numbers(data):
    from datasets import DatasetDict

    ds = data.draw(datasets_())
    dsd = DatasetDict({"train": ds})
    mapping = data.draw(mapping_for(list(ds.column_names)))
    eval_dsd = None
    if data.draw(st.booleans()):
        eval_dsd = DatasetDict({"validation": data.draw(datasets_(n=data.draw(st.integers(0, 8))))})
    args = dict(train_rows=data.draw(row_counts(st.none() | st.integers(1, 30))),
                eval_rows=data.draw(row_counts(st.integers(3, 10))),
                test_rows=data.draw(mostly(st.just(0) | st.integers(0, 10), st.sampled_from([-1, 2.5, "x"]))),
                seed=data.draw(mostly(st.integers(0, 2**32 - 1), st.sampled_from([-1, 1.5, None, 2**40]))))
    try:
        prepared = prepare(dsd, mapping, eval_dsd=eval_dsd, **args)
    except StudioError as err:  # a refusal must be a clear, translated message
        assert err.render("ko") and str(err)
    else:
        check_prepared(prepared)
        emit_code(SOURCE, prepared, data_path="data.csv")


@FUZZ
@given(data=st.data())
def test_detect_and_validate_mapping_agree(data):
    """A detected mapping always validates; a typed one either validates or says what is wrong."""
    from datasets import DatasetDict

    ds = data.draw(datasets_())
    dsd = DatasetDict({"train": ds})
    try:
        detected = detect_mapping(dsd)
    except StudioError:
        detected = None
    if detected is not None:
        assert set(detected.columns()) <= set(ds.column_names)
        try:
            validate_mapping(dsd, detected)
        except StudioError as err:  # only a non-text column picked by name may be refused
            assert err.key in ("err.mapping_not_text", "err.mapping_same"), err.key
    typed = data.draw(mapping_for(list(ds.column_names)))
    if typed is not None:
        try:
            validate_mapping(dsd, typed)
        except StudioError as err:
            assert err.render("ko")
