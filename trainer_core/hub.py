"""Push a run directory to the Hugging Face Hub (``create_repo`` then ``upload_folder``).

The token is a parameter of each call: it is never stored, logged, put in an error
message or written into the run. The endpoint comes from ``HF_ENDPOINT`` at call
time (not at import), so tests can point it at a stand-in server on 127.0.0.1.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import HubUnreachableError, StudioError
from .sources import hub_endpoint, hub_reachable, offline_forced

log = logging.getLogger("fine_tune_studio.hub")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
# Training leftovers that do not belong in a model repository.
IGNORE_PATTERNS = ["checkpoint-*", "checkpoint-*/**", "**/checkpoint-*/**", "*.lock", "*.tmp", ".cache/**",
                   "**/.cache/**", "runs/**", "events.out.tfevents.*"]
_SCAN_LIMIT = 20 * 2**20  # text files larger than this are not scanned for a pasted token


@dataclass(frozen=True)
class PushResult:
    repo_id: str
    url: str
    commit_url: str
    private: bool
    files: list[str]


def check_repo_id(repo_id: str) -> str:
    """'name' or 'owner/name' with the Hub's allowed characters, or a StudioError saying what to type."""
    repo_id = (repo_id or "").strip()
    parts = repo_id.split("/")
    if not repo_id or len(parts) > 2 or not all(_NAME.match(p) and not p.endswith((".", "-")) for p in parts) \
            or ".." in repo_id:
        raise StudioError("hub.err_repo_name", repo=repo_id or "-")
    return repo_id


def _check_run_dir(run_dir: str | Path) -> Path:
    folder = Path(str(run_dir or "")).expanduser()
    if not str(run_dir or "").strip() or not folder.is_dir():
        raise StudioError("hub.err_not_run", path=str(run_dir or "-"))
    names = {p.name for p in folder.iterdir()}
    if "config.json" not in names or not any(n.endswith(".safetensors") for n in names):
        raise StudioError("hub.err_not_run", path=str(folder))
    return folder.resolve()


def _files_to_upload(folder: Path) -> list[str]:
    from fnmatch import fnmatch

    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith(".") and not any(fnmatch(rel, pat) for pat in IGNORE_PATTERNS):
            out.append(rel)
    return out


def _refuse_token_in_files(folder: Path, files: list[str], token: str) -> None:
    """Belt and braces: a token pasted into a config or notes file must not be published."""
    needle = token.encode()
    for rel in files:
        path = folder / rel
        if path.suffix == ".safetensors" or path.stat().st_size > _SCAN_LIMIT:
            continue
        if needle in path.read_bytes():
            raise StudioError("hub.err_token_in_file", file=rel)


def _scrub(text: str, token: str) -> str:
    return text.replace(token, "hf_***") if token else text


def push_run(run_dir: str | Path, repo_id: str, token: str | None, private: bool = True,
             commit_message: str | None = None, visitor=None) -> PushResult:
    """Create (or reuse) a model repository and upload the run folder into it.

    On a shared Space the run must be ``visitor``'s own (:func:`trainer_core.space.visitor_may_name`).
    """
    from .space import visitor_may_name

    if not token or not str(token).strip():
        raise StudioError("hub.err_no_token")
    token = str(token).strip()
    if str(run_dir or "").strip():
        run_dir = visitor_may_name("run", run_dir, visitor)
    folder = _check_run_dir(run_dir)
    repo_id = check_repo_id(repo_id)
    if not (folder / "README.md").is_file():
        raise StudioError("hub.err_no_card", path=str(folder))
    endpoint = hub_endpoint()
    if offline_forced() or not hub_reachable(refresh=True):
        raise HubUnreachableError("hub.err_unreachable", endpoint=endpoint)
    files = _files_to_upload(folder)
    _refuse_token_in_files(folder, files, token)

    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    api = HfApi(endpoint=endpoint, library_name="fine-tune-studio")
    try:
        if "/" not in repo_id:
            repo_id = f"{api.whoami(token=token)['name']}/{repo_id}"
        url = api.create_repo(repo_id, private=private, exist_ok=True, token=token, repo_type="model")
        commit = api.upload_folder(folder_path=str(folder), repo_id=url.repo_id, repo_type="model", token=token,
                                   ignore_patterns=list(IGNORE_PATTERNS),
                                   commit_message=commit_message or f"Upload {folder.name} from Fine-Tune Studio")
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status == 401:
            raise StudioError("hub.err_auth") from None
        if status == 403:
            raise StudioError("hub.err_forbidden", repo=repo_id) from None
        detail = _scrub(str(exc).splitlines()[0][:300], token)
        raise StudioError("hub.err_push_failed", repo=repo_id, detail=detail) from None
    except OfflineModeIsEnabled:
        raise HubUnreachableError("hub.err_unreachable", endpoint=endpoint) from None
    except ValueError as exc:  # the Hub rejected the model card's front matter
        if "README.md" not in str(exc):
            raise
        detail = _scrub(" ".join(str(exc).split())[:300], token)
        raise StudioError("hub.err_card_invalid", detail=detail) from None
    except OSError as exc:  # connection refused/reset, DNS: the Hub went away mid-push
        detail = _scrub(f"{type(exc).__name__}: {exc}"[:300], token)
        raise StudioError("hub.err_push_failed", repo=repo_id, detail=detail) from None
    except Exception as exc:  # noqa: BLE001 - httpx errors are not OSErrors; never let the token reach a traceback
        if type(exc).__module__.startswith(("httpx", "httpcore")):
            detail = _scrub(f"{type(exc).__name__}: {exc}"[:300], token)
            raise StudioError("hub.err_push_failed", repo=repo_id, detail=detail) from None
        raise
    log.info("pushed %s to %s (%d files, private=%s)", folder.name, url.repo_id, len(files), private)
    return PushResult(repo_id=url.repo_id, url=str(url), commit_url=str(getattr(commit, "commit_url", "") or ""),
                      private=private, files=files)
