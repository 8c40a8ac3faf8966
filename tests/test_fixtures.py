"""The tiny local stand-ins for Hub models really are models: they learn, fast."""
import torch

from trainer_core.loaders import load_sample
from trainer_core.sources import load_classifier, load_tokenizer


def _train_steps(model_dir, steps=30):
    tok = load_tokenizer(str(model_dir))
    model = load_classifier(str(model_dir)).model
    ds = load_sample("imdb_en")["train"]
    texts, labels = ds["text"][:32], torch.tensor(ds["label"][:32])
    batch = tok(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    losses = []
    for _ in range(steps):
        out = model(**batch, labels=labels)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(out.loss.item())
    return losses


def test_tiny_bert_fits_a_batch(tiny_bert_dir):
    losses = _train_steps(tiny_bert_dir)
    assert losses[-1] < losses[0] * 0.5


def test_the_tiny_models_are_tiny(tiny_bert_dir, tiny_roberta_dir):
    """What makes them train in seconds, counted instead of timed: a few tens of thousands of weights."""
    for model_dir in (tiny_bert_dir, tiny_roberta_dir):
        model = load_classifier(str(model_dir)).model
        assert sum(p.numel() for p in model.parameters()) < 150_000, model_dir
        assert model.config.num_hidden_layers <= 2 and model.config.hidden_size <= 64

def test_tiny_roberta_fits_a_batch(tiny_roberta_dir):
    losses = _train_steps(tiny_roberta_dir)
    assert losses[-1] < losses[0] * 0.5


def test_pair_encoding_differs_between_architectures(tiny_bert_dir, tiny_roberta_dir):
    bert = load_tokenizer(str(tiny_bert_dir))("first part", "second part")
    assert bert["token_type_ids"][0] == 0 and bert["token_type_ids"][-1] == 1
    roberta = load_tokenizer(str(tiny_roberta_dir))
    enc = roberta("first part", "second part")
    tokens = roberta.convert_ids_to_tokens(enc["input_ids"])
    assert tokens[0] == "<s>" and tokens.count("</s>") == 3 and "token_type_ids" not in enc
