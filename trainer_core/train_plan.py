"""From what the Train tab's form says to the exact config a job runs, with every change explained.

The form is generated from :class:`TrainConfig`, so its values map 1:1 onto the config.
A few things are then decided for the user and reported as notes (i18n key + values),
never done silently: the data set prepared in the Dataset tab replaces the form's data
fields (so config.yaml says where the rows came from), the logging cadence is made fine
enough that a short run still draws a curve, and on a shared Space the step cap applies.
"""
from __future__ import annotations

from dataclasses import fields

from .config import TrainConfig

MIN_CURVE_POINTS = 20


def form_names() -> list[str]:
    return [f.name for f in fields(TrainConfig)]


def config_from_form(values: dict) -> TrainConfig:
    """The config for the form's values (names are the config's field names)."""
    return TrainConfig.from_dict(values)


def _note(key: str, **params) -> dict:
    return {"key": key, "params": params}


def config_for_dataset(config: TrainConfig, dataset_state: dict) -> tuple[TrainConfig, list[dict]]:
    """Point the config's data fields at the data set prepared in the Dataset tab.

    The rows themselves are handed to the job (``prepared=``); this keeps config.yaml and the
    exported script describing the same source, columns, sizes and seed.
    """
    prepared, source = dataset_state["prepared"], dict(dataset_state.get("source") or {})
    mapping, report = prepared.mapping, prepared.report or {}
    rows = report.get("rows") or {}
    changes = {"text_column": mapping.text, "text_pair_column": mapping.text_pair, "label_column": mapping.label,
               "train_rows": rows.get("train") or None, "eval_rows": rows.get("validation") or config.eval_rows,
               "test_rows": rows.get("test", 0), "seed": report.get("seed", config.seed), "eval_file": None}
    kind = source.get("kind")
    if kind == "sample":
        changes.update(data_source="sample", sample=source.get("name"))
    elif kind == "file":
        changes.update(data_source="file", train_file=source.get("path"))
    elif kind == "hub":
        changes.update(data_source="hub", dataset=source.get("id"), dataset_config=source.get("config"),
                       dataset_split=source.get("split") or "train")
    name = source.get("name") or source.get("id") or kind or "?"
    return config.replace(**changes), [_note("tt.note_dataset", name=name, rows=rows.get("train", 0),
                                             eval_rows=rows.get("validation", 0))]


def check_for_space(config: TrainConfig, prepared_rows: bool, visitor=None) -> None:
    """On a shared Space a visitor may not make the server read or write its own folders.

    Files come in through the Dataset tab's upload (``prepared_rows``); the output folder is
    always the runs folder; a local model folder must be a run. Elsewhere the user runs the
    app on their own machine and every path is theirs.
    """
    from .errors import StudioError
    from .space import on_space

    if not on_space():
        return
    if config.output_dir:
        raise StudioError("tt.err_space_path", field="output_dir", value=config.output_dir)
    if not prepared_rows:
        for name in ("train_file", "eval_file"):
            value = getattr(config, name)
            if value and (name == "eval_file" or config.data_source == "file"):
                raise StudioError("tt.err_space_path", field=name, value=value)
    from .model_picker import check_model_ref

    check_model_ref(config.model, visitor)  # a run as the starting model: only the visitor's own


def live_adjust(config: TrainConfig, total_steps: int) -> tuple[TrainConfig, list[dict]]:
    """Log often enough for ~20 points on the loss curve (logging costs nothing; a 1-point curve shows nothing)."""
    wanted = max(1, total_steps // MIN_CURVE_POINTS)
    if config.log_every > wanted:
        return config.replace(log_every=wanted), [_note("tt.note_log_every", old=config.log_every, new=wanted)]
    return config, []


def space_adjust(config: TrainConfig, total_steps: int) -> tuple[TrainConfig, list[dict]]:
    """On a shared Space, cap the steps (trainer_core.space) and say so."""
    from .space import cap_max_steps

    capped, shortened = cap_max_steps(config.max_steps, total_steps)
    if shortened:
        return config.replace(max_steps=capped), [_note("tt.note_space_cap", steps=total_steps, cap=capped)]
    return config, []


def twin_configs(config: TrainConfig) -> list[TrainConfig]:
    """The same config and seed once per backend (Trainer first), each in its own run folder."""
    out = []
    for backend in ("trainer", "loop"):
        changes = {"backend": backend}
        if config.output_dir:
            changes["output_dir"] = f"{config.output_dir.rstrip('/')}-{backend}"
        out.append(config.replace(**changes))
    return out


def planned_steps(config: TrainConfig, prepared) -> int:
    from .prepare import total_steps

    return total_steps(config, prepared.splits["train"].num_rows)
