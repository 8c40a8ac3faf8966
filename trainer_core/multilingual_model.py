"""The classifier trained on ``multilingual``: e5's mean pooling, saved as a plain BertForSequenceClassification.

Training uses :class:`MeanPoolBertClassifier`: the BERT body, the mean of its last hidden
states over the attention mask (what e5 was trained to produce), a LayerNorm and a linear
layer. BertForSequenceClassification pools the first token through a tanh pooler instead,
and e5 has no pooler weights; a head on ``<s>`` learns far less (52.7% vs 73.3% on YNAT).

Saving writes a *standard* BertForSequenceClassification that computes the same thing, so a
run loads with ``AutoModelForSequenceClassification.from_pretrained(run_dir)`` (no custom code,
no ``trust_remote_code``). One extra encoder layer does the pooling:

- its queries and keys are zero, so every attention score is 0 and softmax over the unmasked
  positions is uniform: each position's context is the masked mean of the values;
- values are the identity and the output projection multiplies by ``SCALE`` (1e6), so the residual
  (the token's own state) is 1e-6 of what the LayerNorm sees: LayerNorm(SCALE*mean + h) ~= LayerNorm(mean);
- the feed-forward weights are zero, so the second LayerNorm just applies the head's LayerNorm
  weights to the already normalised vector;
- the tanh pooler gets ``EPS * I`` (tanh(x) ~= x for |x| << 1) and the classifier is divided by ``EPS``.

tests/test_multilingual.py measures how close the saved model's logits are (padded batches
included). The trained embedding matrix is also pruned to the pieces the run's data uses
(:func:`prune`), so a run folder holds ~10k embedding rows instead of 250k.
"""
from __future__ import annotations

import json

SCALE = 1e6
EPS = 1e-4
POOLING_NOTE = "mean over the attention mask; emulated by the last encoder layer (trainer_core/multilingual_model.py)"
HEAD_LEARNING_RATE = 2e-3


def _classes():
    import torch
    from torch import nn
    from transformers import BertModel, BertPreTrainedModel
    from transformers.modeling_outputs import SequenceClassifierOutput

    class MeanPoolBertClassifier(BertPreTrainedModel):
        """BERT body + masked mean pooling + LayerNorm + linear head; ``save_pretrained`` writes standard BERT."""

        def __init__(self, config):
            super().__init__(config)
            self.num_labels = config.num_labels
            self.bert = BertModel(config, add_pooling_layer=False)
            self.pool_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
            self.dropout = nn.Dropout(config.hidden_dropout_prob)
            self.classifier = nn.Linear(config.hidden_size, config.num_labels)
            self.head_learning_rate = HEAD_LEARNING_RATE
            self.post_init()

        def pooled(self, input_ids=None, attention_mask=None, token_type_ids=None):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            hidden = out.last_hidden_state
            if attention_mask is None:
                attention_mask = torch.ones(hidden.shape[:2], dtype=hidden.dtype, device=hidden.device)
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return self.pool_norm(mean)

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **_):
            logits = self.classifier(self.dropout(self.pooled(input_ids, attention_mask, token_type_ids)))
            loss = None
            if labels is not None:
                loss = nn.functional.cross_entropy(logits.view(-1, self.num_labels), labels.view(-1))
            return SequenceClassifierOutput(loss=loss, logits=logits)

        def head_parameter_names(self) -> set[str]:
            return {n for n, _ in self.named_parameters() if n.startswith(("pool_norm.", "classifier."))}

        def save_pretrained(self, save_directory, *args, **kwargs):
            """Write the standard BertForSequenceClassification that computes this model (see the module doc)."""
            kwargs.pop("state_dict", None)
            export_standard(self).save_pretrained(save_directory, *args, **kwargs)

    return MeanPoolBertClassifier


def classifier_class():
    global _CLASS
    try:
        return _CLASS
    except NameError:
        _CLASS = _classes()
        return _CLASS


