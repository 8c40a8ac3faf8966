"""Tokenizers made visible: encode a text, a pair or a batch and say what every token is.

The result keeps both what the tokenizer returned (the raw arrays, and which of the
usual keys it did *not* return) and a per-token view for people: the characters each
token covers (from ``offset_mapping``), its segment, attention, pad and ``[UNK]``
flags. Byte-level BPE pieces are shown as the characters they cover — a Hangul
syllable split over two byte tokens becomes one merged chip instead of ``�`` — while
WordPiece ``##`` pieces and Hangul decomposed into jamo stay visible, because that is
what the model really receives.
"""
from __future__ import annotations

import atexit
import math
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .errors import StudioError
from .tokens_pieces import TokenView, row_tokens

ROBERTA_STYLE = "roberta-style"
PADDING_MODES = ("do_not_pad", "longest", "max_length")
TRUNCATION_MODES = ("none", "longest_first", "only_first", "only_second")
STANDARD_KEYS = ("input_ids", "token_type_ids", "attention_mask")
MAX_CHARS = 20_000
MAX_BATCH = 64
MAX_LENGTH_LIMIT = 8192
CACHE_SIZE = 4
_HUGE = 10**9  # transformers uses a ~1e30 sentinel for "no model_max_length"


# --- loading: a small process-wide LRU of immutable tokenizers -------------------

@dataclass
class LoadedTokenizer:
    tokenizer: object
    ref: str        # what was asked for: 'default', 'roberta-style', a folder, a Hub id
    location: str   # the resolved folder or Hub id (what from_pretrained gets)
    kind: str       # builtin / local / hub / roberta-style
    # Fast tokenizers keep padding/truncation settings on the shared Rust object, so two
    # concurrent calls with different options would race: one call at a time per tokenizer.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    facts: "TokenizerFacts | None" = field(default=None, repr=False)  # computed once, on first use


_cache: OrderedDict[str, LoadedTokenizer] = OrderedDict()
_cache_lock = threading.Lock()
_roberta_lock = threading.Lock()
_roberta: list[LoadedTokenizer] = []  # built once per process from the bundled samples (not user state)


def _local_stamp(folder: str) -> str:
    # A folder re-saved after training must not be served from a stale cache entry.
    names = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json")
    return ",".join(str(int((Path(folder) / n).stat().st_mtime_ns)) for n in names if (Path(folder) / n).is_file())


def roberta_style() -> LoadedTokenizer:
    """A RoBERTa-style byte-level BPE trained on the bundled samples, saved under a temp dir."""
    with _roberta_lock:
        if not _roberta:
            from .scratch import train_byte_bpe
            from .tokens_stats import bundled_texts

            tok = train_byte_bpe(bundled_texts(), vocab_size=2000)
            folder = tempfile.mkdtemp(prefix="fts-roberta-style-")
            atexit.register(shutil.rmtree, folder, True)
            tok.save_pretrained(folder)
            _roberta.append(LoadedTokenizer(tok, ROBERTA_STYLE, folder, "roberta-style"))
        return _roberta[0]


def get_tokenizer(ref) -> LoadedTokenizer:
    """The tokenizer for a reference, from the cache when it was loaded before."""
    if isinstance(ref, LoadedTokenizer):
        return ref
    given = "" if ref is None else str(ref).strip()
    if given.lower() in (ROBERTA_STYLE, "roberta"):
        return roberta_style()
    from .sources import load_tokenizer, resolve_model_ref

    mref = resolve_model_ref(given)
    key = mref.location  # 'default' and the built-in folder typed out are one tokenizer
    if not mref.is_hub:
        key += "@" + _local_stamp(mref.location)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is None:
        hit = LoadedTokenizer(load_tokenizer(mref), given, mref.location, mref.kind)
        with _cache_lock:
            _cache[key] = hit
            _cache.move_to_end(key)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    if hit.ref == given:
        return hit
    # Same tokenizer and lock, named as this caller asked for it (the panel title and code use the name).
    named = replace(hit, ref=given, kind=mref.kind, facts=None)
    if hit.facts is not None:
        named.facts = replace(hit.facts, ref=given)
    return named


# --- facts ------------------------------------------------------------------------

@dataclass
class TokenizerFacts:
    ref: str
    location: str
    cls: str
    algorithm: str              # WordPiece, BPE, Unigram, WordLevel
    byte_level: bool
    byte_pieces: str | None     # how pieces spell raw bytes: byte-level ('Ġ'), byte-fallback (<0xEC>), byte-chars (ByT5)
    vocab_size: int             # len(tokenizer): base vocabulary plus added tokens
    model_max_length: int | None
    padding_side: str
    truncation_side: str
    special_tokens: dict[str, str]
    returns_token_type_ids: bool
    lowercases: bool
    splits_hangul: bool         # the normalizer turns Hangul syllables into jamo (NFD)
    continuation_prefix: str | None


def _backend(tok):
    return getattr(tok, "backend_tokenizer", None)


