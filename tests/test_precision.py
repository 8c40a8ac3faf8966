"""bf16 serving: the oneDNN weight packing is exact, and it steps aside whenever it cannot be."""
import copy

import pytest
import torch

from tests.fixtures_classify import spread_bert_dir  # noqa: F401
from trainer_core import precision
from trainer_core.inference import Predictor

TEXTS = ["a wonderful, moving film", "dull", "The plot made no sense at all and the acting was wooden."]


def _linears(model):
    return [m for m in model.modules() if type(m) is torch.nn.Linear]


def _bf16_copy(predictor):
    return copy.deepcopy(predictor.model).to(torch.bfloat16)


def _onednn_runs_bf16_linears() -> str | None:
    """Why oneDNN cannot run a packed bf16 linear on this CPU, or None when it can."""
    linear = torch.nn.Linear(8, 4).to(torch.bfloat16)
    try:
        with torch.inference_mode():
            precision._packed_linear_class()(linear)(torch.ones(1, 8, dtype=torch.bfloat16))
    except RuntimeError as exc:
        return str(exc).splitlines()[0][:200]
    return None


def test_packed_bf16_model_gives_exactly_the_plain_bf16_numbers(spread_bert_dir, monkeypatch):
    """Exactness is a property of the oneDNN ops, not of the CPU's speed: where the ops run at all
    (native bf16, or AVX-512 that oneDNN emulates bf16 on) packing is forced on and checked, so
    it is verified even on machines where serving would not pack. An AVX2-only CPU refuses the ops."""
    why_not = _onednn_runs_bf16_linears()
    if why_not is not None:
        pytest.skip(f"oneDNN cannot run bf16 linears on this CPU, so packing exactness cannot be checked: {why_not}")
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    exact = Predictor.load(spread_bert_dir, precision="fp32")
    plain, packed = _bf16_copy(exact), _bf16_copy(exact)
    count = precision.pack_linears(packed)
    assert count == len(_linears(plain)) > 0 and _linears(packed) == []
    # Parameters stay parameters: counts and state_dict keys are those of the plain model.
    assert sum(p.numel() for p in packed.parameters()) == sum(p.numel() for p in plain.parameters())
    assert packed.state_dict().keys() == plain.state_dict().keys()
    enc = exact.tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.inference_mode():
        assert torch.equal(packed(**enc).logits, plain(**enc).logits)


def test_packing_steps_aside_when_the_packed_layer_disagrees(spread_bert_dir, monkeypatch):
    exact = Predictor.load(spread_bert_dir, precision="fp32")
    model = _bf16_copy(exact)
    before = _linears(model)

    class Wrong(torch.nn.Module):
        def __init__(self, linear):
            super().__init__()
            self.linear = linear

        def forward(self, x):
            return self.linear(x) + 1

    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    monkeypatch.setattr(precision, "_packed_linear_class", lambda: Wrong)
    assert precision.pack_linears(model) == 0
    assert _linears(model) == before  # every layer is still the original one


def test_packing_leaves_fp32_models_and_cpus_without_bf16_alone(spread_bert_dir, monkeypatch):
    exact = Predictor.load(spread_bert_dir, precision="fp32")
    fp32 = copy.deepcopy(exact.model)
    assert precision.pack_linears(fp32) == 0 and len(_linears(fp32)) == len(_linears(exact.model))
    monkeypatch.setattr(precision, "native_bf16", lambda: False)
    bf16 = _bf16_copy(exact)
    assert precision.pack_linears(bf16) == 0 and len(_linears(bf16)) == len(_linears(exact.model))


@pytest.mark.parametrize("asked", ["bf16", "fp32"])
def test_to_precision_sets_every_weight(spread_bert_dir, asked):
    exact = Predictor.load(spread_bert_dir, precision="fp32")
    model = precision.to_precision(copy.deepcopy(exact.model), asked)
    want = torch.bfloat16 if asked == "bf16" else torch.float32
    assert {p.dtype for p in model.parameters()} == {want}
