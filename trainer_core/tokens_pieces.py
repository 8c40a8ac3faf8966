"""From a tokenizer's raw output to per-token views a person can read.

Byte-level BPE vocabularies spell bytes as printable characters ('Ġ' = space, 'íķ' =
two bytes of a Hangul syllable), so a syllable split over several tokens decodes to
U+FFFD piece by piece. Here the bytes of consecutive pieces are accumulated until they
form whole characters, and those pieces share one display chip. WordPiece pieces keep
their '##', and jamo produced by the normalizer stay visible: that is what the model gets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_BYTE_FALLBACK = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")
_JAMO = re.compile(r"[\u1100-\u11ff\u3130-\u318f]")
_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")


def _byte_decoder() -> dict[str, int]:
    """GPT-2's byte <-> printable-character table, inverted (the 'Ġ' = space, 'íķ' = bytes mapping)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    extra = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(bs, cs)}


_BYTES = _byte_decoder()


@dataclass(slots=True)
class TokenView:
    id: int
    raw: str                  # the token string as in the vocabulary ('Ġ2', 'íĬ', '##ᅲ')
    text: str                 # what a person should see: merged characters for byte pieces, else raw
    start: int | None         # character offsets into this token's own text (text or text_pair)
    end: int | None
    source: str               # the original characters it covers ('' for special and pad tokens)
    special: bool
    segment: int | None       # token_type_ids when returned, else the sequence id
    sequence: int | None      # 0 = text, 1 = text_pair, None = special/pad
    attention: int
    pad: bool
    unk: bool
    continuation: bool = False  # WordPiece '##' piece
    jamo: bool = False          # Hangul syllable(s) decomposed into jamo by the normalizer
    group: int = 0              # index of the first token of its merged display chip
    group_size: int = 1         # on that first token: how many tokens the chip covers
    partial: bool = False       # bytes of a character cut off (by truncation), shown as hex


def row_tokens(tok, info, batch, i: int, single: bool, text: str, pair: str | None):
    """Per-token views of row ``i``, from the Rust encoding when there is one (fast path)."""
    encodings = getattr(batch, "encodings", None)
    if encodings:
        enc = encodings[i]
        ids, raws, offsets = enc.ids, enc.tokens, enc.offsets
        specials, attention, sequences = enc.special_tokens_mask, enc.attention_mask, enc.sequence_ids
        types = enc.type_ids if info.returns_token_type_ids else None
        truncated = bool(enc.overflowing)
    else:
        def row(key):
            value = batch.get(key)
            return None if value is None else (value if single else value[i])

        ids = row("input_ids")
        raws = tok.convert_ids_to_tokens(ids)
        offsets = row("offset_mapping") or [None] * len(ids)
        specials = row("special_tokens_mask") or [0] * len(ids)
        attention = row("attention_mask") or [1] * len(ids)
        types = row("token_type_ids")
        sequences = [None if s else (types[k] if types else 0) for k, s in enumerate(specials)]
        truncated = False
    unk_id = tok.unk_token_id
    prefix = info.continuation_prefix
    sources = (text, pair)
    if types is None:
        types = sequences
    views = []
    # Positional arguments and slots: this loop runs for thousands of tokens per request.
    for k, (tid, raw, offset, special, att, seq) in enumerate(zip(ids, raws, offsets, specials, attention, sequences)):
        start, end = offset if offset is not None else (None, None)
        special = bool(special)
        source = sources[seq][start:end] if (seq is not None and start is not None and not special) else ""
        views.append(TokenView(
            tid, raw, raw, start, end, source, special, types[k], seq, att, att == 0,
            tid == unk_id and not special,
            bool(prefix) and not special and raw.startswith(prefix),
            info.splits_hangul and bool(source) and bool(_JAMO.search(raw)) and bool(_SYLLABLE.search(source)),
            k,
        ))
    if info.byte_pieces:
        merge_byte_pieces(views, info.byte_pieces)
    return views, truncated


def _piece_bytes(raw: str, scheme: str) -> bytes | None:
    if scheme == "byte-level":
        try:
            return bytes(_BYTES[c] for c in raw)
        except KeyError:  # an added token written in plain characters
            return None
    if scheme == "byte-chars":
        return bytes([ord(raw)]) if len(raw) == 1 and ord(raw) < 256 else None
    match = _BYTE_FALLBACK.match(raw)
    return bytes([int(match.group(1), 16)]) if match else None


def merge_byte_pieces(views: list[TokenView], scheme: str) -> None:
    """Give byte pieces the characters they spell; pieces of one character share one chip.

    Bytes are accumulated until they decode as UTF-8, so a syllable split over three
    tokens is shown once, whole, and nothing ever renders as U+FFFD.
    """
    pending: list[int] = []
    buf = bytearray()

    def close(text: str, partial: bool = False) -> None:
        first = pending[0]
        for k in pending:
            views[k].text, views[k].group, views[k].partial = text, first, partial
            views[k].group_size = 0
        views[first].group_size = len(pending)
        pending.clear()
        buf.clear()

    def flush_incomplete() -> None:
        if pending:
            close(buf.decode("utf-8", errors="backslashreplace"), partial=True)

    for k, view in enumerate(views):
        piece = None if view.special else _piece_bytes(view.raw, scheme)
        if piece is None:
            flush_incomplete()
            continue
        pending.append(k)
        buf += piece
        try:
            close(buf.decode("utf-8"))
        except UnicodeDecodeError as err:
            if err.reason != "unexpected end of data" or len(buf) - err.start > 3:
                flush_incomplete()
    flush_incomplete()
