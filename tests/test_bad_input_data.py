"""Bad data through the API, one row of the issue's table per test: each gets a clear message in
the caller's language (checked in English and Korean via the lang argument), and the app keeps
serving afterwards."""
from __future__ import annotations

import json

import httpx
import pytest

from tests.fixtures_quality import (assert_serving, assert_translated, call_with_warnings, client_for, live_app,  # noqa: F401
                                    upload, write_csv)
from trainer_core.errors import StudioError

PREPARE_DEFAULTS = ("", "label", "", 0, 4, 0, 42)  # pair, label, eval split, train, eval, test rows, seed


@pytest.fixture
def client(live_app):
    yield client_for(live_app)
    assert_serving(live_app)  # every row: the app still answers a fresh client afterwards


def _prepare_args(text="text", **changes):
    pair, label, eval_split, train, eval_rows, test, seed = PREPARE_DEFAULTS
    values = dict(pair=pair, label=label, eval_split=eval_split, train=train, eval_rows=eval_rows, test=test,
                  seed=seed)
    values.update(changes)
    return (text, *values.values())


def test_csv_without_the_label_column(client, tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [["text", "stars"]] + [[f"film {i}", str(i % 5)] for i in range(20)])
    summary = client.predict(upload(client, path), "en", api_name="/load_file")
    assert summary["columns"] == ["text", "stars"]
    assert summary["mapping"] is None  # nothing guessed: the tab asks the user to pick
    assert_translated(client, "/prepare", _prepare_args(), en=["'label'", "text, stars"], ko=["'label'", "text, stars",
                                                                                             "레이블"])


