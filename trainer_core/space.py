"""Running on a shared Hugging Face Space: the step cap, whose token may be used, and what a visitor may name.

A Space is visited by many people at once on 2 shared vCPUs, so training runs one job
at a time (trainer_core.jobs) and each run is capped in steps. The owner's ``HF_TOKEN``
secret is never lent to visitors: on a Space only the visitor's own OAuth token
(``gr.LoginButton``) can push; locally, ``HF_TOKEN`` is the user's own token.

:func:`visitor_may_name` is the one rule for every data set id, model, tokenizer and run
a visitor types or picks: a Hub id is read from the Hub only, a run only by who made it,
and a refusal never tells whether something exists.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

# ~0.15 s per MiniLM step on 2 cores (STACK-NOTES): 300 steps is about a minute of a shared CPU.
DEFAULT_SPACE_MAX_STEPS = 300


def on_space() -> bool:
    """True inside a Hugging Face Space (the platform sets SPACE_ID)."""
    return bool(os.environ.get("SPACE_ID", "").strip())


def oauth_enabled() -> bool:
    """True when "Sign in with Hugging Face" can work: a Space with ``hf_oauth: true`` in its README.

    The platform then sets SYSTEM=spaces and the OAUTH_* variables. Anywhere else Gradio's
    LoginButton would need a locally saved token (or fail at start-up), so it is not shown.
    """
    return (os.environ.get("SYSTEM") == "spaces" and on_space()
            and bool(os.environ.get("OAUTH_CLIENT_ID")) and bool(os.environ.get("OAUTH_CLIENT_SECRET")))


@dataclass(frozen=True)
class SpaceLimits:
    on_space: bool
    max_steps: int | None  # None = no cap


def space_limits() -> SpaceLimits:
    """The limits in force here. ``FTS_SPACE_MAX_STEPS`` changes the cap (0 or less: no cap)."""
    if not on_space():
        return SpaceLimits(on_space=False, max_steps=None)
    raw = os.environ.get("FTS_SPACE_MAX_STEPS", "").strip()
    try:
        cap = int(raw) if raw else DEFAULT_SPACE_MAX_STEPS
    except ValueError:
        cap = DEFAULT_SPACE_MAX_STEPS
    return SpaceLimits(on_space=True, max_steps=cap if cap > 0 else None)


def cap_max_steps(max_steps: int, planned_steps: int) -> tuple[int, bool]:
    """The ``max_steps`` to train with, and whether the Space cap shortened the run.

    ``max_steps`` is the config's value (-1 = follow epochs); ``planned_steps`` is what the
    epochs would give. Off a Space the config is returned unchanged.
    """
    cap = space_limits().max_steps
    wanted = max_steps if max_steps and max_steps > 0 else planned_steps
    if cap is None or wanted <= cap:
        return max_steps, False
    return cap, True


def push_token(oauth_token: str | None) -> tuple[str | None, str]:
    """(token, where it came from: 'oauth' | 'env' | '') for pushing a run to the Hub."""
    if oauth_token:
        return oauth_token, "oauth"
    if on_space():
        return None, ""  # the Space owner's secret must never publish a visitor's run
    env = os.environ.get("HF_TOKEN", "").strip()
    return (env, "env") if env else (None, "")


def push_availability() -> tuple[str, bool]:
    """(i18n key explaining the push panel's state, whether the push button is enabled)."""
    from .sources import hub_reachable

    if not hub_reachable():
        return "cls.push_offline", False
    if on_space():
        if not oauth_enabled():
            return "cls.push_no_oauth", False  # the owner's token is never used for visitors
        return "cls.push_login", True  # enabled; the handler refuses politely until the visitor signs in
    if os.environ.get("HF_TOKEN", "").strip():
        return "cls.push_env_token", True
    return "cls.push_no_token", False


# --- what a visitor may name ------------------------------------------------------------

BUILTIN_NAMES = frozenset({"default", "builtin", "minilm", "scratch", "roberta-style", "roberta", "multilingual"})


@dataclass(frozen=True)
class Visitor:
    """Who asks, as the server knows it. ``runs``: the run folders this session trained or opened
    (kept in server-side ``gr.State``, which no request can set). ``owner``: the browser's secret id
    from the Train tab; a run records only its hash (``owner_tag``)."""

    runs: frozenset = frozenset()
    owner: str | None = None

    @classmethod
    def of(cls, session_runs=None, owner=None) -> "Visitor":
        from .model_picker import session_run_dirs

        return cls(frozenset(_resolved(p) for p in session_run_dirs(session_runs)), str(owner) if owner else None)


def _resolved(path) -> str:
    try:
        return str(Path(path).expanduser().resolve())
    except (OSError, RuntimeError, ValueError):
        return ""


def owns_run(run_dir, visitor: Visitor | None) -> bool:
    """True for a folder directly in the runs folder that this visitor trained or opened in this
    session, or whose results.json records this visitor's owner tag."""
    from .runs import owner_tag, runs_root

    path = _resolved(run_dir)
    if visitor is None or not path or Path(path).parent != Path(_resolved(runs_root())):
        return False
    if path in visitor.runs:
        return True
    if not visitor.owner:
        return False
    try:
        results = json.loads(Path(path, "results.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(results, dict) and results.get("owner_tag") == owner_tag(visitor.owner)


def hub_only(kind: str, ref: str) -> None:
    """A Hub id is read from the Hub only. A name that is also something on disk here (``runs``,
    ``trainer_core``, ``runs/<name>``) or a packaged builder (``json``) gets exactly the answer a
    Hub id the Hub does not have gets, so the answer never tells what is on the server."""
    from .errors import HubUnreachableError, StudioError
    from .sources import hub_reachable

    try:
        on_disk = os.path.lexists(ref)
    except (OSError, ValueError):
        on_disk = True
    if kind == "dataset":
        # load_dataset's packaged builders (json, csv, ...) given no data files read whatever
        # matches in the server's working directory: never a Hub id.
        from datasets.packaged_modules import _PACKAGED_DATASETS_MODULES

        if on_disk or ref.lower() in _PACKAGED_DATASETS_MODULES:
            raise StudioError("err.dataset_hub_missing", ref=ref)
    elif on_disk:
        if not hub_reachable():
            raise HubUnreachableError("err.hub_unreachable", ref=ref)
        raise StudioError("err.hub_not_found", ref=ref)


def visitor_may_name(kind: str, ref, visitor: Visitor | None = None) -> str:
    """The one rule for what a visitor may name; returns the name (stripped) or raises.

    ``kind`` is 'dataset' (a Hub data set id, checked everywhere: see :func:`hub_only`),
    'model' (a model or tokenizer) or 'run' (a run to push or compare). On a shared Space a
    model is a built-in name, a Hub id (from the Hub only) or one of the visitor's own runs
    (:func:`owns_run`); a run must be the visitor's own. Every other folder, another visitor's
    run and a folder that does not exist get the same ``err.model_local_disabled``.
    """
    from .errors import StudioError
    from .sources import _looks_like_path, on_shared_space

    given = "" if ref is None else str(ref).strip()
    if kind == "dataset":
        hub_only(kind, given)
        return given
    if not on_shared_space() or (kind == "model" and (not given or given.lower() in BUILTIN_NAMES)):
        return given
    if kind == "model" and not _looks_like_path(given):
        return given  # a Hub id: sources.resolve_model_ref reads it from the Hub only (hub_only)
    if not owns_run(given, visitor):
        raise StudioError("err.model_local_disabled", ref=given)
    return given
