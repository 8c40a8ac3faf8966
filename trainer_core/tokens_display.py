"""HTML for the Tokenizer tab: coloured token chips and aligned rows of ids, built from an Encoding.

Every piece of user text (the input, token strings, even translated templates that
may mention ``</s>``) goes through ``html.escape``: a text containing ``<script>``
must show literally, never run.
"""
from __future__ import annotations

import re
from html import escape, unescape
from unicodedata import east_asian_width

from .i18n import t
from .tokens import Encoding, EncodedRow, TokenView
from .tokens_stats import TokenStats

BLOCK = 12        # at most this many table columns per block: long inputs wrap as stacked aligned blocks
# A block is also cut when its cells would be wider than this many characters (monospace), so a
# half-width panel shows every column instead of clipping the last ones (long ids, "[UNK]", "</s>").
BLOCK_CHARS = 44
_VISIBLE_WS = str.maketrans({" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"})

TOKENS_CSS = """
.tokv { font-size: 14px; line-height: 1.5; }
.tokv .facts { margin: 0 0 6px 0; }
.tokv .facts b { font-size: 15px; }
.tokv .note { margin: 4px 0; padding: 4px 8px; border-left: 3px solid #d97706; background: rgba(217,119,6,.08); }
.tokv .err { margin: 4px 0; padding: 6px 8px; border-left: 3px solid #dc2626; background: rgba(220,38,38,.08); }
.tokv .legend span.k { font-size: 12px; }
.tokv .rowh { margin-top: 10px; font-weight: 600; }
.tokv .chips { display: flex; flex-wrap: wrap; gap: 3px; margin: 4px 0; }
.tokv .k { display: inline-block; text-align: center; padding: 1px 5px; border-radius: 4px;
  border: 1px solid rgba(0,0,0,.15); white-space: pre; font-family: ui-monospace, monospace; }
.tokv .k small { display: block; font-size: 10px; opacity: .75; }
.tokv .k i { opacity: .55; font-style: normal; }
/*COLOURS*/
.tokv .sp { font-weight: 600; }
.tokv .pad { opacity: .45; border-style: dashed; }
.tokv .unk { outline: 2px solid #dc2626; }
.tokv .jm { outline: 2px dotted #d97706; }
.tokv .mg { box-shadow: inset 0 -2px 0 #059669; }
.tokv .scroll { overflow-x: auto; max-width: 100%; }
.tokv table.ids { border-collapse: collapse; margin: 4px 0 8px 0; font-family: ui-monospace, monospace; font-size: 12px; }
.tokv table.ids th { text-align: left; padding: 1px 6px; font-weight: 600; white-space: nowrap; }
.tokv table.ids td { text-align: center; padding: 1px 4px; border: 1px solid rgba(0,0,0,.1); white-space: pre; }
.tokv table.ids td.z { color: #dc2626; font-weight: 600; }
.tokv table.ids td.na { font-style: italic; opacity: .7; text-align: left; }
.tokv .dec { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
.tokv .stats td, .tokv .stats th { padding: 2px 8px; border-bottom: 1px solid rgba(0,0,0,.1); text-align: right; }
.tokv .stats th:first-child, .tokv .stats td:first-child { text-align: left; }
"""


# The one table of chip colours: a chip is coloured by what it is (its segment, or special), never by
# its position, and the legend draws its keys from this same table, so the two cannot disagree.
# (Before, chips cycled through a palette: a segment-A token could be green, the legend's segment B.)
COLOURS = {
    "sp": ("rgba(107,114,128,.25)", "#6b7280"),   # special tokens: background, bottom border
    "sa": ("rgba(59,130,246,.22)", "#2563eb"),    # segment A (text)
    "sb": ("rgba(16,185,129,.25)", "#059669"),    # segment B (text_pair)
}
TOKENS_CSS = TOKENS_CSS.replace("/*COLOURS*/", "\n".join(
    f".tokv .{cls} {{ background: {bg}; border-bottom: 3px solid {line}; }}" for cls, (bg, line) in COLOURS.items()))


def colour_class(view: TokenView) -> str:
    """The COLOURS key of a token: special, else its segment (a token with no sequence id counts as A)."""
    if view.special:
        return "sp"
    return "sb" if view.sequence == 1 else "sa"


