"""``TrainConfig``: the one description of a training run.

The UI form, the CLI flags, the ``config.yaml`` saved with each run and the exported
script are all generated from this dataclass, so they cannot drift apart. Each field's
``metadata`` says how to show it: ``group``, ``label``/``help`` (i18n keys), optional
``choices``, ``min``/``max`` and ``cli`` (the command-line flag).
"""
from __future__ import annotations

import math
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields

from .errors import StudioError

GROUPS = ("model", "data", "training", "evaluation", "output")
MODEL_CHOICES = ("default", "scratch")  # plus any local folder or Hub id
DATA_SOURCES = ("sample", "file", "hub")
PADDINGS = ("dynamic", "max_length")
PRECISIONS = ("fp32", "bf16", "fp16")
BACKENDS = ("trainer", "loop")
HELD_OUT_EVAL_ROWS = 200  # what eval_rows=None holds out when the evaluation rows come from the training data


def _f(default, group: str, *, cli: str | None = None, choices=None, lo=None, hi=None, **extra):
    """A dataclass field whose metadata drives the form and the CLI (label/help keys follow the name)."""
    meta = {"group": group, **extra}
    if cli:
        meta["cli"] = cli
    if choices is not None:
        meta["choices"] = list(choices)
    if lo is not None:
        meta["min"] = lo
    if hi is not None:
        meta["max"] = hi
    return field(default=default, metadata=meta)


@dataclass
class TrainConfig:
    model: str = _f("default", "model", cli="--model", suggestions=MODEL_CHOICES)
    data_source: str = _f("sample", "data", choices=DATA_SOURCES)  # the CLI infers it from the flag given
    sample: str | None = _f("imdb_en", "data", cli="--sample")
    train_file: str | None = _f(None, "data", cli="--train-file")
    eval_file: str | None = _f(None, "data", cli="--eval-file")
    dataset: str | None = _f(None, "data", cli="--dataset")
    dataset_config: str | None = _f(None, "data", cli="--dataset-config")
    dataset_split: str = _f("train", "data", cli="--dataset-split")
    text_column: str | None = _f(None, "data", cli="--text-column")
    text_pair_column: str | None = _f(None, "data", cli="--text-pair-column")
    label_column: str | None = _f(None, "data", cli="--label-column")
    train_rows: int | None = _f(None, "data", cli="--train-rows", lo=1)
    # None: 200 rows held out from the training data, or every row of a separate evaluation split
    # (an --eval-file, a sample's own split); a number caps either.
    eval_rows: int | None = _f(None, "data", cli="--eval-rows", lo=0)
    test_rows: int = _f(0, "data", cli="--test-rows", lo=0)
    seed: int = _f(42, "training", cli="--seed", lo=0, hi=2**32 - 1)
    max_length: int = _f(128, "model", cli="--max-length", lo=8, hi=8192)
    padding: str = _f("dynamic", "training", cli="--padding", choices=PADDINGS)
    group_by_length: bool = _f(True, "training", cli="--group-by-length")
    epochs: float = _f(1.0, "training", cli="--epochs", lo=0.01, hi=1000)
    max_steps: int = _f(-1, "training", cli="--max-steps", lo=-1)
    batch_size: int = _f(16, "training", cli="--batch-size", lo=1, hi=4096)
    learning_rate: float = _f(5e-5, "training", cli="--learning-rate", lo=1e-8, hi=1.0)
    warmup_ratio: float = _f(0.0, "training", cli="--warmup-ratio", lo=0.0, hi=1.0)
    weight_decay: float = _f(0.01, "training", cli="--weight-decay", lo=0.0, hi=1.0)
    grad_accum_steps: int = _f(1, "training", cli="--grad-accum-steps", lo=1, hi=1024)
    max_grad_norm: float = _f(1.0, "training", cli="--max-grad-norm", lo=0.0)
    eval_every: int = _f(0, "evaluation", cli="--eval-every", lo=0)
    log_every: int = _f(10, "evaluation", cli="--log-every", lo=1)
    precision: str = _f("fp32", "training", cli="--precision", choices=PRECISIONS)
    backend: str = _f("trainer", "training", cli="--backend", choices=BACKENDS)
    baseline: bool = _f(False, "evaluation", cli="--baseline")
    output_dir: str | None = _f(None, "output", cli="--output-dir")

    def __post_init__(self):
        for f in fields(self):
            setattr(self, f.name, _coerce(f, getattr(self, f.name)))
        for f in fields(self):
            _check_range(f, getattr(self, f.name))
        self._check_combinations()

    def _check_combinations(self):
        if not self.model:
            raise StudioError("err.model_empty")
        needed = {"sample": ("sample", "--sample"), "file": ("train_file", "--train-file"),
                  "hub": ("dataset", "--dataset")}[self.data_source]
        if not getattr(self, needed[0]):
            raise StudioError("err.cfg_source_missing", source=self.data_source, field=needed[0], flag=needed[1])
        if self.eval_rows == 0 and not self.eval_file:
            raise StudioError("err.cfg_no_eval")
        if self.max_steps == 0:
            raise StudioError("err.cfg_max_steps_zero")

    # --- round trips ------------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "TrainConfig":
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(k for k in data if k not in known)
        if unknown:
            raise StudioError("err.cfg_unknown_keys", keys=", ".join(unknown), known=", ".join(sorted(known)))
        return cls(**data)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, text: str) -> "TrainConfig":
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise StudioError("err.cfg_yaml", detail=str(exc).splitlines()[0][:200]) from exc
        if data is not None and not isinstance(data, dict):
            raise StudioError("err.cfg_yaml", detail=f"expected a mapping, found {type(data).__name__}")
        return cls.from_dict(data)

    @classmethod
    def load(cls, path) -> "TrainConfig":
        from pathlib import Path

        path = Path(path)
        if not path.is_file():
            raise StudioError("err.file_missing", path=str(path))
        return cls.from_yaml(path.read_text("utf-8"))

    def replace(self, **changes) -> "TrainConfig":
        return TrainConfig.from_dict({**self.to_dict(), **changes})


