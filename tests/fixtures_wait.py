"""Waiting for an event (a training step, a served page, a status text) instead of racing the clock.

Tests never assert how long something took: a busy machine is slow and a fast one is fast,
and both must pass. What they need is to wait until something has happened, then act.
``wait_until`` polls a condition; its ``give_up_after`` is only a hang guard, generous on
purpose (minutes), so that a broken app fails the test instead of stalling the suite. It
is the one place in ``tests/`` that reads a clock.
"""
from __future__ import annotations

import time

import pytest

HANG_GUARD_S = 300.0


def wait_until(condition, what: str, give_up_after: float = HANG_GUARD_S, poll: float = 0.05, sleep=None,
               on_give_up=None):
    """Return the first truthy value of ``condition()``; fail the test if it never comes.

    ``sleep(seconds)`` replaces ``time.sleep`` between polls (a browser page's own wait, say);
    ``on_give_up()`` runs before failing (a screenshot, a dump of the job's last messages).
    """
    deadline = time.monotonic() + give_up_after
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = on_give_up() if on_give_up is not None else None
            pytest.fail(f"{what} never happened (hang guard of {give_up_after:.0f} s, not a speed check)"
                        + (f": {detail}" if detail else ""))
        (sleep or time.sleep)(poll)
