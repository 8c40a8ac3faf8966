"""Classify text with a trained run, a local model folder, the built-in model or a Hub id.

Two equivalent paths are offered on purpose, because tutorials show both: the
``pipeline("text-classification", top_k=None)`` call and the direct tokenizer ->
model -> softmax call. They give the same numbers (tests check it).

Loaded predictors are immutable once built (eval mode, no per-user state), so one
process-wide LRU cache shares them between users; the key includes the files'
modification times, so retraining into the same folder loads the new weights.

Precision ('auto', 'fp32', 'bf16') is explained in :mod:`trainer_core.precision`. Both paths
(pipeline and direct) share the one model object, so they always run in the same
precision and agree.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StudioError
from .precision import PRECISIONS, resolve_precision, to_precision  # noqa: F401 - PRECISIONS for the UI
from .prepare import make_collator
from .sources import ModelRef, load_classifier, load_tokenizer, resolve_model_ref
from .tokens import MAX_CHARS

CACHE_SIZE = max(1, int(os.environ.get("FTS_PREDICTOR_CACHE", "4")))
# Texts are cut to the Tokenizer view's limit (20,000 characters) before tokenising: far more
# than 512 tokens need, and it bounds the work (and the lock held) per text whatever is sent.
MAX_TEXT_CHARS = MAX_CHARS
ECHO_CHARS = 300  # the longest text the generated code repeats back
# RoBERTa-style models number positions after the padding index, so two positions are unusable.
_POSITION_OFFSET_TYPES = {"roberta", "xlm-roberta", "camembert", "data2vec-text", "mpnet", "longformer"}
_TRAINED_STATUSES = {"completed", "stopped"}


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    scores: dict[str, float]  # every class, in id order

    def top(self, k: int | None = None) -> list[tuple[str, float]]:
        ranked = sorted(self.scores.items(), key=lambda kv: kv[1], reverse=True)
        return ranked if k is None else ranked[:k]

    def to_dict(self) -> dict:
        return {"label": self.label, "score": self.score, "scores": dict(self.scores)}


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _model_limit(tokenizer, config) -> int:
    """The longest input the model accepts: the tokenizer's limit and the position table's."""
    limits = []
    tml = getattr(tokenizer, "model_max_length", None)
    if isinstance(tml, int) and 0 < tml < 1_000_000:  # unset limits are a huge sentinel int
        limits.append(tml)
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        limits.append(positions - (2 if config.model_type in _POSITION_OFFSET_TYPES else 0))
    return min(limits) if limits else 512


def _activation(config) -> str:
    """The same rule as the text-classification pipeline's postprocess."""
    if config.problem_type == "regression":
        return "none"
    if config.problem_type == "multi_label_classification" or config.num_labels == 1:
        return "sigmoid"
    return "softmax"


