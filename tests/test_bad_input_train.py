"""Training gone wrong, through the app's /train and /stop API (what the Train and Stop buttons
call), one row of the issue's table per test, in English and Korean via the lang argument.
After each, the job lock is free, the next run trains and the app keeps serving."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures_engine import failing_forward  # noqa: F401 - the simulated out-of-memory
from tests.fixtures_quality import assert_serving, client_for, live_app  # noqa: F401
from tests.fixtures_train_tab import free_jobs, tiny_config, tiny_form  # noqa: F401
from tests.fixtures_wait import wait_until
from trainer_core.jobs import JOBS
from ui import train_results as r


def _train(client, owner: str, form: list, lang: str) -> str:
    """The last status of a /train call that runs to its end."""
    status, *_ = client.predict(owner, "form", *form, lang, api_name="/train")
    return status


@pytest.fixture
def client(live_app, free_jobs, tiny_bert_dir, monkeypatch, tmp_path):
    yield client_for(live_app)
    # whatever went wrong, the lock is free and the next run trains (once the simulated fault is gone)
    assert not JOBS.busy()
    monkeypatch.undo()
    status = _train(client_for(live_app), "next-user", tiny_form(tiny_bert_dir, max_steps=2, baseline=False), "en")
    assert status.startswith("Finished.")
    assert_serving(live_app)


@pytest.fixture(scope="module")
def three_label_dir(tmp_path_factory):
    from tests.conftest import _build_tiny

    return _build_tiny("bert", tmp_path_factory.mktemp("tiny-bert-3"), {0: "neg", 1: "mid", 2: "pos"})


def test_a_head_with_another_number_of_labels_is_reinitialised_and_said(client, three_label_dir):
    form = tiny_form(three_label_dir, sample="ynat_ko", max_steps=3, baseline=False)
    status = _train(client, "owner-head", form, "en")
    assert status.startswith("Finished. Saved in ")
    run_dir = status[len("Finished. Saved in "):].rstrip(".")
    results = json.loads(Path(run_dir, "results.json").read_text("utf-8"))
    assert sorted(results["newly_initialized"]) == ["classifier.bias", "classifier.weight"]
    assert len(results["label_names"]) == 7  # the data's seven topics, not the checkpoint's three labels
    anatomy = dict(zip(r.RESULTS, r.show_results([run_dir], "en")))["anatomy"]
    assert "Newly initialised: `classifier." in anatomy and "another size" in anatomy
    ko = dict(zip(r.RESULTS, r.show_results([run_dir], "ko")))["anatomy"]
    assert "새로 초기화된 가중치: `classifier." in ko and "크기가 달라서" in ko


@pytest.mark.parametrize("lang, fragments", [
    ("en", ["The run failed", "ran out of memory", "batch size 8", "Lower the batch size"]),
    ("ko", ["실행에 실패했습니다", "메모리가 부족합니다", "배치 크기 8"]),
])
def test_out_of_memory_during_training(client, tiny_bert_dir, failing_forward, lang, fragments):
    status = _train(client, f"owner-oom-{lang}", tiny_form(tiny_bert_dir, max_steps=20, baseline=False), lang)
    for fragment in fragments:
        assert fragment in status, status
    assert "Traceback" not in status


@pytest.mark.parametrize("lang, stopping, stopped", [
    ("en", "Stopping after the current step", "Stopped. The model trained so far is saved in"),
    ("ko", "멈춥니다", "멈췄습니다. 그때까지 학습한 모델을"),
])
def test_stop_mid_training(client, tiny_bert_dir, lang, stopping, stopped):
    from trainer_core.inference import predict_json

    owner = f"owner-stop-{lang}"
    job = client.submit(owner, "form", *tiny_form(tiny_bert_dir, max_steps=100_000, eval_every=50, baseline=False),
                        lang, api_name="/train")
    wait_until(lambda: JOBS.for_owner(owner) and any(e.kind == "step" for e in JOBS.for_owner(owner).events),
               "the run's first step")
    running = JOBS.for_owner(owner)
    assert stopping in client.predict(owner, lang, api_name="/stop")
    status = job.result(timeout=120)[0]
    assert status.startswith(stopped)
    run_dir = status.split(" ")[-1].rstrip(".") if lang == "en" else status.split("모델을 ")[1].split("에 저장")[0]
    results = json.loads(Path(run_dir, "results.json").read_text("utf-8"))
    last_step = max(e.step for e in running.events if e.kind == "step")
    assert results["status"] == "stopped" and results["global_step"] == last_step < 100_000
    # What was saved is the model as trained up to the stop, not the one it started from.
    from safetensors.torch import load_file

    saved, start = load_file(Path(run_dir, "model.safetensors")), load_file(tiny_bert_dir / "model.safetensors")
    assert any(not saved[name].equal(start[name]) for name in start if name in saved)
    assert set(predict_json(run_dir, "a wonderful film")["scores"]) == {"neg", "pos"}  # and it loads and answers


@pytest.mark.parametrize("lang, fragments", [
    ("en", ["The run failed", "The disk is full", "Free some space"]),
    ("ko", ["실행에 실패했습니다", "디스크가 가득 차", "공간을 비우고"]),
])
def test_disk_full_while_saving(client, tiny_bert_dir, monkeypatch, lang, fragments, tmp_path):
    from transformers import PreTrainedModel

    def save_pretrained(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PreTrainedModel, "save_pretrained", save_pretrained)
    out = tmp_path / "run"
    status = _train(client, f"owner-disk-{lang}", tiny_form(tiny_bert_dir, max_steps=3, baseline=False,
                                                            output_dir=str(out)), lang)
    for fragment in fragments:
        assert fragment in status, status
    assert str(out) in status  # says where it could not write


@pytest.mark.parametrize("changes, en, ko", [
    ({"learning_rate": -1.0}, "Setting 'learning_rate' is -1.0", "설정 'learning_rate'"),
    ({"batch_size": 0}, "Setting 'batch_size' is 0", "설정 'batch_size'"),
    ({"max_steps": 0}, "max_steps is 0", "max_steps가 0이면"),
    ({"eval_rows": 0}, "no evaluation rows", "eval_rows"),
])
def test_bad_settings_are_explained_before_anything_runs(client, tiny_bert_dir, changes, en, ko):
    from tests.fixtures_quality import assert_translated
    from trainer_core.config import form_fields

    form = tiny_form(tiny_bert_dir)
    names = [spec["name"] for spec in form_fields()]
    for name, value in changes.items():
        form[names.index(name)] = value
    assert_translated(client, "/train", ("owner-bad", "form", *form), en=[en], ko=[ko])
    assert JOBS.for_owner("owner-bad") is None  # nothing was started
