"""Batch microscope: the grid is the collated batch itself, cell by cell."""
import pytest

from tests.fixtures_train_tab import tiny_run  # noqa: F401
from trainer_core.errors import StudioError
from trainer_core.microscope import collate, from_prepared, from_run, pick_rows

TEXTS = ["a wonderful film", "awful", "the plot made no sense at all and the actors seemed bored"]
PAIRS = ["a great movie", "bad acting", "nothing"]


def _tokenizer(path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


def test_bert_pairs_cells_are_special_segment_a_b_and_padding(tiny_bert_dir):
    tok = _tokenizer(tiny_bert_dir)
    data = collate(tok, TEXTS, PAIRS, max_length=64)
    dyn, fixed = data["dynamic"], data["max_length_grid"]
    batch = tok(TEXTS, PAIRS, truncation=True, max_length=64, padding=True, return_tensors="pt")
    assert dyn["shape"] == list(batch["input_ids"].shape) and fixed["shape"] == [3, 64]
    for i, kinds in enumerate(dyn["kinds"]):
        ids, types, mask = batch["input_ids"][i], batch["token_type_ids"][i], batch["attention_mask"][i]
        for j, kind in enumerate(kinds):
            if mask[j] == 0:
                assert kind == "pad"
            elif ids[j] in (tok.cls_token_id, tok.sep_token_id):
                assert kind == "special"
            else:
                assert kind == ("a" if types[j] == 0 else "b")
        assert kinds[0] == "special" and "b" in kinds
    # the same real tokens in both collations; only the padding differs
    for k in ("special", "a", "b"):
        assert dyn["counts"][k] == fixed["counts"][k]
    assert dyn["padded_share"] < fixed["padded_share"]
    assert dyn["padded_share"] == pytest.approx(1 - batch["attention_mask"].sum().item() / batch["attention_mask"].numel())
    assert dyn["tokens"][0][0] == "[CLS]" and dyn["tokens"][1][-1] == "[PAD]"


def test_roberta_has_no_token_type_ids_but_segments_are_still_found(tiny_roberta_dir):
    tok = _tokenizer(tiny_roberta_dir)
    assert "token_type_ids" not in tok.model_input_names
    data = collate(tok, TEXTS, PAIRS, max_length=64)
    row = data["dynamic"]["kinds"][0]
    first_b = row.index("b")
    assert row[0] == "special" and set(row[1:first_b - 2]) == {"a"} and row[first_b - 2:first_b] == ["special"] * 2


def test_left_padding_puts_the_padding_cells_first(tiny_bert_dir):
    tok = _tokenizer(tiny_bert_dir)
    tok.padding_side = "left"
    row = collate(tok, TEXTS[:2], None, max_length=32)["dynamic"]["kinds"][1]
    assert row[0] == "pad" and row[-1] == "special" and "b" not in row


def test_batches_follow_length_grouping():
    lengths = [5, 50] * 200

    def uniform(grouped):
        batches = [pick_rows(lengths, 8, index=i, grouped=grouped, seed=0) for i in range(50)]
        assert sorted(i for b in batches for i in b) == list(range(400))  # one epoch, every row once
        return sum(len({lengths[i] for i in b}) == 1 for b in batches)

    assert uniform(True) >= 40 and uniform(False) <= 5
    assert pick_rows(lengths, 8, index=50) == pick_rows(lengths, 8, index=0)  # wraps around


def test_from_prepared_and_from_run(tiny_bert_dir, tiny_run):
    from trainer_core.data import prepare
    from trainer_core.loaders import load_sample

    prepared = prepare(load_sample("mrpc_en"), eval_rows=16)
    data = from_prepared(_tokenizer(tiny_bert_dir), prepared, batch_size=4, max_length=96)
    assert data["rows"] == 4 and data["pairs"] is not None and data["max_length_grid"]["shape"] == [4, 96]
    run = from_run(tiny_run)
    assert run["rows"] == 8 and run["max_length"] == 64 and run["pairs"] is None  # the run's batch and max length
    with pytest.raises(StudioError):
        collate(_tokenizer(tiny_bert_dir), [], None, 8)
