"""Every public API endpoint, through gradio_client against the real app on 127.0.0.1.

The set of public endpoints is pinned: a new public endpoint fails here until someone has
decided it belongs in the API (add it to PUBLIC with a call below) or made it private.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from gradio_client import handle_file

from tests.fixtures_classify import spread_bert_dir, tiny_run_dir  # noqa: F401
from tests.fixtures_quality import assert_translated, client_for, live_app  # noqa: F401
from tests.fixtures_train_tab import free_jobs, tiny_form  # noqa: F401
from trainer_core.train_plan import form_names

# name -> its parameters, in order; every endpoint takes the page language last.
PUBLIC = {
    "/load_sample": ["name", "lang"],
    "/load_file": ["file", "lang"],
    "/load_hub": ["dataset_id", "config", "split", "streaming", "max_rows", "lang"],
    "/token_lengths": ["text", "pair", "tokenizer_ref", "max_length", "lang"],
    "/prepare": ["text", "pair", "label", "eval_split", "train_rows", "eval_rows", "test_rows", "seed", "lang"],
    "/page": ["split", "page", "lang"],
    "/tokenize": ["kind", "text", "text_pair", "tokenizer_a", "tokenizer_b", "padding", "truncation", "max_length",
                  "raw_bytes", "lang"],
    "/token_stats": ["source", "tokenizer_a", "tokenizer_b", "max_length", "lang"],
    # The Train form is generated from TrainConfig, so its fields are the config's, in order.
    "/estimate": ["data_choice"] + form_names() + ["lang"],
    "/train": ["owner", "data_choice"] + form_names() + ["lang"],
    "/stop": ["owner", "lang"],
    "/classify": ["model_a", "model_b", "text", "pair", "top_k", "precision", "lang"],
    "/classify_lines": ["model_a", "lines", "precision", "lang"],
    "/classify_csv": ["model_a", "file", "text_column", "precision", "lang"],
}


@pytest.fixture(scope="module")
def client(live_app):
    return client_for(live_app)


def test_public_endpoints_are_exactly_the_reviewed_list(client, live_app):
    info = client.view_api(return_format="dict", print_info=False)
    found = {name: [p["parameter_name"] for p in spec["parameters"]] for name, spec in info["named_endpoints"].items()}
    assert set(found) == set(PUBLIC), f"new: {sorted(set(found) - set(PUBLIC))}, gone: {sorted(set(PUBLIC) - set(found))}"
    assert found == PUBLIC
    assert info["unnamed_endpoints"] == {}
    # "undocumented" endpoints are hidden from the docs but still callable: there must be none.
    everything = live_app.get_api_info(all_endpoints=True)
    assert set(everything["named_endpoints"]) == set(PUBLIC)


def test_load_sample_prepare_and_page_share_one_clients_session(client):
    summary = client.predict("imdb_en", "en", api_name="/load_sample")
    assert summary["label_names"] == ["neg", "pos"] and summary["mapping"]["text"] == "text"
    assert "path" not in summary["source"]  # no server paths in answers
    report, code, status = client.predict("text", "", "label", "test", 0, 0, 0, 7, "en", api_name="/prepare")
    assert report["rows"]["validation"] == summary["splits"]["test"] and report["seed"] == 7
    assert "load_dataset" in code and "7" in status
    table, page, info = client.predict("train", 2, "ko", api_name="/page")
    assert page == 2 and table["headers"][:3] == ["#", "label", "label_str"] and table["data"][0][0] == 10
    assert "쪽" in info
    plot, stats = client.predict("text", "", "default", 64, "en", api_name="/token_lengths")
    assert "64" in stats and f"{summary['splits']['train']:,}" in stats


def test_load_file_reads_an_upload(client, tmp_path):
    path = tmp_path / "reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["review", "sentiment"]] + [[f"film {i}, \"quoted\"", "pos" if i % 2 else "neg"]
                                                                  for i in range(20)])
    summary = client.predict(handle_file(str(path)), "en", api_name="/load_file")
    assert summary["mapping"] == {"text": "review", "label": "sentiment", "text_pair": None}
    assert summary["source"]["name"] == "reviews.csv" and summary["total_rows"] == 20


def test_load_hub_offline_says_what_to_use_instead(client):
    assert_translated(client, "/load_hub", ("klue", "ynat", "train", False, 0),
                      en=["'klue'", "bundled sample"], ko=["'klue'", "내장 샘플"])


def test_tokenize_returns_panels_arrays_and_code(client):
    html_a, html_b, arrays, code = client.predict("pair", "유튜브 2일까지", "A second text.", "default",
                                                  "roberta-style", "do_not_pad", "none", 32, False, "en",
                                                  api_name="/tokenize")
    a, b = arrays["tokenizer_a"], arrays["tokenizer_b"]
    assert a["raw"]["input_ids"] and b["raw"]["input_ids"]
    assert "token_type_ids" in a["returned_keys"] and b["not_returned"] == ["token_type_ids"]
    assert "tokv" in html_a and "tokv" in html_b and "AutoTokenizer" in code


def test_token_stats_on_a_bundled_sample(client):
    html = client.predict("ynat_ko", "default", "roberta-style", 64, "ko", api_name="/token_stats")
    assert "[UNK]" in html and "어절" in html


def test_classify_single_lines_and_csv(client, tiny_run_dir, tmp_path):
    from trainer_core.inference import Predictor

    run = str(tiny_run_dir)
    direct = Predictor.load(run, precision="auto")  # the truth: the same model called from Python
    label_a, label_b, latency, facts, code_pipe, code_direct = client.predict(
        run, "", "a wonderful film", "", 2, "auto", "en", api_name="/classify")
    truth = direct.predict(["a wonderful film"])[0]
    assert label_a["label"] == truth.label and not label_b  # no model B asked for
    assert {c["label"]: c["confidence"] for c in label_a["confidences"]} == pytest.approx(truth.scores, abs=1e-4)
    assert "ms" in latency and "neg, pos" in facts and 'pipeline("text-classification"' in code_pipe
    table = client.predict(run, "great film\n\nawful film", "auto", "en", api_name="/classify_lines")
    assert [row[0] for row in table["data"]] == ["great film", "awful film"]
    assert [row[1] for row in table["data"]] == [p.label for p in direct.predict(["great film", "awful film"])]
    src = tmp_path / "batch.csv"
    src.write_text("text,id\ngreat film,1\nawful film,2\n", encoding="utf-8")
    out_file, summary = client.predict(run, handle_file(str(src)), "", "auto", "en", api_name="/classify_csv")
    rows = list(csv.reader(open(out_file, encoding="utf-8-sig")))  # written with a BOM for Excel
    assert rows[0][:2] == ["text", "id"] and "predicted_label" in rows[0] and len(rows) == 3
    labels = [row[rows[0].index("predicted_label")] for row in rows[1:]]
    assert labels == [p.label for p in direct.predict(["great film", "awful film"])]
    assert "2 rows in, 2 rows out" in summary


def test_stop_without_a_job(client):
    assert client.predict("nobody-here", "en", api_name="/stop") == "You have no running job to stop."
    assert client.predict("nobody-here", "ko", api_name="/stop") == "멈출 학습이 없습니다."


def test_estimate_and_train_a_tiny_model(client, tiny_bert_dir, free_jobs):
    from trainer_core.inference import Predictor

    form = tiny_form(tiny_bert_dir, max_steps=4, eval_every=2)
    estimate = client.predict("form", *form, "en", api_name="/estimate")
    assert "4 optimizer steps" in estimate
    status, *_rest = client.predict("api-test-owner", "form", *form, "ko", api_name="/train")
    assert status.startswith("끝났습니다.")
    run_dir = status.split("끝났습니다. ", 1)[1].split("에 저장했습니다")[0]
    results = json.loads(Path(run_dir, "results.json").read_text("utf-8"))
    assert results["status"] == "completed" and results["global_step"] == 4  # the steps the form asked for
    label = client.predict(run_dir, "", "a wonderful film", "", 2, "auto", "en", api_name="/classify")[0]
    truth = Predictor.load(run_dir, precision="auto").predict(["a wonderful film"])[0]
    assert label["label"] == truth.label  # the run just trained is usable at once, and is the model saved
    assert {c["label"]: c["confidence"] for c in label["confidences"]} == pytest.approx(truth.scores, abs=1e-4)
