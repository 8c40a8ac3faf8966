"""Every view that lists or summarises per-example results, checked against independent ground truth.

Guards the Trainer backend's evaluation-order bug (issue 12, item 1): transformers 5.23
length-groups the *evaluation* loader under ``train_sampling_strategy="group_by_length"``,
so ``trainer.predict()`` returned rows in the sampler's order while eval_predictions.jsonl
paired them with texts in data-set order (about half the rows carried another text's label,
and the confusion-matrix drill-down listed examples that were not in the cell).

The truth here never comes from the run's own files: the evaluation rows are loaded again
from the bundled sample, and predictions are recomputed with ``Predictor.load(run_dir)``.
Length grouping is on (the default) and the evaluation texts have different lengths, so a
length-sorted evaluation order differs from the data-set order.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures_train_tab import tiny_config
from trainer_core.engine import run_training
from trainer_core.metrics import wilson_interval

SCORE_TOLERANCE = 1e-4  # fp32 on both sides; padding to another batch length moves scores by ~1e-6


def _truth() -> dict[str, str]:
    """text -> true label name of the evaluation rows, read again from the bundled sample."""
    from trainer_core.loaders import SAMPLES, load_sample

    split = load_sample("imdb_en")[SAMPLES["imdb_en"].eval_split]
    names = split.features["label"].names
    return {text: names[label] for text, label in zip(split["text"], split["label"])}


@pytest.fixture(scope="module", params=["trainer", "loop"])
def grouped_run(request, tiny_bert_dir, tmp_path_factory):
    """A real tiny run per backend, length grouping on, with the baseline; plus what Predictor says."""
    from trainer_core.inference import Predictor

    out = tmp_path_factory.mktemp(f"truth-{request.param}") / "run"
    config = tiny_config(tiny_bert_dir, output_dir=str(out), backend=request.param, group_by_length=True,
                         max_steps=16)
    result = run_training(config)
    assert result.status == "completed", result.error
    run_dir = result.run_dir
    rows = [json.loads(line) for line in Path(run_dir, "eval_predictions.jsonl").read_text("utf-8").splitlines()]
    predictor = Predictor.load(run_dir, precision="fp32")
    recomputed = predictor.predict([row["text"] for row in rows])
    return {"run_dir": run_dir, "rows": rows, "results": json.loads(Path(run_dir, "results.json").read_text("utf-8")),
            "recomputed": recomputed, "truth": _truth(), "labels": predictor.labels}


def test_the_evaluation_order_differs_from_length_order():
    """The check below means something only if sorting by length would move rows."""
    texts = list(_truth())
    assert sorted(texts, key=len, reverse=True) != texts


def test_every_prediction_row_carries_its_texts_true_label(grouped_run):
    rows, truth = grouped_run["rows"], grouped_run["truth"]
    assert sorted(row["text"] for row in rows) == sorted(truth)  # every evaluation row, once
    wrong = [row["text"][:40] for row in rows if row["label"] != truth[row["text"]]]
    assert wrong == [], f"{len(wrong)} of {len(rows)} rows carry another text's label"
    assert [row["row"] for row in rows] == list(range(len(rows)))


def test_every_prediction_row_carries_what_the_saved_model_predicts(grouped_run):
    for row, again in zip(grouped_run["rows"], grouped_run["recomputed"]):
        assert row["pred"] == again.label, row["text"][:60]
        assert row["scores"] == pytest.approx(list(again.scores.values()), abs=SCORE_TOLERANCE)


def test_summary_figures_match_the_truth(grouped_run):
    from ui.train_results import summary_md
    from trainer_core.train_history import run_record

    truth, recomputed, results = grouped_run["truth"], grouped_run["recomputed"], grouped_run["results"]
    texts = [row["text"] for row in grouped_run["rows"]]
    correct = sum(truth[text] == pred.label for text, pred in zip(texts, recomputed))
    assert results["eval_accuracy"] == pytest.approx(correct / len(texts))
    names = grouped_run["labels"]
    matrix = [[0] * len(names) for _ in names]
    for text, pred in zip(texts, recomputed):
        matrix[names.index(truth[text])][names.index(pred.label)] += 1
    assert results["confusion_matrix"] == matrix
    lo, hi = wilson_interval(correct, len(texts))
    assert results["eval_accuracy_ci95"] == [round(lo, 4), round(hi, 4)]
    summary = summary_md(run_record(grouped_run["run_dir"]), "en")
    assert f"accuracy {correct / len(texts):.3f}" in summary and f"{lo:.3f} to {hi:.3f}" in summary


def test_confusion_cells_list_exactly_their_examples(grouped_run):
    """Every example under a cell has that true and predicted label; each cell lists all of its rows."""
    from ui import train_results as r

    truth = grouped_run["truth"]
    predicted = {row["text"]: again.label for row, again in zip(grouped_run["rows"], grouped_run["recomputed"])}
    names = grouped_run["labels"]
    run = [str(grouped_run["run_dir"])]
    for true in names:
        for pred in names:
            listed = r.cell_rows(run, true, pred, "en")["value"].values.tolist()
            assert all(truth[text] == true and predicted[text] == pred for text, *_ in listed), (true, pred)
            expected = sum(truth[t] == true and predicted[t] == pred for t in truth)
            assert len(listed) == min(expected, 50), (true, pred)


def test_baseline_prediction_beside_each_example_is_the_baselines(grouped_run):
    """The per-row baseline label agrees with the baseline accuracy measured on the same rows."""
    truth, rows = grouped_run["truth"], grouped_run["rows"]
    correct = sum(row["baseline_pred"] == truth[row["text"]] for row in rows)
    assert correct / len(rows) == pytest.approx(grouped_run["results"]["baseline_accuracy"])


def test_the_drill_down_guard_refuses_predictions_out_of_order(grouped_run, tiny_bert_dir):
    """write_predictions refuses labels that are not in the validation split's order (the bug's symptom)."""
    from trainer_core.engine import load_data
    from trainer_core.outputs import write_predictions

    prepared = load_data(tiny_config(tiny_bert_dir))
    labels = [int(v) for v in prepared.splits["validation"]["label"]]
    shuffled = sorted(labels)  # the labels of the same rows, in another order
    assert shuffled != labels
    with pytest.raises(RuntimeError, match="order"):
        write_predictions(Path(grouped_run["run_dir"]) / "never.jsonl", prepared, shuffled, shuffled,
                              [[0.5, 0.5]] * len(labels))


@pytest.fixture(scope="module")
def three_runs(tiny_bert_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("three-runs")
    dirs = []
    for i in range(3):
        result = run_training(tiny_config(tiny_bert_dir, output_dir=str(root / f"run-{i}"), max_steps=2, seed=i))
        assert result.status == "completed", result.error
        dirs.append(str(result.run_dir))
    return root, dirs


def test_history_opens_the_run_picked_not_the_newest(three_runs, monkeypatch):
    """History -> pick the second of three runs -> Open in Classify selects that run as model A."""
    from ui import classify_tab
    from ui import train_results as r

    root, dirs = three_runs
    monkeypatch.setenv("FTS_RUNS_DIR", str(root))
    monkeypatch.delenv("SPACE_ID", raising=False)
    session = {Path(d).name: d for d in dirs}  # all three were trained in this session, the newest last
    table, _ = r.history(None, session, "en")
    listed = [row[0] for row in table["value"].values.tolist()]
    assert sorted(listed) == sorted(Path(d).name for d in dirs)

    class Click:
        index = [1, 0]

    picked = r.pick_history(None, session, Click(), "en")
    assert Path(picked).name == listed[1]
    runs, request, _ = r.open_in_classify(None, picked, session, "en")
    model_a = classify_tab._open_run(request, runs, None, "en")[0]
    assert model_a.value == picked and picked != dirs[-1]
    # The same run opened twice is a new request, so the Classify tab hears it again.
    assert r.open_in_classify(None, picked, runs, "en")[1] != request


def test_compare_before_names_the_model_the_run_started_from(three_runs, tmp_path):
    """A run from a local model compares with that model; a scratch run (what 'default' once meant for
    Korean) has no pretrained model before it and says so instead of loading MiniLM."""
    from tests.fixtures_engine import write_topic_tsv
    from trainer_core.config import TrainConfig
    from trainer_core.errors import StudioError
    from ui import classify_tab

    _, dirs = three_runs
    import yaml

    started_from = yaml.safe_load(Path(dirs[0], "config.yaml").read_text("utf-8"))["model"]
    assert classify_tab._before(dirs[0], None, "en") == started_from
    data = write_topic_tsv(tmp_path / "ko.tsv", rows=120)
    result = run_training(TrainConfig(model="scratch", data_source="file", train_file=str(data), text_column="title",
                                      label_column="label", eval_rows=30, max_steps=2, output_dir=str(tmp_path / "s")))
    assert result.status == "completed", result.error
    with pytest.raises(StudioError) as err:
        classify_tab._before(str(result.run_dir), None, "en")
    assert err.value.key == "cls.err_scratch_base"
