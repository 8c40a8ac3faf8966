"""The ``datasets`` code for exactly what the Dataset tab did, to paste into a notebook.

:func:`emit_code` reads the source dict (how the data was loaded, from
``loaders.load_*_with_source``) and ``PreparedData.report["plan"]`` (the steps
``data.prepare`` took) and writes the same calls: ``load_dataset``,
``remove_columns``, ``filter``, ``class_encode_column``/``cast_column``,
``train_test_split(..., seed=..., stratify_by_column=...)``. Run on its own, the
result is the same rows in the same order (a test checks this in a subprocess).
"""
from __future__ import annotations

import csv
import inspect

from .errors import StudioError
from .loaders import json_as_text

_HEADER = '''"""Made by Fine-Tune Studio's Dataset tab: the same splits with plain `datasets` calls."""
'''

_BLANK = '''

def is_blank(value):
    """None, NaN or only whitespace."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()
'''

_ALIGN = '''

def to_training_ids(batch, feature=None, column={label!r}):
    """This split's labels, spelt as in training ('0' for 0 and 1.0), as training label ids."""
    def name(v):
        if feature is not None:
            return feature.names[v]
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return {{column: [LABEL_NAMES.index(name(v)) for v in batch[column]]}}
'''


def _kwargs(pairs: dict) -> str:
    parts = []
    for key, value in pairs.items():
        if key == "quoting":
            parts.append(f"{key}=csv.{_QUOTING.get(value, 'QUOTE_MINIMAL')}")
        else:
            parts.append(f"{key}={value!r}")
    return ", ".join(parts)


_QUOTING = {csv.QUOTE_NONE: "QUOTE_NONE", csv.QUOTE_MINIMAL: "QUOTE_MINIMAL", csv.QUOTE_ALL: "QUOTE_ALL"}


def _load_lines(source: dict, var: str, data_path: str | None) -> list[str]:
    """Lines that leave a DatasetDict in ``var``, loaded as the source dict says."""
    kind = source.get("kind")
    if kind == "file":
        path = data_path or source["path"]
        extra = _kwargs(source.get("load_kwargs") or {})
        lines = [f"{var} = load_dataset({source['builder']!r}, data_files={path!r}{', ' + extra if extra else ''})"]
        if source.get("json_as_text"):
            columns = source["json_as_text"]
            lines.append(f"{var} = DatasetDict({{k: json_as_text(v, {columns!r}) for k, v in {var}.items()}})")
        return lines
    if kind == "sample":
        return [f"ds = load_dataset('json', data_files={source['path']!r}, split='train')",
                f"ds = ds.cast_column('label', ClassLabel(names={source['label_names']!r}))",
                "parts = ds.train_test_split(test_size=0.2, seed=0, stratify_by_column='label')",
                f"{var} = DatasetDict({{'train': parts['train'], {source['eval_split']!r}: parts['test']}})"]
    if kind == "hub":
        args = repr(source["id"]) + (f", {source['config']!r}" if source.get("config") else "")
        if source.get("streaming"):
            return [f"stream = load_dataset({args}, split={source['split']!r}, streaming=True)",
                    f"rows = list(stream.take({int(source['max_rows'])}))  # only the first rows are downloaded",
                    f"{var} = DatasetDict({{{source['split']!r}: Dataset.from_list(rows, features=stream.features)}})"]
        if source.get("split"):
            lines = [f"{var} = DatasetDict({{{source['split']!r}: load_dataset({args}, split={source['split']!r})}})"]
        else:
            lines = [f"{var} = load_dataset({args})"]
        if source.get("max_rows"):
            n = int(source["max_rows"])
            lines.append(f"{var} = DatasetDict({{k: v.select(range(min({n}, len(v)))) for k, v in {var}.items()}})")
        return lines
    raise StudioError("err.source_unknown", kind=str(kind))


def _clean_lines(var: str, removed: list[str], columns: list[str], dropped: int | None) -> list[str]:
    lines = []
    if removed:
        lines.append(f"{var} = {var}.remove_columns({removed!r})")
    note = f"  # dropped {dropped} rows" if dropped is not None else ""
    lines.append(f"{var} = {var}.filter(lambda row: not any(is_blank(row[c]) for c in {columns!r})){note}")
    return lines


def _split_call(var: str, label: str, step: dict, seed: int) -> str:
    strat = f", stratify_by_column={label!r}" if step["stratify"] else ""
    return f"{var}.train_test_split(train_size={step['train']}, test_size={step['test']}, seed={seed}{strat})"


