"""What the Tokenizer tab shows: segments, padding, Korean, escaping, equivalent code, statistics."""
import contextlib
import io
import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest

from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.tokens import EncodeOptions, encode
from trainer_core.tokens_display import BLOCK, BLOCK_CHARS, TOKENS_CSS, _chars, render_view
from trainer_core.tokens_stats import TextSample, bundled_sample, dataset_sample, pick_sample, token_stats
from trainer_core.tokens_view import code_snippet, compare, stats_view

ALLOWED_TAGS = {"div", "span", "b", "br", "code", "small", "i", "table", "tr", "th", "td"}
ALLOWED_ATTRS = {"class", "title", "colspan"}


class _Audit(HTMLParser):
    """Collects tags/attributes and the text of chips, to check nothing user-typed became markup."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.chip_text, self._chip_depth = set(), set(), [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}
        if tag == "span" and dict(attrs).get("class", "").startswith("k "):
            self._chip_depth = 1
            self.chip_text.append("")
        elif self._chip_depth and tag == "small":
            self._chip_depth = 2

    def handle_endtag(self, tag):
        if tag == "small" and self._chip_depth == 2:
            self._chip_depth = 1
        elif tag == "span":
            self._chip_depth = 0

    def handle_data(self, data):
        if self._chip_depth == 1:
            self.chip_text[-1] += data


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    return audit


def _table_row(html: str, header: str) -> list[list[str]]:
    """The cells of every table row that starts with ``header`` (one list per block)."""
    rows = re.findall(rf"<tr><th>{re.escape(header)}</th>(.*?)</tr>", html)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_bert_pair_view_marks_both_segments(tiny_bert_dir):
    enc = encode(str(tiny_bert_dir), "the film was good", "it was a good film")
    html = render_view(enc, "en")
    tti = [c for block in _table_row(html, "token_type_ids") for c in block]
    assert tti == [str(v) for v in enc.raw["token_type_ids"]] and tti[0] == "0" and tti[-1] == "1"
    chips = re.findall(r'<span class="(k [^"]*)"', html.split('class="rowh"', 1)[1])
    seg_a = [c for c in chips if " sa" in c]
    seg_b = [c for c in chips if " sb" in c]
    assert len(seg_a) == len([t for t in enc.rows[0].tokens if t.sequence == 0]) > 0
    assert len(seg_b) == len([t for t in enc.rows[0].tokens if t.sequence == 1]) > 0
    assert escape(t("tok.lg_seg_b", "en")) in html and t("tok.cell_not_returned", "en") not in html


def test_roberta_view_states_token_type_ids_not_returned(tiny_roberta_dir):
    enc = encode(str(tiny_roberta_dir), "the film was good", "it was a good film")
    for lang in ("en", "ko"):
        html = render_view(enc, lang)
        assert escape(t("tok.no_token_type_ids", lang)) in html
        assert t("tok.cell_not_returned", lang) in html
    assert "token_type_ids" not in t("tok.returned", "en", keys=", ".join(enc.returned_keys)).split(":", 1)[1]


def test_padding_longest_view_shows_zero_mask_and_pads_at_the_end(tiny_bert_dir):
    enc = encode(str(tiny_bert_dir), ["a long sentence about the film and its music", "short"],
                 options=EncodeOptions("longest"))
    html = render_view(enc, "en")
    masks = _table_row(html, "attention_mask")
    tokens = _table_row(html, t("tok.row_token", "en"))
    short_mask = [c for block in masks[len(masks) // 2:] for c in block]
    short_tokens = [c for block in tokens[len(tokens) // 2:] for c in block]
    n_pad = enc.raw["attention_mask"][1].count(0)
    assert short_mask[-n_pad:] == ["0"] * n_pad and "0" not in short_mask[:-n_pad]
    assert short_tokens[-n_pad:] == ["[PAD]"] * n_pad
    assert html.count('class="z"') == n_pad
    assert t("tok.note_padded", "en", n=n_pad, side=t("tok.side_right", "en")) in html


def test_korean_headline_through_byte_level_bpe_has_no_replacement_char(tiny_roberta_dir):
    text = "선거법 개정안 정개특위 통과…비례대표 확대"
    enc = encode(str(tiny_roberta_dir), text)
    html = render_view(enc, "ko")
    assert "\ufffd" not in html
    audit = _audit(html)
    chips = [unescape(c) for c in audit.chip_text[7:]]  # after the 7 legend chips
    merged = "".join(chips[1:-1]).replace("␣", " ")  # between <s> and </s>
    assert merged == text
    assert any(v.group_size > 1 for v in enc.rows[0].tokens)
    raw = render_view(enc, "ko", raw_bytes=True)
    raw_chips = [unescape(c) for c in _audit(raw).chip_text[7:]]
    assert raw_chips == [v.raw for v in enc.rows[0].tokens]  # one chip per token, vocabulary strings
    assert any(c.startswith("Ġ") for c in raw_chips)


def test_korean_through_minilm_shows_jamo_split_and_unk_span():
    enc = encode("default", "유튜브 2일까지")
    html = render_view(enc, "ko")
    assert "<i>##</i>ᅲ" in html and "jm" in html
    # each syllable is shown with its own jamo (not the whole word's given to its first syllable)
    example = "'유' -> ᄋ ##ᅲ; '튜' -> ##ᄐ ##ᅲ; '브' -> ##ᄇ ##ᅳ"
    assert escape(t("tok.note_jamo", "ko", n=3, example=example)) in html
    rows = html.split('class="rowh"', 1)[1]  # skip the legend
    unk_chip = re.search(r'<span class="k [^"]*unk[^"]*"[^>]*>(.*?)</span>', rows).group(1)
    assert unk_chip == "[UNK]<small>2일까지</small>"
    assert escape(t("tok.note_unk", "ko", n=1, spans="'2일까지'")) in html
    assert escape(t("tok.normalizer_jamo", "ko")) in html


@pytest.mark.parametrize("ref", ["default", "roberta-style"])
def test_markup_in_the_input_is_shown_literally(ref):
    text = '<script>alert(1)</script> <b>bold</b> " onmouseover="x" \' &amp;'
    enc = encode(ref, text, '<img src=x onerror=alert(2)>')
    html = render_view(enc, "en", raw_bytes=False) + render_view(enc, "en", raw_bytes=True)
    audit = _audit(html)
    assert audit.tags <= ALLOWED_TAGS and audit.attrs <= ALLOWED_ATTRS
    assert "<script" not in html.lower() and "<img" not in html.lower()
    decoded = re.search(r'skip_special_tokens=True\) → (.*?)</div>', html).group(1)
    assert "&lt;" in decoded and "alert" in decoded
    if ref == "roberta-style":  # byte-level BPE decodes back to the exact text
        assert unescape(decoded) == text + '<img src=x onerror=alert(2)>'


def test_truncated_rows_are_flagged(tiny_bert_dir):
    enc = encode(str(tiny_bert_dir), "the film was good and the music was good too",
                 options=EncodeOptions("do_not_pad", "longest_first", 6))
    html = render_view(enc, "ko")
    assert escape(t("tok.note_truncated", "ko", max_length=6, side=t("tok.side_right", "ko"))) in html


def test_long_input_wraps_into_aligned_blocks_that_stay_aligned(tiny_roberta_dir):
    enc = encode(str(tiny_roberta_dir), "카드사 무이자 할부 축소 " * 20)
    html = render_view(enc, "en")
    id_blocks = _table_row(html, "input_ids")
    token_rows = re.findall(r"<tr><th>token</th>(.*?)</tr>", html)
    assert len(id_blocks) == len(token_rows) > 3
    assert [c for block in id_blocks for c in block] == [str(i) for i in enc.raw["input_ids"]]
    for id_cells, token_row in zip(id_blocks, token_rows):  # a merged chip spans exactly its ids
        cells = re.findall(r'<td(?: colspan="(\d+)")?>', token_row)
        assert sum(int(c or 1) for c in cells) == len(id_cells)


@pytest.mark.parametrize("kind", ["text", "pair", "batch"])
def test_code_section_reproduces_the_arrays(tiny_bert_dir, tiny_roberta_dir, kind):
    text = "카드사 무이자 할부\nthe film was good" if kind == "batch" else "the film's music was good"
    panels, data, code = compare(kind, text, "it was good", [str(tiny_bert_dir), str(tiny_roberta_dir)],
                                 "longest", "longest_first", 9, lang="en")
    assert "padding='longest'" in code and "truncation=True" in code and "max_length=9" in code
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<tokenizer-tab-code>", "exec"), scope)  # noqa: S102 - our own generated code
    assert dict(scope["encoding_a"]) == data[0]["raw"]
    assert dict(scope["encoding_b"]) == data[1]["raw"]


def test_compare_renders_one_failing_tokenizer_inside_its_panel(tiny_bert_dir):
    panels, data, code = compare("text", "good film", None, [str(tiny_bert_dir), "someone/not-here"], lang="ko")
    assert "class=\"err\"" in panels[1] and "Hub" in panels[1] and "error" in data[1]
    assert "class=\"chips\"" in panels[0] and "tokenizer_a" in code and "tokenizer_b" not in code
    with pytest.raises(StudioError):
        compare("text", "  ", None, ["default"])
    with pytest.raises(StudioError, match="Input kind"):
        compare("triple", "x", None, ["default"])


def test_stats_count_tokens_words_unk_and_truncation():
    sample = TextSample("mine", ["hello world", "유튜브 2일까지 공개"], None, True)
    stats = token_stats("default", sample, max_length=8)
    from trainer_core.tokens import get_tokenizer

    tok = get_tokenizer("default").tokenizer
    ids = [tok(x, add_special_tokens=False)["input_ids"] for x in sample.texts]
    assert stats.tokens == sum(map(len, ids)) and stats.words == 5 and stats.eojeol == 5
    assert stats.tokens_per_eojeol == pytest.approx(stats.tokens / 5)
    assert stats.unk_tokens == sum(i.count(tok.unk_token_id) for i in ids) >= 1
    assert stats.texts_with_unk == 0.5
    assert stats.truncated_share == sum(len(i) + 2 > 8 for i in ids) / 2
    assert stats.longest == max(len(i) + 2 for i in ids)


def test_stats_on_the_korean_sample_compare_the_two_defaults():
    sample = bundled_sample("ynat_ko", limit=120)
    assert sample.korean and len(sample.texts) == 120
    minilm, bpe = token_stats("default", sample, 32), token_stats("roberta-style", sample, 32)
    assert minilm.unk_rate > 0 and bpe.unk_rate == 0
    assert minilm.tokens_per_eojeol > bpe.tokens_per_eojeol > 1
    html = stats_view(None, "ynat_ko", ["default", "roberta-style"], 32, "ko")
    assert t("tok.st_tpe", "ko") in html and "ynat_ko" in html
    english = bundled_sample("imdb_en", limit=20)
    assert not english.korean and token_stats("default", english).tokens_per_eojeol is None


def test_stats_use_the_current_data_set_when_there_is_one():
    from trainer_core.data import prepare
    from trainer_core.loaders import load_sample

    dsd = load_sample("mrpc_en")
    for state in (dsd, prepare(dsd, train_rows=30, eval_rows=10), {"prepared": prepare(dsd, train_rows=30, eval_rows=10)}):
        sample = pick_sample(state)
        assert sample.name == "dataset" and sample.pairs is not None and len(sample.pairs) == len(sample.texts)
    assert pick_sample(None).name == "ynat_ko"
    assert dataset_sample({"splits": {"train": 3}}) is None
    with pytest.raises(StudioError, match="No data set"):
        pick_sample(None, "dataset")
    pair_stats = token_stats("default", pick_sample(dsd), max_length=16)
    assert pair_stats.truncated_share > 0 and pair_stats.longest > 16


def test_real_ynat_headlines_render_without_replacement_chars():
    from tests.conftest import shared_file
    from trainer_core.loaders import load_file

    ds = load_file(shared_file("ynat", "ynat_train.tsv"))["train"]
    titles = ds.select(range(0, ds.num_rows, ds.num_rows // 256))["text"][:256]
    for start in range(0, len(titles), 64):
        batch = titles[start:start + 64]
        enc = encode("roberta-style", batch)
        assert "\ufffd" not in render_view(enc, "ko")
        for title, row in zip(batch, enc.rows):
            assert "".join(v.text for v in row.tokens if v.group_size and not v.special) == title
        minilm = encode("default", batch)
        hangul_rows = [r for r in minilm.rows if re.search(r"[가-힣]", r.text)]
        assert hangul_rows and all(any(v.jamo for v in r.tokens) for r in hangul_rows)


_RULE = re.compile(r"\.tokv \.([a-z0-9]+) \{([^}]*)\}")


def _backgrounds() -> dict[str, str]:
    """class -> background colour, read from the CSS the panel ships (what the browser paints)."""
    out = {}
    for cls, body in _RULE.findall(TOKENS_CSS):
        found = re.search(r"background:\s*([^;]+);", body)
        if found:
            out[cls] = found.group(1).strip()
    return out


def _painted(classes: str, backgrounds: dict) -> str | None:
    """The background a chip gets: the last of its classes (in CSS order) that sets one."""
    order = list(backgrounds)
    hits = sorted((c for c in classes.split() if c in backgrounds), key=order.index)
    return backgrounds[hits[-1]] if hits else None


@pytest.mark.parametrize("kind", ["text", "pair"])
def test_every_chip_has_its_legend_colour_for_its_segment(tiny_bert_dir, kind):
    text, pair = "the film was good and the music was good too", "the music was good"
    enc = encode(str(tiny_bert_dir), text, pair if kind == "pair" else None)
    html = render_view(enc, "en")
    legend_html_part, rows = html.split('class="rowh"', 1)
    legend = dict(re.findall(r'<span class="([^"]+)">([^<]+)</span>', legend_html_part))
    by_name = {name: classes for classes, name in legend.items()}
    backgrounds = _backgrounds()
    expected = {0: _painted(by_name[t("tok.lg_seg_a", "en")], backgrounds),
                1: _painted(by_name[t("tok.lg_seg_b", "en")], backgrounds),
                None: _painted(by_name[t("tok.lg_special", "en")], backgrounds)}
    assert len(set(expected.values())) == 3  # the legend tells the three apart
    chips = re.findall(r'<span class="(k [^"]*)" title', rows)
    tokens = enc.rows[0].tokens
    assert len(chips) == len(tokens)
    for classes, view in zip(chips, tokens):
        assert _painted(classes, backgrounds) == expected[None if view.special else view.sequence], (view, classes)


def test_id_tables_fit_a_half_width_panel(tiny_roberta_dir, tiny_bert_dir):
    """No block of the aligned table is wider than the budget, so no last columns are clipped."""
    for ref in (str(tiny_roberta_dir), str(tiny_bert_dir), "default"):
        enc = encode(ref, "새 스마트폰 3일부터 사전 판매…유튜브로 생중계 <script> 2026년 12345678 " * 3)
        html = render_view(enc, "ko")
        for id_cells, token_row in zip(_table_row(html, "input_ids"), _table_row(html, t("tok.row_token", "ko"))):
            id_chars = sum(len(c) + 2 for c in id_cells)
            token_chars = sum(_chars(unescape(re.sub(r"<[^>]+>", "", c))) + 2 for c in token_row)
            assert max(id_chars, token_chars) <= BLOCK_CHARS + 2 * BLOCK, (ref, id_cells)
