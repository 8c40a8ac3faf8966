"""``export_script``: a standalone Python script that reproduces a run without this project.

The script is rendered from the templates in ``export_templates/`` (a shared part for
data, model and metrics, plus a Trainer or a plain-loop part). What depends on the data
is resolved here, once, by the same code the engine runs — how the file is read
(delimiter, quoting, encoding), which columns are text and label, the label names in id
order, and which model ``default`` means for the data's language — and written into the
script as plain values. The script then needs only torch, transformers and datasets
(and accelerate for the Trainer variant), and its data splits are the engine's: the same
``train_test_split`` calls with the same seed.
"""
from __future__ import annotations

import inspect
from pathlib import Path

from .loaders import json_as_text
from .runtime import finish_distributed

TEMPLATES = Path(__file__).resolve().parent / "export_templates"
TEMPLATE_FILES = {"trainer": "trainer_script.py.tmpl", "loop": "loop_script.py.tmpl"}
DEFAULT_FILENAME = "train.py"


def _literal(value) -> str:
    """A Python literal for ``value``; a dict too long for one line gets one key per line."""
    text = repr(value)
    if isinstance(value, dict) and len(text) > 90:
        return "{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in value.items()) + "}"
    return text


def _data_sources(config) -> tuple[dict, dict | None]:
    """How the script reads its training table and (optionally) a separate evaluation table."""
    from .loaders import SAMPLES, load_file_with_source, sample_source

    def file_source(path: str) -> dict:
        _, source = load_file_with_source(path)  # the delimiter, quoting and encoding the loader chose
        return {"kind": "file", "path": str(Path(path).resolve()), "builder": source["builder"],
                "load_kwargs": dict(source.get("load_kwargs") or {}),
                "json_as_text": list(source.get("json_as_text") or [])}

    if config.data_source == "sample":
        sample = sample_source(config.sample)
        base = {"kind": "sample", "path": sample["path"], "label_names": list(SAMPLES[config.sample].label_names)}
        train, evaluation = {**base, "part": "train"}, {**base, "part": "eval"}
    elif config.data_source == "file":
        train, evaluation = file_source(config.train_file), None
    else:
        train = {"kind": "hub", "id": config.dataset, "config": config.dataset_config, "split": config.dataset_split}
        evaluation = None
    if config.eval_file:
        evaluation = file_source(config.eval_file)
    return train, evaluation


def _model_value(config, prepared) -> str:
    """'builtin', 'scratch', an absolute folder or a Hub id: what the run trains (``default`` resolved)."""
    from . import sources
    from .prepare import data_language, train_texts

    ref = sources.concrete_ref(config.model, data_language(train_texts(prepared)))
    if ref.lower() == sources.MULTILINGUAL_REF:
        # Its mean-pool head, pruned vocabulary and offline conversion live in trainer_core; a script
        # that silently trained something else would not reproduce the run.
        from .errors import StudioError

        raise StudioError("err.export_multilingual")
    if ref.lower() == sources.SCRATCH_REF:
        return "scratch"
    resolved = sources.resolve_model_ref(ref)
    return "builtin" if resolved.kind == "builtin" else resolved.location


def _title(config, model: str, prepared) -> str:
    shown = {"builtin": "all-MiniLM-L6-v2", "scratch": "a small BERT trained from scratch"}.get(model, model)
    data = {"sample": f"the bundled sample {config.sample}", "file": Path(str(config.train_file)).name,
            "hub": str(config.dataset)}[config.data_source]
    return f"Fine-tune {shown} on {data} ({len(prepared.label_names)} labels)"


def export_script(config, backend: str | None = None, prepared=None, filename: str = DEFAULT_FILENAME) -> str:
    """The script's source text. ``backend`` (trainer|loop) defaults to ``config.backend``.

    The data are read once here (as the engine reads them) to resolve columns, label names
    and the model; pass ``prepared`` (the engine's PreparedData for this config) to skip that.
    A file path in the config is written as an absolute path; the script's output folder is
    ``$OUTPUT_DIR`` or ``./exported-run`` (never the original run's folder).
    """
    from .config import BACKENDS, TrainConfig
    from .errors import StudioError

    if not isinstance(config, TrainConfig):
        config = TrainConfig.from_dict(config)
    backend = backend or config.backend
    if backend not in BACKENDS:
        raise StudioError("err.cfg_choice", field="backend", value=backend, choices=", ".join(BACKENDS))
    if prepared is None:
        from .engine import load_data

        prepared = load_data(config)
    train, evaluation = _data_sources(config)
    model = _model_value(config, prepared)
    mapping = prepared.mapping
    values = {**config.to_dict(), "backend": backend, "output_dir": None}
    common = (TEMPLATES / "common.py.tmpl").read_text("utf-8")
    replacements = {
        "@@CONFIG@@": _literal(values),
        "@@DATA@@": _literal(train),
        "@@EVAL_DATA@@": _literal(evaluation),
        "@@COLUMNS@@": _literal((mapping.text, mapping.text_pair, mapping.label)),
        "@@LABEL_NAMES@@": _literal(list(prepared.label_names)),
        "@@MODEL@@": _literal(model),
        # Functions the script shares with this project, copied verbatim (they import nothing from it).
        "@@JSON_AS_TEXT@@": inspect.getsource(json_as_text).rstrip("\n"),
    }
    for marker, text in replacements.items():
        common = common.replace(marker, text)
    script = (TEMPLATES / TEMPLATE_FILES[backend]).read_text("utf-8")
    script = script.replace("@@COMMON@@", common.rstrip("\n"))
    script = script.replace("@@FINISH_DISTRIBUTED@@", inspect.getsource(finish_distributed).rstrip("\n"))
    script = script.replace("@@TITLE@@", _title(config, model, prepared)).replace("@@FILENAME@@", filename)
    return script


def write_script(config, path, backend: str | None = None, prepared=None) -> Path:
    """Render and write the script to ``path``; returns the path."""
    path = Path(path)
    path.write_text(export_script(config, backend=backend, prepared=prepared, filename=path.name), encoding="utf-8")
    return path
