"""Dataset tab: the handlers it wires, called as plain functions (language last), and one API round trip."""
import gradio as gr
import pytest

from tests.conftest import shared_file
from trainer_core.i18n import t
from tests.fixtures_dataset import LARGE_ROWS, large_upload, topic_rows, write_rows  # noqa: F401
from ui import dataset_tab as tab
from ui.common import friendly


def _render(raw):
    out = dict(zip(["card", "dist", "table", "page", "info", "view", "text", "pair", "label", "eval_split",
                    "train_rows", "eval_rows", "test_rows", "loaded_box"], tab.render_loaded(raw, "en")))
    # hidden until now: the table comes as an update that shows it, the plot's box is shown
    assert out["table"]["visible"] is True and out.pop("loaded_box").visible is True
    widths = out["table"]["column_widths"]  # every column gets a share of the table's width
    assert len(widths) == len(out["table"]["value"].columns) and sum(float(w.rstrip("%")) for w in widths) <= 100.5
    out["table"] = out["table"]["value"]
    return out


def _prepare(raw, out, **overrides):
    args = dict(text=out["text"].value, pair=out["pair"].value, label=out["label"].value,
                eval_split=out["eval_split"].value, train_rows=out["train_rows"], eval_rows=out["eval_rows"],
                test_rows=out["test_rows"], seed=42)
    args.update(overrides)
    return tab.prepare_data(raw, *args.values(), "en")


def test_sample_load_render_prepare_and_state_for_the_train_tab():
    summary, raw = tab.load_sample_data("mrpc_en", "en")
    assert summary["label_names"] == ["not_equivalent", "equivalent"] and summary["is_pair"]
    out = _render(raw)
    assert (out["text"].value, out["pair"].value, out["label"].value) == ("sentence1", "sentence2", "label")
    assert out["eval_split"].value == "validation" and out["train_rows"] == 0
    # the label first: long text columns would push it off to the right of the table
    assert list(out["table"].columns) == ["#", "label", "label_str", "sentence1", "sentence2"]
    train_labels = raw["dsd"]["train"]["label"][:]
    assert out["dist"].values.tolist() == [["not_equivalent", train_labels.count(0)], ["equivalent", train_labels.count(1)]]
    report, state, code, status = _prepare(raw, out)
    prepared = state["prepared"]
    assert prepared.is_pair and state["source"]["kind"] == "sample" and state["code"] == code
    assert report["rows"] == {"train": raw["dsd"]["train"].num_rows, "validation": raw["dsd"]["validation"].num_rows}
    assert "ev = dsd['validation']" in code and "The Train tab" in status
    view = tab.refresh_views(raw, state, "en")
    assert "prepared/train" in [c[1] if isinstance(c, tuple) else c for c in view.choices]
    frame, page, info = tab.show_page(raw, state, "prepared/validation", 1, "en")
    assert "label_str" in frame.columns and page == 1 and "prepared/validation" in info


