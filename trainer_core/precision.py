"""Which number format the Classify predictor holds its weights in, and making bf16 fast on CPU.

On a CPU with bf16 matmul instructions, bfloat16 matmuls run 2-4x faster than float32,
so ``"auto"`` serves in bf16 there and in fp32 elsewhere. Measured by
bench/bench_inference.py (1024x1024 matmul, 2 cores): AMX tiles (Intel Sapphire Rapids
and later) 1,418 vs 363 GFLOP/s; AVX512-BF16 without AMX (AMD EPYC Zen 4) 428 vs 184.
bf16 keeps 8 bits of mantissa: on trained MiniLM runs probabilities moved by at most
0.006 and the top label agreed on 99-100% of texts (the bench records both).
``"fp32"`` gives exactly the numbers that training and evaluation saw.
"""
from __future__ import annotations

import os

from .errors import StudioError

PRECISIONS = ("auto", "fp32", "bf16")
PRECISION_ENV = "FTS_INFER_PRECISION"  # a host's default for 'auto' requests (e.g. fp32 on a Space)


def bf16_isa() -> str | None:
    """The instructions that make bf16 matmuls fast on this CPU: 'amx', 'avx512_bf16' or None.

    Without either, bf16 is emulated and slower than fp32. oneDNN (behind torch's bf16
    matmuls and the packed linears below) is needed too.
    """
    import torch

    def has(probe_name: str) -> bool:
        probe = getattr(torch.cpu, probe_name, None)
        try:
            return bool(probe and probe())
        except RuntimeError:
            return False

    if not torch.backends.mkldnn.is_available():
        return None
    if has("_is_amx_tile_supported"):
        return "amx"
    if has("_is_avx512_bf16_supported"):
        return "avx512_bf16"
    return None


def native_bf16() -> bool:
    """True when bf16 matmuls beat fp32 on this CPU (AMX ~4x, AVX512-BF16 ~2x, measured here)."""
    return bf16_isa() is not None


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
        """A bf16 ``nn.Linear`` whose weight is reordered once into oneDNN's blocked layout.

        A plain bf16 linear reorders its weight on every call; for one short text that
        reorder is a large part of the layer's time (MiniLM's 384x1536 layer, 25 tokens:
        95 -> 50 us with AMX, 114 -> 86 us with AVX512-BF16).
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
        model.to(torch.bfloat16)  # half the memory, and bf16 kernels (AMX or AVX512-BF16) for every matmul
        pack_linears(model)  # weights laid out for those kernels once, not on every call
    return model