def export_standard(model):
    """A BertForSequenceClassification (one more layer, see the module doc) with ``model``'s predictions."""
    import copy

    import torch
    from transformers import BertForSequenceClassification

    config = copy.deepcopy(model.config)
    layers = config.num_hidden_layers
    config.num_hidden_layers = layers + 1
    config.architectures = ["BertForSequenceClassification"]
    config.studio_pooling = POOLING_NOTE
    out = BertForSequenceClassification(config)
    state = {f"bert.{k}": v for k, v in model.bert.state_dict().items()}
    hidden = config.hidden_size
    eye, zeros_h = torch.eye(hidden), torch.zeros(hidden)
    last = f"bert.encoder.layer.{layers}."
    inter = config.intermediate_size
    state.update({
        last + "attention.self.query.weight": torch.zeros(hidden, hidden), last + "attention.self.query.bias": zeros_h,
        last + "attention.self.key.weight": torch.zeros(hidden, hidden), last + "attention.self.key.bias": zeros_h,
        last + "attention.self.value.weight": eye.clone(), last + "attention.self.value.bias": zeros_h,
        last + "attention.output.dense.weight": eye * SCALE, last + "attention.output.dense.bias": zeros_h,
        last + "attention.output.LayerNorm.weight": torch.ones(hidden),
        last + "attention.output.LayerNorm.bias": zeros_h,
        last + "intermediate.dense.weight": torch.zeros(inter, hidden), last + "intermediate.dense.bias": torch.zeros(inter),
        last + "output.dense.weight": torch.zeros(hidden, inter), last + "output.dense.bias": zeros_h,
        last + "output.LayerNorm.weight": model.pool_norm.weight.detach(),
        last + "output.LayerNorm.bias": model.pool_norm.bias.detach(),
        "bert.pooler.dense.weight": eye * EPS, "bert.pooler.dense.bias": zeros_h,
        "classifier.weight": model.classifier.weight.detach() / EPS, "classifier.bias": model.classifier.bias.detach(),
    })
    missing, unexpected = out.load_state_dict({k: v.detach().clone().contiguous() for k, v in state.items()},
                                              strict=False)
    if missing or unexpected:
        raise RuntimeError(f"export mismatch: missing {missing}, unexpected {unexpected}")
    return out.eval()


# --- vocabulary pruning ----------------------------------------------------------------

def used_ids(tokenizer, texts, batch: int = 1000) -> list[int]:
    """Sorted ids of every piece (specials included) that ``tokenizer`` produces for ``texts``."""
    seen = set(tokenizer.all_special_ids)
    texts = [str(t) for t in texts]
    for start in range(0, len(texts), batch):
        for ids in tokenizer(texts[start:start + batch], add_special_tokens=True)["input_ids"]:
            seen.update(ids)
    return sorted(seen)


def single_character_ids(tokenizer) -> list[int]:
    """Ids of the one-character pieces (with or without the ``▁`` word marker): ~15k of e5's 250k.

    Kept in a pruned vocabulary so that a later text with a word the run's data never had splits
    into characters the model knows instead of becoming ``<unk>``.
    """
    vocab = json.loads(tokenizer.backend_tokenizer.to_str())["model"]["vocab"]
    return [i for i, (piece, _) in enumerate(vocab) if len(piece.lstrip("▁")) == 1]


def prune_tokenizer(tokenizer, keep: list[int]):
    """The same tokenizer over only the pieces ``keep`` (old ids, sorted), renumbered 0..len(keep)-1.

    The Unigram model keeps its scores, so text made of kept pieces splits exactly as before (a best
    path that only uses kept pieces stays the best); other text splits into the kept pieces it can, and
    a character with no kept piece becomes ``<unk>``.
    """
    from tokenizers import Tokenizer

    state = json.loads(tokenizer.backend_tokenizer.to_str())
    model = state["model"]
    if model.get("type") != "Unigram":
        raise ValueError("only Unigram tokenizers are pruned")
    new_id = {old: new for new, old in enumerate(keep)}
    model["vocab"] = [model["vocab"][old] for old in keep]
    model["unk_id"] = new_id[model["unk_id"]]
    _remap_ids(state.get("post_processor"), new_id)
    for added in state.get("added_tokens") or []:
        added["id"] = new_id[added["id"]]
    return wrap_like(Tokenizer.from_str(json.dumps(state)), tokenizer)


def _remap_ids(node, new_id: dict):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ids" and isinstance(value, list) and all(isinstance(v, int) for v in value):
                node[key] = [new_id[v] for v in value]
            elif key in ("sep", "cls") and isinstance(value, list) and len(value) == 2 and isinstance(value[1], int):
                node[key] = [value[0], new_id[value[1]]]
            else:
                _remap_ids(value, new_id)
    elif isinstance(node, list):
        for item in node:
            _remap_ids(item, new_id)


