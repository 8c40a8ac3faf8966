"""Column mapping, label casting and seeded, stratified splits."""
from collections import Counter

import pytest
from datasets import ClassLabel, Dataset, DatasetDict

from tests.conftest import shared_file
from tests.fixtures_dataset import MRPC_LIKE_ROWS, mrpc_like, mrpc_like_pairs, topic_rows, write_rows  # noqa: F401
from trainer_core.data import ColumnMapping, cast_labels, detect_mapping, prepare, validate_mapping
from trainer_core.errors import StudioError, StudioWarning
from trainer_core.loaders import load_file, load_sample


def _dsd(**columns):
    return DatasetDict({"train": Dataset.from_dict(columns)})


def _topics(n=20, **kw):
    rows = topic_rows(n, **kw)
    return _dsd(headline=[r[0] for r in rows[1:]], topic=[r[1] for r in rows[1:]], id=[r[2] for r in rows[1:]])


@pytest.mark.parametrize("columns,expected", [
    (["sentence1", "sentence2", "label", "idx"], ("sentence1", "sentence2", "label")),
    (["question_a", "question_b", "target"], ("question_a", "question_b", "target")),
    (["premise", "hypothesis", "label"], ("premise", "hypothesis", "label")),
    (["label", "text"], ("text", None, "label")),
    (["note", "body_text_long", "category"], ("body_text_long", None, "category")),
])
def test_detect_mapping_single_and_pairs(columns, expected):
    values = {c: (["short", "x"] if c == "note" else ["a long piece of text here", "another long one"])
              for c in columns}
    for c in ("label", "target", "category", "idx"):
        if c in columns:
            values[c] = [0, 1]
    mapping = detect_mapping(_dsd(**values))
    assert (mapping.text, mapping.text_pair, mapping.label) == expected


def test_detect_mapping_prefers_a_class_label_column_and_says_what_it_found():
    ds = Dataset.from_dict({"words": ["a b", "c d"], "gold": [0, 1]})
    ds = ds.cast_column("gold", ClassLabel(names=["no", "yes"]))
    assert detect_mapping(DatasetDict({"train": ds})).label == "gold"
    with pytest.raises(StudioError) as info:
        detect_mapping(_dsd(a=[1, 2], b=[3, 4]))
    assert info.value.key == "err.mapping_undetected" and "a, b" in str(info.value)


def test_misspelt_label_column_suggests_the_closest_name():
    dsd = _topics(2)
    with pytest.raises(StudioError) as info:
        validate_mapping(dsd, ColumnMapping(text="headline", label="topics"))
    assert info.value.key == "err.mapping_missing_label_guess"
    assert "'topic'" in str(info.value) and "headline, topic, id" in str(info.value)
    with pytest.raises(StudioError) as info:
        validate_mapping(dsd, ColumnMapping(text="Headline", label="topic"))
    assert info.value.key == "err.mapping_missing_text_guess" and "'headline'" in str(info.value)
    with pytest.raises(StudioError) as info:
        validate_mapping(dsd, ColumnMapping(text="headline", label="zzzzzz"))
    assert info.value.key == "err.mapping_missing_label"
    assert "Korean" not in info.value.render("ko") and "찾은 열" in info.value.render("ko")


def test_mapping_refuses_same_column_twice_and_non_text_input():
    dsd = _dsd(text=["a", "b"], n=[1, 2], label=["x", "y"])
    with pytest.raises(StudioError) as info:
        validate_mapping(dsd, ColumnMapping(text="text", label="text"))
    assert info.value.key == "err.mapping_same"
    with pytest.raises(StudioError) as info:
        validate_mapping(dsd, ColumnMapping(text="n", label="label"))
    assert info.value.key == "err.mapping_not_text" and "int64" in str(info.value)


def test_cast_labels_strings_sorted_ints_kept_names_kept_floats_as_ints():
    ds, names = cast_labels(Dataset.from_dict({"label": ["b", "a", "c", "a"]}), "label")
    assert names == ["a", "b", "c"] and ds["label"][:] == [1, 0, 2, 0]
    ds, names = cast_labels(Dataset.from_dict({"label": [2, 0, 2]}), "label")
    assert names == ["0", "1", "2"] and ds["label"][:] == [2, 0, 2]
    ds, names = cast_labels(Dataset.from_dict({"label": [1.0, 0.0]}), "label")
    assert names == ["0", "1"] and ds["label"][:] == [1, 0] and isinstance(ds.features["label"], ClassLabel)
    named = Dataset.from_dict({"label": [1, 0]}).cast_column("label", ClassLabel(names=["neg", "pos"]))
    assert cast_labels(named, "label")[1] == ["neg", "pos"]
    ds, names = cast_labels(Dataset.from_dict({"label": [-1, 1, 1]}), "label")
    assert names == ["-1", "1"]  # negative ids are not ids: text, sorted like class_encode_column