def facts(ref) -> TokenizerFacts:
    entry = get_tokenizer(ref)
    if entry.facts is None:
        entry.facts = _facts(entry)
    return entry.facts


def _facts(entry: LoadedTokenizer) -> TokenizerFacts:
    tok = entry.tokenizer
    backend = _backend(tok)
    algorithm, byte_level, prefix, lowercases, splits_hangul = "?", False, None, False, False
    # A python tokenizer may spell bytes as <0xNN> (or, like ByT5, one latin-1 character per byte).
    byte_pieces = ("byte-chars" if type(tok).__name__ == "ByT5Tokenizer" else "byte-fallback") if backend is None else None
    if backend is not None:
        algorithm = type(backend.model).__name__
        byte_level = "ByteLevel" in f"{backend.pre_tokenizer!r} {backend.decoder!r}"
        if byte_level:
            byte_pieces = "byte-level"
        elif getattr(backend.model, "byte_fallback", False):
            byte_pieces = "byte-fallback"
        prefix = getattr(backend.model, "continuing_subword_prefix", None) or None
        if backend.normalizer is not None:
            lowercases = backend.normalizer.normalize_str("A") == "a"
            splits_hangul = backend.normalizer.normalize_str("한") != "한"
    max_len = getattr(tok, "model_max_length", None)
    return TokenizerFacts(
        ref=entry.ref, location=entry.location, cls=type(tok).__name__, algorithm=algorithm, byte_level=byte_level,
        byte_pieces=byte_pieces,
        vocab_size=len(tok), model_max_length=int(max_len) if max_len and max_len < _HUGE else None,
        padding_side=tok.padding_side, truncation_side=getattr(tok, "truncation_side", "right"),
        special_tokens={k: str(v) for k, v in tok.special_tokens_map.items()},
        returns_token_type_ids="token_type_ids" in tok.model_input_names,
        lowercases=lowercases, splits_hangul=splits_hangul, continuation_prefix=prefix,
    )


# --- options ----------------------------------------------------------------------

@dataclass
class EncodeOptions:
    padding: str = "do_not_pad"
    truncation: str = "none"
    max_length: int | None = None

    def __post_init__(self):
        if self.padding not in PADDING_MODES:
            raise StudioError("err.tok_padding", found=self.padding, choices=", ".join(PADDING_MODES))
        if self.truncation in (True, "true", "True"):
            self.truncation = "longest_first"
        if self.truncation in (False, None, "", "false", "False"):
            self.truncation = "none"
        if self.truncation not in TRUNCATION_MODES:
            raise StudioError("err.tok_truncation", found=self.truncation, choices=", ".join(TRUNCATION_MODES))
        if self.max_length in ("", None):
            self.max_length = None
        else:
            try:
                value = float(self.max_length)
            except (TypeError, ValueError):
                value = -1.0
            if not math.isfinite(value) or value != int(value) or not 1 <= value <= MAX_LENGTH_LIMIT:
                raise StudioError("err.tok_max_length", found=self.max_length, limit=MAX_LENGTH_LIMIT)
            self.max_length = int(value)

    @property
    def uses_max_length(self) -> bool:
        return self.truncation != "none" or self.padding == "max_length"

    def kwargs(self) -> dict:
        """Exactly the keyword arguments handed to ``tokenizer(...)`` (and shown in the code section)."""
        out: dict = {}
        if self.padding != "do_not_pad":
            out["padding"] = self.padding
        if self.truncation != "none":
            out["truncation"] = True if self.truncation == "longest_first" else self.truncation
        if self.uses_max_length and self.max_length is not None:
            out["max_length"] = self.max_length
        return out


# --- the result -------------------------------------------------------------------

@dataclass
class EncodedRow:
    text: str
    text_pair: str | None
    tokens: list[TokenView]
    truncated: bool
    decoded: str
    decoded_skip_special: str

    @property
    def unk_spans(self) -> list[str]:
        return [t.source for t in self.tokens if t.unk]


@dataclass
class Encoding:
    facts: TokenizerFacts
    options: EncodeOptions
    kind: str                           # text, pair or batch
    rows: list[EncodedRow]
    raw: dict[str, list]                # the arrays as tokenizer(...) returned them
    returned_keys: list[str]
    not_returned: list[str]             # of input_ids / token_type_ids / attention_mask
    offsets_available: bool = True

    def to_dict(self) -> dict:
        """A JSON-friendly summary (what the public API endpoint returns next to the HTML)."""
        return {
            "tokenizer": asdict(self.facts), "options": asdict(self.options), "kind": self.kind,
            "returned_keys": self.returned_keys, "not_returned": self.not_returned, "raw": self.raw,
            "rows": [{"tokens": [t.raw for t in r.tokens], "truncated": r.truncated, "decoded": r.decoded,
                      "decoded_skip_special_tokens": r.decoded_skip_special, "unk_spans": r.unk_spans}
                     for r in self.rows],
        }