def with_prefix(tokenizer, prefix: str):
    """``tokenizer`` whose post-processor puts the pieces of ``prefix`` after ``<s>`` (e5's "query: ").

    The pieces are fixed ids in the template, so every later use of a saved run (Predictor,
    pipeline, ``AutoTokenizer``) adds the prefix by itself.
    """
    from .multilingual_format import e5_post_processor, with_post_processor

    ids = tokenizer(prefix.strip(), add_special_tokens=False)["input_ids"]
    backend = with_post_processor(tokenizer.backend_tokenizer, e5_post_processor(
        (tokenizer.bos_token, tokenizer.bos_token_id), (tokenizer.eos_token, tokenizer.eos_token_id),
        list(zip(tokenizer.convert_ids_to_tokens(ids), ids))))
    return wrap_like(backend, tokenizer)


def wrap_like(backend, tokenizer):
    """A PreTrainedTokenizerFast over ``backend`` with ``tokenizer``'s special tokens and limits."""
    from transformers import PreTrainedTokenizerFast

    specials = {k: v for k, v in tokenizer.special_tokens_map.items() if isinstance(v, str)}
    return PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=tokenizer.model_max_length,
                                   model_input_names=["input_ids", "attention_mask"], **specials)


# --- building the model for a run ------------------------------------------------------

class Recipe:
    """What the ``multilingual`` run does by default (measured in bench/bench_quality.py, see README)."""

    prefix = "query: "          # e5 was trained with it; a classification text is a "query"
    head_learning_rate = HEAD_LEARNING_RATE  # the new head learns 10-40x faster than the body (config lr)
    freeze_word_embeddings = True  # the embedding rows are pretrained; freezing them costs nothing and saves memory
    warm_start_head = False     # measured: a head pre-fitted by logistic regression ends lower (80.3% vs 83.0%)


class BuiltModel:
    def __init__(self, model, tokenizer, new_weights):
        self.model, self.tokenizer, self.new_weights = model, tokenizer, new_weights


def split_texts(prepared) -> list[str]:
    """Every text of every split (first and second texts): what the pruned vocabulary must cover exactly."""
    texts = []
    for split in prepared.splits.values():
        texts += [str(t) for t in split[prepared.mapping.text]]
        if prepared.mapping.text_pair:
            texts += [str(t) for t in split[prepared.mapping.text_pair]]
    return texts


def build_for_run(prepared, seed: int = 42, on_progress=None, recipe=Recipe) -> BuiltModel:
    """The mean-pool classifier over a pruned vocabulary and its tokenizer (with e5's prefix), as ``recipe`` says."""
    import torch
    from transformers import BertModel

    from . import sources
    from .multilingual import resolve_location

    location, is_hub = resolve_location(progress=on_progress)
    mref = sources.ModelRef("hub" if is_hub else "builtin", location, "multilingual")
    tokenizer = with_prefix(sources.load_tokenizer(mref), recipe.prefix)
    keep = sorted(set(used_ids(tokenizer, split_texts(prepared))) | set(single_character_ids(tokenizer)))
    tokenizer = prune_tokenizer(tokenizer, keep)
    kwargs = {} if is_hub and sources.hub_reachable() else {"local_files_only": True} if is_hub else {}
    body = BertModel.from_pretrained(location, use_safetensors=True, trust_remote_code=False,
                                     add_pooling_layer=False, **kwargs)
    config = body.config
    config.vocab_size = len(keep)
    config.pad_token_id = tokenizer.pad_token_id
    config.num_labels = len(prepared.id2label)
    config.id2label = {int(k): str(v) for k, v in prepared.id2label.items()}
    config.label2id = {v: k for k, v in config.id2label.items()}
    config.architectures = None
    torch.manual_seed(seed)
    model = classifier_class()(config)
    state = body.state_dict()
    name = "embeddings.word_embeddings.weight"
    state[name] = state[name][torch.tensor(keep)].clone()
    model.bert.load_state_dict(state)
    del body, state
    model.head_learning_rate = recipe.head_learning_rate
    if recipe.freeze_word_embeddings:
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    if recipe.warm_start_head:
        warm_start_head(model, tokenizer, prepared)
    return BuiltModel(model, tokenizer, ["pool_norm", "classifier"])


