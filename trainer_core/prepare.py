"""From prepared text splits to model inputs: tokenization, the collator and length grouping.

Both backends train on exactly what this module returns, so their only difference
is the loop. Speed comes from here: with ``padding="dynamic"`` nothing is padded at
tokenization time and :class:`~transformers.DataCollatorWithPadding` pads each batch
only to its longest text; length grouping puts texts of similar length in the same
batch, so even that padding stays small. ``padding="max_length"`` is kept to show the
difference (on YNAT headlines it computes ~95% padding).
"""
from __future__ import annotations

import math
import re

from .data import PreparedData

MODEL_COLUMNS = ("input_ids", "attention_mask", "token_type_ids", "labels")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")


def train_texts(prepared: PreparedData) -> list[str]:
    """Every text the model will see in training (first and second texts): what a scratch tokenizer learns from."""
    train = prepared.splits["train"]
    texts = [str(t) for t in train[prepared.mapping.text]]
    if prepared.mapping.text_pair:
        texts += [str(t) for t in train[prepared.mapping.text_pair]]
    return texts


def data_language(texts, sample: int = 500) -> str:
    """'ko' when Hangul dominates the letters of a sample of texts, 'en' when Latin letters do, else 'other'."""
    hangul = latin = 0
    for text in list(texts)[:sample]:
        hangul += len(_HANGUL.findall(text))
        latin += len(_LATIN.findall(text))
    letters = hangul + latin
    if letters == 0:
        return "other"
    if hangul / letters >= 0.3:
        return "ko"
    return "en" if latin / letters >= 0.7 else "other"


def effective_max_length(tokenizer, model, requested: int) -> int:
    """The requested max length, capped by what the model's position embeddings allow."""
    limits = [requested]
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 1_000_000:
        limits.append(tok_max)
    positions = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        # RoBERTa-style models reserve padding_idx + 1 positions before the first token.
        offset = 2 if getattr(model.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert") else 0
        limits.append(positions - offset)
    return min(limits)


def tokenize_splits(prepared: PreparedData, tokenizer, max_length: int, padding: str = "dynamic"):
    """Tokenize every split: model input columns plus ``labels``; the text columns are dropped.

    ``dynamic``: no padding here (the collator pads per batch). ``max_length``: every row
    is padded to ``max_length`` up front, as the tutorials do.
    """
    mapping = prepared.mapping
    pad = "max_length" if padding == "max_length" else False

    def encode(batch):
        texts = [str(t) for t in batch[mapping.text]]
        pairs = [str(t) for t in batch[mapping.text_pair]] if mapping.text_pair else None
        encoded = tokenizer(texts, pairs, truncation=True, max_length=max_length, padding=pad)
        encoded["labels"] = batch[mapping.label]
        return encoded

    out = {}
    for name, split in prepared.splits.items():
        tokenized = split.map(encode, batched=True, remove_columns=split.column_names,
                              desc=f"Tokenizing {name}")
        keep = [c for c in tokenized.column_names if c in MODEL_COLUMNS]
        out[name] = tokenized.select_columns(keep)
    from datasets import DatasetDict

    return DatasetDict(out)


def make_collator(tokenizer):
    """The batch builder both backends use: pads to the longest row of each batch, returns tensors."""
    from transformers import DataCollatorWithPadding

    return DataCollatorWithPadding(tokenizer=tokenizer)


def padding_stats(dataset, batch_size: int, padding: str, group_by_length: bool = False, seed: int = 0) -> dict:
    """Share of padded tokens one epoch computes with this batching (shown beside samples/s)."""
    import torch

    lengths = [len(ids) for ids in dataset["input_ids"]]
    if not lengths:
        return {"padded_share": 0.0, "mean_length": 0.0}
    real = [sum(mask) for mask in dataset["attention_mask"]]
    if group_by_length and padding != "max_length":
        order = length_grouped_indices(lengths, batch_size, generator=torch.Generator().manual_seed(seed))
    else:
        order = torch.randperm(len(lengths), generator=torch.Generator().manual_seed(seed)).tolist()
    computed = 0
    for start in range(0, len(order), batch_size):
        chunk = [lengths[i] for i in order[start:start + batch_size]]
        computed += max(chunk) * len(chunk)
    return {"padded_share": 1 - sum(real) / computed, "mean_length": sum(real) / len(real)}


# --- length grouping for the plain loop --------------------------------------------

def length_grouped_indices(lengths: list[int], batch_size: int, generator=None, mega_batch_mult: int | None = None):
    """Indices such that each run of ``batch_size`` holds texts of similar length, with randomness kept.

    The same recipe as transformers' ``LengthGroupedSampler`` (which the Trainer backend
    uses): shuffle, cut into mega-batches of ~50 batches, sort each by length (longest
    first), and move the longest batch to the front so an out-of-memory shows at once.
    """
    import torch

    if mega_batch_mult is None:
        mega_batch_mult = max(min(len(lengths) // (batch_size * 4), 50), 1)
    indices = torch.randperm(len(lengths), generator=generator).tolist()
    size = mega_batch_mult * batch_size
    megabatches = [sorted(indices[i:i + size], key=lambda j: lengths[j], reverse=True)
                   for i in range(0, len(indices), size)]
    longest = max(range(len(megabatches)), key=lambda m: lengths[megabatches[m][0]])
    megabatches[0][0], megabatches[longest][0] = megabatches[longest][0], megabatches[0][0]
    return [i for mb in megabatches for i in mb]


class LengthGroupedSampler:
    """A ``torch.utils.data.Sampler`` over :func:`length_grouped_indices`; a new order every epoch."""

    def __init__(self, lengths: list[int], batch_size: int, generator=None):
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.generator = generator

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self):
        return iter(length_grouped_indices(self.lengths, self.batch_size, generator=self.generator))


def steps_per_epoch(num_rows: int, batch_size: int, grad_accum_steps: int) -> int:
    """Optimizer steps in one pass over ``num_rows`` (a trailing partial accumulation still steps)."""
    batches = math.ceil(num_rows / batch_size)
    return max(math.ceil(batches / grad_accum_steps), 1)


def total_steps(config, num_rows: int) -> int:
    if config.max_steps > 0:
        return config.max_steps
    return max(math.ceil(config.epochs * steps_per_epoch(num_rows, config.batch_size, config.grad_accum_steps)), 1)


def warmup_steps(config, total: int) -> int:
    """TrainingArguments 5 has no ``warmup_ratio``: both backends convert it the same way."""
    return int(math.ceil(config.warmup_ratio * total))
