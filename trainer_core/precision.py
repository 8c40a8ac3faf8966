"""Which number format the Classify predictor holds its weights in, and making bf16 fast on CPU.

On a CPU with AMX tiles (Intel Sapphire Rapids and later: these machines and many cloud
hosts) bfloat16 matmuls run about 4x faster than float32 (bench/bench_inference.py
measures 1,440 vs 366 GFLOP/s here), so ``"auto"`` serves in bf16 there and in fp32
elsewhere. bf16 keeps 8 bits of mantissa: on trained MiniLM runs probabilities moved by
at most 0.006 and the top label agreed on 99-100% of texts (the bench records both).
``"fp32"`` gives exactly the numbers that training and evaluation saw.
"""
from __future__ import annotations

import os

from .errors import StudioError

PRECISIONS = ("auto", "fp32", "bf16")
PRECISION_ENV = "FTS_INFER_PRECISION"  # a host's default for 'auto' requests (e.g. fp32 on a Space)


def native_bf16() -> bool:
    """True when this CPU has AMX tiles, where bf16 matmuls beat fp32 (measured ~4x here).

    AVX512-BF16 alone is not counted: it has not been measured on these machines, and
    bf16 emulated without it is slower than fp32.
    """
    import torch

    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    try:
        return bool(probe and probe() and torch.backends.mkldnn.is_available())
    except RuntimeError:
        return False


def resolve_precision(precision: str | None = None) -> str:
    """'fp32' or 'bf16' for a requested precision (None or 'auto' -> the host's default)."""
    asked = found = str(precision or "auto").strip().lower()
    if asked == "auto":
        asked = os.environ.get(PRECISION_ENV, "auto").strip().lower() or "auto"
        found = f"{PRECISION_ENV}={asked}"  # the error names the setting the bad value came from
    if asked not in PRECISIONS:
        raise StudioError("cls.err_precision", found=found, choices=", ".join(PRECISIONS))
    if asked == "auto":
        return "bf16" if native_bf16() else "fp32"
    return asked


def _packed_linear_class():
    import torch

    class PackedLinear(torch.nn.Module):
        """A bf16 ``nn.Linear`` whose weight is reordered once into oneDNN's AMX layout.

        A plain bf16 linear reorders its weight on every call; for one short text that
        reorder is about half the layer's time (95 -> 50 us for MiniLM's 384x1536 layer).
        The original weight stays a parameter, so counts and ``state_dict`` are unchanged.
        """

        def __init__(self, linear: torch.nn.Linear):
            super().__init__()
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.weight, self.bias = linear.weight, linear.bias
            self.register_buffer("packed", torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach()),
                                 persistent=False)

        def forward(self, x):
            return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")

    return PackedLinear


def pack_linears(model) -> int:
    """Swap every bf16 linear of an eval-mode model for a pre-packed one; returns how many.

    Uses oneDNN ops that torch's own compiler relies on but that are not public API, so
    each layer is checked against the plain linear on a probe input and the model is
    left as it was if anything differs or fails (then it is simply ~15% slower).
    """
    import torch

    if not native_bf16():
        return 0
    packed_cls = _packed_linear_class()
    linears = [(parent, name, child) for parent in model.modules() for name, child in parent.named_children()
               if type(child) is torch.nn.Linear and child.weight.dtype == torch.bfloat16]
    swaps = []
    try:
        with torch.inference_mode():
            for parent, name, child in linears:
                packed = packed_cls(child)  # a torch without these ops fails here: stay plain
                probe = torch.randn(2, 3, child.in_features, dtype=torch.bfloat16)
                if not torch.equal(packed(probe), child(probe)):
                    return 0
                swaps.append((parent, name, packed))
    except Exception:  # noqa: BLE001 - fall back to the plain bf16 model, which is correct
        return 0
    for parent, name, packed in swaps:  # only once every layer passed: all packed or none
        setattr(parent, name, packed)
    return len(swaps)


def to_precision(model, precision: str):
    """Put an eval-mode model's weights in ``precision`` ('fp32' or 'bf16'), in place; returns it."""
    import torch

    if precision == "bf16":
        model.to(torch.bfloat16)  # half the memory, and AMX kernels for every matmul
        pack_linears(model)  # weights laid out for AMX once, not on every call
    return model
