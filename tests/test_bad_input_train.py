"""Training gone wrong, through the Train tab's launch/stop handlers (what the Launch and Stop
buttons run), one row of the issue's table per test, in English and Korean. After each, the
job lock is free and the next run trains (the app keeps serving)."""
from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
import pytest

from tests.fixtures_engine import failing_forward  # noqa: F401 - the simulated out-of-memory
from tests.fixtures_train_tab import free_jobs, tiny_config, tiny_form  # noqa: F401
from trainer_core.jobs import JOBS
from ui import train_handlers as h
from ui import train_results as r

STATUS, PROGRESS = h.STREAM.index("status"), h.STREAM.index("progress")
RUN_STATE = h.STREAM.index("run_state")


def _value(frame, index):
    value = frame[index]
    return None if isinstance(value, dict) and value == gr.skip() else value


def _launch(owner, form, lang):
    return h.launch(owner, "form", None, {}, False, *form, lang)


def _final(owner, form, lang) -> tuple[str, list]:
    """(the last status shown, the run dirs) of a launch that runs to its end."""
    frames = list(_launch(owner, form, lang))
    statuses = [_value(f, STATUS) for f in frames if _value(f, STATUS)]
    return statuses[-1], _value(frames[-1], RUN_STATE) or []


@pytest.fixture
def runs(tmp_path, monkeypatch, free_jobs, tiny_bert_dir):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    yield tmp_path
    # whatever went wrong, the lock is free and the next run trains (once the simulated fault is gone)
    assert not JOBS.busy()
    monkeypatch.undo()
    job = JOBS.start(tiny_config(tiny_bert_dir, max_steps=2, baseline=False, output_dir=str(tmp_path / "next")),
                     owner="next-user")
    job.join(120)
    assert job.state == "completed"


@pytest.fixture
def three_label_dir(tmp_path_factory):
    from tests.conftest import _build_tiny

    return _build_tiny("bert", tmp_path_factory.mktemp("tiny-bert-3"), {0: "neg", 1: "mid", 2: "pos"})


def test_a_head_with_another_number_of_labels_is_reinitialised_and_said(runs, three_label_dir):
    form = tiny_form(three_label_dir, sample="ynat_ko", max_steps=3, baseline=False)
    status, dirs = _final("owner-head", form, "en")
    assert status.startswith("Finished") and len(dirs) == 1
    import json

    results = json.loads(Path(dirs[0], "results.json").read_text("utf-8"))
    assert sorted(results["newly_initialized"]) == ["classifier.bias", "classifier.weight"]
    assert len(results["label_names"]) == 7  # the data's seven topics, not the checkpoint's three labels
    panels = dict(zip(r.RESULTS, r.show_results(dirs, "en")))
    assert "Newly initialised: `classifier." in panels["anatomy"] and "another size" in panels["anatomy"]
    ko = dict(zip(r.RESULTS, r.show_results(dirs, "ko")))["anatomy"]
    assert "새로 초기화된 가중치: `classifier." in ko and "크기가 달라서" in ko


@pytest.mark.parametrize("lang, fragments", [
    ("en", ["The run failed", "ran out of memory", "batch size 8", "Lower the batch size"]),
    ("ko", ["실행에 실패했습니다", "메모리가 부족합니다", "배치 크기 8"]),
])
def test_out_of_memory_during_training(runs, tiny_bert_dir, failing_forward, lang, fragments, capfd):
    status, dirs = _final(f"owner-oom-{lang}", tiny_form(tiny_bert_dir, max_steps=20, baseline=False), lang)
    for fragment in fragments:
        assert fragment in status, status
    assert "Traceback" not in status and "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("lang, stopping, stopped", [
    ("en", "Stopping after the current step", "Stopped. The model trained so far is saved in"),
    ("ko", "멈춥니다", "멈췄습니다. 그때까지 학습한 모델을"),
])
def test_stop_mid_training(runs, tiny_bert_dir, lang, stopping, stopped):
    from trainer_core.inference import predict_json

    owner = f"owner-stop-{lang}"
    frames, asked = [], None
    for frame in _launch(owner, tiny_form(tiny_bert_dir, max_steps=5000, eval_every=50, baseline=False), lang):
        frames.append(frame)
        bar = _value(frame, PROGRESS)
        if asked is None and bar and 'data-step="0"' not in bar:
            asked = h.stop(owner, lang)
    assert asked is not None and stopping in asked
    status = [_value(f, STATUS) for f in frames if _value(f, STATUS)][-1]
    assert status.startswith(stopped)
    run_dir = _value(frames[-1], RUN_STATE)[0]
    prediction = predict_json(run_dir, "a wonderful film")  # the stopped run is a usable model
    assert set(prediction["scores"]) == {"neg", "pos"}


@pytest.mark.parametrize("lang, fragments", [
    ("en", ["The run failed", "The disk is full", "Free some space"]),
    ("ko", ["실행에 실패했습니다", "디스크가 가득 차", "공간을 비우고"]),
])
def test_disk_full_while_saving(runs, tiny_bert_dir, monkeypatch, lang, fragments):
    from transformers import PreTrainedModel

    def save_pretrained(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PreTrainedModel, "save_pretrained", save_pretrained)
    start = time.monotonic()
    status, _dirs = _final(f"owner-disk-{lang}", tiny_form(tiny_bert_dir, max_steps=3, baseline=False), lang)
    for fragment in fragments:
        assert fragment in status, status
    assert str(runs) in status  # says where it could not write
    assert time.monotonic() - start < 120
