"""A line for people who ask to train while another job runs (one job at a time per process).

``try_start`` starts the job when the lock is free and nobody is ahead in line, else it
puts the seat in line and returns its place. A seat is who waits: the UI passes the
visitor's session, so one session holds one place whatever owner ids it sends; it
defaults to the owner. A waiting page polls ``try_start``
every couple of seconds; a page that stopped polling (closed tab, lost connection) drops
out of line after ``ttl`` seconds, so a vanished visitor never blocks the others.
The job lock itself stays in :mod:`trainer_core.jobs`; this lock only guards the list
and is held for microseconds.
"""
from __future__ import annotations

import threading
import time

from .errors import BusyError
from .jobs import JOBS, JobManager


class Waitlist:
    def __init__(self, jobs: JobManager = JOBS, ttl: float = 15.0):
        self.jobs = jobs
        self.ttl = ttl
        self._lock = threading.Lock()
        self._line: dict[str, float] = {}  # seat -> last poll time, in arrival order
        self._left: dict[str, float] = {}  # seat -> when it asked to leave (its waiting page stops)

    def _expire(self, now: float) -> None:
        for owner in [o for o, seen in self._line.items() if now - seen > self.ttl]:
            del self._line[owner]
        for owner in [o for o, when in self._left.items() if now - when > 4 * self.ttl]:
            del self._left[owner]

    def _place(self, owner: str) -> int:
        return list(self._line).index(owner) + 1 if owner in self._line else 0

    def place(self, owner: str) -> int:
        """1 = next in line; 0 = not waiting."""
        with self._lock:
            self._expire(time.monotonic())
            return self._place(str(owner))

    def waiting(self) -> int:
        with self._lock:
            self._expire(time.monotonic())
            return len(self._line)

    def join(self, owner: str) -> int:
        """Take (or keep) a place in line without trying to start; returns the place."""
        with self._lock:
            self._expire(time.monotonic())
            self._line[str(owner)] = time.monotonic()
            return self._place(str(owner))

    def leave(self, owner: str) -> bool:
        """Step out of line; True if the owner was waiting. A page still polling sees it via ``left_since``."""
        with self._lock:
            was = self._line.pop(str(owner), None) is not None
            if was:
                self._left[str(owner)] = time.monotonic()
            return was

    def left_since(self, owner: str, since: float) -> bool:
        """Whether the owner asked to leave the line after ``since`` (a ``time.monotonic()`` value)."""
        with self._lock:
            return self._left.get(str(owner), float("-inf")) >= since

    def try_start(self, config, owner: str, prepared=None, seat: str | None = None):
        """A started :class:`~trainer_core.jobs.Job` of ``owner``, or the seat's place in line (an int >= 1)."""
        owner = str(owner)
        seat = str(seat or owner)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            order = list(self._line)
            ahead = order[:order.index(seat)] if seat in self._line else order
            if not ahead and not self.jobs.busy():
                try:
                    job = self.jobs.start(config, owner=owner, prepared=prepared)
                except BusyError:
                    pass  # someone outside the line (CLI, API) took the lock first
                else:
                    self._line.pop(seat, None)
                    return job
            self._line[seat] = now  # joins at the end, or keeps its place and refreshes it
            return self._place(seat)


WAITLIST = Waitlist()
