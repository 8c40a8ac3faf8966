"""The model card (README.md) written into every run directory.

It is what the Hub shows for a pushed model, so it says plainly what the model was
trained on, how, how well it did against the baseline, and how to use it.
"""
from __future__ import annotations

import json

DATA_NAMES = {"ynat_ko": "KLUE YNAT (style, bundled sample)", "imdb_en": "IMDb sentiment (style, bundled sample)",
              "mrpc_en": "GLUE MRPC (style, bundled sample)"}


def _front_matter(config, results: dict) -> str:
    import yaml

    meta = {"library_name": "transformers", "pipeline_tag": "text-classification", "tags": ["text-classification",
            "fine-tune-studio"]}
    language = results.get("language")
    if language in ("ko", "en"):
        meta["language"] = [language]
    ref = results.get("model_ref") or ""
    if results.get("model_kind") in ("hub", "builtin") and "/" in ref:
        meta["base_model"] = ref
    if config.data_source == "hub" and config.dataset:
        meta["datasets"] = [config.dataset]
    if results.get("eval_accuracy") is not None:
        meta["metrics"] = ["accuracy", "f1"]
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def _data_line(config, results: dict) -> str:
    if config.data_source == "sample":
        source = DATA_NAMES.get(config.sample, config.sample)
    elif config.data_source == "hub":
        source = f"`{config.dataset}`" + (f" (`{config.dataset_config}`)" if config.dataset_config else "")
    else:
        source = f"local file `{str(config.train_file).replace(chr(92), '/').split('/')[-1]}`"
    return (f"- Data: {source}; {results.get('num_train_rows', '?')} training rows, "
            f"{results.get('num_eval_rows', '?')} evaluation rows (seed {config.seed}).")


def _fmt(value) -> str:
    return "-" if value is None else (f"{value:.4f}" if isinstance(value, float) else str(value))


def render_card(config, results: dict) -> str:
    """Markdown with YAML front matter for ``config`` and the ``results`` dict of the run."""
    ref = results.get("model_ref", config.model)
    kind = results.get("model_kind", "")
    names = results.get("label_names") or []
    lines = [_front_matter(config, results), f"# Text classifier fine-tuned from {ref}", ""]
    if kind == "scratch":
        lines += ["This model was built **from scratch**: its WordPiece vocabulary was learned from the training "
                  "texts only and its weights started random (a small BERT). It needs no pretrained download, "
                  "but a pretrained model for the language (e.g. `klue/roberta-base` for Korean) is usually far "
                  "more accurate.", ""]
    newly = results.get("newly_initialized") or []
    if newly and kind != "scratch":
        lines += [f"Newly initialised (trained from random): `{'`, `'.join(newly)}`.", ""]
    lines += ["## Training", "", _data_line(config, results),
              f"- Backend: `{config.backend}`; status: {results.get('status', '?')}; "
              f"{results.get('train_runtime', 0):.1f} s, {results.get('train_samples_per_second', 0):.1f} samples/s "
              f"on {results.get('device', '?')}.", "", "| hyper-parameter | value |", "|---|---|"]
    for key in ("epochs", "max_steps", "batch_size", "learning_rate", "warmup_ratio", "weight_decay",
                "grad_accum_steps", "max_grad_norm", "max_length", "padding", "group_by_length", "precision", "seed"):
        lines.append(f"| {key} | {getattr(config, key)} |")
    lines += ["", "## Evaluation", "", "| metric | value |", "|---|---|",
              f"| accuracy | {_fmt(results.get('eval_accuracy'))} |",
              f"| macro F1 | {_fmt(results.get('eval_macro_f1'))} |"]
    if results.get("eval_f1") is not None:
        lines.append(f"| F1 (binary, class `{names[1] if len(names) > 1 else 1}`) | {_fmt(results['eval_f1'])} |")
    if results.get("baseline_accuracy") is not None:
        lines.append(f"| baseline accuracy (TF-IDF char n-grams + logistic regression) | "
                     f"{_fmt(results['baseline_accuracy'])} |")
        lines.append(f"| baseline macro F1 | {_fmt(results.get('baseline_macro_f1'))} |")
    per_class = results.get("per_class") or {}
    if per_class:
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for name, row in per_class.items():
            lines.append(f"| {name} | {_fmt(row.get('precision'))} | {_fmt(row.get('recall'))} | "
                         f"{_fmt(row.get('f1'))} | {row.get('support', '-')} |")
    label_map = json.dumps({i: n for i, n in enumerate(names)}, ensure_ascii=False)
    example = "유튜브 내달 2일까지 크리에이터 지원 공간 운영" if results.get("language") == "ko" else "What a great film!"
    is_pair = bool((results.get("mapping") or {}).get("text_pair") or config.text_pair_column)
    pair = ', text_pair="..."' if is_pair else ""
    pipe_pair = ' (for sentence pairs pass {"text": a, "text_pair": b})' if is_pair else ""
    lines += ["", "## Labels", "", f"`id2label`: `{label_map}`", "", "## Usage", "",
              f"With a pipeline{pipe_pair}:", "", "```python", "from transformers import pipeline", "",
              'classifier = pipeline("text-classification", model="PATH_OR_HUB_ID")',
              f'print(classifier("{example}"))', "```", "", "Direct call:", "", "```python", "import torch",
              "from transformers import AutoModelForSequenceClassification, AutoTokenizer", "",
              'tokenizer = AutoTokenizer.from_pretrained("PATH_OR_HUB_ID")',
              'model = AutoModelForSequenceClassification.from_pretrained("PATH_OR_HUB_ID")',
              f'inputs = tokenizer("{example}"{pair}, truncation=True, max_length={config.max_length}, '
              'return_tensors="pt")',
              "with torch.inference_mode():", "    probs = model(**inputs).logits.softmax(-1)[0]",
              "print(model.config.id2label[int(probs.argmax())], float(probs.max()))", "```", "",
              "Trained with Fine-Tune Studio; `config.yaml` in this folder reproduces the run "
              "(`python -m trainer_core export-script --config config.yaml`).", ""]
    return "\n".join(lines)