def _tx(key: str, lang: str, **params) -> str:
    """Translated text, HTML-escaped after filling in (params may be user text)."""
    return escape(t(key, lang, **params))


def _memo_escape():
    """``html.escape`` with a memo: in a long input the same pieces recur thousands of times."""
    memo: dict[str, str] = {}

    def esc(text: str) -> str:
        out = memo.get(text)
        if out is None:
            out = memo[text] = escape(text)
        return out

    return esc


def _shown(view: TokenView, raw_bytes: bool, esc=escape) -> str:
    """The chip text: merged characters (whitespace made visible) or the raw vocabulary string."""
    if raw_bytes or view.special:
        return esc(view.raw)
    if view.continuation and len(view.raw) > 2:
        return "<i>##</i>" + esc(view.raw[2:])
    return esc(view.text.translate(_VISIBLE_WS))


def _groups(row: EncodedRow, raw_bytes: bool) -> list[list[TokenView]]:
    if raw_bytes:
        return [[v] for v in row.tokens]
    out: list[list[TokenView]] = []
    for v in row.tokens:
        if v.group_size:
            out.append([v])
        else:
            out[-1].append(v)
    return out


_CLASS_MEMO: dict[tuple, str] = {}  # a few dozen combinations at most; pure function of the key


def _classes(first: TokenView, members: list[TokenView]) -> str:
    key = (colour_class(first), first.pad, first.unk, first.jamo, len(members) > 1)
    cls = _CLASS_MEMO.get(key)
    if cls is None:
        parts = ["k", key[0]]
        parts += [name for name, on in (("pad", first.pad), ("unk", first.unk), ("jm", first.jamo),
                                        ("mg", len(members) > 1)) if on]
        cls = _CLASS_MEMO[key] = " ".join(parts)
    return cls


def _chip(members: list[TokenView], body: str, byte_pieces: bool, raw_bytes: bool, esc,
          title_template: str) -> str:
    first = members[0]
    if len(members) == 1:
        ids, raws = str(first.id), first.raw
        span = "-" if first.start is None or first.special else f"{first.start}–{first.end}"
    else:
        ids = " ".join(str(m.id) for m in members)
        raws = " ".join(m.raw for m in members)
        located = [m for m in members if m.start is not None]
        span = f"{min(m.start for m in located)}–{max(m.end for m in located)}" if located else "-"
    title = title_template.format(ids=ids, raw=esc(raws), span=span)  # template escaped by the caller
    if first.unk or first.jamo or (raw_bytes and first.source and byte_pieces):
        body += f"<small>{esc(first.source.translate(_VISIBLE_WS))}</small>"
    return f'<span class="{_classes(first, members)}" title="{title}">{body}</span>'


_TAG = re.compile(r"<[^>]+>")


