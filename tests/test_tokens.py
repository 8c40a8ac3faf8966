"""Core of the Tokenizer tab: encoding, flags, padding/truncation, decoding, facts, cache."""
import threading

import pytest

from trainer_core.errors import StudioError
from trainer_core.tokens import (CACHE_SIZE, EncodeOptions, LoadedTokenizer, batch_decode, convert_ids_to_tokens,
                                 decode, encode, facts, get_tokenizer)


def test_bert_pair_gives_segments_0_then_1(tiny_bert_dir):
    enc = encode(str(tiny_bert_dir), "the film was good", "it was a good film")
    tti = enc.raw["token_type_ids"]
    first_sep = enc.raw["input_ids"].index(get_tokenizer(str(tiny_bert_dir)).tokenizer.sep_token_id)
    assert tti == [0] * (first_sep + 1) + [1] * (len(tti) - first_sep - 1)
    assert 1 in tti and enc.not_returned == []
    row = enc.rows[0]
    assert [t.segment for t in row.tokens] == tti
    assert {t.sequence for t in row.tokens if not t.special} == {0, 1}
    # each content token covers characters of its own text
    for t in row.tokens:
        if not t.special:
            own = row.text if t.sequence == 0 else row.text_pair
            assert own[t.start:t.end] == t.source


def test_roberta_pair_returns_no_token_type_ids(tiny_roberta_dir):
    enc = encode(str(tiny_roberta_dir), "the film was good", "it was a good film")
    assert "token_type_ids" not in enc.raw and enc.not_returned == ["token_type_ids"]
    assert enc.returned_keys == ["input_ids", "attention_mask"]
    row = enc.rows[0]
    # no token types: the segment falls back to sequence_ids (None for <s> and </s>)
    assert [t.segment for t in row.tokens] == [t.sequence for t in row.tokens]
    assert [t.raw for t in row.tokens if t.special] == ["<s>", "</s>", "</s>", "</s>"]


@pytest.mark.parametrize("side", ["right", "left"])
def test_padding_longest_pads_the_shorter_row_on_the_padding_side(tiny_bert_dir, side):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_bert_dir, padding_side=side)
    entry = LoadedTokenizer(tok, f"bert-{side}", str(tiny_bert_dir), "local")
    enc = encode(entry, ["a long sentence about the film and its music", "short"], options=EncodeOptions("longest"))
    long_row, short_row = enc.rows
    assert len(long_row.tokens) == len(short_row.tokens)
    assert all(t.attention == 1 for t in long_row.tokens)
    mask = enc.raw["attention_mask"][1]
    pads = [t.pad for t in short_row.tokens]
    assert mask.count(0) == sum(pads) > 0
    expected = mask[-sum(pads):] if side == "right" else mask[:sum(pads)]
    assert expected == [0] * sum(pads)
    pad_tokens = short_row.tokens[-sum(pads):] if side == "right" else short_row.tokens[:sum(pads)]
    assert {t.raw for t in pad_tokens} == {"[PAD]"} and all(t.id == tok.pad_token_id for t in pad_tokens)


def test_padding_max_length_and_truncation(tiny_bert_dir):
    ref = str(tiny_bert_dir)
    padded = encode(ref, "good film", options=EncodeOptions("max_length", "none", 12))
    assert len(padded.raw["input_ids"]) == 12 and padded.raw["attention_mask"].count(0) > 0
    assert not padded.rows[0].truncated
    cut = encode(ref, "the film was good and the music was good too", options=EncodeOptions("do_not_pad", "longest_first", 6))
    assert len(cut.raw["input_ids"]) == 6 and cut.rows[0].truncated
    assert cut.rows[0].tokens[-1].special  # [SEP] is kept, content is cut
    assert EncodeOptions("do_not_pad", "longest_first", 6).kwargs() == {"truncation": True, "max_length": 6}
    assert EncodeOptions("longest", "none", 6).kwargs() == {"padding": "longest"}  # max_length unused: not passed


