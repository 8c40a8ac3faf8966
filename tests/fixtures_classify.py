"""Run directories for the Classify/Hub tests, made from the tiny fixture models (no training needed)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

CARD = """---
library_name: transformers
pipeline_tag: text-classification
tags:
- text-classification
- fine-tune-studio
---
# Tiny test classifier

Labels: neg, pos.
"""


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


def make_run_dir(model_dir: Path, dest: Path, status: str = "completed", global_step: int = 12) -> Path:
    """A run dir as the engine leaves it: save_pretrained files + config.yaml, results.json, metrics, card."""
    from trainer_core.config import TrainConfig

    shutil.copytree(model_dir, dest)
    (dest / "config.yaml").write_text(TrainConfig(model="default", sample="imdb_en").to_yaml(), "utf-8")
    results = {"status": status, "eval_accuracy": 0.75, "eval_macro_f1": 0.74, "global_step": global_step,
               "label_names": ["neg", "pos"], "model_ref": "default", "newly_initialized": ["classifier.weight"]}
    (dest / "results.json").write_text(json.dumps(results), "utf-8")
    (dest / "metrics.jsonl").write_text(json.dumps({"kind": "done", "step": global_step}) + "\n", "utf-8")
    (dest / "README.md").write_text(CARD, "utf-8")
    return dest


@pytest.fixture(scope="session")
def spread_bert_dir(tiny_bert_dir, tmp_path_factory) -> Path:
    return spread_weights(tiny_bert_dir, tmp_path_factory.mktemp("spread-bert"))


@pytest.fixture(scope="session")
def spread_roberta_dir(tiny_roberta_dir, tmp_path_factory) -> Path:
    return spread_weights(tiny_roberta_dir, tmp_path_factory.mktemp("spread-roberta"))


@pytest.fixture(scope="session")
def tiny_run_dir(spread_bert_dir, tmp_path_factory) -> Path:
    """A finished run (read-only for tests: copy it before changing anything)."""
    return make_run_dir(spread_bert_dir, tmp_path_factory.mktemp("runs") / "20250101-000000-tiny-trainer")


@pytest.fixture
def run_copy(spread_bert_dir, tmp_path) -> Path:
    """A fresh run dir a test may modify."""
    return make_run_dir(spread_bert_dir, tmp_path / "run")
