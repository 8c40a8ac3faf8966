"""The before-launch estimate: token and step counts that match what the engine does, FLOPs, warnings."""
import pytest

from tests.fixtures_train_tab import tiny_config
from trainer_core import estimate as est_mod
from trainer_core.data import prepare
from trainer_core.engine import load_data
from trainer_core.estimate import batch_tokens, count_evals, estimate, training_memory
from trainer_core.estimate_model import model_facts, token_lengths
from trainer_core.loaders import load_sample
from trainer_core.prepare import padding_stats, tokenize_splits, total_steps

SPEED = 1e10  # a fixed FLOP/s so the figures are reproducible (the probe is only for real use)


def test_batch_tokens_counts_padding_per_batch():
    lengths = [5, 3, 9, 2]
    assert batch_tokens(lengths, 2, 100, "max_length", False) == (19, 400, 100)
    assert batch_tokens(lengths, 2, 4, "max_length", False) == (13, 16, 4)  # truncated first, then padded
    real, computed, longest = batch_tokens(lengths, 4, 100, "dynamic", False)
    assert (real, computed, longest) == (19, 36, 9)  # one batch, padded to its longest row
    grouped = batch_tokens([1, 10] * 40, 2, 100, "dynamic", True)
    shuffled = batch_tokens([1, 10] * 40, 2, 100, "dynamic", False)
    assert grouped[0] == shuffled[0] == 440
    assert grouped[1] < shuffled[1] and grouped[1] <= 440 + 2 * 9 * 5  # at most one mixed batch per mega-batch


def test_padding_share_matches_the_engine_own_measurement(tiny_bert_dir):
    config = tiny_config(tiny_bert_dir, max_length=32, batch_size=8, group_by_length=False)
    prepared = load_data(config)
    facts = model_facts(config, prepared)
    lengths = token_lengths(facts, prepared)
    tokenized = tokenize_splits(prepared, facts.tokenizer, 32)
    assert [min(n, 32) for n in lengths] == [len(ids) for ids in tokenized["train"]["input_ids"]]
    real, computed, _ = batch_tokens(lengths, 8, 32, "dynamic", False, seed=config.seed)
    engine = padding_stats(tokenized["train"], 8, "dynamic", False, config.seed)
    assert 1 - real / computed == pytest.approx(engine["padded_share"])


def test_estimate_of_a_tiny_run(tiny_bert_dir, monkeypatch):
    monkeypatch.setattr(est_mod, "_MEASURED", {})  # no earlier run of this model calibrates it
    config = tiny_config(tiny_bert_dir, max_steps=-1, epochs=2, batch_size=16, eval_every=0, max_length=128)
    prepared = load_data(config)
    e = estimate(config, prepared, flops_per_second=SPEED)
    assert (e.train_rows, e.eval_rows) == (112, 28)
    assert e.steps == total_steps(config, 112) == 14 and e.steps_per_epoch == 7 and e.samples == 224
    assert e.evals == count_evals(config, 14, 7) == 2
    assert e.exact and e.params == sum(p.numel() for p in _model(tiny_bert_dir).parameters())
    lengths = token_lengths(model_facts(config, prepared), prepared)
    assert e.tokens_real == 2 * sum(lengths) and e.truncated_share == 0  # two passes over the data
    assert e.tokens_computed >= e.tokens_real and 0 <= e.padded_share < 1
    assert e.flops > 6 * e.params_non_embedding * e.tokens_computed  # + attention + evaluation
    assert not e.calibrated and e.utilization == est_mod.UTILIZATION
    assert e.seconds == pytest.approx(est_mod.STARTUP_SECONDS + 14 * est_mod.STEP_OVERHEAD_SECONDS
                                      + e.flops / (SPEED * est_mod.UTILIZATION))
    assert e.memory_bytes > 16 * e.params and e.class_counts == {"neg": 56, "pos": 56}
    assert [w["key"] for w in e.warnings] == ["tt.warn_tiny_eval"]  # 28 evaluation rows


def _model(path):
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(path)


