"""Test harness: offline by construction, with tiny local models built in seconds.

The environment variables must be set before any Hugging Face library is imported,
so they are set at the top of this module, which pytest imports first.
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

_HF_HOME = tempfile.mkdtemp(prefix="fts-hf-home-")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HOME"] = _HF_HOME
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that spin while waiting make torch 20-40x slower when the two cores are
# shared (a served app, a browser and training in one test); passive waiting costs nothing.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.pop("HF_TOKEN", None)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

SHARED_DATA = ROOT.parent / "shared" / "data"

# --- network guard --------------------------------------------------------------
_LOOPBACK_PREFIXES = ("127.", "::1", "0:0:0:0:0:0:0:1", "localhost")
_blocked: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _address_allowed(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = str(address[0])
    return host.startswith(_LOOPBACK_PREFIXES) or host in ("", "0.0.0.0")


def _guarded_connect(self, address):
    if not _address_allowed(address):
        _blocked.append(repr(address))
        raise ConnectionRefusedError(f"tests may not open network connections (to {address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _address_allowed(address):
        _blocked.append(repr(address))
        raise ConnectionRefusedError(f"tests may not open network connections (to {address!r})")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def _no_network():
    """Fail any test that tried to reach a non-loopback address, even if the code swallowed the error."""
    start = len(_blocked)
    yield
    attempts = _blocked[start:]
    if attempts:
        pytest.fail(f"test tried to open network connections: {attempts[:5]}")


# --- data and models ------------------------------------------------------------

def shared_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real data {path} is absent (only present inside the development workplace)")
    return path


def _sample_texts() -> list[str]:
    import json

    texts = []
    for name in ("ynat_ko.jsonl", "imdb_en.jsonl", "mrpc_en.jsonl"):
        for line in (ROOT / "trainer_core" / "samples" / name).read_text("utf-8").splitlines():
            row = json.loads(line)
            texts.extend(str(row[k]) for k in ("title", "text", "sentence1", "sentence2") if k in row)
    return texts


def _build_tiny(arch: str, out_dir: Path, id2label: dict[int, str]) -> Path:
    from trainer_core.scratch import build_classifier

    built = build_classifier(_sample_texts(), id2label, arch=arch, size="tiny",
                             vocab_size=1500 if arch == "bert" else 800, seed=0)
    built.model.save_pretrained(out_dir)
    built.tokenizer.save_pretrained(out_dir)
    return out_dir


def _app_temp_dir(name: str) -> Path:
    """A temporary folder named like the ones the app makes for its own scratch models
    (``fts-*``), so that the Space rule "only the app's own folders" admits the fixtures."""
    import shutil
    import atexit

    folder = Path(tempfile.mkdtemp(prefix=f"fts-fixture-{name}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@pytest.fixture(scope="session")
def tiny_bert_dir() -> Path:
    """A ~30k-parameter BERT + WordPiece tokenizer (returns token_type_ids), saved with save_pretrained."""
    return _build_tiny("bert", _app_temp_dir("tiny-bert"), {0: "neg", 1: "pos"})


@pytest.fixture(scope="session")
def tiny_roberta_dir() -> Path:
    """A tiny RoBERTa + byte-level BPE tokenizer (returns no token_type_ids), saved with save_pretrained."""
    return _build_tiny("roberta", _app_temp_dir("tiny-roberta"), {0: "neg", 1: "pos"})


@pytest.fixture(scope="session")
def builtin_model_dir() -> Path:
    from trainer_core.sources import builtin_model_path

    return builtin_model_path()


@pytest.fixture(scope="module")
def running_app():
    """The app served in-process on a free port, once per test module."""
    import app
    from ui.i18n import I18N

    demo = app.build_demo(online=False)
    demo.queue(max_size=app.QUEUE_MAX_SIZE)
    demo.launch(prevent_thread_lock=True, quiet=True, i18n=I18N, max_file_size=app.MAX_FILE_SIZE)
    yield demo
    demo.close()