def _chars(text: str) -> int:
    """Monospace columns a string takes: East Asian wide characters (Hangul) take two."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def table_blocks(groups: list[list[TokenView]], shown: list[str]) -> list[list[tuple[list[TokenView], str]]]:
    """Cut the table into blocks of at most BLOCK columns and BLOCK_CHARS characters of cells.

    Blocks are cut only between groups, so a merged chip never splits; a group wider than the
    budget gets a block of its own.
    """
    blocks, current, columns, width = [], [], 0, 0
    for members, text in zip(groups, shown):
        cell = max(_chars(unescape(_TAG.sub("", text))), sum(len(str(m.id)) + 1 for m in members)) + 1
        if current and (columns + len(members) > BLOCK or width + cell > BLOCK_CHARS):
            blocks.append(current)
            current, columns, width = [], 0, 0
        current.append((members, text))
        columns += len(members)
        width += cell
    if current:
        blocks.append(current)
    return blocks


def _table(groups: list[list[TokenView]], shown: list[str], enc: Encoding, lang: str) -> str:
    has_tti = "token_type_ids" in enc.returned_keys
    blocks = table_blocks(groups, shown)
    out = []
    for block in blocks:
        flat = [m for members, _ in block for m in members]
        tok_cells = "".join(f'<td colspan="{len(members)}">{text}</td>' if len(members) > 1 else f"<td>{text}</td>"
                            for members, text in block)
        ids = "".join(f"<td>{m.id}</td>" for m in flat)
        att = "".join(f'<td class="z">0</td>' if m.attention == 0 else "<td>1</td>" for m in flat)
        if has_tti:
            tti = "".join(f"<td>{m.segment}</td>" for m in flat)
        else:
            tti = f'<td class="na" colspan="{len(flat)}">{_tx("tok.cell_not_returned", lang)}</td>'
        seq = "".join(f"<td>{'-' if m.sequence is None else m.sequence}</td>" for m in flat)
        out.append(
            '<table class="ids">'
            f"<tr><th>{_tx('tok.row_token', lang)}</th>{tok_cells}</tr>"
            f"<tr><th>input_ids</th>{ids}</tr>"
            f"<tr><th>attention_mask</th>{att}</tr>"
            f"<tr><th>token_type_ids</th>{tti}</tr>"
            f"<tr><th>sequence_ids()</th>{seq}</tr>"
            "</table>")
    return '<div class="scroll">' + "".join(out) + "</div>"


def _side(side: str, lang: str) -> str:
    return t("tok.side_left", lang) if side == "left" else t("tok.side_right", lang)


JAMO_EXAMPLES = 3


def jamo_syllables(tokens: list[TokenView]) -> list[tuple[str, list[str]]]:
    """Each decomposed syllable with its own jamo pieces, in order: [('유', ['ᄋ', '##ᅲ']), ('튜', ...)].

    Pieces are grouped by their offsets (every jamo of '유' points at that one character), so a
    syllable is never credited with the next syllables' jamo.
    """
    out: list[tuple[str, list[str]]] = []
    last = None
    for v in tokens:
        if not v.jamo:
            last = None
            continue
        key = (v.sequence, v.start, v.end)
        if key != last:
            out.append((v.source, []))
            last = key
        out[-1][1].append(v.raw)
    return out


def _row_notes(row: EncodedRow, enc: Encoding, lang: str) -> list[str]:
    notes = []
    if row.truncated:
        notes.append(_tx("tok.note_truncated", lang, max_length=enc.options.max_length or enc.facts.model_max_length,
                         side=_side(enc.facts.truncation_side, lang)))
    syllables = jamo_syllables(row.tokens)
    if syllables:
        example = "; ".join(f"'{source}' -> {' '.join(pieces)}" for source, pieces in syllables[:JAMO_EXAMPLES])
        notes.append(_tx("tok.note_jamo", lang, n=len(syllables), example=example))
    if row.unk_spans:
        spans = ", ".join(f"'{s}'" for s in row.unk_spans[:12])
        notes.append(_tx("tok.note_unk", lang, n=len(row.unk_spans), spans=spans))
    merged = sum(1 for v in row.tokens if v.group_size > 1)
    if merged:
        notes.append(_tx("tok.note_merged", lang, n=merged))
    pads = sum(1 for v in row.tokens if v.pad)
    if pads:
        notes.append(_tx("tok.note_padded", lang, n=pads, side=_side(enc.facts.padding_side, lang)))
    return [f'<div class="note">{n}</div>' for n in notes]


def facts_html(enc: Encoding, lang: str) -> str:
    f = enc.facts
    algo = f.algorithm + (" (byte-level)" if f.byte_level else "")
    max_len = f.model_max_length if f.model_max_length else t("tok.not_set", lang)
    line = _tx("tok.facts", lang, cls=f.cls, algorithm=algo, vocab=f"{f.vocab_size:,}", max_len=max_len,
               side=_side(f.padding_side, lang))
    specials = escape(", ".join(f"{k}={v}" for k, v in f.special_tokens.items()))
    parts = [f'<div class="facts"><b>{escape(f.ref)}</b><br>{line}<br>'
             f'{_tx("tok.specials", lang)} <code>{specials}</code><br>'
             f'{_tx("tok.returned", lang, keys=", ".join(enc.returned_keys))}</div>']
    if "token_type_ids" in enc.not_returned:
        parts.append(f'<div class="note">{_tx("tok.no_token_type_ids", lang)}</div>')
    if f.splits_hangul:
        parts.append(f'<div class="note">{_tx("tok.normalizer_jamo", lang)}</div>')
    if not enc.offsets_available:
        parts.append(f'<div class="note">{_tx("tok.no_offsets", lang)}</div>')
    return "".join(parts)


def legend_html(lang: str) -> str:
    # colour keys from COLOURS (as the chips); the markers (pad, [UNK], jamo, merged) on a plain chip
    items = [("k sp", "tok.lg_special"), ("k sa", "tok.lg_seg_a"), ("k sb", "tok.lg_seg_b"),
             ("k sp pad", "tok.lg_pad"), ("k unk", "tok.lg_unk"), ("k jm", "tok.lg_jamo"), ("k mg", "tok.lg_merged")]
    return '<div class="legend chips">' + "".join(
        f'<span class="{cls}">{_tx(key, lang)}</span>' for cls, key in items) + "</div>"


def render_view(enc: Encoding, lang: str = "en", raw_bytes: bool = False) -> str:
    """The whole panel for one tokenizer: facts, notes, then per row chips, aligned table, decode()."""
    parts = ['<div class="tokv">', facts_html(enc, lang), legend_html(lang)]
    byte_pieces = bool(enc.facts.byte_pieces)
    title_template = _tx("tok.chip_title", lang)  # filled per chip with str.format: t() per token is slow
    esc = _memo_escape()
    for n, row in enumerate(enc.rows, 1):
        groups = _groups(row, raw_bytes)
        real = sum(1 for v in row.tokens if not v.pad)
        parts.append(f'<div class="rowh">{_tx("tok.row_head", lang, n=n, count=len(row.tokens), real=real)}</div>')
        parts.extend(_row_notes(row, enc, lang))
        shown = [_shown(members[0], raw_bytes, esc) for members in groups]
        chips = [_chip(members, body, byte_pieces, raw_bytes, esc, title_template)
                 for members, body in zip(groups, shown)]
        parts.append('<div class="chips">' + "".join(chips) + "</div>")
        parts.append(_table(groups, shown, enc, lang))
        parts.append(f'<div class="dec">decode(input_ids) → {escape(row.decoded)}\n'
                     f'decode(input_ids, skip_special_tokens=True) → {escape(row.decoded_skip_special)}</div>')
    parts.append("</div>")
    return "".join(parts)


def error_html(message: str, ref: str, lang: str) -> str:
    return (f'<div class="tokv"><div class="facts"><b>{escape(str(ref))}</b></div>'
            f'<div class="err">{escape(message)}</div></div>')


def stats_html(stats: list[TokenStats], lang: str) -> str:
    """One column per tokenizer; rows are the measures."""
    if not stats:
        return ""
    pct = lambda x: "-" if x is None else f"{x:.1%}"  # noqa: E731
    num = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
    rows = [
        ("tok.st_texts", [str(s.texts) for s in stats]),
        ("tok.st_tokens", [f"{s.tokens:,}" for s in stats]),
        ("tok.st_tpw", [num(s.tokens_per_word) for s in stats]),
    ]
    if any(s.tokens_per_eojeol is not None for s in stats):
        rows.append(("tok.st_tpe", [num(s.tokens_per_eojeol) for s in stats]))
    rows += [
        ("tok.st_unk_rate", [pct(s.unk_rate) for s in stats]),
        ("tok.st_unk_texts", [pct(s.texts_with_unk) for s in stats]),
        ("tok.st_mean", [f"{s.mean_length:.1f}" for s in stats]),
        ("tok.st_longest", [str(s.longest) for s in stats]),
        ("tok.st_truncated", [pct(s.truncated_share) + (f" (max_length={s.max_length})" if s.max_length else "")
                              for s in stats]),
    ]
    sample = stats[0].sample
    head = _tx("tok.st_head", lang, sample=sample if sample != "dataset" else t("tok.st_dataset_name", lang),
               n=stats[0].texts)
    cols = "".join(f"<th>{escape(s.ref)}</th>" for s in stats)
    body = "".join(f"<tr><td>{_tx(key, lang)}</td>" + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>"
                   for key, values in rows)
    return (f'<div class="tokv"><div class="facts">{head}</div><table class="stats"><tr><th></th>{cols}</tr>'
            f"{body}</table></div>")
