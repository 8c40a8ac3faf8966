"""Run directories for the Classify/Hub/inference tests: real runs of the engine on the tiny fixture models."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fixtures_train_tab import train_run


def spread_weights(model_dir: Path, dest: Path, std: float = 0.4, seed: int = 0) -> Path:
    """The tiny model with large random weights, so scores differ clearly from text to text.

    A freshly initialised tiny model (std 0.02) gives ~0.5/0.5 for every text, and a
    comparison of two code paths on such flat scores would prove nothing.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.dim() > 1 and "LayerNorm" not in name:
                param.normal_(0.0, std)
    model.save_pretrained(dest)
    AutoTokenizer.from_pretrained(model_dir).save_pretrained(dest)
    return dest


@pytest.fixture(scope="session")
def spread_bert_dir(tiny_bert_dir, tmp_path_factory) -> Path:
    return spread_weights(tiny_bert_dir, tmp_path_factory.mktemp("spread-bert"))


@pytest.fixture(scope="session")
def spread_roberta_dir(tiny_roberta_dir, tmp_path_factory) -> Path:
    return spread_weights(tiny_roberta_dir, tmp_path_factory.mktemp("spread-roberta"))


@pytest.fixture(scope="session")
def tiny_run_dir(spread_bert_dir, tmp_path_factory) -> Path:
    """A finished run trained from the spread tiny BERT (read-only for tests: copy it before changing anything).

    Starting from the spread weights keeps the scores clearly different from text to text, so
    comparing two code paths on them proves something; a few steps at a small rate keep them so.
    """
    return train_run(spread_bert_dir, tmp_path_factory.mktemp("runs") / "tiny-trained", max_steps=6, eval_every=3,
                     learning_rate=1e-3, baseline=False)


@pytest.fixture
def run_copy(tiny_run_dir, tmp_path) -> Path:
    """A fresh copy of the trained run that a test may modify."""
    return Path(shutil.copytree(tiny_run_dir, tmp_path / "run"))


def run_results(run_dir: Path) -> dict:
    """What the engine wrote in results.json: the truth a test compares the app's figures with."""
    return json.loads((Path(run_dir) / "results.json").read_text("utf-8"))
