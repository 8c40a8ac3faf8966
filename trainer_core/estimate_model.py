"""What the estimate needs to know about a model before it is loaded: its size and its tokenizer.

The weights are never loaded here: the architecture is built on PyTorch's ``meta``
device from ``config.json`` (no memory, no time), which is enough to count parameters.
``scratch`` is built for real (it is small and its vocabulary depends on the data). A Hub
model while the Hub is unreachable falls back to known sizes of the tutorial models and
to a character-based token count, and says the figures are approximate.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace


@dataclass
class ModelFacts:
    ref: str                 # what will be trained: 'builtin', 'scratch', a folder or a Hub id
    kind: str                # builtin | local | hub | scratch
    params: int | None
    embedding: int | None    # parameters that are looked up, not multiplied (no FLOPs)
    hidden: int | None
    layers: int | None
    heads: int | None
    position_limit: int | None
    tokenizer: object | None  # None: token counts are approximated from characters
    exact: bool              # False when sizes or token counts are approximations
    frozen: int = 0          # parameters that get no gradient (no optimizer state: 4 bytes, not 16)


def _resolve(config, prepared) -> str:
    """What 'default' means for these texts, as the engine decides it (sources.concrete_ref)."""
    from . import sources
    from .prepare import data_language, train_texts

    return sources.concrete_ref(config.model, data_language(train_texts(prepared)))


def _count(model) -> tuple[int, int]:
    total = sum(p.numel() for p in model.parameters())
    embedding = sum(m.weight.numel() for m in model.modules() if type(m).__name__ == "Embedding")
    return int(total), int(embedding)


def _shape(hf_config) -> dict:
    positions = getattr(hf_config, "max_position_embeddings", None)
    if isinstance(positions, int) and getattr(hf_config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
        positions -= 2  # RoBERTa-style position ids start after the padding index
    return {"hidden": getattr(hf_config, "hidden_size", None), "layers": getattr(hf_config, "num_hidden_layers", None),
            "heads": getattr(hf_config, "num_attention_heads", None), "position_limit": positions}


def _from_config(location: str, num_labels: int, **kwargs):
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    hf_config = AutoConfig.from_pretrained(location, num_labels=num_labels, trust_remote_code=False, **kwargs)
    with torch.device("meta"):
        model = AutoModelForSequenceClassification.from_config(hf_config)
    return hf_config, model


def model_facts(config, prepared) -> ModelFacts:
    from . import sources
    from .presets import KNOWN_MODELS

    ref = _resolve(config, prepared)
    labels = len(prepared.label_names)
    if ref.lower() == sources.SCRATCH_REF:
        from .prepare import train_texts
        from .scratch import build_classifier

        built = build_classifier(train_texts(prepared), prepared.id2label, arch="bert", size="small", seed=config.seed)
        total, embedding = _count(built.model)
        return ModelFacts("scratch", "scratch", total, embedding, tokenizer=built.tokenizer, exact=True,
                          **_shape(built.model.config))
    if ref.lower() == sources.MULTILINGUAL_REF:
        from .multilingual_model import run_facts

        return ModelFacts(**run_facts(prepared, labels))
    mref = sources.resolve_model_ref(ref)
    usable = not mref.is_hub or sources.hub_reachable() or sources._cached_on_disk(mref.location)
    if usable:
        kwargs = {"local_files_only": True} if mref.is_hub and not sources.hub_reachable() else {}
        hf_config, model = _from_config(mref.location, labels, **kwargs)
        total, embedding = _count(model)
        tokenizer = sources.load_tokenizer(mref)
        name = "builtin" if mref.kind == "builtin" else mref.location
        return ModelFacts(name, mref.kind, total, embedding, tokenizer=tokenizer, exact=True, **_shape(hf_config))
    known = KNOWN_MODELS.get(mref.location)
    if known:
        return ModelFacts(mref.location, "hub", known["params"], known["embedding"], known["hidden"], known["layers"],
                          known["heads"], 512, None, exact=False)
    return ModelFacts(mref.location, "hub", None, None, None, None, None, None, None, exact=False)


def effective_limit(facts: ModelFacts, requested: int) -> int:
    """The max length the engine will use: the request capped by the tokenizer and position limits."""
    from .prepare import effective_max_length

    limits = [requested] + ([facts.position_limit] if facts.position_limit else [])
    tokenizer = facts.tokenizer if facts.tokenizer is not None else SimpleNamespace(model_max_length=None)
    return effective_max_length(tokenizer, None, min(limits))


def token_lengths(facts: ModelFacts, prepared, split: str = "train") -> list[int]:
    """Untruncated token counts (special tokens included) of every row of ``split``."""
    data = prepared.splits[split]
    mapping = prepared.mapping
    texts = [str(t) for t in data[mapping.text]]
    pairs = [str(t) for t in data[mapping.text_pair]] if mapping.text_pair else None
    if facts.tokenizer is None:
        # Without a tokenizer: ~4 characters per token in English, ~1.5 in Korean, plus the special tokens.
        from .prepare import data_language

        per_token = 1.5 if data_language(texts) == "ko" else 4.0
        rows = [t + (" " + p if pairs else "") for t, p in zip(texts, pairs or texts)]
        return [int(len(r) / per_token) + (3 if pairs else 2) for r in rows]
    tokenizer = facts.tokenizer
    old = getattr(tokenizer, "model_max_length", None)
    try:
        tokenizer.model_max_length = int(1e9)  # no "sequence is longer than ..." warning: we want the true length
        encoded = tokenizer(texts, pairs, truncation=False, padding=False, return_attention_mask=False,
                            return_token_type_ids=False)
    finally:
        if old is not None:
            tokenizer.model_max_length = old
    return [len(ids) for ids in encoded["input_ids"]]