@dataclass
class Predictor:
    """A loaded classifier ready to predict. Shared between users: never mutate after load."""

    model: object
    tokenizer: object
    ref: ModelRef
    newly_initialized: list[str]
    head_untrained: bool
    max_length: int
    load_ms: float
    precision: str = "fp32"  # what the weights are held in: 'fp32' or 'bf16'
    run_info: dict = field(default_factory=dict)  # results.json of a run dir ({} otherwise)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pipe: object = field(default=None, repr=False)

    # --- loading ------------------------------------------------------------
    @classmethod
    def load(cls, ref: str | os.PathLike, id2label: dict | None = None, precision: str | None = None) -> "Predictor":
        """A predictor for ``ref`` ('default', a run dir, a model folder, a Hub id), cached."""
        return get_predictor(ref, id2label=id2label, precision=precision)[0]

    @classmethod
    def _build(cls, mref: ModelRef, id2label: dict | None, precision: str = "fp32") -> "Predictor":
        start = time.perf_counter()
        tokenizer = load_tokenizer(mref)
        loaded = load_classifier(mref, id2label=id2label)
        model = loaded.model
        model.eval()  # dropout off: the same text always gets the same scores
        to_precision(model, precision)
        run_info = {}
        if mref.kind in ("local", "builtin"):
            run_info = _read_json(Path(mref.location) / "results.json") or {}
        steps = run_info.get("global_step")
        if run_info.get("status") in _TRAINED_STATUSES and (not isinstance(steps, int) or steps > 0):
            head_untrained = False  # the run trained this head, whatever the base checkpoint lacked
        else:
            head_untrained = bool(loaded.newly_initialized)
        return cls(model=model, tokenizer=tokenizer, ref=mref, newly_initialized=loaded.newly_initialized,
                   head_untrained=head_untrained, max_length=_model_limit(tokenizer, model.config),
                   load_ms=(time.perf_counter() - start) * 1000, precision=precision, run_info=run_info)

    # --- facts ----------------------------------------------------------------
    @property
    def id2label(self) -> dict[int, str]:
        return {int(k): str(v) for k, v in self.model.config.id2label.items()}

    @property
    def labels(self) -> list[str]:
        mapping = self.id2label
        return [mapping[i] for i in sorted(mapping)]

    def describe(self) -> dict:
        """Plain facts for the UI and the CLI."""
        return {
            "model": self.ref.given, "kind": self.ref.kind, "location": self.ref.location,
            "labels": self.labels, "head_untrained": self.head_untrained,
            "newly_initialized": list(self.newly_initialized), "max_length": self.max_length,
            "parameters": sum(p.numel() for p in self.model.parameters()),
            "load_ms": round(self.load_ms, 1), "precision": self.precision,
            "eval_accuracy": self.run_info.get("eval_accuracy"),
        }

    # --- prediction -----------------------------------------------------------
    @staticmethod
    def _inputs(texts, pairs) -> tuple[list[str], list[str] | None]:
        if isinstance(texts, str):
            texts = [texts]
        if isinstance(pairs, str):
            pairs = [pairs]
        texts = [str(x)[:MAX_TEXT_CHARS] if x is not None else "" for x in texts]
        for i, text in enumerate(texts):
            if not text.strip():
                raise StudioError("cls.err_empty_text", index=i + 1)
        if pairs is not None:
            pairs = [str(x)[:MAX_TEXT_CHARS] if x is not None else "" for x in pairs]
            if len(pairs) != len(texts):
                raise StudioError("cls.err_pair_count", texts=len(texts), pairs=len(pairs))
        return texts, pairs

    def _to_predictions(self, probs) -> list[Prediction]:
        labels = self.labels
        out = []
        for row in probs.tolist():
            best = max(range(len(row)), key=row.__getitem__)
            out.append(Prediction(labels[best], float(row[best]), {lab: float(p) for lab, p in zip(labels, row)}))
        return out

    def predict(self, texts, pairs=None, batch_size: int = 32) -> list[Prediction]:
        """Direct path: tokenizer -> model -> softmax, in token-length-sorted batches (least padding)."""
        import torch

        texts, pairs = self._inputs(texts, pairs)
        if not texts:
            return []
        batch_size = max(1, int(batch_size))
        # A fast tokenizer is one Rust object: concurrent calls from the server's worker
        # threads can collide ("Already borrowed"), so tokenizing is serialised (0.1 ms a text).
        # Everything is tokenized in one call, then batched by token count: neighbours in a
        # batch have (nearly) the same length, so almost no compute goes to padding.
        with self._lock:
            enc = self.tokenizer(texts, pairs, truncation=True, max_length=self.max_length)
        lengths = [len(ids) for ids in enc["input_ids"]]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        collate = make_collator(self.tokenizer)  # training's own batch builder: pads to the longest row
        results: list[Prediction | None] = [None] * len(texts)
        activation = _activation(self.model.config)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = collate([{key: enc[key][i] for key in enc.keys()} for i in chunk])
            with torch.inference_mode():
                logits = self.model(**batch).logits.float()  # softmax in fp32 whatever the weights
            if activation == "softmax":
                probs = logits.softmax(-1)
            elif activation == "sigmoid":
                probs = logits.sigmoid()
            else:
                probs = logits
            for i, pred in zip(chunk, self._to_predictions(probs)):
                results[i] = pred
        return results  # type: ignore[return-value]

    def timed_predict(self, texts, pairs=None, batch_size: int = 32) -> tuple[list[Prediction], float]:
        """Predictions and the server-side time they took, in milliseconds."""
        start = time.perf_counter()
        preds = self.predict(texts, pairs, batch_size=batch_size)
        return preds, (time.perf_counter() - start) * 1000

    def pipeline(self):
        """The transformers ``pipeline`` over the same model and tokenizer (built once)."""
        with self._lock:
            if self._pipe is None:
                from transformers import pipeline

                self._pipe = pipeline("text-classification", model=self.model, tokenizer=self.tokenizer, top_k=None)
            return self._pipe

    def predict_pipeline(self, texts, pairs=None, batch_size: int = 32) -> list[Prediction]:
        """Pipeline path: ``pipe(text, top_k=None)``; the same numbers as :meth:`predict`."""
        texts, pairs = self._inputs(texts, pairs)
        pipe = self.pipeline()
        inputs = texts if pairs is None else [{"text": t, "text_pair": p} for t, p in zip(texts, pairs)]
        with self._lock:
            outputs = pipe(inputs, truncation=True, max_length=self.max_length, batch_size=batch_size)
        labels = self.labels
        preds = []
        for scored in outputs:
            by_label = {d["label"]: float(d["score"]) for d in scored}
            best = max(scored, key=lambda d: d["score"])
            preds.append(Prediction(best["label"], float(best["score"]), {lab: by_label[lab] for lab in labels}))
        return preds


