"""The project's own exceptions: a translation key plus the values it names.

``str(err)`` is the English message (what the CLI and logs show); ``ui/`` calls
``err.render(lang)`` to show it in the user's language. They subclass
``ValueError`` so callers that only know the standard library still catch them.
"""
from __future__ import annotations

from .i18n import t


MAX_PARAM_CHARS = 200


def _short(value):
    """Echo at most a line's worth of what the user sent: a 1 MB name makes no message."""
    if isinstance(value, str) and len(value) > MAX_PARAM_CHARS:
        return value[:MAX_PARAM_CHARS] + f"… ({len(value):,} characters)"
    return value


class StudioError(ValueError):
    """A problem with the user's input or environment, with a message that says how to fix it."""

    def __init__(self, key: str, **params):
        self.key = key
        params = {name: _short(value) for name, value in params.items()}
        self.params = params
        super().__init__(t(key, "en", **params))

    def render(self, lang: str | None = "en") -> str:
        return t(self.key, lang, **self.params)


class HubUnreachableError(StudioError):
    """A Hub id was asked for while the Hub cannot be reached."""


class BusyError(StudioError):
    """Another training job holds the process-wide job lock."""


class StudioWarning(UserWarning):
    """A warning for the user (not an error): key + params, rendered like StudioError."""

    def __init__(self, key: str, **params):
        self.key = key
        self.params = {name: _short(value) for name, value in params.items()}
        super().__init__(t(key, "en", **self.params))

    def render(self, lang: str | None = "en") -> str:
        return t(self.key, lang, **self.params)