def test_paging_clamps_at_both_ends():
    _, raw = tab.load_sample_data("ynat_ko", "en")
    _, page, _ = tab.prev_page(raw, None, "train", 1, "en")
    assert page == 1
    frame, page, info = tab.next_page(raw, None, "train", 1, "en")
    assert page == 2 and list(frame["#"])[0] == tab.PAGE_SIZE
    _, page, info = tab.show_page(raw, None, "train", 10_000, "ko")
    assert page == -(-raw["dsd"]["train"].num_rows // tab.PAGE_SIZE) and "쪽" in info


def test_upload_card_escapes_user_text_and_code_names_the_file(tmp_path):
    rows = [["<b>text</b>", "label"]] + [[f"row {i} <script>", ["<i>a</i>", "b & c"][i % 2]] for i in range(30)]
    path = write_rows(tmp_path / "x<y>.csv", rows)
    summary, raw = tab.load_upload(str(path), "en")
    out = _render(raw)
    assert "<b>text</b>" not in out["card"] and "&lt;b&gt;text&lt;/b&gt;" in out["card"]
    assert "&lt;i&gt;a&lt;/i&gt;" in out["card"] and "x&lt;y&gt;.csv" in out["card"]
    assert out["text"].value == "<b>text</b>"
    _, state, code, _ = _prepare(raw, out)
    assert "data_files='x<y>.csv'" in code and str(tmp_path) not in code


def test_ynat_upload_shows_45678_rows_seven_topics_and_the_tutorial_split():
    summary, raw = tab.load_upload(str(shared_file("ynat", "ynat_train.tsv")), "en")
    assert summary["total_rows"] == 45678
    assert summary["label_names"] == ["IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"]
    out = _render(raw)
    assert "45,678" in out["card"] and "생활문화" in out["card"]
    assert (out["train_rows"], out["eval_rows"], out["test_rows"]) == (10_000, 1_000, 1_000)
    report, state, _, _ = _prepare(raw, out)
    again = _prepare(raw, out)[1]
    assert report["rows"] == {"train": 10_000, "validation": 1_000, "test": 1_000}
    assert state["prepared"].splits["test"]["text"][:] == again["prepared"].splits["test"]["text"][:]


def test_a_45678_row_upload_shows_every_row_seven_topics_and_the_tutorial_split(large_upload):
    """The YNAT test above on a generated file of the same size, so it runs without ../shared."""
    path, counts = large_upload
    summary, raw = tab.load_upload(str(path), "en")
    assert summary["total_rows"] == LARGE_ROWS and summary["label_names"] == sorted(counts)
    out = _render(raw)
    assert f"{LARGE_ROWS:,}" in out["card"] and "생활문화" in out["card"]
    assert (out["train_rows"], out["eval_rows"], out["test_rows"]) == (10_000, 1_000, 1_000)
    report, state, _, _ = _prepare(raw, out)
    assert report["rows"] == {"train": 10_000, "validation": 1_000, "test": 1_000}
    assert state["prepared"].splits["test"]["text"][:] == _prepare(raw, out)[1]["prepared"].splits["test"]["text"][:]


@pytest.mark.parametrize("make,key_text", [
    (lambda p: (p / "e.csv").write_bytes(b"") and None or p / "e.csv", "empty"),
    (lambda p: write_rows(p / "big.csv", topic_rows(300)), "limit"),
])
def test_upload_errors_reach_the_user_translated(tmp_path, monkeypatch, make, key_text):
    monkeypatch.setattr(tab, "MAX_UPLOAD_BYTES", 2048)
    path = make(tmp_path)
    with pytest.raises(gr.Error) as info:
        friendly(tab.load_upload)(str(path), "en")
    assert key_text in info.value.message
    with pytest.raises(gr.Error) as info:
        friendly(tab.load_upload)(str(path), "ko-KR")
    assert "파일" in info.value.message


def test_no_file_no_data_and_offline_hub_are_clear_errors():
    with pytest.raises(gr.Error, match="No file"):
        friendly(tab.load_upload)(None, "en")
    with pytest.raises(gr.Error, match="No data set is loaded"):
        friendly(tab.prepare_data)(None, "text", "", "label", "", 0, 10, 0, 42, "en")
    with pytest.raises(gr.Error) as info:
        friendly(tab.load_hub_data)("klue", "ynat", "train", False, 0, "en")
    assert "sample" in info.value.message


def test_auto_steps_after_a_load_report_problems_instead_of_raising():
    from datasets import Dataset, DatasetDict

    dsd = DatasetDict({"train": Dataset.from_dict({"text": ["a", "b", "c"], "label": ["x", "x", "x"]})})
    raw = {"dsd": dsd, "source": {"kind": "file", "name": "t.csv"}, "summary": tab.describe(dsd)}
    report, state, code, status = tab.auto_prepare(raw, "text", "", "label", "", 0, 1, 0, 42, "en")
    assert state is None and report is None and "only one class" in status
    plot, text, box = tab.auto_measure(raw, None, None, "default", 128, None, "ko")
    assert "문장 열" in text and plot is None and box.visible is False


def test_token_lengths_with_a_local_tokenizer(tiny_bert_dir):
    _, raw = tab.load_sample_data("ynat_ko", "en")
    frame, text = tab.measure_tokens(raw, "title", "", str(tiny_bert_dir), 16, None, "en")
    # the legend under the plot has a colour key for each of the plot's two colours
    for key, name in (("ds.tok_kept", tab.KEPT), ("ds.tok_cut", tab.CUT)):
        assert f'<span style="color:{tab.TOKEN_COLOURS[name]}">■</span> {t(key, "en", n=16)}' in text
    assert "max_length = 16" in text and f"{raw['dsd']['train'].num_rows:,} rows" in text
    assert list(frame.columns) == ["tokens", "rows", "max_length"]
    assert frame["rows"].sum() == raw["dsd"]["train"].num_rows
    labels = list(dict.fromkeys(frame["tokens"]))
    assert labels == sorted(labels) and labels[0].strip().startswith("0–")  # name order is numeric order
    for label, part in frame.groupby("tokens", sort=False):  # both colours in every bar, one of them empty
        assert list(part["max_length"]) == [tab.KEPT, tab.CUT]
        kept, cut = part["rows"]
        assert cut == 0 if int(label.split("–")[0]) <= 16 else kept == 0
    assert frame[frame["max_length"] == tab.CUT]["rows"].sum() > 0


def test_upload_limit_matches_the_app():
    import app
    from gradio.utils import _parse_file_size

    assert tab.MAX_UPLOAD_BYTES == _parse_file_size(app.MAX_FILE_SIZE)


def test_api_load_file_then_prepare_in_one_session(running_app, tmp_path):
    from gradio_client import Client, handle_file

    path = write_rows(tmp_path / "topics.csv", topic_rows(20))
    client = Client(running_app.local_url, verbose=False)
    summary = client.predict(handle_file(str(path)), "en", api_name="/load_file")
    assert summary["total_rows"] == 60 and summary["mapping"]["label"] == "topic"
    report, code, status = client.predict("headline", "", "topic", "", 0, 12, 6, 7, "en", api_name="/prepare")
    assert report["rows"] == {"train": 42, "validation": 12, "test": 6}
    assert "train_test_split" in code and "42" in status
    table, page, info = client.predict("prepared/validation", 2, "en", api_name="/page")
    assert page == 2 and "prepared/validation" in info and "label_str" in table["headers"]