def test_warnings_truncation_imbalance_padding_and_space(tiny_bert_dir, monkeypatch):
    from datasets import Dataset, DatasetDict

    rows = {"text": ["short text"] * 90 + ["a much longer text " * 20] * 10 + ["rare one"] * 20,
            "label": ["a"] * 100 + ["b"] * 20}
    prepared = prepare(DatasetDict({"train": Dataset.from_dict(rows)}), eval_rows=20, seed=1)
    config = tiny_config(tiny_bert_dir, max_length=16, padding="max_length", max_steps=400, data_source="sample")
    monkeypatch.setenv("SPACE_ID", "someone/studio")
    monkeypatch.setenv("FTS_SPACE_MAX_STEPS", "300")
    e = estimate(config, prepared, flops_per_second=SPEED)
    keys = {w["key"]: w["params"] for w in e.warnings}
    assert set(keys) == {"tt.warn_truncated", "tt.warn_imbalance", "tt.warn_tiny_eval", "tt.warn_padding",
                         "tt.warn_space_steps"}
    assert keys["tt.warn_imbalance"]["smallest"] == "b" and keys["tt.warn_space_steps"] == {"steps": 400, "cap": 300}
    assert float(keys["tt.warn_truncated"]["share"].rstrip("%")) == pytest.approx(100 * e.truncated_share, abs=0.05)
    monkeypatch.delenv("SPACE_ID")
    assert "tt.warn_space_steps" not in {w["key"] for w in estimate(config, prepared, flops_per_second=SPEED).warnings}


def test_scratch_model_is_sized_from_the_data_and_warns_about_a_low_learning_rate():
    config = tiny_config("scratch", sample="ynat_ko", learning_rate=5e-5)
    prepared = load_data(config)
    e = estimate(config, prepared, flops_per_second=SPEED)
    assert e.model == "scratch" and e.exact and e.params > 0
    assert "tt.warn_scratch_lr" in {w["key"] for w in e.warnings}
    default = estimate(config.replace(model="default"), prepared, flops_per_second=SPEED)
    from trainer_core.multilingual import available

    # 'default' on Korean data means what the engine trains: multilingual where it can be had, else scratch
    assert default.model == ("multilingual" if available() else "scratch")


def test_an_unreachable_hub_model_gives_approximate_or_no_figures(monkeypatch):
    from trainer_core import sources

    monkeypatch.setattr(sources, "hub_reachable", lambda *a, **k: False)
    prepared = prepare(load_sample("imdb_en"), eval_rows=20)
    config = tiny_config("bert-base-uncased")
    e = estimate(config, prepared, flops_per_second=SPEED)
    assert not e.exact and e.params == 109_482_240 and e.seconds is not None
    assert e.warnings[0] == {"key": "tt.warn_approx", "params": {"model": "bert-base-uncased"}}
    unknown = estimate(config.replace(model="someone/unknown-model"), prepared, flops_per_second=SPEED)
    assert unknown.seconds is None and unknown.flops is None and unknown.tokens_real > 0


def test_a_finished_run_calibrates_the_next_estimate_of_the_same_model(tiny_bert_dir, monkeypatch):
    monkeypatch.setattr(est_mod, "_MEASURED", {})
    config = tiny_config(tiny_bert_dir, max_steps=20)
    prepared = load_data(config)
    before = estimate(config, prepared, flops_per_second=SPEED)
    # Stopped after 10 of 20 steps, which took 2 s of compute: half the FLOPs in 2 s.
    runtime = 2.0 + 10 * est_mod.STEP_OVERHEAD_SECONDS
    share = est_mod.record_run(before, {"global_step": 10, "train_runtime": runtime})
    assert share == pytest.approx(before.flops / 2 / 2.0 / SPEED)
    after = estimate(config, prepared, flops_per_second=SPEED)
    assert after.calibrated and after.utilization == share
    assert after.seconds == pytest.approx(est_mod.STARTUP_SECONDS + 20 * est_mod.STEP_OVERHEAD_SECONDS + 4.0)
    assert est_mod.record_run(before, {"global_step": 0, "train_runtime": 0}) is None
    other = estimate(config.replace(model="scratch"), prepared, flops_per_second=SPEED)
    assert not other.calibrated  # measured per model


def test_memory_grows_with_batch_and_length():
    small = training_memory(1_000_000, 2, 128, 2, 8, 32)
    assert training_memory(1_000_000, 2, 128, 2, 16, 32) > small
    assert training_memory(1_000_000, 2, 128, 2, 8, 64) > small
    assert small > 16_000_000
    # A frozen parameter (multilingual's word embeddings) has no gradient and no AdamW moments: 4 bytes, not 16.
    assert training_memory(1_000_000, 2, 128, 2, 8, 32, frozen=400_000) == small - 12 * 400_000


def test_the_matmul_probe_is_measured_once(monkeypatch):
    monkeypatch.setattr(est_mod, "_PROBE", {})
    first = est_mod.matmul_flops_per_second(size=64, seconds=0.01)
    assert first > 0 and est_mod.matmul_flops_per_second() == first
