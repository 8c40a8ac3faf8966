"""What a tokenizer costs on real texts: tokens per word (and per 어절), [UNK] rate, share truncated.

The sample is the user's current data set when one is loaded, else a bundled sample.
A 어절 is a whitespace-separated unit of Korean text (a word plus its particles), which
is how Korean "words" are counted; for other text a word is a run of letters/digits.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .errors import StudioError
from .tokens import get_tokenizer

STATS_ROWS = 300
DEFAULT_SAMPLE = "ynat_ko"
_WORD = re.compile(r"\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")
_bundled: dict[str, tuple[list[str], list[str] | None]] = {}  # the bundled files never change
_bundled_lock = threading.Lock()


@dataclass
class TextSample:
    name: str                 # 'dataset' or a bundled sample name
    texts: list[str]
    pairs: list[str] | None
    korean: bool


def _is_korean(texts: list[str]) -> bool:
    joined = "".join(texts[:200])
    letters = len(_LETTER.findall(joined))
    return letters > 0 and len(_HANGUL.findall(joined)) / letters >= 0.3


def _columns(ds, text_col: str, pair_col: str | None, limit: int | None):
    if limit is not None and ds.num_rows > limit:
        ds = ds.select(range(limit))
    texts = ["" if v is None else str(v) for v in ds[text_col]]
    pairs = ["" if v is None else str(v) for v in ds[pair_col]] if pair_col else None
    return texts, pairs


def bundled_sample(name: str, limit: int | None = STATS_ROWS) -> TextSample:
    from .loaders import SAMPLES, load_sample

    with _bundled_lock:
        if name not in _bundled:
            if name not in SAMPLES:
                raise StudioError("err.sample_unknown", name=name, choices=", ".join(SAMPLES))
            spec = SAMPLES[name]
            texts, pairs = [], [] if spec.text_pair_column else None
            for ds in load_sample(name).values():
                t, p = _columns(ds, spec.text_column, spec.text_pair_column, None)
                texts += t
                if pairs is not None:
                    pairs += p
            _bundled[name] = (texts, pairs)
    texts, pairs = _bundled[name]
    texts, pairs = texts[:limit], (pairs[:limit] if pairs is not None else None)
    return TextSample(name, texts, pairs, _is_korean(texts))


def bundled_texts() -> list[str]:
    """Every text of every bundled sample (what the roberta-style tokenizer is trained on)."""
    from .loaders import SAMPLES

    out: list[str] = []
    for name in SAMPLES:
        sample = bundled_sample(name, limit=None)
        out += sample.texts + (sample.pairs or [])
    return out


def _as_splits(state):
    """The DatasetDict and column mapping inside whatever the Dataset tab keeps in its state."""
    obj = state
    if isinstance(obj, dict) and not all(hasattr(v, "column_names") for v in obj.values()):
        obj = next((obj[k] for k in ("prepared", "data", "dsd", "dataset") if obj.get(k) is not None), None)
    mapping = getattr(obj, "mapping", None)
    obj = getattr(obj, "splits", obj)
    if obj is not None and not isinstance(obj, dict) and hasattr(obj, "column_names"):
        obj = {"train": obj}
    if not isinstance(obj, dict) or not obj or not all(hasattr(v, "column_names") for v in obj.values()):
        return None, None
    if mapping is None:
        from .data import detect_mapping

        try:
            mapping = detect_mapping(obj)
        except StudioError:
            return None, None
    return obj, mapping


def dataset_sample(state, limit: int = STATS_ROWS) -> TextSample | None:
    splits, mapping = _as_splits(state)
    if splits is None:
        return None
    ds = splits["train"] if "train" in splits else next(iter(splits.values()))
    texts, pairs = _columns(ds, mapping.text, mapping.text_pair, limit)
    if not texts:
        return None
    return TextSample("dataset", texts, pairs, _is_korean(texts))


def pick_sample(state, source: str = "auto", limit: int = STATS_ROWS) -> TextSample:
    """'auto' = the current data set if there is one, else the Korean sample; or 'dataset' / a sample name."""
    if source in ("auto", "dataset", None, ""):
        found = dataset_sample(state, limit) if state is not None else None
        if found is not None:
            return found
        if source == "dataset":
            raise StudioError("err.tok_no_dataset")
        return bundled_sample(DEFAULT_SAMPLE, limit)
    return bundled_sample(source, limit)


@dataclass
class TokenStats:
    ref: str
    sample: str
    texts: int
    tokens: int                    # content tokens, without special tokens
    words: int
    eojeol: int
    tokens_per_word: float
    tokens_per_eojeol: float | None  # only for Korean samples
    unk_tokens: int
    unk_rate: float                # share of content tokens that are [UNK]
    texts_with_unk: float          # share of texts (rows) with at least one [UNK]
    max_length: int | None
    truncated_share: float | None  # share of rows longer than max_length (special tokens included)
    mean_length: float             # tokens per row, special tokens included
    longest: int


def token_stats(ref, sample: TextSample, max_length: int | None = None) -> TokenStats:
    from .tokens import facts

    entry = get_tokenizer(ref)
    tok = entry.tokenizer
    info = facts(entry)
    with entry.lock:
        ids_a = tok(sample.texts, add_special_tokens=False)["input_ids"]
        ids_b = tok(sample.pairs, add_special_tokens=False)["input_ids"] if sample.pairs else None
        extra = tok.num_special_tokens_to_add(pair=ids_b is not None)
    all_texts = sample.texts + (sample.pairs or [])
    all_ids = ids_a + (ids_b or [])
    unk_id = tok.unk_token_id
    tokens = sum(len(ids) for ids in all_ids)
    words = sum(len(_WORD.findall(text)) for text in all_texts)
    eojeol = sum(len(text.split()) for text in all_texts)
    unk_per_row = [sum(1 for i in ids if i == unk_id) if unk_id is not None else 0 for ids in ids_a]
    if ids_b is not None:
        unk_per_row = [u + (sum(1 for i in ids if i == unk_id) if unk_id is not None else 0)
                       for u, ids in zip(unk_per_row, ids_b)]
    lengths = [len(a) + (len(ids_b[k]) if ids_b is not None else 0) + extra for k, a in enumerate(ids_a)]
    limit = max_length or info.model_max_length
    rows = max(len(lengths), 1)
    return TokenStats(
        ref=entry.ref, sample=sample.name, texts=len(sample.texts), tokens=tokens, words=words, eojeol=eojeol,
        tokens_per_word=tokens / words if words else 0.0,
        tokens_per_eojeol=(tokens / eojeol if eojeol else 0.0) if sample.korean else None,
        unk_tokens=sum(unk_per_row), unk_rate=sum(unk_per_row) / tokens if tokens else 0.0,
        texts_with_unk=sum(1 for u in unk_per_row if u) / rows,
        max_length=limit, truncated_share=(sum(1 for n in lengths if n > limit) / rows) if limit else None,
        mean_length=sum(lengths) / rows, longest=max(lengths, default=0),
    )