def test_one_class_is_refused_naming_the_class():
    dsd = _dsd(text=[f"row {i}" for i in range(10)], label=["only"] * 10)
    with pytest.raises(StudioError) as info:
        prepare(dsd, eval_rows=2)
    assert info.value.key == "err.one_class" and "only" in str(info.value)


def test_empty_and_nan_rows_are_dropped_and_counted(tmp_path):
    rows = topic_rows(10)
    rows[3][0] = "   "
    rows[5][1] = ""
    rows[7][0] = ""
    path = write_rows(tmp_path / "holes.csv", rows)
    dsd = load_file(path)  # pandas reads the empty cells as None
    prepared = prepare(dsd, ColumnMapping("headline", "topic"), eval_rows=6, seed=1)
    assert prepared.report["dropped_empty"] == 3
    assert prepared.report["rows_after_cleaning"] == 27
    assert sum(prepared.report["rows"].values()) == 27
    assert prepared.report["columns_removed"] == ["id"]
    assert prepared.splits["train"].column_names == ["headline", "topic"]
    nan = _dsd(text=["a", "b", "c", "d", "e", "f"], label=[0.0, float("nan"), 1.0, 0.0, 1.0, 1.0])
    prepared = prepare(nan, eval_rows=2, seed=0)
    assert prepared.report["dropped_empty"] == 1 and prepared.label_names == ["0", "1"]


@pytest.mark.parametrize("kwargs,key", [
    ({"train_rows": 50, "eval_rows": 20}, "err.split_too_small"),
    ({"eval_rows": 2}, "err.split_class_rows"),
    ({"eval_rows": 6, "test_rows": 1}, "err.split_class_rows"),
    ({"train_rows": 2, "eval_rows": 6}, "err.split_class_rows"),
    ({"eval_rows": 0}, "err.split_no_eval"),
    ({"eval_rows": 3.5}, "err.split_rows_invalid"),
    ({"eval_rows": -3}, "err.split_rows_invalid"),
])
def test_too_few_rows_for_the_requested_split(kwargs, key):
    with pytest.raises(StudioError) as info:
        prepare(_topics(20), ColumnMapping("headline", "topic"), **kwargs)
    assert info.value.key == key


def test_labels_differing_only_by_case_or_space_warn_in_the_report():
    labels = ["Positive", "positive ", "negative"] * 6
    prepared = prepare(_dsd(text=[f"t {i}" for i in range(18)], label=labels), eval_rows=3, seed=0)
    assert prepared.label_names == ["Positive", "negative", "positive "]
    (warning,) = [w for w in prepared.report["warnings"] if w["key"] == "warn.labels_case_space"]
    assert "'Positive' / 'positive '" in warning["message"]
    assert isinstance(prepared.warnings[0], StudioWarning) and "레이블" in prepared.warnings[0].render("ko")


def test_same_seed_same_rows_other_seed_other_rows_and_stratified_shares():
    dsd = _topics(40, classes=("a", "b", "c", "d"))
    one = prepare(dsd, ColumnMapping("headline", "topic"), train_rows=80, eval_rows=40, test_rows=20, seed=7)
    two = prepare(dsd, ColumnMapping("headline", "topic"), train_rows=80, eval_rows=40, test_rows=20, seed=7)
    other = prepare(dsd, ColumnMapping("headline", "topic"), train_rows=80, eval_rows=40, test_rows=20, seed=8)
    for split in ("train", "validation", "test"):
        assert one.splits[split]["headline"][:] == two.splits[split]["headline"][:]
    assert one.splits["train"]["headline"][:] != other.splits["train"]["headline"][:]
    assert one.report["rows"] == {"train": 80, "validation": 40, "test": 20}
    assert one.report["stratified"] and one.report["stratified_validation_test"]
    assert set(Counter(one.splits["train"]["topic"][:]).values()) == {20}
    assert set(Counter(one.splits["validation"]["topic"][:]).values()) == {10}
    seen = [set(one.splits[s]["headline"][:]) for s in ("train", "validation", "test")]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])


