"""The Train tab's settings form, generated from ``TrainConfig.form_fields()``.

One component per config field, grouped and labelled by the field's metadata (i18n
keys), so a field added to the dataclass appears here by itself and a test can check
that form and config name the same fields.
"""
from __future__ import annotations

import math

import gradio as gr

from trainer_core.config import GROUPS, form_fields
from trainer_core.loaders import SAMPLES
from trainer_core.presets import PRESETS
from ui.i18n import L

OPEN_GROUPS = ("model", "data", "training")


def _model_choices() -> list[str]:
    choices = ["default", "scratch"]
    for preset in PRESETS.values():
        model = preset.values.get("model")
        if model and model not in choices:
            choices.append(model)
    return choices


def _step(default) -> float:
    """Arrow step of a number box: one unit of the default's leading digit (5e-5 -> 1e-5, 1.0 -> 0.1)."""
    if not default:
        return 0.01
    return 10 ** math.floor(math.log10(abs(default))) / (10 if abs(default) >= 1 else 1)


def component_for(spec: dict, value):
    """The input component for one field spec (from form_fields())."""
    common = {"label": L(spec["label"]), "info": L(spec["help"]), "elem_id": f"tt-cfg-{spec['name']}",
              "min_width": 200}
    name, kind = spec["name"], spec["type"]
    if spec.get("choices"):
        return gr.Dropdown(choices=list(spec["choices"]), value=value, **common)
    if name == "model":
        return gr.Dropdown(choices=_model_choices(), value=value, allow_custom_value=True, **common)
    if name == "sample":
        return gr.Dropdown(choices=list(SAMPLES), value=value, **common)
    if kind == "bool":
        return gr.Checkbox(value=bool(value), **common)
    if kind in ("int", "float") and spec["optional"]:
        # A Number box cannot be empty (the browser sends 0); "empty = all rows" needs a text box.
        # TrainConfig turns "" into None and "200" into 200.
        return gr.Textbox(value="" if value is None else str(value), placeholder=L("tt.placeholder_all"),
                          max_lines=1, **common)
    if kind in ("int", "float"):
        # No minimum/maximum here: TrainConfig checks ranges with a translated message saying how to fix
        # the value (Gradio's own check is English only).
        return gr.Number(value=value, precision=0 if kind == "int" else None,
                         step=1 if kind == "int" else _step(spec.get("default")), **common)
    return gr.Textbox(value=value or "", max_lines=1, **common)


def build_form(config) -> dict:
    """Lay out the form (one accordion per group) filled from ``config``.

    Returns {field name: component} in the config's field order (the order handlers receive
    values in), whatever order the groups are laid out in.
    """
    specs = form_fields()
    components = {}
    for group in GROUPS:
        members = [s for s in specs if s["group"] == group]
        if not members:
            continue
        with gr.Accordion(L(f"cfg.group_{group}"), open=group in OPEN_GROUPS):
            with gr.Row(equal_height=False):
                for spec in members:
                    components[spec["name"]] = component_for(spec, getattr(config, spec["name"]))
    return {spec["name"]: components[spec["name"]] for spec in specs}


def form_values(config) -> list:
    """The config's values in form order (what a preset handler returns to the form)."""
    out = []
    for spec in form_fields():
        value = getattr(config, spec["name"])
        if spec["optional"] and spec["type"] in ("int", "float"):
            value = "" if value is None else str(value)  # shown in a text box (see component_for)
        out.append("" if value is None and spec["type"] == "str" else value)  # an empty box means None
    return out
