import csv
import json

import pytest

from tests.fixtures_offline import hub_loads  # noqa: F401
from trainer_core.errors import StudioError
from trainer_core.loaders import SAMPLES, load_file, load_hub, load_sample


@pytest.mark.parametrize("name,columns,names,min_rows", [
    ("ynat_ko", {"title", "label"}, ["IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"], 7 * 30),
    ("imdb_en", {"text", "label"}, ["neg", "pos"], 100),
    ("mrpc_en", {"sentence1", "sentence2", "label"}, ["not_equivalent", "equivalent"], 60),
])
def test_bundled_samples_load_with_class_labels(name, columns, names, min_rows):
    dsd = load_sample(name)
    assert list(dsd) == ["train", SAMPLES[name].eval_split]
    total = sum(ds.num_rows for ds in dsd.values())
    assert total >= min_rows
    for ds in dsd.values():
        assert set(ds.column_names) == columns
        assert ds.features["label"].names == names
        # every class appears in every split (the split is stratified)
        assert set(ds["label"]) == set(range(len(names)))
    again = load_sample(name)
    assert again["train"]["label"] == dsd["train"]["label"]


def test_unknown_sample():
    with pytest.raises(StudioError, match="ynat_ko"):
        load_sample("nope")


def _write_rows(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerows(rows)


def test_csv_tsv_json_jsonl_parquet(tmp_path):
    rows = [["text", "label"], ["good film", "pos"], ["bad film", "neg"]]
    _write_rows(tmp_path / "a.csv", rows)
    _write_rows(tmp_path / "a.tsv", rows, "\t")
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    (tmp_path / "a.json").write_text(json.dumps(records), "utf-8")
    import pandas as pd

    pd.DataFrame(records).to_parquet(tmp_path / "a.parquet")
    for name in ("a.csv", "a.tsv", "a.jsonl", "a.json", "a.parquet"):
        ds = load_file(tmp_path / name)["train"]
        assert ds.column_names == ["text", "label"], name
        assert ds["text"] == ["good film", "bad film"], name


def test_tsv_with_a_quoted_field_containing_a_tab(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text('label\ttext\nA\t"ends with a tab\t"\nB\tplain\n', "utf-8")
    ds = load_file(path)["train"]
    assert ds["text"] == ["ends with a tab\t", "plain"]


def test_tsv_with_bare_quotes_is_read_literally(tmp_path):
    path = tmp_path / "bare.tsv"
    path.write_text('Quality\ts1\ts2\n1\t"Quoted start and more\tplain\n0\tsays "hi" there\tx "y\n', "utf-8")
    ds = load_file(path)["train"]
    assert ds["s1"] == ['"Quoted start and more', 'says "hi" there']
    assert ds["s2"] == ["plain", 'x "y']


def test_bom_and_cp949_are_decoded(tmp_path):
    (tmp_path / "bom.csv").write_bytes("text,label\n안녕,a\n".encode("utf-8-sig"))
    assert load_file(tmp_path / "bom.csv")["train"].column_names == ["text", "label"]
    (tmp_path / "kr.csv").write_bytes("제목,label\n경제 뉴스,경제\n".encode("cp949"))
    ds = load_file(tmp_path / "kr.csv")["train"]
    assert ds.column_names == ["제목", "label"] and ds["제목"] == ["경제 뉴스"]


@pytest.mark.parametrize("content,key", [
    (b"", "err.file_empty"),
    (b"   \n", "err.file_empty"),
    (b"text,label\n", "err.file_empty"),
    (b"\xff\xfe\x00\x81\x00bad", "err.file_encoding"),
])
def test_bad_files(tmp_path, content, key):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(StudioError) as info:
        load_file(path)
    assert info.value.key == key


def test_unsupported_type_missing_file_and_size_limit(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"data")
    with pytest.raises(StudioError, match=".docx"):
        load_file(tmp_path / "x.docx")
    with pytest.raises(StudioError) as info:
        load_file(tmp_path / "none.csv")
    assert info.value.key == "err.file_missing"
    (tmp_path / "big.csv").write_text("text,label\n" + "a,b\n" * 1000, "utf-8")
    with pytest.raises(StudioError) as info:
        load_file(tmp_path / "big.csv", max_bytes=100)
    assert info.value.key == "err.file_too_large"


def test_hub_dataset_offline_fails_at_once(hub_loads):
    """At once because nothing is tried: datasets is never asked to download, so it cannot retry."""
    with pytest.raises(StudioError) as info:
        load_hub("klue", "ynat", "train")
    assert info.value.key == "err.dataset_hub_unreachable"
    assert "sample" in str(info.value)
    assert hub_loads == []
    with pytest.raises(StudioError) as info:
        load_hub("../etc")
    assert info.value.key == "err.dataset_id_malformed"


def test_cr_only_line_ends_and_stray_cr(tmp_path):
    (tmp_path / "mac.csv").write_bytes(b"text,label\rhello,pos\rbye,neg\r")
    assert load_file(tmp_path / "mac.csv")["train"]["text"] == ["hello", "bye"]


def test_json_labels_of_mixed_types_become_text(tmp_path):
    from trainer_core.data import prepare
    from trainer_core.data_describe import describe

    rows = [{"text": f"t{i}", "label": [1, "pos"][i % 2]} for i in range(12)]
    (tmp_path / "mixed.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    dsd = load_file(tmp_path / "mixed.jsonl")
    assert set(dsd["train"]["label"]) == {"1", "pos"}
    assert describe(dsd)["label_names"] == ["1", "pos"]
    assert prepare(dsd, eval_rows=4).label_names == ["1", "pos"]


def test_list_labels_are_refused_clearly(tmp_path):
    from trainer_core.data import prepare

    rows = [{"text": f"t{i}", "label": [i % 2]} for i in range(12)]
    (tmp_path / "lists.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    with pytest.raises(StudioError) as info:
        prepare(load_file(tmp_path / "lists.jsonl"), eval_rows=4)
    assert info.value.key == "err.label_not_scalar"
