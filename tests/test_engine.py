import json
import re

import pytest

from trainer_core.config import TrainConfig
from trainer_core.engine import run_training
from trainer_core.runs import list_runs, read_run

REQUIRED_RESULTS = ("status", "eval_accuracy", "eval_macro_f1", "eval_f1", "per_class", "confusion_matrix",
                    "label_names", "train_runtime", "train_samples_per_second", "num_train_rows", "num_eval_rows",
                    "model_ref", "newly_initialized", "param_counts")


def tiny_config(model_dir, out_dir, **changes) -> TrainConfig:
    values = dict(model=str(model_dir), sample="imdb_en", epochs=2, batch_size=16, learning_rate=2e-3,
                  eval_rows=28, log_every=2, output_dir=str(out_dir))
    values.update(changes)
    return TrainConfig(**values)


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_run_writes_a_complete_run_directory(backend, tiny_bert_dir, tmp_path, capfd):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    events = []
    config = tiny_config(tiny_bert_dir, tmp_path / "run", backend=backend)
    result = run_training(config, on_event=events.append)
    assert result.status == "completed", result.error
    run_dir = result.run_dir

    kinds = [e.kind for e in events]
    elapsed = [e.elapsed for e in events]
    assert elapsed == sorted(elapsed)  # one clock for the whole run, setup included
    assert kinds.index("start") < kinds.index("step") and kinds[-1] == "done"
    steps = [e for e in events if e.kind == "step"]
    assert [e.step for e in steps] == list(range(1, len(steps) + 1)) == list(range(1, result.results["global_step"] + 1))
    assert steps[0].total_steps == result.results["total_steps"] == 14  # 112 rows / 16 = 7 batches x 2 epochs
    logs = [e for e in events if e.kind == "log" and e.loss is not None]
    assert len(logs) == 7 and all(e.learning_rate is not None and e.grad_norm is not None for e in logs)
    evals = [e for e in events if e.kind == "eval"]
    assert len(evals) == 2 and {"accuracy", "macro_f1", "f1", "loss"} <= set(evals[-1].metrics)
    assert evals[-1].metrics["accuracy"] == pytest.approx(result.results["eval_accuracy"])

    results = json.loads((run_dir / "results.json").read_text("utf-8"))
    assert set(REQUIRED_RESULTS) <= set(results)
    assert results["num_train_rows"] == 112 and results["num_eval_rows"] == 28
    assert results["label_names"] == ["neg", "pos"] and results["newly_initialized"] == []
    assert sum(map(sum, results["confusion_matrix"])) == 28
    assert results["param_counts"]["head"] > 0 and results["param_counts"]["body"] > results["param_counts"]["head"]

    lines = (run_dir / "metrics.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["kind"] for line in lines] == kinds
    assert TrainConfig.from_yaml((run_dir / "config.yaml").read_text("utf-8")) == config

    predictions = [json.loads(line) for line in (run_dir / "eval_predictions.jsonl").read_text("utf-8").splitlines()]
    # Keys only: that each row is right is checked against independent truth in test_ground_truth.py.
    assert len(predictions) == 28 and set(predictions[0]) == {"row", "text", "text_pair", "label", "pred", "scores"}
    assert all(abs(sum(p["scores"]) - 1) < 1e-3 for p in predictions)

    model = AutoModelForSequenceClassification.from_pretrained(run_dir)
    assert model.config.id2label == {0: "neg", 1: "pos"} and model.config.label2id == {"neg": 0, "pos": 1}
    AutoTokenizer.from_pretrained(run_dir)
    card = (run_dir / "README.md").read_text("utf-8")
    assert card.startswith("---\n") and "library_name: transformers" in card and "pipeline_tag: text-classification" in card
    assert "neg" in card and "pipeline(" in card and f"{results['eval_accuracy']:.4f}" in card

    out = capfd.readouterr().out
    assert "'loss'" not in out and "train_runtime" not in out  # the Trainer's own metric prints are removed


def test_runs_are_listed_and_read_back(tiny_bert_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path / "runs"))
    result = run_training(tiny_config(tiny_bert_dir, None, backend="loop", max_steps=3, output_dir=None),
                          owner="session-abc")
    assert result.status == "completed" and result.run_dir.parent == tmp_path / "runs"
    from trainer_core.runs import owner_tag

    # The owner is recorded as a hash only: the raw id is what /stop accepts.
    assert result.results["owner_tag"] == owner_tag("session-abc") != owner_tag("session-xyz")
    assert "session-abc" not in (result.run_dir / "results.json").read_text("utf-8")
    assert re.fullmatch(r".*-loop-[0-9a-f]{12}", result.run_dir.name)  # an unguessable part after the name
    rows = list_runs()
    assert len(rows) == 1 and rows[0]["run_dir"] == str(result.run_dir) and rows[0]["status"] == "completed"
    assert rows[0]["eval_accuracy"] == result.results["eval_accuracy"]
    run = read_run(result.run_dir)
    assert run["config"]["backend"] == "loop" and run["results"]["global_step"] == 3
    assert [m["kind"] for m in run["metrics"]][-1] == "done"


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_accumulation_max_steps_and_pairs(backend, tiny_roberta_dir, tmp_path):
    # MRPC-style pairs with a RoBERTa (no token_type_ids), accumulation over 2 batches, max_steps wins over epochs.
    config = TrainConfig(model=str(tiny_roberta_dir), sample="mrpc_en", epochs=50, max_steps=3, batch_size=8,
                         grad_accum_steps=2, eval_rows=16, warmup_ratio=0.5, output_dir=str(tmp_path / "r"),
                         backend=backend)
    events = []
    result = run_training(config, on_event=events.append)
    assert result.status == "completed", result.error
    assert result.results["global_step"] == 3 and len([e for e in events if e.kind == "step"]) == 3
    assert result.results["newly_initialized"] == []
    first = json.loads((result.run_dir / "eval_predictions.jsonl").read_text("utf-8").splitlines()[0])
    assert first["text_pair"]
    assert 'text_pair="..."' in (result.run_dir / "README.md").read_text("utf-8")  # the card's usage shows pairs
    lrs = [e.learning_rate for e in events if e.kind == "step"]
    assert lrs[0] < lrs[1]  # warm-up: 2 of 3 steps rise from 0


def test_bad_data_fails_cleanly_before_creating_a_run(tmp_path):
    config = TrainConfig(data_source="file", train_file=str(tmp_path / "missing.tsv"), output_dir=str(tmp_path / "o"))
    events = []
    result = run_training(config, on_event=events.append)
    assert result.status == "failed" and result.error.key == "err.file_missing"
    assert events[-1].kind == "error" and events[-1].key == "err.file_missing" and "missing.tsv" in events[-1].message
    assert not (tmp_path / "o").exists()


def test_output_dir_refuses_an_unrelated_folder(tiny_bert_dir, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_training(tiny_config(tiny_bert_dir, tmp_path, max_steps=1))
    assert result.status == "failed" and result.error.key == "err.train_output_not_empty"
    assert "notes.txt" in str(result.error) and (tmp_path / "notes.txt").read_text("utf-8") == "mine"