# --- the shared cache -----------------------------------------------------------

_cache: "OrderedDict[tuple, Predictor]" = OrderedDict()  # immutable models only; no user state here
_cache_lock = threading.Lock()
_key_locks: dict[tuple, threading.Lock] = {}


def _files_stamp(folder: Path) -> tuple:
    """Modification times of the files that define the model, so a retrained folder is reloaded."""
    stamp = []
    for name in ("config.json", "model.safetensors", "tokenizer.json", "results.json"):
        path = folder / name
        if path.exists():
            stamp.append((name, path.stat().st_mtime_ns))
    return tuple(stamp)


def _cache_key(mref: ModelRef, id2label: dict | None, precision: str) -> tuple:
    labels = tuple(sorted((int(k), str(v)) for k, v in id2label.items())) if id2label else ()
    if mref.is_hub:
        return ("hub", mref.location, labels, precision)
    return (mref.kind, mref.location, _files_stamp(Path(mref.location)), labels, precision)


def get_predictor(ref: str | os.PathLike | ModelRef, id2label: dict | None = None,
                  precision: str | None = None, visitor=None) -> tuple[Predictor, bool]:
    """(predictor, came_from_cache). Two users asking for the same model load it once.

    A named ``ref`` must be one ``visitor`` may name (:func:`trainer_core.space.visitor_may_name`).
    """
    from .space import visitor_may_name

    precision = resolve_precision(precision)
    mref = ref if isinstance(ref, ModelRef) else resolve_model_ref(visitor_may_name("model", ref, visitor))
    if mref.kind == "scratch":
        raise StudioError("err.scratch_needs_data")
    key = _cache_key(mref, id2label, precision)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key], True
        key_lock = _key_locks.setdefault(key, threading.Lock())
    with key_lock:
        with _cache_lock:
            if key in _cache:  # another thread finished loading while we waited
                _cache.move_to_end(key)
                return _cache[key], True
        predictor = Predictor._build(mref, id2label, precision)
        with _cache_lock:
            _cache[key] = predictor
            _key_locks.pop(key, None)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return predictor, False


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def predict_json(model_ref: str, text: str, text_pair: str | None = None, precision: str | None = None) -> dict:
    """One prediction as ``{"label", "score", "scores"}`` (what ``python -m trainer_core predict`` prints)."""
    predictor = Predictor.load(model_ref, precision=precision)
    pred = predictor.predict([text], [text_pair] if text_pair is not None else None)[0]
    return pred.to_dict()


def usage_code(model: str, text: str = "...", text_pair: str | None = None, precision: str = "fp32") -> dict[str, str]:
    """Stand-alone code doing what the Classify tab does: the pipeline call and the direct call.

    A text longer than ``ECHO_CHARS`` appears shortened: the answer never repeats a long text back.
    """
    def literal(value: str) -> str:
        return json.dumps(value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + "…", ensure_ascii=False)

    arg = literal(text)
    if text_pair is None:
        pipe_input = arg
        tok_args = arg
    else:
        pair = literal(text_pair)
        pipe_input = f'{{"text": {arg}, "text_pair": {pair}}}'
        tok_args = f"{arg}, {pair}"
    model_arg = json.dumps(model, ensure_ascii=False)
    bf16 = precision == "bf16"
    # bf16 only where the app served in bf16: the same numbers as the tab, on a CPU with AMX or AVX512-BF16.
    dtype_arg = ", dtype=torch.bfloat16" if bf16 else ""
    pipeline_code = (
        ("import torch\n" if bf16 else "")
        + "from transformers import pipeline\n\n"
        f'classifier = pipeline("text-classification", model={model_arg}, top_k=None{dtype_arg})\n'
        f"print(classifier({pipe_input}, truncation=True))\n"
    )
    direct_code = (
        "import torch\n"
        "from transformers import AutoModelForSequenceClassification, AutoTokenizer\n\n"
        f"tokenizer = AutoTokenizer.from_pretrained({model_arg})\n"
        f"model = AutoModelForSequenceClassification.from_pretrained({model_arg}{dtype_arg}).eval()\n"
        f"inputs = tokenizer({tok_args}, truncation=True, return_tensors=\"pt\")\n"
        "with torch.inference_mode():\n"
        "    probs = model(**inputs).logits.float().softmax(dim=-1)[0]\n"
        "print({model.config.id2label[i]: round(float(p), 4) for i, p in enumerate(probs)})\n"
    )
    return {"pipeline": pipeline_code, "direct": direct_code}
