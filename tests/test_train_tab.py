"""Train tab: the generated form, presets, results panels and history, with handlers called as plain functions."""
from dataclasses import fields
from pathlib import Path

import gradio as gr
import pytest

from tests.fixtures_train_tab import tiny_form, tiny_run  # noqa: F401
from trainer_core.config import TrainConfig
from trainer_core.errors import StudioError
from trainer_core.presets import DEFAULT_PRESET, PRESETS, preset_config
from trainer_core.train_plan import config_for_dataset, config_from_form, form_names, live_adjust, twin_configs
from ui import train_handlers as h
from ui import train_results as r
from ui.common import AppContext, friendly
from ui.train_form import form_values


def _built_tab():
    from ui import train_tab

    with gr.Blocks() as demo:
        ctx = AppContext(lang=gr.Textbox(value="en", visible=False), dataset=gr.State(None), runs=gr.State({}))
        with gr.Tabs() as tabs:
            ctx.extras["tabs"] = tabs
            with gr.Tab("Train", id="train"):
                train_tab.build(ctx)
    return demo


def test_form_is_generated_from_the_config_and_nothing_else():
    demo = _built_tab()
    form = {b.elem_id.removeprefix("tt-cfg-"): b for b in demo.blocks.values()
            if isinstance(getattr(b, "elem_id", None), str) and b.elem_id.startswith("tt-cfg-")}
    config_fields = [f.name for f in fields(TrainConfig)]
    assert sorted(form) == sorted(config_fields)  # no form field without a config field, and vice versa
    assert form_names() == config_fields
    assert isinstance(form["batch_size"], gr.Number) and isinstance(form["baseline"], gr.Checkbox)
    assert isinstance(form["backend"], gr.Dropdown) and form["model"].allow_custom_value
    # labels and help are translation keys, so the form follows the browser's language
    assert form["learning_rate"].label.key == "cfg.learning_rate" and form["learning_rate"].info.key == "cfg.learning_rate.help"
    assert form["baseline"].value is True  # the tab runs the honest comparison by default
    assert isinstance(form["train_rows"], gr.Textbox)  # an optional number: empty means "all rows"


def test_launch_receives_the_form_values_in_config_order():
    demo = _built_tab()
    launch = next(f for f in demo.fns.values() if getattr(f.fn, "__wrapped__", None) is h.launch)
    values = [c.value for c in launch.inputs[5:-1]]  # owner, data choice, dataset, runs, twin ... lang
    assert config_from_form(dict(zip(form_names(), values))) == preset_config(DEFAULT_PRESET)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_through_the_form(name):
    config = preset_config(name)
    assert config_from_form(dict(zip(form_names(), form_values(config)))) == config
    preset = PRESETS[name]
    assert preset.needs_hub == (config.data_source == "hub") and bool(preset.twin) == preset.needs_hub
    if preset.twin:
        twin = preset_config(preset.twin)
        assert twin.data_source == "sample" and not PRESETS[preset.twin].needs_hub
        assert (twin.text_pair_column is None) == (config.text_pair_column is None)  # same kind of task


def test_tutorial_presets_carry_the_tutorials_settings():
    ynat, mrpc, imdb = preset_config("klue_ynat"), preset_config("glue_mrpc"), preset_config("imdb")
    assert (ynat.model, ynat.dataset, ynat.dataset_config, ynat.text_column) == ("klue/roberta-base", "klue/klue", "ynat", "title")
    assert (ynat.epochs, ynat.batch_size, ynat.learning_rate, ynat.train_rows) == (1.0, 8, 5e-5, 10_000)
    assert (mrpc.model, mrpc.text_column, mrpc.text_pair_column, mrpc.epochs, mrpc.batch_size) == (
        "bert-base-uncased", "sentence1", "sentence2", 3.0, 8)
    assert (imdb.model, imdb.dataset) == ("bert-base-uncased", "stanfordnlp/imdb")
    quick = preset_config(DEFAULT_PRESET)
    assert quick.model == "default" and quick.data_source == "sample" and quick.sample == "reviews_en"
    # short (96 steps on 192 rows), but still draws both curves: ~24 loss points, 4 evaluations
    assert (quick.epochs, quick.batch_size, quick.log_every, quick.eval_every) == (4.0, 8, 4, 24)


def test_offline_a_hub_preset_says_so_and_offers_its_twin(monkeypatch):
    monkeypatch.setattr(r, "hub_reachable", lambda: False)
    *values, note, button = r.apply_preset("glue_mrpc", "ko")
    assert config_from_form(dict(zip(form_names(), values))).model == "bert-base-uncased"
    assert button.visible is True and "Hub" in note and "GLUE MRPC — 오프라인 쌍둥이" in note
    assert r.use_twin("glue_mrpc", "en") == "glue_mrpc_offline"
    monkeypatch.setattr(r, "hub_reachable", lambda: True)
    *_, note, button = r.apply_preset("glue_mrpc", "en")
    assert button.visible is False and "cannot be reached" not in note
    *_, note, button = r.apply_preset("quick_demo", "en")
    assert button.visible is False and "96 steps" in note and "48 reviews" in note


