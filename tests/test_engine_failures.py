import json
import threading

import pytest

from tests.fixtures_engine import failing_forward  # noqa: F401 - a fixture
from trainer_core.config import TrainConfig
from trainer_core.engine import run_training


def config_for(model_dir, out_dir, backend, **changes) -> TrainConfig:
    values = dict(model=str(model_dir), sample="imdb_en", epochs=3, batch_size=8, learning_rate=1e-3, eval_rows=28,
                  log_every=2, output_dir=str(out_dir), backend=backend)
    values.update(changes)
    return TrainConfig(**values)


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_out_of_memory_becomes_a_clear_failure(backend, failing_forward, tiny_bert_dir, tmp_path, capfd):
    events = []
    result = run_training(config_for(tiny_bert_dir, tmp_path / "run", backend), on_event=events.append)
    assert result.status == "failed"
    assert result.error.key == "err.train_oom"
    assert "batch size" in str(result.error) and "8" in str(result.error)
    assert "배치 크기" in result.error.render("ko")
    assert events[-1].kind == "error" and events[-1].key == "err.train_oom" and events[-1].step >= 1
    saved = json.loads((result.run_dir / "results.json").read_text("utf-8"))
    assert saved["status"] == "failed" and saved["error_key"] == "err.train_oom"
    assert "Traceback" in (result.run_dir / "error.log").read_text("utf-8")  # kept for bug reports...
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err  # ...but never shown


def test_disk_full_while_saving(monkeypatch, tiny_bert_dir, tmp_path, capfd):
    from transformers import PreTrainedModel

    def save_pretrained(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PreTrainedModel, "save_pretrained", save_pretrained)
    events = []
    result = run_training(config_for(tiny_bert_dir, tmp_path / "run", "loop", max_steps=2), on_event=events.append)
    assert result.status == "failed" and result.error.key == "err.disk_full"
    assert str(tmp_path / "run") in str(result.error) and "space" in str(result.error)
    assert events[-1].kind == "error"
    assert "Traceback" not in capfd.readouterr().err


def test_unexpected_error_is_one_line(monkeypatch, tiny_bert_dir, tmp_path):
    from trainer_core import prepare

    def boom(*args, **kwargs):
        raise KeyError("input_ids")

    monkeypatch.setattr(prepare, "make_collator", boom)
    result = run_training(config_for(tiny_bert_dir, tmp_path / "run", "loop"))
    assert result.status == "failed" and result.error.key == "err.train_failed"
    assert "KeyError" in str(result.error) and "\n" not in str(result.error)


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_stop_is_honoured_within_one_step_and_keeps_a_usable_model(backend, tiny_bert_dir, tmp_path):
    from trainer_core.inference import predict_json

    stop = threading.Event()
    events = []

    def on_event(event):
        events.append(event)
        if event.kind == "step" and event.step == 3:
            stop.set()

    result = run_training(config_for(tiny_bert_dir, tmp_path / "run", backend, epochs=20), on_event=on_event,
                          stop=stop)
    assert result.status == "stopped"
    steps = [e.step for e in events if e.kind == "step"]
    assert max(steps) <= 4 and result.results["global_step"] == max(steps) < result.results["total_steps"]
    assert events[-1].kind == "stopped" and "saved" in events[-1].message
    assert result.results["status"] == "stopped"
    # The accuracy reported is the saved model's: predicting the validation split with it agrees.
    from trainer_core.engine import load_data
    from trainer_core.inference import Predictor

    validation = load_data(config_for(tiny_bert_dir, tmp_path / "run", backend, epochs=20)).splits["validation"]
    saved = Predictor.load(result.run_dir, precision="fp32")
    names = saved.predict(list(validation["text"]))
    label2id = {name: i for i, name in saved.id2label.items()}
    hits = [label2id[p.label] == want for p, want in zip(names, validation["label"])]
    assert result.results["eval_accuracy"] == pytest.approx(sum(hits) / len(hits), abs=1e-9)
    prediction = predict_json(str(result.run_dir), "A wonderful, moving film.", precision="fp32")
    assert prediction["label"] == saved.predict(["A wonderful, moving film."])[0].label
