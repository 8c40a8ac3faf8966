"""Running on a shared Hugging Face Space: the step cap and whose token may be used.

A Space is visited by many people at once on 2 shared vCPUs, so training runs one job
at a time (trainer_core.jobs) and each run is capped in steps. The owner's ``HF_TOKEN``
secret is never lent to visitors: on a Space only the visitor's own OAuth token
(``gr.LoginButton``) can push; locally, ``HF_TOKEN`` is the user's own token.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

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
