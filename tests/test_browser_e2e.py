"""The first ten minutes in a real browser (Playwright + Debian's Chromium against ``python app.py``),
once in Korean and once in English, every step checked against ground truth:

first page -> the sample of the page's language -> tokenizer (segment colours match the legend)
-> the quick demo of that language -> a confusion-matrix cell (every listed example really has that
true and predicted label: the labels come from the sample read again, the predictions from the
saved model) -> compare with the model before fine-tuning (the model the run started from) ->
History: open the second run in Classify (that run opens) -> switch language (nothing already shown
stays in the other language) -> reload (language kept). Screenshots go to tests/artifacts.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, chip_colours_match_the_legend, chromium, screenshot, served_app
from tests.fixtures_wait import wait_until
from trainer_core.i18n import t
from trainer_core.presets import preset_config, quick_demo_for

HANGUL = re.compile(r"[\uac00-\ud7a3]")
TAB_NAMES = {lang: [t(k, lang) for k in ("tab.dataset", "tab.tokenizer", "tab.train", "tab.classify")]
             for lang in ("en", "ko")}
OTHER = {"en": "ko", "ko": "en"}
LANG_LABEL = {"en": "English", "ko": "한국어"}


@pytest.fixture(scope="module")
def app(tmp_path_factory, tiny_bert_dir):
    """The served app, with two earlier (tiny) runs in its runs folder so History has several."""
    from tests.fixtures_train_tab import tiny_config
    from trainer_core.engine import run_training

    runs = tmp_path_factory.mktemp("e2e-runs")
    for i in range(2):
        result = run_training(tiny_config(tiny_bert_dir, output_dir=str(runs / f"earlier-{i}"), max_steps=2, seed=i))
        assert result.status == "completed", result.error
    with served_app({"FTS_RUNS_DIR": str(runs), "HF_HUB_OFFLINE": "1"}) as url:
        yield url, runs


def _wait(page, condition, what: str, give_up_after: float = 120):
    # poll is in page.wait_for_timeout's milliseconds; give_up_after is a hang guard, not a speed check
    return wait_until(condition, what, give_up_after=give_up_after, poll=250, sleep=page.wait_for_timeout,
                      on_give_up=lambda: screenshot(page, "e2e-timeout"))


def _tab(page, key: str, lang: str):
    page.get_by_role("tab", name=t(key, lang), exact=True).click()


def _table_rows(page, elem_id: str) -> list[list[str]]:
    """The body rows of a Gradio 6.31 Dataframe (drawn as div rows of grid cells)."""
    return page.evaluate("""(id) => [...document.querySelectorAll('#' + id + ' .virtual-row')].map(
        (row) => [...row.querySelectorAll('[role=gridcell]')].map((cell) => cell.innerText.trim()))""", elem_id)


def _row_count(page, elem_id: str) -> int:
    """How many body rows the table holds (a long table draws only the rows in view)."""
    count = page.locator(f"#{elem_id} [role=grid]").get_attribute("aria-rowcount")
    return int(count) - 1 if count else 0


def _cell(page, elem_id: str, row: int, col: int):
    return page.locator(f"#{elem_id} .virtual-row").nth(row).locator("[role=gridcell]").nth(col)


def _truth(sample: str) -> dict[str, str]:
    from trainer_core.loaders import SAMPLES, load_sample

    spec = SAMPLES[sample]
    split = load_sample(sample)[spec.eval_split]
    names = split.features["label"].names
    return {text.strip(): names[label] for text, label in zip(split[spec.text_column], split["label"])}


def _summary_head(lang: str) -> str:
    """The summary's first words in ``lang``, as the page shows them (Markdown marks removed)."""
    return re.sub(r"[*_`]", "", t("tt.sum_model", lang, acc="@", f1="", rows="")).split("@")[0].split(":")[0]


