"""One training job at a time per process, running in a background thread.

Training uses every core, so two at once would only make both slow; a second
request gets a clear "busy" naming who holds the lock. A job outlives the page
that started it: events are stored on the job (append-only), and the same owner
re-attaches after a reload with :meth:`JobManager.for_owner`. The lock is released
in ``finally`` when the thread ends, whatever happened.
"""
from __future__ import annotations

import itertools
import threading
import time

from .errors import BusyError
from .events import TrainEvent

_ids = itertools.count(1)


class Job:
    def __init__(self, config, owner: str, prepared=None, on_event=None):
        self.id = f"job-{next(_ids)}-{int(time.time())}"
        self.owner = owner
        self.config = config
        self.prepared = prepared
        self.state = "running"
        self.events: list[TrainEvent] = []
        self.result = None
        self.started = time.time()
        self._on_event = on_event
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    # --- what the UI reads ----------------------------------------------------------
    @property
    def run_dir(self):
        return self.result.run_dir if self.result is not None else None

    @property
    def done(self) -> bool:
        return self.state != "running"

    def wait_events(self, since: int = 0, timeout: float = 1.0) -> list[TrainEvent]:
        """Events after index ``since``; waits up to ``timeout`` s for new ones unless the job has ended."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) > since or self.done, timeout=timeout)
            return list(self.events[since:])

    def stop(self) -> None:
        """Ask the backend to stop after the current step; it still saves the model trained so far."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done

    # --- the worker -------------------------------------------------------------------
    def _record(self, event: TrainEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()
        if self._on_event is not None:
            self._on_event(event)

    def _run(self, release) -> None:
        from .engine import RunResult, run_training

        try:
            self.result = run_training(self.config, on_event=self._record, stop=self._stop, prepared=self.prepared,
                                       owner=self.owner)
        except BaseException as exc:  # noqa: BLE001 - run_training reports its own failures; this is a last resort
            self.result = RunResult(None, "failed", {"status": "failed", "error": f"{type(exc).__name__}: {exc}"})
        finally:
            self.prepared = None  # do not keep the data set alive with the finished job
            with self._changed:
                self.state = self.result.status if self.result is not None else "failed"
                self._changed.notify_all()
            release(self)


class JobManager:
    def __init__(self):
        self._lock = threading.Lock()
        self._current: Job | None = None
        self._by_owner: dict[str, Job] = {}  # the latest job of each owner, for re-attaching

    def start(self, config, owner: str, prepared=None, on_event=None) -> Job:
        """Start ``config`` in a background thread, or raise :class:`BusyError` if a job is running."""
        owner = str(owner or "anonymous")
        with self._lock:
            if self._current is not None:
                raise BusyError("err.busy")  # never name the owner: its id can stop the job
            job = Job(config, owner, prepared=prepared, on_event=on_event)
            self._current = job
            self._by_owner[owner] = job
        thread = threading.Thread(target=job._run, args=(self._release,), name=f"train-{job.id}", daemon=True)
        job._thread = thread
        try:
            thread.start()
        except BaseException:
            self._release(job)
            raise
        return job

    def _release(self, job: Job) -> None:
        with self._lock:
            if self._current is job:
                self._current = None

    def current(self) -> Job | None:
        with self._lock:
            return self._current

    def for_owner(self, owner: str) -> Job | None:
        with self._lock:
            return self._by_owner.get(str(owner))

    def busy(self) -> bool:
        return self.current() is not None


JOBS = JobManager()
