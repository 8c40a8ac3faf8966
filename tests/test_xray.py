"""Trainer X-ray: each fact is checked against what the Trainer (or the loop) really did in a run."""
import json
from pathlib import Path

import pytest

from tests.fixtures_train_tab import tiny_config, tiny_run  # noqa: F401
from trainer_core.xray import decay_groups, lr_schedule, planned_lr, xray


@pytest.fixture(scope="module")
def loop_run(tiny_bert_dir, tmp_path_factory):
    """A plain-loop run with warm-up, strong clipping and weight decay, so every item has something to show."""
    from trainer_core.engine import run_training

    out = tmp_path_factory.mktemp("xray") / "loop"
    config = tiny_config(tiny_bert_dir, backend="loop", max_steps=8, warmup_ratio=0.25, max_grad_norm=0.05,
                         weight_decay=0.1, baseline=False, output_dir=str(out))
    result = run_training(config)
    assert result.status == "completed", result.error
    return result.run_dir


def _items(data):
    return {item["id"]: item["params"] for item in data["items"]}


def test_decay_groups_are_the_ones_the_trainer_builds(tiny_bert_dir, tmp_path):
    from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir)
    args = TrainingArguments(output_dir=str(tmp_path), weight_decay=0.1, use_cpu=True, report_to="none")
    optimizer = Trainer(model=model, args=args).create_optimizer()
    by_decay = {g["weight_decay"]: sum(p.numel() for p in g["params"]) for g in optimizer.param_groups}
    groups = decay_groups(model, 0.1)
    assert (groups["decay"], groups["no_decay"]) == (by_decay[0.1], by_decay[0.0])
    assert all("bias" in n or "LayerNorm" in n for n in groups["examples"])
    # the plain loop's hand-written rule gives the same split on this model
    from trainer_core.train_loop import no_decay_groups

    loop = no_decay_groups(model, 0.1)
    assert sum(p.numel() for p in loop[0]["params"]) == groups["decay"]


def test_xray_of_a_trainer_run(tiny_run):
    data = xray(tiny_run)
    items = _items(data)
    assert data["backend"] == "trainer" and list(items) == ["columns", "labels", "padding", "decay", "schedule",
                                                            "clipping", "eval", "order"]
    assert items["columns"]["dropped"] == "text" and items["columns"]["forward"] == "BertForSequenceClassification"
    assert items["columns"]["kept"] == "input_ids, token_type_ids, attention_mask, labels"
    assert items["labels"] == {"column": "label", "classes": 2, "loss": "CrossEntropyLoss"}
    results = json.loads(Path(tiny_run, "results.json").read_text("utf-8"))
    assert items["padding"]["share"] == f"{results['padding']['padded_share']:.1%}"
    assert items["schedule"]["total"] == results["total_steps"] == 8 and items["schedule"]["warmup"] == 0
    metrics = [json.loads(line) for line in Path(tiny_run, "metrics.jsonl").read_text("utf-8").splitlines()]
    assert items["eval"]["evals"] == sum(m["kind"] == "eval" for m in metrics) == 2  # steps 4 and 8
    assert items["eval"]["batch"] == 16 and items["eval"]["rows"] == 28


def test_xray_of_a_loop_run_matches_its_logged_learning_rates_and_clipping(loop_run):
    data = xray(loop_run)
    items = _items(data)
    assert data["backend"] == "loop"
    assert items["schedule"]["warmup"] == 2 and items["schedule"]["done"] == 8
    metrics = [json.loads(line) for line in Path(loop_run, "metrics.jsonl").read_text("utf-8").splitlines()]
    logged = {m["step"]: m["learning_rate"] for m in metrics if m["kind"] == "step"}
    for step, lr in logged.items():  # the planned schedule is the scheduler the run used
        assert lr == pytest.approx(planned_lr(step, 2e-3, 2, 8), abs=1e-12)
    norms = {m["step"]: m["grad_norm"] for m in metrics if m.get("grad_norm") is not None}
    assert items["clipping"]["logged"] == len(norms) == 8
    assert items["clipping"]["clipped"] == sum(n > 0.05 for n in norms.values()) > 0
    assert items["decay"]["weight_decay"] == 0.1
    curve = [row for row in data["lr_curve"] if row["series"] == "planned"]
    assert curve[0] == {"step": 0, "series": "planned", "lr": 0.0} and max(r["lr"] for r in curve) == pytest.approx(2e-3)


def test_lr_schedule_rows_and_planned_shape():
    rows = lr_schedule({"learning_rate": 1e-3, "warmup_ratio": 0.1}, 1000, [
        {"kind": "log", "step": 10, "learning_rate": 1e-4}, {"kind": "step", "step": 10, "learning_rate": 1e-4}])
    planned = [r for r in rows if r["series"] == "planned"]
    assert len(planned) <= 201 and planned[-1]["step"] == 1000 and planned[-1]["lr"] == 0.0
    assert [r for r in rows if r["series"] == "logged"] == [{"step": 10, "series": "logged", "lr": 1e-4}]
    assert planned_lr(50, 1e-3, 100, 1000) == pytest.approx(5e-4) and planned_lr(100, 1e-3, 100, 1000) == 1e-3