def emit_code(source: dict, prepared, eval_source: dict | None = None, data_path: str | None = None) -> str:
    """Standalone Python that rebuilds ``prepared.splits`` from ``source`` with ``datasets``.

    ``eval_source`` is where a separate validation split came from (another file); by default
    it is a split of the same data. ``data_path`` replaces a file source's path (an upload's
    temporary path means nothing in a notebook; its name does).
    """
    plan = prepared.report.get("plan")
    if not plan:
        raise StudioError("err.code_no_plan")
    mapping, label, seed = prepared.mapping, prepared.mapping.label, plan["seed"]
    uses_csv = any(s and s.get("kind") == "file" and "quoting" in (s.get("load_kwargs") or {})
                   for s in (source, eval_source))
    streaming = source.get("kind") == "hub" and source.get("streaming")
    lines = [_HEADER.rstrip("\n")]
    if uses_csv:
        lines.append("import csv")
    lines.append(f"from datasets import ClassLabel, {'Dataset, ' if streaming else ''}DatasetDict, load_dataset")
    lines.append(_BLANK.rstrip("\n"))
    if any(s and s.get("json_as_text") for s in (source, eval_source)):
        lines += ["", "", inspect.getsource(json_as_text).rstrip("\n")]  # the loader's own function
    if "eval" in plan and plan["eval"]["align"]:
        lines.append(_ALIGN.format(label=label).rstrip("\n"))
    lines += ["", "", "# 1. Load", *_load_lines(source, "dsd", data_path), f"ds = dsd[{plan['source_split']!r}]",
              "print(ds)", "", "# 2. Keep the text and label columns; drop rows where one is empty or NaN",
              *_clean_lines("ds", plan["removed"], plan["columns"], prepared.report.get("dropped_empty")), "",
              "# 3. Labels as a ClassLabel: ids <-> names with int2str / str2int"]
    if plan["label_kind"] == "string":
        lines.append(f"ds = ds.class_encode_column({label!r})  # the distinct values, sorted")
    elif plan["label_kind"] == "int":
        lines.append(f"ds = ds.cast_column({label!r}, ClassLabel(names={plan['label_names']!r}))  # ids kept")
    lines += [f"LABEL_NAMES = ds.features[{label!r}].names", "print(LABEL_NAMES)", "",
              f"# 4. Seeded splits{' (stratified: every split keeps the label shares)' if plan.get('holdout', {}).get('stratify') else ''}"]
    if "holdout" in plan:
        lines.append(f"parts = {_split_call('ds', label, plan['holdout'], seed)}")
        if "inner" in plan:
            lines.append("held = " + _split_call("parts['test']", label, plan["inner"], seed))
            layout = {"train": "parts['train']", "validation": "held['train']", "test": "held['test']"}
        else:
            layout = {"train": "parts['train']", ("test" if "eval" in plan else "validation"): "parts['test']"}
    else:
        take = plan.get("shuffle_select")
        layout = {"train": f"ds.shuffle(seed={seed})" + (f".select(range({take}))" if take else "")}
    if "eval" in plan:
        lines += _eval_lines(plan, source, eval_source, data_path, label, seed)
        layout["validation"] = "ev"
    ordered = ", ".join(f"{k!r}: {layout[k]}" for k in ("train", "validation", "test") if k in layout)
    lines += [f"splits = DatasetDict({{{ordered}}})", "print(splits)",
              f"print(splits['train'].features[{label!r}].int2str(splits['train'][0][{label!r}]))"]
    if mapping.text_pair:
        lines.append(f"# sentence pairs: tokenize row[{mapping.text!r}] with row[{mapping.text_pair!r}]")
    return "\n".join(lines) + "\n"


def _eval_lines(plan: dict, source: dict, eval_source: dict | None, data_path: str | None,
                label: str, seed: int) -> list[str]:
    step = plan["eval"]
    lines = ["", "# 5. The validation split comes from its own data"]
    if eval_source is not None:
        lines += _load_lines(eval_source, "eval_dsd", None)
        lines.append(f"ev = eval_dsd[{step['split']!r}]")
    else:
        lines.append(f"ev = dsd[{step['split']!r}]")
    lines += _clean_lines("ev", step["removed"], plan["columns"], None)
    if step["align"]:
        lines += [f"feature = ev.features[{label!r}]",
                  "ev = ev.map(to_training_ids, batched=True,",
                  "            fn_kwargs={'feature': feature if isinstance(feature, ClassLabel) else None})",
                  f"ev = ev.cast_column({label!r}, ClassLabel(names=LABEL_NAMES))"]
    if step.get("rows"):
        lines.append(f"ev = ev.shuffle(seed={seed}).select(range({int(step['rows'])}))")
    return lines
