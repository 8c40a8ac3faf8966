import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fixtures_engine import write_topic_tsv
from trainer_core.cli import build_parser, config_from_args, main
from trainer_core.config import TrainConfig, form_fields
from trainer_core.inference import predict_json


def test_every_config_flag_reaches_the_config():
    # Give every generated flag a non-default value: the parsed config must carry each one.
    argv = ["train", "--train-file", "x.tsv"]
    expected = {"data_source": "file", "train_file": "x.tsv"}
    for spec in form_fields():
        flag, name = spec.get("cli"), spec["name"]
        if not flag or name in ("train_file", "dataset", "sample"):
            continue
        if spec["type"] == "bool":
            argv.append(flag if not spec["default"] else "--no-" + flag[2:])
            expected[name] = not spec["default"]
        elif spec.get("choices"):
            value = next(c for c in spec["choices"] if c != spec["default"])
            argv += [flag, value]
            expected[name] = value
        else:
            value = {"int": max(spec.get("min", 0), 0) + 3, "float": 0.25, "str": f"v-{name}"}[spec["type"]]
            argv += [flag, str(value)]
            expected[name] = value
    expected["model"] = "v-model"
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    for name, value in expected.items():
        assert getattr(config, name) == value, name


def test_train_predict_and_export_in_process(tiny_bert_dir, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--model", str(tiny_bert_dir), "--sample", "imdb_en", "--max-steps", "4", "--batch-size", "8",
                 "--learning-rate", "1e-3", "--backend", "loop", "--baseline", "--output-dir", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out.strip().splitlines()[-1])
    results = json.loads((out / "results.json").read_text("utf-8"))
    for key in ("eval_accuracy", "eval_macro_f1", "train_runtime", "train_samples_per_second", "num_train_rows",
                "num_eval_rows", "label_names", "baseline_accuracy"):
        assert key in results and key in summary or key == "label_names", key
    assert summary["run_dir"] == str(out) and results["label_names"] == ["neg", "pos"]
    # The baseline the CLI reports is the one sklearn alone fits on the run's own split (config.yaml).
    from tests.fixtures_engine import independent_baseline
    from trainer_core.config import TrainConfig
    from trainer_core.engine import load_data

    truth = independent_baseline(load_data(TrainConfig.load(out / "config.yaml")))
    assert results["baseline_accuracy"] == pytest.approx(truth["accuracy"], abs=1e-9)
    assert "eval @ step 4" in captured.err and "Traceback" not in captured.err

    assert main(["predict", "--model", str(out), "--text", "A moving and beautiful film."]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    prediction = json.loads(line)
    from trainer_core.inference import Predictor

    direct = Predictor.load(out).predict(["A moving and beautiful film."])[0]  # what a Python user would get
    assert prediction["label"] == direct.label and prediction["scores"] == pytest.approx(direct.scores, abs=1e-6)
    assert prediction["score"] == pytest.approx(max(prediction["scores"].values()))
    for precision in ("fp32", "bf16"):  # the flag reaches the predictor: the same numbers as predict_json
        assert main(["predict", "--model", str(out), "--text", "A moving and beautiful film.",
                     "--precision", precision]) == 0
        expected = predict_json(str(out), "A moving and beautiful film.", precision=precision)
        assert json.loads(capsys.readouterr().out.strip()) == expected

    script = tmp_path / "train_again.py"
    assert main(["export-script", "--config", str(out / "config.yaml"), "--backend", "trainer",
                 "--output", str(script)]) == 0
    compile(script.read_text("utf-8"), str(script), "exec")
    text = script.read_text("utf-8")
    assert "import trainer_core" not in text and "from trainer_core" not in text and "Trainer(" in text


def test_train_from_files_with_a_separate_eval_file(tmp_path, capsys):
    train = write_topic_tsv(tmp_path / "train.tsv", rows=120, seed=3)
    evaluation = write_topic_tsv(tmp_path / "eval.tsv", rows=45, seed=4)
    out = tmp_path / "run"
    code = main(["train", "--model", "scratch", "--train-file", str(train), "--eval-file", str(evaluation),
                 "--text-column", "title", "--label-column", "label", "--max-steps", "2", "--output-dir", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    results = json.loads((out / "results.json").read_text("utf-8"))
    assert results["num_eval_rows"] == 45 and results["num_train_rows"] == 120
    assert results["model_kind"] == "scratch"
    assert "higher learning rate" in captured.err  # 5e-5 on random weights: the user is told
    assert TrainConfig.load(out / "config.yaml").eval_file == str(evaluation)


@pytest.mark.parametrize("argv,needle", [
    (["train", "--sample", "imdb_en", "--batch-size", "many"], "batch_size"),
    (["train", "--sample", "imdb_en", "--backend", "keras"], "trainer, loop"),
    (["train", "--model", "default"], "--train-file"),
    (["train", "--sample", "imdb_en", "--train-file", "a.tsv"], "not allowed"),
    (["export-script", "--config", "/nowhere/config.yaml"], "/nowhere/config.yaml"),
])
def test_bad_input_is_one_line_and_exit_code_2(argv, needle, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors (missing or conflicting flags)
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_bad_file_through_python_dash_m(tmp_path):
    # The real entry point: exit code 2, one line, no traceback, nothing on stdout.
    proc = subprocess.run([sys.executable, "-m", "trainer_core", "train", "--train-file", str(tmp_path / "none.tsv"),
                           "--output-dir", str(tmp_path / "o")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error:") and "none.tsv" in proc.stderr