# --- encoding ---------------------------------------------------------------------

def check_texts(texts: list[str], pairs: list[str] | None) -> None:
    if not texts or all(not str(t).strip() for t in texts):
        raise StudioError("err.tok_empty")
    if len(texts) > MAX_BATCH:
        raise StudioError("err.tok_batch_too_large", found=len(texts), limit=MAX_BATCH)
    total = sum(len(t) for t in texts) + sum(len(p) for p in pairs or [])
    if total > MAX_CHARS:
        raise StudioError("err.tok_too_long", found=total, limit=MAX_CHARS)
    if pairs is not None:
        if len(pairs) != len(texts):
            raise StudioError("err.tok_pair_count", texts=len(texts), pairs=len(pairs))
        if any(not str(p).strip() for p in pairs):
            raise StudioError("err.tok_pair_empty")


def _call(entry: LoadedTokenizer, text_arg, pair_arg, options: EncodeOptions, extras: dict):
    tok = entry.tokenizer
    if options.padding == "max_length" and options.max_length is None and not facts(entry).model_max_length:
        raise StudioError("err.tok_pad_needs_length")
    if options.padding != "do_not_pad" and tok.pad_token is None:
        raise StudioError("err.tok_no_pad_token", ref=entry.ref)
    if options.truncation == "only_second" and pair_arg is None:
        raise StudioError("err.tok_only_second")
    try:
        with entry.lock:
            return tok(text_arg, pair_arg, **options.kwargs(), **extras)
    except (NotImplementedError, StudioError):
        raise
    except Exception as exc:  # noqa: BLE001 - the Rust side raises plain Exception on truncation problems
        raise StudioError("err.tok_encode_failed", detail=str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__) from exc


def encode(ref, texts, pairs=None, options: EncodeOptions | None = None) -> Encoding:
    """Tokenize ``texts`` (a string = one text; a list = a batch) with optional ``pairs``."""
    options = options or EncodeOptions()
    entry = get_tokenizer(ref)
    single = isinstance(texts, str)
    text_list = [texts] if single else [str(t) for t in texts]
    pair_list = None if pairs is None else ([pairs] if isinstance(pairs, str) else [str(p) for p in pairs])
    check_texts(text_list, pair_list)
    text_arg = text_list[0] if single else text_list
    pair_arg = None if pair_list is None else (pair_list[0] if single else pair_list)
    extras = {"return_offsets_mapping": True, "return_special_tokens_mask": True}
    try:
        batch = _call(entry, text_arg, pair_arg, options, extras)
    except NotImplementedError:  # some python tokenizers refuse offsets outright; others just omit them
        batch = _call(entry, text_arg, pair_arg, options, {"return_special_tokens_mask": True})
    offsets_ok = "offset_mapping" in batch
    info = facts(entry)
    raw = {k: v for k, v in batch.items() if k not in ("offset_mapping", "special_tokens_mask")}
    returned = list(raw)
    rows_ids = [raw["input_ids"]] if single else raw["input_ids"]
    with entry.lock:
        decoded = entry.tokenizer.batch_decode(rows_ids)
        decoded_skip = entry.tokenizer.batch_decode(rows_ids, skip_special_tokens=True)
    rows = []
    for i, text in enumerate(text_list):
        pair = None if pair_list is None else pair_list[i]
        tokens, truncated = row_tokens(entry.tokenizer, info, batch, i, single, text, pair)
        rows.append(EncodedRow(text, pair, tokens, truncated, decoded[i], decoded_skip[i]))
    kind = "batch" if not single else ("pair" if pair_list is not None else "text")
    return Encoding(info, options, kind, rows, raw, returned, [k for k in STANDARD_KEYS if k not in returned], offsets_ok)


# --- decoding helpers -------------------------------------------------------------

def _check_ids(entry: LoadedTokenizer, ids) -> list[int]:
    size = len(entry.tokenizer)
    try:
        out = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise StudioError("err.tok_bad_ids", found=str(ids)[:80], size=size) from None
    bad = [i for i in out if not 0 <= i < size]
    if bad:
        raise StudioError("err.tok_bad_ids", found=", ".join(map(str, bad[:5])), size=size)
    return out


def decode(ref, ids, skip_special_tokens: bool = False) -> str:
    entry = get_tokenizer(ref)
    with entry.lock:
        return entry.tokenizer.decode(_check_ids(entry, ids), skip_special_tokens=skip_special_tokens)


def batch_decode(ref, batch_ids, skip_special_tokens: bool = False) -> list[str]:
    entry = get_tokenizer(ref)
    rows = [_check_ids(entry, ids) for ids in batch_ids]
    with entry.lock:
        return entry.tokenizer.batch_decode(rows, skip_special_tokens=skip_special_tokens)


def convert_ids_to_tokens(ref, ids) -> list[str]:
    entry = get_tokenizer(ref)
    with entry.lock:
        return entry.tokenizer.convert_ids_to_tokens(_check_ids(entry, ids))
