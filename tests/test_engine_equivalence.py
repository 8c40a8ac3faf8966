"""Same config and seed: the Trainer backend and the plain loop land in the same accuracy band.

The data are synthetic Korean topic headlines with 10% of the labels flipped (see
fixtures_engine) and the model is the small from-scratch BERT (fast, and random
weights make a broken loop show) and a correct loop reaches the ~90% ceiling on 300 fixed
evaluation rows; a broken loop (no optimizer step, wrong labels, eval in train mode
with a wrong order) does not.
"""
import pytest

from tests.fixtures_engine import write_topic_tsv
from trainer_core.config import TrainConfig
from trainer_core.engine import run_training


@pytest.fixture(scope="module")
def topic_file(tmp_path_factory):
    return write_topic_tsv(tmp_path_factory.mktemp("topics") / "topics.tsv", rows=900, seed=1)


def test_both_backends_land_within_two_points(topic_file, tmp_path):
    accuracies, results = {}, {}
    for backend in ("trainer", "loop"):
        config = TrainConfig(model="scratch", data_source="file", train_file=str(topic_file), text_column="title",
                             label_column="label", train_rows=600, eval_rows=300, epochs=2, batch_size=16,
                             learning_rate=2e-3, seed=7, backend=backend, output_dir=str(tmp_path / backend))
        result = run_training(config)
        assert result.status == "completed", result.error
        accuracies[backend] = result.results["eval_accuracy"]
        results[backend] = result.results
    assert results["trainer"]["model_kind"] == results["loop"]["model_kind"] == "scratch"
    assert results["trainer"]["language"] == "ko"
    assert min(accuracies.values()) > 0.8, accuracies  # both really learned (chance is 33%)
    assert abs(accuracies["trainer"] - accuracies["loop"]) <= 0.02, accuracies
