"""End to end: a run trained by the engine is classified in the tab exactly as the CLI does, and pushed."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_hub import fake_hub  # noqa: F401
from trainer_core.inference import Predictor
from ui import classify_tab as tab

ROOT = Path(__file__).resolve().parent.parent
TEXT = "An absolute delight from start to finish."


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    from trainer_core.config import TrainConfig
    from trainer_core.engine import run_training

    out = tmp_path_factory.mktemp("e2e") / "run"
    result = run_training(TrainConfig(model="scratch", sample="imdb_en", max_steps=6, eval_rows=20, batch_size=8,
                                      backend="loop", output_dir=str(out)))
    assert result.status == "completed", result.results
    return Path(result.run_dir)


def test_tab_and_cli_predict_give_the_same_label_and_scores(trained_run):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scores, _b, _latency, facts, *_ = tab._classify(str(trained_run), "", TEXT, "", 10, "auto", None, "en")
    done = subprocess.run([sys.executable, "-m", "trainer_core", "predict", "--model", str(trained_run),
                           "--text", TEXT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    cli = json.loads(done.stdout.strip().splitlines()[-1])
    assert max(scores, key=scores.get) == cli["label"]
    assert scores == pytest.approx(cli["scores"], abs=1e-6)
    assert set(cli["scores"]) == {"neg", "pos"}  # the data set's label names, through id2label
    assert "never trained" not in facts  # the run trained its head
    assert not Predictor.load(trained_run).head_untrained


def test_engine_run_is_pushed_with_its_model_card(trained_run, fake_hub):
    from trainer_core.hub import push_run

    result = push_run(trained_run, "e2e-run", "hf_e2e_token_value")
    received = fake_hub.files("tester/e2e-run")
    card = received["README.md"].decode("utf-8")
    assert card == (trained_run / "README.md").read_text("utf-8")
    assert card.startswith("---\n") and "pipeline" in card and "neg" in card  # usage snippet and label map
    assert {"model.safetensors", "config.json", "results.json", "config.yaml"} <= set(result.files)
    assert all(b"hf_e2e_token_value" not in p.read_bytes() for p in trained_run.rglob("*") if p.is_file())