def test_a_class_with_one_row_falls_back_to_a_random_split_and_warns_when_a_split_lacks_it():
    dsd = _dsd(text=[f"t{i}" for i in range(21)], label=["a"] * 10 + ["b"] * 10 + ["rare"])
    prepared = prepare(dsd, eval_rows=4, seed=3)
    assert prepared.report["stratified"] is False
    missing = [w for w in prepared.report["warnings"] if w["key"] == "warn.split_missing_classes"]
    assert missing and "rare" in missing[0]["message"]


def test_a_separate_evaluation_split_is_aligned_to_the_training_names():
    train = _dsd(text=[f"t{i}" for i in range(12)], label=["neg", "pos", "mid"] * 4)
    ev = _dsd(text=["x", "y", "z", ""], label=["pos", "neg", "mid", "pos"])
    prepared = prepare(train, eval_dsd=ev, test_rows=3, seed=0)
    assert prepared.label_names == ["mid", "neg", "pos"]
    assert prepared.splits["validation"]["label"][:] == [2, 1, 0]
    assert prepared.report["dropped_empty_eval"] == 1
    assert prepared.report["rows"] == {"train": 9, "validation": 3, "test": 3}
    with pytest.raises(StudioError) as info:
        prepare(train, eval_dsd=_dsd(text=["x"], label=["other"]))
    assert info.value.key == "err.eval_unknown_labels" and "other" in str(info.value)


def test_bundled_sample_with_its_own_validation_split():
    dsd = load_sample("imdb_en")
    prepared = prepare(dsd, eval_dsd=DatasetDict({"test": dsd["test"]}), seed=0)
    assert prepared.splits["validation"].num_rows == dsd["test"].num_rows
    assert prepared.splits["train"].num_rows == dsd["train"].num_rows
    assert prepared.label_names == ["neg", "pos"] and prepared.id2label == {0: "neg", 1: "pos"}


def test_ynat_seed_42_split_is_identical_across_two_runs():
    dsd = load_file(shared_file("ynat", "ynat_train.tsv"))
    runs = [prepare(dsd, train_rows=10_000, eval_rows=1_000, test_rows=1_000, seed=42) for _ in range(2)]
    assert runs[0].report["rows"] == {"train": 10_000, "validation": 1_000, "test": 1_000}
    for split in ("train", "validation", "test"):
        assert runs[0].splits[split].to_dict() == runs[1].splits[split].to_dict()
    assert runs[0].label_names == ["IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"]
    assert not runs[0].is_pair


def test_mrpc_prepares_as_pairs_with_int_labels():
    dsd = load_file(shared_file("mrpc", "train.tsv"))
    ev = load_file(shared_file("mrpc", "dev.tsv"))
    prepared = prepare(dsd, eval_dsd=ev, seed=42)
    assert prepared.is_pair and prepared.label_names == ["0", "1"]
    assert prepared.report["rows"] == {"train": 3668, "validation": 408}
    assert Counter(prepared.splits["validation"]["Quality"][:]) == {1: 279, 0: 129}


def test_an_mrpc_shaped_file_prepares_as_pairs_with_int_labels(mrpc_like):
    """The MRPC test above on files written here: dev is the validation split, labels stay 0/1."""
    prepared = prepare(load_file(mrpc_like["train"]), eval_dsd=load_file(mrpc_like["dev"]), seed=42)
    assert prepared.is_pair and prepared.label_names == ["0", "1"]
    assert prepared.report["rows"] == {"train": MRPC_LIKE_ROWS["train"], "validation": MRPC_LIKE_ROWS["dev"]}
    written = Counter(quality for quality, _, _ in mrpc_like_pairs(MRPC_LIKE_ROWS["dev"], seed=1))
    assert Counter(prepared.splits["validation"]["Quality"][:]) == written


def test_an_unlabelled_evaluation_split_is_refused_and_not_suggested():
    from trainer_core.data_describe import describe, suggest_split

    names = ClassLabel(names=["neg", "pos"])
    train = Dataset.from_dict({"text": [f"t{i}" for i in range(20)], "label": [0, 1] * 10}).cast_column("label", names)
    test = Dataset.from_dict({"text": ["a", "b"], "label": [-1, -1]}).cast_column("label", names)
    dsd = DatasetDict({"train": train, "test": test})
    with pytest.raises(StudioError) as info:
        prepare(dsd, eval_dsd=DatasetDict({"test": test}))
    assert info.value.key == "err.eval_unlabelled" and "2 rows" in str(info.value)
    assert suggest_split(describe(dsd))["eval_split"] == ""
    assert suggest_split(describe(DatasetDict({"train": train, "test": train})))["eval_split"] == "test"