# The label and help keys follow the field name; adding them here keeps each declaration one line.
for _field in fields(TrainConfig):
    _field.metadata = types.MappingProxyType(
        {"label": f"cfg.{_field.name}", "help": f"cfg.{_field.name}.help", **_field.metadata})


# --- typing helpers -------------------------------------------------------------

def field_type(f) -> tuple[type, bool]:
    """(base type, optional) of a field, e.g. ``int | None`` -> (int, True)."""
    hint = typing.get_type_hints(TrainConfig)[f.name]
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        base = next(a for a in args if a is not type(None))
        return base, type(None) in args
    return hint, False


def _coerce(f, value):
    """Accept what forms and YAML produce (``3.0`` for an int, ``"1e-4"`` for a float, ``""`` for None)."""
    base, optional = field_type(f)
    if isinstance(value, str):
        value = value.strip()
        if value == "" and optional:
            return None
    if value is None:
        if optional:
            return None
        raise StudioError("err.cfg_required", field=f.name)
    try:
        if base is bool:
            if isinstance(value, str) and value.lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
                return value.lower() in ("true", "yes", "1", "on")
            if isinstance(value, (bool, int)) and value in (0, 1):
                return bool(value)
            raise ValueError
        if base is int:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if not number.is_integer():
                raise ValueError
            return int(number)
        if base is float:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
            return number
        if base is str:
            if isinstance(value, (dict, list, tuple, set)):
                raise ValueError
            return str(value)
    except (TypeError, ValueError):
        raise StudioError("err.cfg_type", field=f.name, value=repr(value)[:80], expected=_type_name(base)) from None
    return value


def _type_name(base) -> str:
    return {int: "a whole number", float: "a number", bool: "true or false", str: "text"}.get(base, str(base))


def _check_range(f, value):
    if value is None:
        return
    meta = f.metadata
    choices = meta.get("choices")
    if choices and value not in choices:
        raise StudioError("err.cfg_choice", field=f.name, value=value, choices=", ".join(map(str, choices)))
    lo, hi = meta.get("min"), meta.get("max")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise StudioError("err.cfg_range", field=f.name, value=value, lo="-∞" if lo is None else lo,
                              hi="∞" if hi is None else hi)


def form_fields() -> list[dict]:
    """Every field in declaration order with its type, default and metadata: what the UI form is built from."""
    out = []
    for f in fields(TrainConfig):
        base, optional = field_type(f)
        default = f.default if f.default is not MISSING else None
        out.append({"name": f.name, "type": base.__name__, "optional": optional, "default": default,
                    **dict(f.metadata)})
    return out