def test_prepared_data_from_the_dataset_tab_sets_the_config_data_fields():
    from trainer_core.data import prepare
    from trainer_core.loaders import load_sample

    prepared = prepare(load_sample("mrpc_en"), train_rows=40, eval_rows=16, seed=7)
    state = {"prepared": prepared, "source": {"kind": "sample", "name": "mrpc_en"}}
    config, notes = config_for_dataset(preset_config("quick_demo"), state)
    assert (config.sample, config.text_column, config.text_pair_column, config.label_column) == (
        "mrpc_en", "sentence1", "sentence2", "label")
    assert (config.train_rows, config.eval_rows, config.seed) == (40, 16, 7)
    assert notes[0]["key"] == "tt.note_dataset" and notes[0]["params"]["rows"] == 40
    got_config, got_prepared, _ = h.gather("prepared", state, form_values(preset_config("quick_demo")))
    assert got_prepared is prepared and got_config == config
    assert h.dataset_choice(state, "en").value == "prepared" and h.dataset_choice(None, "en").visible is False


def test_short_runs_log_often_enough_to_draw_a_curve_and_twins_get_both_backends():
    config = preset_config("imdb_offline").replace(log_every=10)
    adjusted, notes = live_adjust(config, 14)
    assert adjusted.log_every == 1 and notes[0]["params"] == {"old": 10, "new": 1}
    assert live_adjust(config, 10_000) == (config, [])
    pair = twin_configs(config.replace(output_dir="/tmp/x/"))
    assert [c.backend for c in pair] == ["trainer", "loop"] and [c.output_dir for c in pair] == ["/tmp/x-trainer", "/tmp/x-loop"]
    assert pair[0].replace(backend="loop", output_dir=None) == pair[1].replace(output_dir=None)


def test_bad_form_values_become_a_translated_error_not_a_traceback(tiny_bert_dir):
    values = tiny_form(tiny_bert_dir)
    values[form_names().index("batch_size")] = 0
    with pytest.raises(gr.Error) as info:
        friendly(h.estimate_run)("form", None, None, *values, "ko")
    assert "batch_size" in info.value.message and "사이" in info.value.message


# --- after a run -----------------------------------------------------------------------------------

def _results(run_dirs, lang="en"):
    out = dict(zip(r.RESULTS, r.show_results(run_dirs, lang)))
    for name in ("runs", "per_class", "confusion", "examples"):  # tables built hidden: shown with their data
        assert out[name]["visible"] is True
        out[name] = out[name]["value"]
    return out


def test_results_panels_show_metrics_beside_the_baseline(tiny_run):
    out = _results([str(tiny_run)])
    assert "Fine-tuned model" in out["summary"] and "Baseline" in out["summary"]
    assert list(out["runs"].columns)[:3] == ["run", "backend", "status"]
    run_row = out["runs"].values.tolist()[0]
    assert run_row[0] == Path(tiny_run).name and run_row[1] == "trainer" and run_row[2] == "Finished"  # the status in the page language
    assert list(out["per_class"].iloc[:, 0]) == ["neg", "pos"]
    frame = out["confusion"].data
    assert list(frame.columns)[1:] == ["neg", "pos"] and int(frame[["neg", "pos"]].to_numpy().sum()) == 28
    # the tiny checkpoint already has a neg/pos head, so nothing starts random
    assert "No weight was newly initialised" in out["anatomy"] and "body" in out["anatomy"]
    drawn = out["loss"].dropna()  # every series the chart can show is present; the loop's are empty here
    assert set(drawn["series"]) == {"trainer · train loss", "trainer · eval loss"} and len(drawn) >= 10
    assert set(out["loss"]["series"]) == {"trainer · train loss", "trainer · eval loss", "loop · train loss",
                                          "loop · eval loss"}
    assert set(out["evals"].dropna()["series"]) == {"trainer · accuracy", "trainer · macro_f1"}
    assert "tt-xray" in out["xray"] and "`labels`" in out["xray"] and "max_grad_norm" in out["xray"]
    assert {"planned", "logged"} == set(out["lr"]["series"])
    assert "tt-microscope" in out["microscope"] and "trainer = Trainer(" in out["script"] and "backend: trainer" in out["yaml"]
    assert all(Path(p).is_file() for p in out["files"]) and out["files"][0].endswith("-train.py")
    assert 'data-state="completed"' in out["progress"]


def test_a_click_on_a_confusion_cell_picks_that_pair(tiny_run):
    """(What each cell lists is checked against independent truth in test_ground_truth.py.)"""

    class Click:
        index = [1, 1]

    assert r.pick_cell([str(tiny_run)], Click(), "en") == ("pos", "neg")  # row 1 = true pos, column 1 = predicted neg
    Click.index = [0, 0]  # the label-name column is not a cell
    assert r.pick_cell([str(tiny_run)], Click(), "en") == (gr.skip(), gr.skip())


