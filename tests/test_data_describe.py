"""Describing a data set: features, labels, a page of rows, token lengths."""
import numpy as np
import pytest
from datasets import ClassLabel, Dataset, DatasetDict

from trainer_core.data import ColumnMapping
from trainer_core.data_describe import describe, histogram, label_distribution, page_rows, token_length_stats
from trainer_core.errors import StudioError
from trainer_core.loaders import load_sample


def test_describe_a_sample_with_class_labels_and_two_splits():
    dsd = load_sample("ynat_ko")
    summary = describe(dsd)
    assert summary["splits"] == {k: v.num_rows for k, v in dsd.items()}
    assert summary["total_rows"] == sum(summary["splits"].values())
    assert {"name": "label", "type": "ClassLabel(7)", "names": summary["label_names"]} in summary["features"]
    assert summary["mapping"] == {"text": "title", "label": "label", "text_pair": None}
    for split, ds in dsd.items():
        dist = dict(summary["distribution"][split])
        assert list(dist) == summary["label_names"]
        assert dist["경제"] == ds["label"][:].count(1)
    assert summary["blank_rows"] == {"title": 0, "label": 0}


def test_describe_string_labels_warns_about_case_and_counts_blanks():
    dsd = DatasetDict({"train": Dataset.from_dict(
        {"text": ["a", " ", "c", None], "label": ["Pos", "pos", "neg", "neg"]})})
    summary = describe(dsd)
    assert summary["label_names"] == ["Pos", "neg", "pos"]
    assert summary["distribution"]["train"] == [("Pos", 1), ("neg", 2), ("pos", 1)]
    assert summary["blank_rows"]["text"] == 2
    assert summary["warnings"][0]["key"] == "warn.labels_case_space"


def test_describe_without_a_detectable_label_still_lists_features():
    summary = describe(DatasetDict({"train": Dataset.from_dict({"a": [1], "b": [2]})}))
    assert summary["mapping"] is None and [f["name"] for f in summary["features"]] == ["a", "b"]


def test_label_distribution_honours_a_selection_and_unlabelled_rows():
    ds = Dataset.from_dict({"label": [0, 1, 1, -1]}).cast_column("label", ClassLabel(names=["no", "yes"]))
    assert label_distribution(ds, "label") == [("no", 1), ("yes", 2), ("(none)", 1)]
    assert label_distribution(ds.select([1, 2]), "label") == [("no", 0), ("yes", 2)]


def test_page_rows_adds_label_str_after_the_label_and_clamps_the_page():
    ds = load_sample("mrpc_en")["train"]
    frame, page, pages = page_rows(ds, 1, 5, "label")
    assert page == 1 and pages == -(-ds.num_rows // 5)
    # the label columns first, where long text columns cannot push them out of view
    assert list(frame.columns) == ["#", "label", "label_str", "sentence1", "sentence2"]
    assert list(frame["#"]) == [5, 6, 7, 8, 9]
    names = ds.features["label"].names
    assert list(frame["label_str"]) == [names[i] for i in ds.select(range(5, 10))["label"][:]]
    frame, page, _ = page_rows(ds, 10_000, 5, "label")
    assert page == pages - 1 and len(frame) >= 1


def test_token_length_stats_match_the_tokenizer_row_by_row(tiny_bert_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    tok.backend_tokenizer.enable_truncation(16)
    before = tok.backend_tokenizer.truncation
    ds = load_sample("mrpc_en")["train"]
    stats = token_length_stats(ds, tok, "sentence1", "sentence2", max_length=40)
    assert tok.backend_tokenizer.truncation == before  # the caller's tokenizer is untouched
    expected = np.array([len(tok(a, b, truncation=False)["input_ids"]) for a, b in zip(ds["sentence1"][:], ds["sentence2"][:])])
    assert stats["rows"] == ds.num_rows and stats["max"] == expected.max() and stats["min"] == expected.min()
    assert stats["truncated"] == int((expected > 40).sum())
    assert stats["truncated_share"] == pytest.approx((expected > 40).mean())
    assert stats["percentiles"]["50"] == pytest.approx(float(np.percentile(expected, 50)))
    assert sum(b["rows"] for b in stats["histogram"]) == ds.num_rows
    assert sum(b["rows"] for b in stats["histogram"] if b["truncated"]) == stats["truncated"]
    single = token_length_stats(ds, tok, "sentence1", max_length=512, limit=10)
    assert single["rows"] == 10 and single["truncated"] == 0


def test_histogram_puts_max_length_on_a_bin_edge():
    lengths = np.array([1, 5, 64, 65, 66, 200])
    bins = histogram(lengths, 64)
    kept = [b for b in bins if not b["truncated"]]
    assert kept[-1]["to"] == 64 and all(b["from"] > 64 for b in bins if b["truncated"])
    assert sum(b["rows"] for b in bins if b["truncated"]) == 3
    assert bins[0]["from"] == 0 and bins[-1]["to"] == 200
    short = histogram(np.array([3, 4]), 128)
    assert all(not b["truncated"] for b in short) and sum(b["rows"] for b in short) == 2


def test_bad_max_length_and_empty_data():
    ds = Dataset.from_dict({"text": ["a"], "label": [0]})
    with pytest.raises(StudioError) as info:
        token_length_stats(ds, None, "text", max_length=1)
    assert info.value.key == "err.max_length_invalid"
    with pytest.raises(StudioError):
        token_length_stats(ds.select([]), None, "text")


def test_mapping_given_explicitly_is_used():
    dsd = load_sample("mrpc_en")
    summary = describe(dsd, ColumnMapping(text="sentence2", label="label"))
    assert summary["mapping"]["text"] == "sentence2" and summary["is_pair"] is False


def test_chunked_threaded_lengths_equal_one_batch(tiny_bert_dir, monkeypatch):
    from transformers import AutoTokenizer

    from trainer_core import data_describe

    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    ds = load_sample("mrpc_en")["train"]
    whole = data_describe.token_lengths(ds, tok, "sentence1", "sentence2")
    monkeypatch.setattr(data_describe, "_ENCODE_CHUNK", 7)  # many chunks, spread over two threads
    monkeypatch.setattr(data_describe, "_workers", lambda: 2)
    assert data_describe.token_lengths(ds, tok, "sentence1", "sentence2").tolist() == whole.tolist()
    assert len(whole) == ds.num_rows