def test_minilm_korean_shows_jamo_and_unk_span():
    enc = encode("default", "유튜브 2일까지")
    tokens = enc.rows[0].tokens
    assert [t.raw for t in tokens[1:7]] == ["ᄋ", "##ᅲ", "##ᄐ", "##ᅲ", "##ᄇ", "##ᅳ"]
    assert all(t.jamo for t in tokens[1:7]) and [t.source for t in tokens[1:7]] == list("유유튜튜브브")
    assert [t.continuation for t in tokens[1:7]] == [False] + [True] * 5
    unk = [t for t in tokens if t.unk]
    assert len(unk) == 1 and unk[0].raw == "[UNK]" and unk[0].source == "2일까지"
    assert enc.rows[0].unk_spans == ["2일까지"]
    assert facts("default").splits_hangul


def test_byte_level_pieces_merge_into_the_characters_they_cover(tiny_roberta_dir):
    text = "카드사 무이자 할부 축소…소비자 혜택 줄어"
    entry = get_tokenizer(str(tiny_roberta_dir))
    enc = encode(entry, text)
    content = [t for t in enc.rows[0].tokens if not t.special]
    # the test only means something if single pieces really are broken characters
    assert any("\ufffd" in entry.tokenizer.decode([t.id]) for t in content)
    firsts = [t for t in content if t.group_size]
    assert any(t.group_size > 1 for t in firsts)
    assert "".join(t.text for t in firsts) == text
    assert not any("\ufffd" in t.text for t in content)
    for t in firsts:
        members = content[content.index(t):content.index(t) + t.group_size]
        span = text[min(m.start for m in members):max(m.end for m in members)]
        assert t.text.strip() == span.strip()


def test_truncation_inside_a_character_shows_bytes_not_replacement_char():
    text = "유튜브가 좋아요 유튜브가 좋아요"
    enc = encode("roberta-style", text, options=EncodeOptions("do_not_pad", "longest_first", 6))
    tokens = enc.rows[0].tokens
    assert enc.rows[0].truncated
    assert not any("\ufffd" in t.text for t in tokens)
    partial = [t for t in tokens if t.partial]
    assert all("\\x" in t.text for t in partial)


def test_options_are_validated_with_clear_errors(tiny_bert_dir):
    with pytest.raises(StudioError, match="padding 'pad_all'"):
        EncodeOptions("pad_all")
    with pytest.raises(StudioError, match="truncation 'cut'"):
        EncodeOptions("longest", "cut")
    for bad in (0, -3, 2.5, "ten", 10**6, float("nan"), float("inf")):
        with pytest.raises(StudioError, match="max_length must be a whole number"):
            EncodeOptions("longest", "longest_first", bad)
    assert EncodeOptions(max_length="16").max_length == 16 and EncodeOptions(truncation=True).truncation == "longest_first"
    ref = str(tiny_bert_dir)
    with pytest.raises(StudioError, match="only_second"):
        encode(ref, "one text", options=EncodeOptions("do_not_pad", "only_second", 8))
    with pytest.raises(StudioError, match="refused these settings"):
        encode(ref, "a b c d e f", "x", options=EncodeOptions("do_not_pad", "only_second", 4))
    with pytest.raises(StudioError, match="no text"):
        encode(ref, "   ")
    with pytest.raises(StudioError, match="second text"):
        encode(ref, "a", "")
    with pytest.raises(StudioError, match="limit here is 64"):
        encode(ref, ["x"] * 65)


def test_decode_batch_decode_and_convert_ids(tiny_bert_dir):
    ref = str(tiny_bert_dir)
    enc = encode(ref, ["good film", "bad music"])
    ids = enc.raw["input_ids"]
    assert decode(ref, ids[0]).startswith("[CLS]") and decode(ref, ids[0]).endswith("[SEP]")
    assert decode(ref, ids[0], skip_special_tokens=True) == "good film"
    assert batch_decode(ref, ids, skip_special_tokens=True) == ["good film", "bad music"]
    assert convert_ids_to_tokens(ref, ids[1]) == [t.raw for t in enc.rows[1].tokens]
    assert enc.rows[1].decoded_skip_special == "bad music"
    with pytest.raises(StudioError, match="not in the vocabulary"):
        decode(ref, [1, 10**7])
    with pytest.raises(StudioError, match="not in the vocabulary"):
        convert_ids_to_tokens(ref, ["x"])


