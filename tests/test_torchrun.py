"""The exported Trainer script and the CLI run on two CPU processes (DDP over gloo) and match one process.

Two processes each take ``batch_size`` rows per step, so with the same ``max_steps`` they see
twice the rows: their evaluation metrics are compared (both runs learn this separable task),
never the logged training loss, which the Trainer reports summed over processes.
"""
from __future__ import annotations

import json
import runpy
import subprocess
from pathlib import Path

import pytest

from tests.fixtures_export import PYTHON, run_script, script_env, sentiment_rows, write_table
from trainer_core.config import TrainConfig
from trainer_core.engine import run_training
from trainer_core.export import write_script
from trainer_core.runtime import finish_distributed

ROOT = Path(__file__).resolve().parent.parent

LAUNCHERS = {
    # --standalone: a private rendezvous on a free localhost port, so parallel runs never collide.
    "torchrun": [PYTHON, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"],
    # accelerate without a config file: --multi_gpu is its multi-process mode (it runs on CPUs too).
    "accelerate": [PYTHON, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes=2",
                   "--num_machines=1", "--mixed_precision=no", "--dynamo_backend=no", "--main_process_port=0"],
}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory, tiny_bert_dir):
    """The engine's own single-process run of the config, and that config."""
    tmp = tmp_path_factory.mktemp("ddp")
    data = write_table(tmp / "reviews.csv", ["text", "label"], sentiment_rows(240, seed=2))
    config = TrainConfig(model=str(tiny_bert_dir), data_source="file", train_file=str(data), eval_rows=80,
                         max_steps=40, batch_size=16, learning_rate=1e-2, seed=3, backend="trainer",
                         output_dir=str(tmp / "engine-run"))
    result = run_training(config)
    assert result.status == "completed", result.error
    return config, result.results


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_two_processes_match_one(launcher, one_process, tmp_path):
    config, single = one_process
    script = write_script(config, tmp_path / "train.py")
    got = run_script([*LAUNCHERS[launcher], str(script)], cwd=tmp_path, timeout=300)
    assert got["world_size"] == 2  # really distributed, not a silent single-process fallback
    assert got["global_step"] == single["global_step"] == 40
    assert got["num_eval_rows"] == single["num_eval_rows"] == 80  # every evaluation row counted once
    assert single["eval_accuracy"] > 0.9, single  # the task is learned, so agreement is meaningful
    assert abs(got["eval_accuracy"] - single["eval_accuracy"]) <= 0.05, (got, single)
    assert abs(got["eval_macro_f1"] - single["eval_macro_f1"]) <= 0.05, (got, single)

    from transformers import AutoModelForSequenceClassification

    saved = AutoModelForSequenceClassification.from_pretrained(tmp_path / "script-out")
    assert saved.config.id2label == {0: "neg", 1: "pos"}


def test_cli_on_two_processes_writes_one_run(one_process, tmp_path):
    config, single = one_process
    out = tmp_path / "cli-run"
    args = [PYTHON, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "trainer_core", "train",
            "--model", config.model, "--train-file", config.train_file, "--eval-rows", "80", "--max-steps", "40",
            "--batch-size", "16", "--learning-rate", "1e-2", "--seed", "3", "--output-dir", str(out)]
    env = {**script_env(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == 1 and reports[0]["run_dir"] == str(out)  # only the first process reports
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["world_size"] == 2 and results["global_step"] == 40
    assert results["num_eval_rows"] == single["num_eval_rows"] == 80
    assert abs(results["eval_accuracy"] - single["eval_accuracy"]) <= 0.05, (results, single)


def _one_process_group(tmp_path):
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'rendezvous'}", rank=0, world_size=1)
    assert dist.is_initialized()


@pytest.mark.parametrize("where", ["engine", "exported script"])
def test_finish_distributed_closes_the_process_group(where, one_process, tmp_path):
    # Exiting with a gloo group still open can abort the process (a fresh-clone CI run lost rank 1 that way).
    import torch.distributed as dist

    if where == "engine":
        finish = finish_distributed
    else:
        finish = runpy.run_path(str(write_script(one_process[0], tmp_path / "train.py")), run_name="x")["finish_distributed"]
    finish()  # no group: nothing to do, no error
    _one_process_group(tmp_path)
    try:
        finish()
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
