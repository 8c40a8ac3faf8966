"""Loading for the Dataset tab: uploads, bad files, and the Hub paths (faked: never the network)."""
import datasets
import pytest

from tests.conftest import shared_file
from tests.fixtures_dataset import (LARGE_ROWS, LARGE_TOPICS, MRPC_HEADER, MRPC_LIKE_ROWS,  # noqa: F401
                                    FakeStream, large_upload, mrpc_like, mrpc_like_pairs, topic_rows, write_rows)
from trainer_core import loaders
from trainer_core.data import detect_mapping
from trainer_core.errors import HubUnreachableError, StudioError
from trainer_core.loaders import load_file, load_file_with_source, load_hub_with_source, load_source, sample_source

YNAT_TOPICS = ["IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"]


def test_ynat_through_the_upload_path_has_45678_rows_and_seven_topics():
    from trainer_core.data_describe import describe

    dsd, source = load_file_with_source(shared_file("ynat", "ynat_train.tsv"), max_bytes=50 * 2**20,
                                        name="ynat_train.tsv")
    summary = describe(dsd)
    assert summary["splits"] == {"train": 45678}
    assert summary["label_names"] == YNAT_TOPICS
    assert sum(n for _, n in summary["distribution"]["train"]) == 45678
    assert source["load_kwargs"]["sep"] == "\t" and source["name"] == "ynat_train.tsv"


def test_mrpc_is_detected_as_a_sentence_pair_task():
    dsd = load_file(shared_file("mrpc", "train.tsv"))
    assert dsd["train"].num_rows == 3668
    mapping = detect_mapping(dsd)
    assert (mapping.text, mapping.text_pair, mapping.label) == ("#1 String", "#2 String", "Quality")


def test_a_45678_row_generated_upload_counts_every_row_and_label(large_upload):
    """What the YNAT test above checks, on a file written here (no ../shared needed)."""
    from trainer_core.data_describe import describe

    path, counts = large_upload
    dsd, source = load_file_with_source(path, max_bytes=50 * 2**20, name="headlines.tsv")
    summary = describe(dsd)
    assert summary["splits"] == {"train": LARGE_ROWS}
    assert summary["label_names"] == sorted(LARGE_TOPICS) and dict(summary["distribution"]["train"]) == counts
    assert dsd["train"]["text"][42].endswith("\t")  # the quoted title that ends in a TAB is read whole
    assert source["load_kwargs"]["sep"] == "\t" and source["name"] == "headlines.tsv"


def test_an_mrpc_shaped_file_with_bom_and_bare_quotes_is_a_sentence_pair_task(mrpc_like):
    """What the MRPC test above checks, on a file written here: the BOM does not stick to 'Quality',
    bare quotes are read literally, and the pair columns are found by their names."""
    dsd = load_file(mrpc_like["train"])
    written = mrpc_like_pairs(MRPC_LIKE_ROWS["train"], seed=0)
    assert dsd["train"].column_names == MRPC_HEADER
    assert dsd["train"]["#1 String"][:] == [one for _, one, _ in written]
    assert dsd["train"]["#2 String"][:] == [two for _, _, two in written]
    assert dsd["train"]["Quality"][:] == [quality for quality, _, _ in written]
    mapping = detect_mapping(dsd)
    assert (mapping.text, mapping.text_pair, mapping.label) == ("#1 String", "#2 String", "Quality")


def test_cp949_file_loads_and_its_source_names_the_encoding(tmp_path):
    path = write_rows(tmp_path / "kr.csv", [["제목", "label"], ["경제 뉴스", "경제"], ["야구 소식", "스포츠"]],
                      encoding="cp949")
    dsd, source = load_file_with_source(path)
    assert dsd["train"]["제목"] == ["경제 뉴스", "야구 소식"]
    assert source["load_kwargs"]["encoding"] == "cp949"


def test_a_file_that_is_neither_utf8_nor_cp949_is_refused_with_advice(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"text,label\n\x80\xff\xfe caf\xe9,a\n")
    with pytest.raises(StudioError) as info:
        load_file(path)
    assert info.value.key == "err.file_encoding" and "UTF-8" in str(info.value)


def test_empty_file_and_header_only_file(tmp_path):
    (tmp_path / "empty.tsv").write_bytes(b"")
    (tmp_path / "header.tsv").write_text("label\ttext\n", "utf-8")
    for name in ("empty.tsv", "header.tsv"):
        with pytest.raises(StudioError) as info:
            load_file(tmp_path / name)
        assert info.value.key == "err.file_empty" and name in str(info.value)


