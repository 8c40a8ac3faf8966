import dataclasses

import pytest

from trainer_core.config import GROUPS, TrainConfig, form_fields
from trainer_core.errors import StudioError
from trainer_core.events import TrainEvent
from trainer_core.i18n import TABLE, t


def test_defaults_are_valid_and_round_trip_through_yaml_and_dict():
    config = TrainConfig()
    assert TrainConfig.from_yaml(config.to_yaml()) == config
    assert TrainConfig.from_dict(config.to_dict()) == config
    changed = config.replace(model="scratch", backend="loop", train_rows=500, learning_rate=1e-3)
    again = TrainConfig.from_yaml(changed.to_yaml())
    assert again == changed and again.train_rows == 500 and again.learning_rate == 1e-3


def test_yaml_keeps_korean_text_readable():
    config = TrainConfig(data_source="file", train_file="/data/뉴스.tsv", text_column="제목", label_column="label")
    assert "뉴스.tsv" in config.to_yaml()
    assert TrainConfig.from_yaml(config.to_yaml()).text_column == "제목"


def test_form_values_are_coerced():
    # Gradio numbers arrive as floats, empty textboxes as "".
    config = TrainConfig(batch_size=8.0, epochs="2", train_rows="", learning_rate="1e-4", text_column=" ",
                         baseline="true")
    assert config.batch_size == 8 and isinstance(config.batch_size, int)
    assert config.epochs == 2.0 and config.train_rows is None and config.learning_rate == 1e-4
    assert config.text_column is None and config.baseline is True


@pytest.mark.parametrize("changes,key,needle", [
    ({"batch_size": 0}, "err.cfg_range", "batch_size"),
    ({"batch_size": 2.5}, "err.cfg_type", "whole number"),
    ({"learning_rate": "fast"}, "err.cfg_type", "learning_rate"),
    ({"epochs": float("nan")}, "err.cfg_type", "epochs"),
    ({"padding": "longest"}, "err.cfg_choice", "dynamic, max_length"),
    ({"backend": "keras"}, "err.cfg_choice", "trainer, loop"),
    ({"precision": "int8"}, "err.cfg_choice", "fp32"),
    ({"warmup_ratio": 1.5}, "err.cfg_range", "between 0.0 and 1.0"),
    ({"max_steps": 0}, "err.cfg_max_steps_zero", "-1"),
    ({"data_source": "file"}, "err.cfg_source_missing", "--train-file"),
    ({"data_source": "hub"}, "err.cfg_source_missing", "--dataset"),
    ({"eval_rows": 0}, "err.cfg_no_eval", "eval_rows"),
    ({"model": ""}, "err.model_empty", "scratch"),
    ({"seed": None}, "err.cfg_required", "seed"),
])
def test_invalid_values_say_what_and_how(changes, key, needle):
    with pytest.raises(StudioError) as info:
        TrainConfig(**changes)
    assert info.value.key == key
    assert needle in str(info.value)
    assert info.value.render("ko") != str(info.value)


def test_unknown_keys_are_named():
    with pytest.raises(StudioError, match="evaluation_strategy") as info:
        TrainConfig.from_dict({"evaluation_strategy": "epoch", "epochs": 2})
    assert info.value.key == "err.cfg_unknown_keys"
    with pytest.raises(StudioError) as info:
        TrainConfig.from_yaml("- just\n- a list\n")
    assert info.value.key == "err.cfg_yaml"
    with pytest.raises(StudioError):
        TrainConfig.from_yaml("epochs: [1\n")


def test_form_fields_cover_every_field_with_translated_labels():
    names = [f.name for f in dataclasses.fields(TrainConfig)]
    spec = form_fields()
    assert [s["name"] for s in spec] == names
    for s in spec:
        assert s["group"] in GROUPS
        assert s["label"] in TABLE and s["help"] in TABLE, s["name"]
        assert t(s["label"], "ko") != t(s["label"], "en")
    for group in GROUPS:
        assert f"cfg.group_{group}" in TABLE
    by_name = {s["name"]: s for s in spec}
    assert by_name["backend"]["choices"] == ["trainer", "loop"]
    assert by_name["batch_size"]["type"] == "int" and by_name["batch_size"]["min"] == 1
    assert by_name["train_rows"]["optional"] is True
    flags = [s["cli"] for s in spec if "cli" in s]
    assert len(flags) == len(set(flags))
    for flag in ("--model", "--train-file", "--dataset", "--dataset-config", "--eval-file", "--text-column",
                 "--text-pair-column", "--label-column", "--train-rows", "--eval-rows", "--epochs", "--batch-size",
                 "--learning-rate", "--max-length", "--seed", "--backend", "--baseline", "--output-dir"):
        assert flag in flags


def test_event_to_dict_is_json_safe():
    import json

    event = TrainEvent("step", step=3, total_steps=10, loss=float("nan"), metrics={"accuracy": float("inf")})
    data = event.to_dict()
    assert data["loss"] is None and data["metrics"]["accuracy"] is None
    json.dumps(data, allow_nan=False)
    assert TrainEvent.from_dict(TrainEvent("done", step=10).to_dict()).is_final
    with pytest.raises(ValueError):
        TrainEvent("progress")