def test_facts_of_the_offline_defaults():
    minilm = facts("default")
    assert (minilm.cls, minilm.algorithm, minilm.vocab_size, minilm.model_max_length) == ("BertTokenizer", "WordPiece", 30522, 512)
    assert minilm.returns_token_type_ids and minilm.lowercases and minilm.padding_side == "right"
    assert minilm.special_tokens["cls_token"] == "[CLS]" and minilm.continuation_prefix == "##"
    bpe = facts("roberta-style")
    assert bpe.byte_level and bpe.algorithm == "BPE" and not bpe.returns_token_type_ids and not bpe.splits_hangul
    assert bpe.special_tokens["sep_token"] == "</s>" and bpe.vocab_size == 2000


def test_cache_is_keyed_by_resolved_path_and_bounded(tiny_bert_dir, tiny_roberta_dir, builtin_model_dir):
    from trainer_core import tokens

    by_name, by_path = get_tokenizer("default"), get_tokenizer(str(builtin_model_dir))
    assert by_name.tokenizer is by_path.tokenizer and by_name.lock is by_path.lock
    assert (by_name.ref, by_path.ref) == ("default", str(builtin_model_dir))
    assert get_tokenizer("roberta-style") is get_tokenizer("roberta-style")
    a = get_tokenizer(str(tiny_bert_dir))
    assert get_tokenizer(str(tiny_bert_dir)) is a
    assert get_tokenizer(str(tiny_bert_dir) + "/").tokenizer is a.tokenizer
    get_tokenizer(str(tiny_roberta_dir))
    assert len(tokens._cache) <= CACHE_SIZE
    with pytest.raises(StudioError, match="Hub"):
        get_tokenizer("someone/not-cached-anywhere")


def test_cache_notices_a_folder_saved_again(tmp_path, tiny_bert_dir):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_bert_dir, folder)
    first = get_tokenizer(str(folder))
    get_tokenizer("roberta-style").tokenizer.save_pretrained(folder)  # a different tokenizer, same folder
    second = get_tokenizer(str(folder))
    assert second is not first and facts(second).byte_level


def test_concurrent_calls_with_different_options_do_not_mix(tiny_bert_dir):
    # Padding/truncation live on the shared Rust tokenizer: without the per-tokenizer lock,
    # one thread's max_length can leak into another's call.
    entry = get_tokenizer(str(tiny_bert_dir))
    text = "the film was good and the music was good and the story was good too"
    errors = []

    def work(n):
        try:
            for _ in range(30):
                if n % 2:
                    enc = encode(entry, text, options=EncodeOptions("max_length", "longest_first", 8))
                    assert len(enc.raw["input_ids"]) == 8
                else:
                    enc = encode(entry, text)
                    assert len(enc.raw["input_ids"]) > 8 and not enc.rows[0].truncated
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_sentencepiece_style_byte_fallback_pieces_merge_too():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {f"<0x{b:02X}>": b for b in range(256)}
    vocab.update({"<unk>": 256, "a": 257, "b": 258})
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[], byte_fallback=True, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>")
    entry = LoadedTokenizer(tok, "byte-fallback", "-", "local")
    assert facts(entry).byte_pieces == "byte-fallback" and not facts(entry).byte_level
    row = encode(entry, "ab유a").rows[0]
    assert [t.raw for t in row.tokens] == ["a", "b", "<0xEC>", "<0x9C>", "<0xA0>", "a"]
    assert [t.text for t in row.tokens if t.group_size] == ["a", "b", "유", "a"]
    assert [t.group_size for t in row.tokens] == [1, 1, 3, 0, 0, 1]


def test_python_tokenizer_without_offsets_byt5_bytes_merge():
    from html import escape

    from transformers import ByT5Tokenizer

    from trainer_core.i18n import t
    from trainer_core.tokens_display import render_view

    entry = LoadedTokenizer(ByT5Tokenizer(), "byt5", "-", "local")
    enc = encode(entry, ["a유", "bb"], options=EncodeOptions("longest"))
    first, second = enc.rows
    assert [t.text for t in first.tokens if t.group_size] == ["a", "유", "</s>"]
    assert [t.pad for t in second.tokens] == [False, False, False, True, True]
    assert enc.not_returned == ["token_type_ids"] and first.decoded == "a유</s>"
    assert not enc.offsets_available and first.tokens[1].start is None
    html = render_view(enc, "en")
    assert escape(t("tok.no_offsets", "en")) in html and "\ufffd" not in html