def test_script_for_the_other_backend(tiny_run):
    script, files = r.script_for([str(tiny_run)], "loop", "en")
    assert "trainer = Trainer(" not in script and "clip_grad_norm_" in script and Path(files[0]).read_text("utf-8") == script
    with pytest.raises(StudioError):
        r.script_for([], "loop", "en")


def test_history_lists_runs_and_opens_one_in_classify(tiny_run, monkeypatch):
    monkeypatch.setenv("FTS_RUNS_DIR", str(Path(tiny_run).parent))
    monkeypatch.delenv("SPACE_ID", raising=False)
    table, pick = r.history("owner-a", {}, "ko")
    assert table["value"].values[0][0] == Path(tiny_run).name and list(table["value"].columns)[0] == "실행"
    assert pick.value == str(tiny_run)
    runs, request, tabs = r.open_in_classify("owner-a", str(tiny_run), {"old": "/x"}, "en")
    assert list(runs) == ["old", Path(tiny_run).name] and runs[Path(tiny_run).name] == str(tiny_run)
    assert request["run_dir"] == str(tiny_run) and tabs.selected == "classify"
    with pytest.raises(StudioError):
        r.open_in_classify("owner-a", str(Path(tiny_run).parent), {}, "en")
    # On a shared Space, a visitor sees only the runs of their own session.
    monkeypatch.setenv("SPACE_ID", "someone/studio")
    table, pick = r.history("owner-b", {}, "en")
    assert len(table["value"]) == 0 and table["visible"] is False  # no placeholder table
    table, _ = r.history("owner-b", {Path(tiny_run).name: str(tiny_run)}, "en")
    assert table["value"].values[0][0] == Path(tiny_run).name and table["visible"] is True


def test_on_a_shared_space_the_form_cannot_name_server_paths(tiny_bert_dir, monkeypatch, tmp_path):
    from trainer_core.data import prepare
    from trainer_core.loaders import load_sample

    monkeypatch.setenv("SPACE_ID", "someone/studio")
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path / "runs"))
    names = form_names()
    base = form_values(preset_config("quick_demo"))

    def with_(**changes):
        values = list(base)
        for key, value in changes.items():
            values[names.index(key)] = value
        return values

    for changes, field in (({"output_dir": "/etc/x"}, "output_dir"),
                           ({"data_source": "file", "train_file": "/etc/passwd"}, "train_file"),
                           ({"eval_file": "/etc/hosts"}, "eval_file")):
        with pytest.raises(gr.Error) as info:
            friendly(h.estimate_run)("form", None, None, *with_(**changes), "en")
        assert f"'{field}' cannot name a server path" in info.value.message and "Dataset tab" in info.value.message
    with pytest.raises(gr.Error) as info:
        friendly(h.estimate_run)("form", None, None, *with_(model=str(tiny_bert_dir)), "ko")
    assert "Space" in info.value.message and str(tiny_bert_dir) in info.value.message
    # An uploaded file prepared in the Dataset tab is fine: its rows are already in memory.
    state = {"prepared": prepare(load_sample("imdb_en"), eval_rows=20),
             "source": {"kind": "file", "path": "/tmp/gradio/upload/reviews.csv", "name": "reviews.csv"}}
    assert "Estimate before launch" in h.estimate_run("prepared", state, None, *base, "en")


def test_a_shared_space_caps_the_steps_and_says_so(monkeypatch):
    from trainer_core.train_plan import space_adjust

    config = preset_config("imdb_offline")
    monkeypatch.delenv("SPACE_ID", raising=False)
    assert space_adjust(config, 500) == (config, [])
    monkeypatch.setenv("SPACE_ID", "someone/studio")
    monkeypatch.setenv("FTS_SPACE_MAX_STEPS", "100")
    capped, notes = space_adjust(config, 500)
    assert capped.max_steps == 100 and notes == [{"key": "tt.note_space_cap", "params": {"steps": 500, "cap": 100}}]
    assert space_adjust(config, 50) == (config, [])


def test_on_a_space_a_visitor_finds_their_own_runs_after_a_reload(tiny_run, monkeypatch, tmp_path):
    import json
    import shutil

    from trainer_core.runs import owner_tag

    runs = tmp_path / "runs"
    mine = runs / "mine"
    shutil.copytree(tiny_run, mine)
    results = json.loads((mine / "results.json").read_text("utf-8"))
    results["owner_tag"] = owner_tag("owner-a")
    (mine / "results.json").write_text(json.dumps(results), "utf-8")
    monkeypatch.setenv("FTS_RUNS_DIR", str(runs))
    monkeypatch.setenv("SPACE_ID", "someone/studio")
    table, _ = r.history("owner-a", {}, "en")  # a reload: this session's run list is empty again
    assert table["value"].values[0][0] == "mine"
    table, _ = r.history("owner-b", {}, "en")
    assert "mine" not in list(table["value"].iloc[:, 0])