def _choice_label(value: str, lang: str) -> str:
    """What the Classify dropdown shows for a model value (a run or the built-in model)."""
    from trainer_core.model_picker import model_choices

    return dict((v, k) for k, v in model_choices(None, lang)).get(value, value)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_first_ten_minutes(app, lang):
    url, runs = app
    demo = preset_config(quick_demo_for(lang))
    with chromium() as browser:
        page = browser.new_context(locale={"en": "en-US", "ko": "ko-KR"}[lang],
                                   viewport={"width": 1280, "height": 1400}).new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)

        # 1. First page: the tabs and the start-here path, in the page's language.
        page.locator("#start-here").wait_for(timeout=30_000)
        _wait(page, lambda: page.get_by_role("tab").all_inner_texts()[:4] == TAB_NAMES[lang], "the tab names")
        screenshot(page, f"e2e-{lang}-1-first-page")

        # 2. Dataset: the sample of this language is already picked (the one its quick demo uses).
        sample = page.locator("#ds-sample input")
        _wait(page, lambda: sample.input_value() == demo.sample, "the language's sample")
        page.get_by_role("button", name=t("ds.load", lang), exact=True).first.click()
        page.locator("#ds-card").get_by_text(demo.sample).wait_for(timeout=60_000)
        screenshot(page, f"e2e-{lang}-2-dataset")

        # 3. Tokenizer: a pair, each token drawn in its segment's legend colour.
        _tab(page, "tab.tokenizer", lang)
        page.locator(".tokv .chips:not(.legend)").first.wait_for(timeout=60_000)
        page.get_by_role("radio", name=t("tok.kind_pair", lang), exact=True).check()
        page.locator(".tokv .chips:not(.legend) .sb").first.wait_for(timeout=30_000)
        assert chip_colours_match_the_legend(page) == {"a", "b", "sp"}
        screenshot(page, f"e2e-{lang}-3-tokenizer")

        # 4. Train: the quick demo of this language, launched as it comes.
        _tab(page, "tab.train", lang)
        preset = page.locator("#tt-preset input")
        _wait(page, lambda: preset.input_value() == t(f"tt.preset_{quick_demo_for(lang)}", lang), "the quick demo")
        before = {p.name for p in runs.iterdir()}
        page.locator("#tt-launch").click()
        finished = t("tt.finished", lang, run_dir="@").split("@")[0]
        _wait(page, lambda: page.locator("#tt-status").inner_text().startswith(finished), "the run to finish",
              give_up_after=900)
        new = [p for p in runs.iterdir() if p.name not in before and (p / "config.json").is_file()]
        assert len(new) == 1
        run_dir = new[0]
        _wait(page, lambda: _summary_head(lang) in page.locator("#tt-summary").inner_text(), "the summary")
        screenshot(page, f"e2e-{lang}-4-trained")

        # 5. A confusion-matrix cell: its examples really have that true and that predicted label.
        from trainer_core.inference import Predictor

        import json

        predictor = Predictor.load(run_dir, precision="fp32")
        names = predictor.labels
        matrix = json.loads((run_dir / "results.json").read_text("utf-8"))["confusion_matrix"]
        i = max(range(len(names)), key=lambda k: matrix[k][k])  # a cell with examples to list
        _cell(page, "tt-confusion", i, i + 1).click()
        _wait(page, lambda: page.locator("#tt-true input").input_value() == names[i]
              and page.locator("#tt-pred input").input_value() == names[i], "the picked cell")
        truth = _truth(demo.sample)
        predicted = {text: p.label for text, p in zip(truth, predictor.predict(list(truth)))}
        expected = sum(1 for text, label in truth.items() if label == names[i] and predicted[text] == names[i])
        _wait(page, lambda: _row_count(page, "tt-examples") == min(expected, 50), "the cell's examples")
        listed = [row[0] for row in _table_rows(page, "tt-examples")]
        assert listed and all(truth[text] == names[i] and predicted[text] == names[i] for text in listed)
        screenshot(page, f"e2e-{lang}-5-cell")

        # 6. Classify: the new run is model A; "before fine-tuning" names the model it started from.
        _tab(page, "tab.classify", lang)
        model_a = page.locator("#cls-model-a input")
        _wait(page, lambda: run_dir.name in (model_a.input_value() or ""), "the new run as model A")
        page.get_by_role("button", name=t("cls.before", lang), exact=True).click()
        started_from = json.loads((run_dir / "results.json").read_text("utf-8"))["base_model"]
        assert started_from == {"en": "default", "ko": "multilingual"}[lang]
        model_b = page.locator("#cls-model-b input")
        _wait(page, lambda: model_b.input_value() == _choice_label(started_from, lang), "the model before")
        screenshot(page, f"e2e-{lang}-6-before")

        # 7. History: open the second run listed; that run (not the newest) becomes model A.
        _tab(page, "tab.train", lang)
        page.get_by_role("tab", name=t("tt.tab_history", lang), exact=True).click()
        page.locator("#tt-history-refresh").click()
        _wait(page, lambda: _row_count(page, "tt-history") >= 3, "three runs in History")
        second = _table_rows(page, "tt-history")[1][0]
        assert second != run_dir.name
        _cell(page, "tt-history", 1, 0).click()
        _wait(page, lambda: second in page.locator("#tt-history-pick input").input_value(), "the picked run")
        page.locator("#tt-open-classify").click()
        _wait(page, lambda: second in (model_a.input_value() or ""), "the second run opened in Classify")
        screenshot(page, f"e2e-{lang}-7-opened")

        # 8. Switch language: what is already on screen is redrawn in the other one.
        other = OTHER[lang]
        _tab(page, "tab.train", lang)
        page.locator("#app-lang").get_by_text(LANG_LABEL[other]).click()
        _wait(page, lambda: page.get_by_role("tab").all_inner_texts()[:4] == TAB_NAMES[other], "the tabs relabelled")
        _wait(page, lambda: t("tt.est_title", other) in page.locator("#tt-estimate-out").inner_text(),
              "the estimate redrawn")
        shown = ("#tt-summary", "#tt-status", "#tt-preset-note", "#tt-estimate-out", "#tt-log")
        _wait(page, lambda: _summary_head(other) in page.locator("#tt-summary").inner_text(), "the summary redrawn")
        for selector in shown:
            text = page.locator(selector).inner_text()
            if other == "en":  # the app's own words; file paths and label names are not translated
                assert not HANGUL.search(re.sub(r"\S*/\S*", "", text)), (selector, text)
            else:
                assert HANGUL.search(text), (selector, text)
        screenshot(page, f"e2e-{lang}-8-switched")
        assert [x.strip() for x in page.locator(".toast-body.error").all_inner_texts()] == []  # no redraw failed

        # 9. Reload: the choice is kept (the browser's own language says otherwise for one of the two).
        page.reload()
        _wait(page, lambda: page.get_by_role("tab").all_inner_texts()[:4] == TAB_NAMES[other], "the kept language")
        assert page.evaluate("document.documentElement.lang").startswith(other)
        screenshot(page, f"e2e-{lang}-9-reloaded")
        assert errors == []
        toasts = [text.strip() for text in page.locator(".toast-body.error").all_inner_texts()]
        (ARTIFACTS / f"e2e-{lang}-error-toasts.txt").write_text("\n".join(toasts), encoding="utf-8")
        assert toasts == []
