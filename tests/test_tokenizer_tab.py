"""The Tokenizer tab as users and API clients reach it: handlers, public endpoints, a real browser."""
import gradio as gr
import pytest

from trainer_core.i18n import t
from ui.common import friendly
from ui.tokenizer_tab import EXAMPLE_TEXT, statistics, tokenize

DEFAULTS = ("default", "roberta-style", "do_not_pad", "none", 32, False)


def test_handler_builds_both_panels_json_and_code_in_the_page_language():
    view_a, view_b, data, code = tokenize("pair", EXAMPLE_TEXT, "second text", *DEFAULTS, None, "ko")
    assert t("tok.row_token", "ko") in view_a and t("tok.row_token", "ko") in view_b
    assert data["tokenizer_a"]["not_returned"] == [] and data["tokenizer_b"]["not_returned"] == ["token_type_ids"]
    assert "AutoTokenizer.from_pretrained('sentence-transformers/all-MiniLM-L6-v2')" in code
    assert "<script>" not in view_a + view_b and "&lt;" in view_b


def test_handler_errors_are_translated_gradio_errors():
    with pytest.raises(gr.Error) as info:
        friendly(tokenize)("text", "   ", "", *DEFAULTS, None, "ko-KR")
    assert info.value.message == t("err.tok_empty", "ko")
    with pytest.raises(gr.Error) as info:
        friendly(tokenize)("text", "x", "", "default", "default", "do_not_pad", "none", 0, False, None, "en")
    assert "max_length" in info.value.message


def test_statistics_use_the_data_set_from_the_dataset_tab_state():
    from trainer_core.loaders import load_sample

    html = statistics(load_sample("imdb_en"), "auto", "default", "roberta-style", 64, None, "en")
    assert t("tok.st_dataset_name", "en") in html and t("tok.st_tpw", "en") in html
    assert t("tok.st_tpe", "en") not in html  # English sample: no 어절 row
    korean = statistics(None, "auto", "default", "roberta-style", 64, None, "ko")
    assert "ynat_ko" in korean and t("tok.st_tpe", "ko") in korean


@pytest.fixture(scope="module")
def running_app():
    import app
    from ui.i18n import I18N

    demo = app.build_demo(online=False)
    demo.queue(max_size=app.QUEUE_MAX_SIZE)
    demo.launch(prevent_thread_lock=True, quiet=True, i18n=I18N)
    yield demo
    demo.close()


def test_public_endpoints_answer_through_gradio_client(running_app, tiny_bert_dir):
    from gradio_client import Client

    client = Client(running_app.local_url, verbose=False)
    named = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/tokenize", "/token_stats"} <= set(named)
    assert not any("tokenize_" in name for name in named)  # the re-render-on-change events stay private
    view_a, view_b, data, code = client.predict(
        "batch", "good film\nthe music was good and long", "", str(tiny_bert_dir), "roberta-style",
        "longest", "none", 32, False, "en", api_name="/tokenize")
    short = data["tokenizer_a"]["raw"]["attention_mask"][0]
    assert 0 in short and short[-1] == 0 and 'class="z"' in view_a
    assert "padding='longest'" in code
    stats = client.predict("ynat_ko", "default", "roberta-style", 32, "en", api_name="/token_stats")
    assert t("tok.st_tpe", "en") in stats


def test_browser_shows_the_example_with_markup_literal_and_korean_labels():
    from tests.browser import chromium, screenshot, served_app

    with served_app() as url, chromium() as browser:
        page = browser.new_context(locale="ko-KR").new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        page.get_by_role("tab", name="토크나이저").click()
        panels = page.locator(".tokv .chips:not(.legend)")
        panels.first.wait_for(timeout=60_000)
        assert page.locator(".tokv").count() >= 2
        decoded = page.locator(".tokv .dec").last.inner_text()
        assert "<script>" in decoded  # shown as text, not run
        assert page.get_by_text(t("tok.no_token_type_ids", "ko")[:30]).count() >= 1
        page.get_by_role("radio", name=t("tok.kind_pair", "ko"), exact=True).check()
        page.get_by_label(t("tok.text_pair", "ko"), exact=True).wait_for(timeout=10_000)
        page.locator(".tokv .chips:not(.legend) .sb").first.wait_for(timeout=30_000)  # re-rendered as a pair
        screenshot(page, "tokenizer-ko-pair")
        assert dialogs == []
