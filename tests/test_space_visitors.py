"""Two visitors of one shared Space, with a reachable stand-in Hub (answers 404): issue 19's six holes.

The app runs in this process with ``SPACE_ID`` set (as on Hugging Face) and the runs folder outside
the working directory; every visitor is a separate ``gradio_client`` session. The working directory
holds what an outsider would aim at: a ``runs`` folder with evaluation rows and a folder of the app.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.fixtures_hub import fake_hub  # noqa: F401
from tests.fixtures_quality import app_error, client_for, launched_app, upload
from tests.fixtures_train_tab import free_jobs, tiny_config, tiny_form  # noqa: F401
from tests.fixtures_wait import wait_until
from trainer_core.i18n import t
from trainer_core.jobs import JOBS
from trainer_core.waitlist import WAITLIST

SECRET = "a review only visitor A may read"


@pytest.fixture(scope="module")
def space_app(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in ("SPACE_ID", "FTS_RUNS_DIR")}
    os.environ["SPACE_ID"] = "someone/fine-tune-studio"
    try:
        with launched_app(tmp_path_factory.mktemp("space-runs")) as demo:
            yield demo
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@pytest.fixture
def hub(fake_hub, monkeypatch):
    """The stand-in Hub reachable for the HF libraries too (they read their endpoint at import)."""
    import datasets.config
    import huggingface_hub.constants as hf_constants

    monkeypatch.setattr(hf_constants, "ENDPOINT", fake_hub.url)
    monkeypatch.setattr(hf_constants, "HUGGINGFACE_CO_URL_TEMPLATE", fake_hub.url + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(datasets.config, "HF_ENDPOINT", fake_hub.url)
    monkeypatch.setattr(datasets.config, "HUB_DATASETS_URL", fake_hub.url + "/datasets/{repo_id}/resolve/{revision}/{path}")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    return fake_hub


@pytest.fixture
def server_dir(tmp_path, monkeypatch):
    """The server's working directory: a runs folder with another visitor's rows, and a folder of the app."""
    run = tmp_path / "runs" / "20261201-223002-default-trainer"
    run.mkdir(parents=True)
    (run / "eval_predictions.jsonl").write_text(json.dumps({"text": SECRET, "label": "pos", "pred": "pos"}) + "\n")
    (tmp_path / "trainer_core" / "samples").mkdir(parents=True)
    (tmp_path / "trainer_core" / "samples" / "train.jsonl").write_text(json.dumps({"text": SECRET, "label": 1}) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _same(messages: dict[str, str]) -> set[str]:
    """The messages with the name each one answered replaced: one element when all answers are the same."""
    return {message.replace(f"'{ref}'", "'<ref>'") for ref, message in messages.items()}


def _hub_args(ref: str) -> tuple:
    return (ref, "", "", False, 0, "en")


def _train_on_scratch(client, owner: str, **changes) -> str:
    """A tiny run trained through /train by this client; its run folder (named in the final status)."""
    form = tiny_form("scratch", max_steps=3, eval_every=0, baseline=False, **changes)
    status = client.predict(owner, "form", *form, "en", api_name="/train")[0]
    assert status.startswith("Finished."), status
    return str(JOBS.for_owner(owner).run_dir)


# --- 1. a Hub data set id never reads a server folder ---------------------------------------

def test_hub_data_set_names_that_are_server_folders_are_refused_with_no_rows(space_app, hub, server_dir):
    visitor = client_for(space_app)
    names = ["runs", "runs/20261201-223002-default-trainer", "trainer_core", "json", "no-such-set"]
    answers = {ref: app_error(visitor, "/load_hub", *_hub_args(ref)) for ref in names}
    assert _same(answers) == {t("err.dataset_hub_missing", "en", ref="<ref>")}, answers  # exists or not: one answer
    assert not any(SECRET in a for a in answers.values())
    assert "./runs" in app_error(visitor, "/load_hub", *_hub_args("./runs"))  # not a Hub id at all
    # The stand-in Hub was asked about the missing name only, never handed a server folder's rows.
    assert any("no-such-set" in r["path"] for r in hub.requests)
    assert "No data set is loaded" in app_error(visitor, "/page", "train", 1, "en")
    # Training with data_source=hub goes through the same loader.
    form = tiny_form("scratch", data_source="hub", dataset="runs", dataset_split="train")
    assert t("err.dataset_hub_missing", "en", ref="runs") in app_error(visitor, "/estimate", "form", *form, "en")


# --- 2 and 4. runs are their maker's; a refusal never tells what exists -----------------------

def test_another_visitors_run_is_refused_everywhere_like_a_missing_one(space_app, hub, server_dir, free_jobs):
    a, b = client_for(space_app), client_for(space_app)
    run = _train_on_scratch(a, "owner-a-secret")
    label, *_ = a.predict(run, "", "a wonderful film", "", 2, "auto", "en", api_name="/classify")
    assert label["label"] in ("neg", "pos")  # the visitor who made the run can use it
    missing = run[:-4] + "0000"  # a run name that does not exist (its random part differs)
    answers = {ref: app_error(b, "/classify", ref, "", "a film", "", 2, "auto", "en") for ref in (run, missing)}
    answers["/definitely/not/here"] = app_error(b, "/classify", "/definitely/not/here", "", "a", "", 2, "auto", "en")
    assert _same(answers) == {t("err.model_local_disabled", "en", ref="<ref>")}, answers
    assert "neg" not in answers[run] and "accuracy" not in answers[run]
    # B as model B beside its own model A, and as a tokenizer: the same answer.
    assert answers[run] == app_error(b, "/classify", "default", run, "a film", "", 2, "auto", "en")
    for ref in (run, missing):
        panel, *_ = b.predict("text", "hello", "", ref, "default", "do_not_pad", "none", 32, False, "en",
                              api_name="/tokenize")
        assert t("err.model_local_disabled", "en", ref=ref) in panel.replace("&#x27;", "'")
    # Training on top of A's run, and its history, are A's only too.
    form = tiny_form(run, max_steps=2)
    assert answers[run] == app_error(b, "/estimate", "form", *form, "en")
    # A Hub-shaped name that is a server folder answers as a Hub id the Hub does not have.
    folder, nothing = (app_error(b, "/classify", ref, "", "a", "", 2, "auto", "en") for ref in ("trainer_core", "nothing-here"))
    assert _same({"trainer_core": folder, "nothing-here": nothing}) == {t("err.hub_not_found", "en", ref="<ref>")}


def test_run_folders_have_an_unguessable_part_and_live_outside_the_working_directory(monkeypatch, tmp_path):
    from trainer_core.runs import new_run_dir, runs_root

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FTS_RUNS_DIR", raising=False)
    monkeypatch.setenv("SPACE_ID", "someone/fine-tune-studio")
    assert runs_root().is_absolute() and not runs_root().is_relative_to(tmp_path)
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path / "runs"))
    config = tiny_config("default")
    first, second = new_run_dir(config), new_run_dir(config)  # the same second, model and backend
    assert first.name[:-13] == second.name[:-13] and first.name != second.name
    assert len(first.name.rsplit("-", 1)[1]) == 12  # 48 random bits


# --- 3. bounded work per request --------------------------------------------------------------

def test_a_10_mib_text_is_cut_before_the_tokenizer_and_the_answer_stays_small(space_app, monkeypatch):
    from trainer_core.inference import MAX_TEXT_CHARS, get_predictor

    predictor, _ = get_predictor("default")
    seen: list[int] = []
    real = predictor.tokenizer

    class Spy:  # records how many characters each call hands the tokenizer
        def __call__(self, texts, pairs=None, **kwargs):
            seen.extend(len(x) for x in texts)
            return real(texts, pairs, **kwargs)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(predictor, "tokenizer", Spy())
    huge = "a wonderful film " * (10 * 2**20 // 17)
    out = client_for(space_app).predict("default", "", huge, "", 2, "auto", "ko", api_name="/classify")
    assert seen and max(seen) <= MAX_TEXT_CHARS
    assert len(json.dumps(out, ensure_ascii=False)) < 60_000  # not the megabytes that were sent
    assert f"{MAX_TEXT_CHARS:,}자" in out[2]  # the answer says the text was cut (in Korean here)
    seen.clear()
    lines = "\n".join(["a wonderful film " * 60_000, "a dull film " * 90_000])  # two lines of ~1 MB
    table = client_for(space_app).predict("default", lines, "auto", "en", api_name="/classify_lines")
    assert seen and max(seen) <= MAX_TEXT_CHARS and len(table["data"]) == 2
    assert len(json.dumps(table, ensure_ascii=False)) < 10_000


def test_a_million_row_parquet_upload_is_refused_before_it_is_loaded(space_app, tmp_path, monkeypatch):
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "many.parquet"
    pq.write_table(pa.table({"text": ["x"] * 1_000_000, "label": [0, 1] * 500_000}), path)
    assert path.stat().st_size < 100_000
    loads = []

    def never(*args, **kwargs):  # the million rows must not reach load_dataset (and its Arrow cache)
        loads.append(args)
        raise ValueError("load_dataset was called")

    monkeypatch.setattr(datasets, "load_dataset", never)
    visitor = client_for(space_app)
    message = app_error(visitor, "/load_file", upload(visitor, path), "en")
    assert "1,000,000 rows" in message and "200,000" in message and loads == []


def test_the_token_measurement_samples_large_data(monkeypatch):
    from datasets import Dataset, DatasetDict

    from ui import dataset_tab

    texts = [f"review number {i}" for i in range(30_000)]
    raw = {"dsd": DatasetDict({"train": Dataset.from_dict({"text": texts, "label": [i % 2 for i in range(30_000)]})}),
           "summary": {"first_split": "train"}}
    _, text = dataset_tab.measure_tokens(raw, "text", "", "default", 64, None, "en")
    assert "\n20,000 rows" in text and "20,000 rows spread evenly over all 30,000" in text


# --- 5. one place in line per session -----------------------------------------------------------

def test_a_second_owner_id_from_one_session_gets_no_second_place_in_line(space_app, tiny_bert_dir, free_jobs):
    holder = JOBS.start(tiny_config(tiny_bert_dir, max_steps=100_000, eval_every=0, baseline=False), owner="holder")
    visitor = client_for(space_app)
    form = tiny_form("default", max_steps=2)
    streams = [visitor.submit(owner, "form", *form, "en", api_name="/train") for owner in ("owner-1", "owner-2")]
    try:
        wait_until(lambda: all(any("in line" in str(out[0]) for out in s.outputs()) for s in streams),
                   "both streams told their place in line", poll=0.2)
        assert WAITLIST.waiting() == 1  # both streams share the session's one place
        statuses = {out[0] for s in streams for out in s.outputs() if "in line" in str(out[0])}
        assert all("number 1 in line" in s for s in statuses), statuses
        visitor.predict("owner-2", "en", api_name="/stop")  # Stop takes the session out of line
        assert WAITLIST.waiting() == 0
    finally:
        holder.stop()
        holder.join(60)


# --- 6. no traffic dashboard for visitors --------------------------------------------------------

def test_monitoring_is_not_served_on_a_space(space_app):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(space_app.local_url.rstrip("/") + "/monitoring/summary", timeout=10)
    assert info.value.code == 403
