"""Shared helpers for the quality gates: the Dataset tab's pipeline for fuzzing, an in-process
app for API tests, and checks that an error came back translated while the app kept serving."""
from __future__ import annotations

import os
import re
import socket
from contextlib import contextmanager

import pytest

from trainer_core.errors import StudioError

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def run_pipeline(dsd, source: dict, mapping=None, **split) -> None:
    """What the Dataset tab does after a load; any exception except StudioError fails the test."""
    from trainer_core.data_describe import describe, page_rows, suggest_split

    summary = describe(dsd)
    first = dsd[summary["first_split"]]
    page_rows(first, 0, 10, summary["label_column"])
    if mapping is not None or summary["mapping"] is not None:  # else nothing to prepare: the tab stops here too
        _prepare_and_check(dsd, source, mapping, split or suggest_split(summary))


def _prepare_and_check(dsd, source: dict, mapping, split: dict) -> None:
    from trainer_core.data import prepare
    from trainer_core.data_code import emit_code

    eval_dsd = None
    if split.get("eval_split"):
        from datasets import DatasetDict

        eval_dsd = DatasetDict({split["eval_split"]: dsd[split["eval_split"]]})
    try:
        prepared = prepare(dsd, mapping, train_rows=split.get("train_rows") or None,
                           eval_rows=split.get("eval_rows") or None, test_rows=split.get("test_rows") or 0,
                           seed=split.get("seed", 42), eval_dsd=eval_dsd)
    except StudioError as err:  # a refusal must be a clear, translated message
        assert err.render("ko")
    else:
        check_prepared(prepared)
        emit_code(source, prepared, data_path=source.get("name"))


def check_prepared(prepared) -> None:
    """Invariants of every successful prepare: 2+ classes, ids in range, no blank texts left."""
    from trainer_core.data import is_blank

    assert len(prepared.label_names) >= 2
    assert "train" in prepared.splits and "validation" in prepared.splits
    for ds in prepared.splits.values():
        labels = ds[prepared.mapping.label][:]
        assert all(0 <= v < len(prepared.label_names) for v in labels)
        for column in (prepared.mapping.text, prepared.mapping.text_pair):
            if column:
                assert not any(is_blank(v) for v in ds[column][:])


# --- a served app -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def launched_app(runs_dir=None):
    """The real app (app.build_demo + the launch settings of app.py) in this process on a free port."""
    import app

    old = os.environ.get("FTS_RUNS_DIR")
    if runs_dir is not None:
        os.environ["FTS_RUNS_DIR"] = str(runs_dir)
    demo = app.build_demo(online=False)
    demo.queue(max_size=app.QUEUE_MAX_SIZE, default_concurrency_limit=4)
    kwargs = app.launch_kwargs()
    kwargs.update(server_port=free_port(), server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    demo.launch(**kwargs)
    try:
        yield demo
    finally:
        demo.close()
        if runs_dir is not None:
            if old is None:
                os.environ.pop("FTS_RUNS_DIR", None)
            else:
                os.environ["FTS_RUNS_DIR"] = old


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with launched_app(tmp_path_factory.mktemp("runs")) as demo:
        yield demo


def client_for(demo):
    from gradio_client import Client

    return Client(demo.local_url, verbose=False)


def app_error(client, api_name: str, *args) -> str:
    """Call an endpoint that must fail; return the message the user sees."""
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(*args, api_name=api_name)
    return info.value.message


def assert_translated(client, api_name: str, args: tuple, en: list[str], ko: list[str]) -> tuple[str, str]:
    """The same bad call with lang 'en' and 'ko' (the last argument): both messages are clear and
    in their language, neither is a traceback or the generic 'unexpected' text."""
    msg_en = app_error(client, api_name, *args, "en")
    msg_ko = app_error(client, api_name, *args, "ko")
    for fragment in en:
        assert fragment in msg_en, msg_en
    for fragment in ko:
        assert fragment in msg_ko, msg_ko
    for msg in (msg_en, msg_ko):
        assert "Traceback" not in msg and "unexpected" not in msg and "예상하지 못한" not in msg
    assert HANGUL.search(msg_ko) and msg_ko != msg_en, msg_ko
    return msg_en, msg_ko


def assert_serving(demo) -> None:
    """A fresh client still gets an answer from the app."""
    client = client_for(demo)
    out = client.predict("text", "still serving", "", "default", "default", "do_not_pad", "none", 32, False, "en",
                         api_name="/tokenize")
    assert "serving" in str(out[2])


def call_with_warnings(client, api_name: str, *args):
    """(result, [warning texts]): gr.Warning reaches API clients as log messages of the job."""
    job = client.submit(*args, api_name=api_name)
    result = job.result()
    updates, warnings = job.communicator.updates, []
    while not updates.empty():
        log = getattr(updates.get_nowait(), "log", None)
        if log and log[1] == "warning":
            warnings.append(log[0])
    return result, warnings


def write_csv(path, rows, encoding="utf-8"):
    import csv

    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def upload(client, path):
    """What the browser or gradio_client sends for a file input."""
    from gradio_client import handle_file

    return handle_file(str(path))