def run_facts(prepared, num_labels: int) -> dict:
    """:class:`~trainer_core.estimate_model.ModelFacts` fields of the model a run would build, without building it.

    Exact (the pruned vocabulary counted with the real tokenizer) once the model is on disk;
    before the first conversion, an approximation from e5's shape that says so.
    """
    from .errors import StudioError
    from .multilingual import converted_dir, is_complete, package_file
    from .sources import hub_reachable

    shape = {"hidden_size": 384, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 1536,
             "max_position_embeddings": 512, "type_vocab_size": 2}  # multilingual-e5-small's
    tokenizer, rows, exact = None, 15_396 + 8_000, False
    try:
        folder = converted_dir(package_file()[1])
    except StudioError:
        folder = None
    if folder is not None and is_complete(folder) and not hub_reachable():
        from transformers import AutoTokenizer

        shape.update({k: v for k, v in json.loads((folder / "config.json").read_text("utf-8")).items() if k in shape})
        tokenizer = with_prefix(AutoTokenizer.from_pretrained(folder), Recipe.prefix)
        keep = sorted(set(used_ids(tokenizer, split_texts(prepared))) | set(single_character_ids(tokenizer)))
        rows, exact = len(keep), True
        tokenizer = prune_tokenizer(tokenizer, keep)
    hidden, layers, inter = shape["hidden_size"], shape["num_hidden_layers"], shape["intermediate_size"]
    heads, positions = shape["num_attention_heads"], shape["max_position_embeddings"]
    per_layer = 4 * (hidden * hidden + hidden) + 2 * hidden * inter + inter + hidden + 4 * hidden
    head = 2 * hidden + hidden * num_labels + num_labels
    embedding = (rows + positions + shape["type_vocab_size"]) * hidden
    params = embedding + 2 * hidden + layers * per_layer + head
    return {"ref": "multilingual", "kind": "multilingual", "params": params, "embedding": embedding,
            "hidden": hidden, "layers": layers, "heads": heads, "position_limit": positions, "tokenizer": tokenizer,
            "exact": exact, "frozen": rows * hidden if Recipe.freeze_word_embeddings else 0}


def warm_start_head(model, tokenizer, prepared, batch_size: int = 64, c: float = 10.0) -> None:
    """Set the linear head to a logistic regression on the frozen body's pooled features of the training rows.

    Off by default: the idea was that a random head sends noise into the body's first updates, but
    measured on YNAT the pre-fitted (confident) head leaves the body less to learn: 80.3% after one
    epoch against 83.0% from a random head (bench/bench_quality.py --recipe warm_start_head=1).
    """
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    train = prepared.splits["train"]
    texts = [str(t) for t in train[prepared.mapping.text]]
    pairs = [str(t) for t in train[prepared.mapping.text_pair]] if prepared.mapping.text_pair else None
    labels = np.asarray(train[prepared.mapping.label])
    if len(set(labels.tolist())) < 2:
        return
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths together: little padding
    feats = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            enc = tokenizer([texts[i] for i in idx], [pairs[i] for i in idx] if pairs else None, padding=True,
                            truncation=True, max_length=256, return_tensors="pt")
            feats[idx] = model.pooled(enc["input_ids"], enc["attention_mask"]).numpy()
    model.train(was_training)
    classes = list(range(model.config.num_labels))
    fit = LogisticRegression(C=c, max_iter=500).fit(feats, labels)
    weight = np.zeros((len(classes), feats.shape[1]), dtype=np.float32)
    bias = np.full(len(classes), -10.0, dtype=np.float32)  # a class absent from the training rows
    coef = fit.coef_ if len(fit.classes_) > 2 else np.vstack([-fit.coef_[0] / 2, fit.coef_[0] / 2])
    inter = fit.intercept_ if len(fit.classes_) > 2 else np.array([-fit.intercept_[0] / 2, fit.intercept_[0] / 2])
    for row, cls in enumerate(fit.classes_):
        weight[int(cls)], bias[int(cls)] = coef[row], inter[row]
    with torch.no_grad():
        model.classifier.weight.copy_(torch.from_numpy(weight))
        model.classifier.bias.copy_(torch.from_numpy(bias))