def test_non_utf8_file(client, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\ncafé,pos\nnaïve,neg\n".encode("utf-16") + b"\x80\xff")
    assert_translated(client, "/load_file", (upload(client, path),), en=["latin.csv", "UTF-8"],
                      ko=["latin.csv", "UTF-8로 저장"])


def test_cp949_korean_file_is_read(client, tmp_path):
    """The encoding fallback: a Korean Excel export (CP949) loads without asking the user."""
    rows = [["text", "label"]] + [[f"정말 좋은 영화 {i}", "긍정" if i % 2 else "부정"] for i in range(20)]
    path = write_csv(tmp_path / "korean.csv", rows, encoding="cp949")
    summary = client.predict(upload(client, path), "ko", api_name="/load_file")
    assert summary["label_names"] == ["긍정", "부정"]


def test_string_and_int_labels_in_one_column_become_names(client, tmp_path):
    rows = [["text", "label"]] + [[f"text {i}", ["1", "2", "pos"][i % 3]] for i in range(30)]
    summary = client.predict(upload(client, write_csv(tmp_path / "mixed.csv", rows)), "en", api_name="/load_file")
    assert summary["label_names"] == ["1", "2", "pos"]
    report, code, status = client.predict(*_prepare_args(eval_rows=6), "ko", api_name="/prepare")
    assert report["label_names"] == ["1", "2", "pos"] and report["label_cast"] == "string"
    assert "준비했습니다" in status


def test_int_training_labels_with_string_evaluation_labels():
    """A separate evaluation file that spells the labels differently is refused, naming both sides."""
    from datasets import Dataset, DatasetDict

    from trainer_core.data import prepare

    train = DatasetDict({"train": Dataset.from_dict({"text": [f"t{i}" for i in range(20)], "label": [0, 1] * 10})})
    ev = DatasetDict({"validation": Dataset.from_dict({"text": ["a", "b"], "label": ["neg", "pos"]})})
    with pytest.raises(StudioError) as info:
        prepare(train, eval_dsd=ev, eval_rows=2)
    assert "neg, pos" in str(info.value) and "0, 1" in str(info.value)
    assert "평가 데이터" in info.value.render("ko")


def test_one_class(client, tmp_path):
    path = write_csv(tmp_path / "one.csv", [["text", "label"]] + [[f"great {i}", "pos"] for i in range(20)])
    client.predict(upload(client, path), "en", api_name="/load_file")
    assert_translated(client, "/prepare", _prepare_args(), en=["only one class", "(pos)"],
                      ko=["클래스가 하나뿐", "(pos)"])


def test_nan_rows_are_dropped_and_counted(client, tmp_path):
    rows = [["text", "label"]] + [[f"film {i}", "pos" if i % 2 else "neg"] for i in range(20)]
    rows += [["", "pos"], ["  ", "neg"], ["no label", ""], ["", ""]]
    client.predict(upload(client, write_csv(tmp_path / "holes.csv", rows)), "en", api_name="/load_file")
    for lang, fragment in (("en", "Dropped 4 empty rows"), ("ko", "빈 행 4개")):
        report, _code, status = client.predict(*_prepare_args(), lang, api_name="/prepare")
        assert report["dropped_empty"] == 4 and sum(report["rows"].values()) == 20
        assert fragment in status


def test_too_few_rows_for_the_split(client, tmp_path):
    rows = [["text", "label"]] + [[f"film {i}", "pos" if i % 2 else "neg"] for i in range(6)]
    client.predict(upload(client, write_csv(tmp_path / "tiny.csv", rows)), "en", api_name="/load_file")
    assert_translated(client, "/prepare", _prepare_args(train=5, eval_rows=4), en=["needs 9 rows", "has 6"],
                      ko=["9행이 필요", "6행"])


def test_labels_differing_only_by_case(client, tmp_path):
    rows = [["text", "label"]] + [[f"film {i}", ["Positive", "positive ", "negative"][i % 3]] for i in range(30)]
    path = write_csv(tmp_path / "case.csv", rows)
    for lang, fragment in (("en", "differ only by upper/lower case"), ("ko", "대소문자나 공백만 다른")):
        summary, warnings = call_with_warnings(client, "/load_file", upload(client, path), lang)
        assert summary["label_names"] == ["Positive", "negative", "positive "]  # kept apart, but said so
        assert any(fragment in w and "'Positive' / 'positive '" in w for w in warnings), warnings


def test_upload_over_the_size_limit(client, live_app, tmp_path):
    """Refused by the server before any parsing (Gradio's limit), and by the loader itself."""
    from ui.dataset_tab import MAX_UPLOAD_BYTES, load_upload
    from ui.common import friendly

    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.write(b"text,label\n" + b"x" * (MAX_UPLOAD_BYTES + 1024) + b",a\n")
    with open(big, "rb") as handle:
        response = httpx.post(live_app.local_url + "gradio_api/upload", files={"files": ("big.csv", handle)},
                              timeout=60)
    assert response.status_code == 413 and "maximum allowed size" in response.text
    import gradio as gr

    for lang, fragment in (("en", "the limit is 50 MB"), ("ko", "한도는 50 MB")):
        with pytest.raises(gr.Error) as info:
            friendly(load_upload)(str(big), lang)
        assert fragment in info.value.message and "big.csv" in info.value.message


def test_upload_with_a_dotdot_name(client, live_app, tmp_path):
    """A crafted multipart name cannot climb out of the upload folder; the loader refuses path-like names."""
    body = b"text,label\n" + b"".join(b"row %d,%s\n" % (i, [b"a", b"b"][i % 2]) for i in range(20))
    response = httpx.post(live_app.local_url + "gradio_api/upload",
                          files={"files": ("../../escape.csv", body, "text/csv")}, timeout=30)
    stored = response.json()[0]
    assert stored.endswith("/escape.csv") and "/../" not in stored
    summary = client.predict({"path": stored, "meta": {"_type": "gradio.FileData"}}, "en", api_name="/load_file")
    assert summary["source"]["name"] == "escape.csv" and summary["total_rows"] == 20

    from trainer_core.loaders import load_file

    path = tmp_path / "ok.csv"
    path.write_bytes(body)
    for name in ("../ok.csv", "..\\ok.csv", "a/../../ok.csv", ".."):
        with pytest.raises(StudioError) as info:
            load_file(path, name=name)
        assert info.value.key == "err.file_name" and "경로처럼" in info.value.render("ko")


def test_empty_file_and_header_only_file(client, tmp_path):
    for name, data in (("empty.csv", b""), ("header.csv", b"text,label\n"), ("blank.jsonl", b"\n\n")):
        path = tmp_path / name
        path.write_bytes(data)
        assert_translated(client, "/load_file", (upload(client, path),), en=[name, "empty"], ko=[name, "비어 있습니다"])


def test_prepare_before_any_load(live_app):
    fresh = client_for(live_app)
    assert_translated(fresh, "/prepare", _prepare_args(), en=["No data set is loaded"], ko=["불러온 데이터셋이 없습니다"])
    assert_translated(fresh, "/page", ("train", 1), en=["No data set is loaded"], ko=["불러온 데이터셋이 없습니다"])


def test_unsupported_extension(client, tmp_path):
    """Gradio's own file_types check answers first (its message is English only); the loader's own,
    translated check is what a renamed upload or the CLI meets."""
    from gradio_client.exceptions import AppError

    from trainer_core.loaders import load_file

    path = tmp_path / "data.xlsx"
    path.write_bytes(json.dumps({"text": "a"}).encode())
    with pytest.raises(AppError) as info:
        client.predict(upload(client, path), "ko", api_name="/load_file")
    assert ".csv" in info.value.message and ".parquet" in info.value.message
    with pytest.raises(StudioError) as err:
        load_file(path)
    assert "'.xlsx'" in str(err.value) and "'.xlsx' 파일은 지원하지 않습니다" in err.value.render("ko")
