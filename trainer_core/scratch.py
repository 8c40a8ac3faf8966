"""Models built from nothing but the user's texts: a tokenizer trained on them and a small config.

This is the offline answer for languages the built-in English MiniLM cannot read
(Korean becomes jamo and ``[UNK]`` there): a WordPiece vocabulary learned from the
training texts plus a small BERT learns real signal in a minute on a CPU. The same
builders make the tiny test fixtures (BERT + WordPiece, RoBERTa + byte-level BPE).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

SIZES = {
    # name: hidden, layers, heads, intermediate, max positions
    "tiny": (32, 2, 2, 64, 128),
    "small": (128, 2, 2, 512, 512),
}


def train_wordpiece(texts: Iterable[str], vocab_size: int = 8000, lowercase: bool = False, max_length: int = 512):
    """A BERT-style fast tokenizer ([CLS] a [SEP] b [SEP], returns token_type_ids) trained on ``texts``."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    # strip_accents=False keeps Hangul syllables whole (NFD would split them into jamo).
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=False, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, min_frequency=1)
    tok.train_from_iterator((str(t) for t in texts), trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]", model_max_length=max_length,
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def train_byte_bpe(texts: Iterable[str], vocab_size: int = 2000, max_length: int = 512):
    """A RoBERTa-style byte-level BPE fast tokenizer (<s> a </s></s> b </s>, no token_type_ids)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, min_frequency=1,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator((str(t) for t in texts), trainer=trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")),
                                                      trim_offsets=True, add_prefix_space=False)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>", model_max_length=max_length,
        model_input_names=["input_ids", "attention_mask"],
    )


@dataclass
class ScratchModel:
    model: object
    tokenizer: object


def build_classifier(texts: Iterable[str], id2label: dict[int, str], arch: str = "bert", size: str = "small",
                     vocab_size: int = 8000, seed: int = 42, lowercase: bool = False) -> ScratchModel:
    """A randomly initialised BERT (WordPiece) or RoBERTa (byte-level BPE) classifier for ``texts``."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, RobertaConfig, RobertaForSequenceClassification

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    hidden, layers, heads, inter, positions = SIZES[size]
    texts = list(texts)
    id2label = {int(k): str(v) for k, v in id2label.items()}
    label2id = {v: k for k, v in id2label.items()}
    torch.manual_seed(seed)
    common = dict(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads, intermediate_size=inter,
                  num_labels=len(id2label), id2label=id2label, label2id=label2id)
    if arch == "bert":
        tokenizer = train_wordpiece(texts, vocab_size=vocab_size, lowercase=lowercase, max_length=positions)
        config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=positions,
                            pad_token_id=tokenizer.pad_token_id, **common)
        model = BertForSequenceClassification(config)
    elif arch == "roberta":
        tokenizer = train_byte_bpe(texts, vocab_size=vocab_size, max_length=positions)
        # RoBERTa positions start after the padding index, hence the +2.
        config = RobertaConfig(vocab_size=len(tokenizer), max_position_embeddings=positions + 2,
                               pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                               eos_token_id=tokenizer.eos_token_id, type_vocab_size=1, **common)
        model = RobertaForSequenceClassification(config)
    else:
        raise ValueError(f"arch must be 'bert' or 'roberta', got {arch!r}")
    return ScratchModel(model, tokenizer)