def test_upload_over_the_size_limit_says_both_sizes(tmp_path):
    path = write_rows(tmp_path / "big.csv", topic_rows(200))
    with pytest.raises(StudioError) as info:
        load_file(path, max_bytes=1024)
    assert info.value.key == "err.file_too_large"
    assert "limit" in str(info.value) and "big.csv" in str(info.value)


@pytest.mark.parametrize("name", ["../x.csv", "..\\x.csv", "a/b.csv", "..", ""])
def test_an_upload_name_that_is_a_path_is_refused(tmp_path, name):
    path = write_rows(tmp_path / "x.csv", topic_rows(2))
    with pytest.raises(StudioError) as info:
        load_file(path, name=name)
    assert info.value.key == "err.file_name"


def test_load_source_round_trips_every_kind(tmp_path):
    path = write_rows(tmp_path / "t.csv", topic_rows(3))
    dsd, source = load_source({"kind": "file", "path": str(path), "name": "t.csv"})
    assert dsd["train"].num_rows == 9 and source["builder"] == "csv"
    dsd, source = load_source(sample_source("mrpc_en"))
    assert set(dsd) == {"train", "validation"} and source["label_names"] == ["not_equivalent", "equivalent"]
    with pytest.raises(StudioError) as info:
        load_source({"kind": "ftp"})
    assert info.value.key == "err.source_unknown"


# --- the Hub, faked ---------------------------------------------------------------

@pytest.fixture
def online(monkeypatch):
    monkeypatch.setattr(loaders, "hub_reachable", lambda *a, **k: True)
    calls = []

    def install(fake):
        def recorder(*args, **kwargs):
            calls.append((args, kwargs))
            return fake(*args, **kwargs)
        monkeypatch.setattr(datasets, "load_dataset", recorder)
        return calls
    return install


def _topics_dataset(n=10):
    rows = topic_rows(n)
    return datasets.Dataset.from_dict({"title": [r[0] for r in rows[1:]], "label": [r[1] for r in rows[1:]]})


def test_hub_unreachable_fails_at_once_naming_the_offline_choices(monkeypatch):
    monkeypatch.setattr(loaders, "hub_reachable", lambda *a, **k: False)
    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **k: pytest.fail("must not be called"))
    with pytest.raises(HubUnreachableError) as info:
        load_hub_with_source("klue", "ynat", "train")
    assert "sample" in str(info.value) and "klue" in str(info.value)


@pytest.mark.parametrize("message,key", [
    ("Dataset 'nobody/nothing' doesn't exist on the Hub or cannot be accessed.", "err.dataset_hub_missing"),
    ("Dataset scripts are no longer supported, but found ynat.py", "err.dataset_script"),
    ("Config name is missing.\nPlease pick one among the available configs: ['mrpc', 'sst2']\nExample", "err.dataset_config_missing"),
    ('Unknown split "dev". Should be one of [\'train\', \'validation\'].', "err.dataset_split_unknown"),
])
def test_hub_failures_become_clear_messages(online, message, key):
    def fail(*args, **kwargs):
        raise (FileNotFoundError if "exist" in message else ValueError)(message)
    online(fail)
    with pytest.raises(StudioError) as info:
        load_hub_with_source("nobody/nothing", split="dev")
    assert info.value.key == key
    if key == "err.dataset_config_missing":
        assert "'mrpc', 'sst2'" in str(info.value)
    if key == "err.dataset_split_unknown":
        assert "dev" in str(info.value) and "'validation'" in str(info.value)


def test_hub_split_and_row_cap_without_streaming(online):
    calls = online(lambda *a, **k: _topics_dataset(10))
    dsd, source = load_hub_with_source("klue", "ynat", "train", max_rows=7)
    assert calls[0] == (("hf://datasets/klue", "ynat"), {"split": "train"})  # the Hub only, never ./klue
    assert list(dsd) == ["train"] and dsd["train"].num_rows == 7
    assert source == {"kind": "hub", "id": "klue", "config": "ynat", "split": "train", "streaming": False,
                      "max_rows": 7}


def test_hub_streaming_reads_only_the_cap(online):
    stream = FakeStream(_topics_dataset(10))
    calls = online(lambda *a, **k: stream)
    dsd, source = load_hub_with_source("klue", "ynat", None, streaming=True, max_rows=5)
    assert calls[0][1] == {"split": "train", "streaming": True}
    assert stream.taken == 5 and dsd["train"].num_rows == 5
    assert dsd["train"].features == stream.features and source["split"] == "train"


def test_hub_whole_dataset_dict(online):
    online(lambda *a, **k: datasets.DatasetDict({"train": _topics_dataset(4), "test": _topics_dataset(2)}))
    dsd, _ = load_hub_with_source("someone/topics")
    assert {k: v.num_rows for k, v in dsd.items()} == {"train": 12, "test": 6}
