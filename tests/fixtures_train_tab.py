"""Train tab fixtures: a real (tiny) finished run, form values for a tiny config, and a job-lock guard."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_wait import wait_until
from trainer_core.config import TrainConfig
from trainer_core.jobs import JOBS
from trainer_core.presets import TAB_DEFAULTS
from ui.train_form import form_values


def tiny_config(model_dir, **changes) -> TrainConfig:
    """The tiny BERT on the bundled IMDb-style sample: steps take milliseconds."""
    values = dict(TAB_DEFAULTS, model=str(model_dir), sample="imdb_en", batch_size=8, learning_rate=2e-3,
                  log_every=1, eval_every=4, max_steps=8, max_length=64)
    values.update(changes)
    return TrainConfig(**values)


def tiny_form(model_dir, **changes) -> list:
    """What the form would send for the tiny config (values in form order)."""
    return form_values(tiny_config(model_dir, **changes))


def train_run(model_dir, dest, **changes) -> Path:
    """A real run of the engine on the tiny config: every file a finished run has, predictions
    included, with the metrics it really measured."""
    from trainer_core.engine import run_training

    result = run_training(tiny_config(model_dir, output_dir=str(dest), **changes))
    assert result.status == "completed", result.error
    return Path(result.run_dir)


@pytest.fixture(scope="session")
def tiny_run(tiny_bert_dir, tmp_path_factory):
    """A finished Trainer run of the tiny BERT with the baseline (a real run directory)."""
    return train_run(tiny_bert_dir, tmp_path_factory.mktemp("tt-run") / "run")


@pytest.fixture
def free_jobs():
    """Fail fast if a job is left running, and stop whatever a test started so the next one can train."""
    yield JOBS
    current = JOBS.current()
    if current is not None:
        current.stop()
        current.join(60)
    wait_until(lambda: not JOBS.busy(), "the job lock to be released")
