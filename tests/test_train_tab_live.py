"""Train tab while a job runs: streaming, stop, re-attach, a second user in line, and the waiting list itself."""
from pathlib import Path

import gradio as gr
import pytest

from tests.fixtures_train_tab import free_jobs, tiny_form  # noqa: F401
from trainer_core.errors import BusyError
from trainer_core.waitlist import Waitlist
from ui import train_handlers as h

LONG_RUN = 100_000  # steps no machine gets through before the test's Stop: the stop, not the end, ends it
STATUS, PROGRESS, LOSS, EVALS, LOG, RUN_STATE, SESSION_RUNS, OWNER, ESTIMATE, FOLLOWING = range(len(h.STREAM))


def _value(frame, index):
    value = frame[index]
    return None if isinstance(value, dict) and value == gr.skip() else value


def _launch(owner, form, twin=False, lang="en"):
    return h.launch(owner, "form", None, {}, twin, *form, None, lang)  # None: no gr.Request outside a server


@pytest.fixture
def fast_poll(monkeypatch):
    monkeypatch.setattr(h, "WAIT_SECONDS", 0.05)


def test_a_run_streams_progress_and_curves_then_stops_on_request(tiny_bert_dir, tmp_path, monkeypatch, free_jobs):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    form = tiny_form(tiny_bert_dir, max_steps=LONG_RUN, eval_every=20)
    frames, stopped_at = [], None
    for frame in _launch("owner-a", form):
        frames.append(frame)
        bar = _value(frame, PROGRESS)
        if stopped_at is None and bar and 'data-step="0"' not in bar and _value(frame, LOSS) is not None \
                and len(_value(frame, LOSS).dropna()) >= 2:
            assert h.stop("owner-a", None, "en") == "Stopping after the current step; the model trained so far will be saved."
            stopped_at = bar
    assert stopped_at is not None, "the run never showed progress"
    assert _value(frames[0], OWNER) == "owner-a" and "Estimate before launch" in _value(frames[0], ESTIMATE)
    final = frames[-1]
    run_dir = Path(_value(final, RUN_STATE)[0])
    assert _value(final, SESSION_RUNS) == {run_dir.name: str(run_dir)}
    assert "Stopped" in _value(final, STATUS) and (run_dir / "model.safetensors").is_file()
    import json

    results = json.loads((run_dir / "results.json").read_text("utf-8"))
    assert results["status"] == "stopped" and 0 < results["global_step"] < LONG_RUN
    last_live = [f for f in frames if _value(f, PROGRESS)][-1]
    assert 'data-state="stopped"' in _value(last_live, PROGRESS)
    assert "trainer · train loss" in set(_value(last_live, LOSS).dropna()["series"])
    assert "Training tiny" not in _value(last_live, LOG) and _value(last_live, LOG).strip()
    assert h.stop("owner-a", None, "en") == "You have no running job to stop."


def test_a_second_user_waits_in_line_and_the_first_run_is_not_disturbed(tiny_bert_dir, tmp_path, monkeypatch,
                                                                      free_jobs, fast_poll):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    first = _launch("owner-a", tiny_form(tiny_bert_dir, max_steps=3000))
    for frame in first:  # until A's job is really training
        if _value(frame, PROGRESS) and 'data-step="0"' not in _value(frame, PROGRESS):
            break
    job_a = free_jobs.current()
    assert job_a.owner == "owner-a"
    second = _launch("owner-b", tiny_form(tiny_bert_dir, max_steps=5), lang="ko")
    statuses = []
    for frame in second:
        status = _value(frame, STATUS)
        if status:
            statuses.append(status)
        if status and "대기 순서는 1번째" in status:
            break
    assert any("다른 학습이 진행 중" in s for s in statuses)
    assert free_jobs.current() is job_a and not job_a.stop_requested
    # B leaves the line with Stop; its page stops waiting, A goes on.
    assert h.stop("owner-b", None, "ko") == "대기에서 빠졌습니다. 아무것도 시작하지 않았습니다."
    rest = list(second)
    assert "대기에서 빠졌습니다" in _value(rest[-1], STATUS) and free_jobs.current() is job_a
    first.close()  # A's browser goes away: the job must go on and still release the lock
    assert free_jobs.current() is job_a and job_a.state == "running"
    job_a.stop()
    job_a.join(60)
    assert job_a.state == "stopped" and not free_jobs.busy()


def test_a_reloaded_page_reattaches_to_its_running_job(tiny_bert_dir, tmp_path, monkeypatch, free_jobs):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    gen = _launch("owner-a", tiny_form(tiny_bert_dir, max_steps=3000))
    for frame in gen:
        if _value(frame, PROGRESS) and 'data-step="0"' not in _value(frame, PROGRESS):
            break
    # The launching page's own owner change (its first launch made the id) is not a reload: no "found again".
    assert all(_value(frame, i) is None for frame in h.attach("owner-a", "owner-a", {}, "en")
               for i in range(len(h.STREAM)))
    gen.close()  # the page is reloaded: its stream ends

    attached = h.attach("owner-a", None, {}, "en")
    first = next(attached)
    assert _value(first, OWNER) == "owner-a" and "Found your running job" in _value(first, STATUS)
    frame = next(attached)
    assert 'data-state="running"' in _value(frame, PROGRESS)
    h.stop("owner-a", None, "en")
    final = list(attached)[-1]
    run_dir = _value(final, RUN_STATE)[0]
    assert Path(run_dir).is_dir() and "Stopped" in _value(final, STATUS)
    # Later (another reload) the ended job's outcome is shown; a browser without an id gets nothing.
    again = list(h.attach("owner-a", None, {}, "en"))
    assert len(again) == 1 and _value(again[0], RUN_STATE) == [run_dir] and "Stopped" in _value(again[0], STATUS)
    assert all(_value(list(h.attach(None, None, {}, "en"))[0], i) is None for i in range(len(h.STREAM)))


# --- the waiting list, without training -------------------------------------------------------------

class FakeJobs:
    def __init__(self):
        self.running = None
        self.started = []

    def busy(self):
        return self.running is not None

    def start(self, config, owner, prepared=None):
        if self.running is not None:
            raise BusyError("err.busy", who="x")
        self.running = owner
        self.started.append(owner)
        return f"job-of-{owner}"


class FakeClock:
    """Stands in for the waiting list's ``time``: the test moves the clock, so a slow machine
    cannot let a place expire early and a fast one cannot keep it too long."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_waitlist_keeps_order_lets_the_first_in_line_start_and_drops_vanished_pages(monkeypatch):
    from trainer_core import waitlist

    clock = FakeClock()
    monkeypatch.setattr(waitlist, "time", clock)
    jobs = FakeJobs()
    line = Waitlist(jobs, ttl=15)
    assert line.try_start("cfg", "a") == "job-of-a"
    assert line.try_start("cfg", "b") == 1 and line.try_start("cfg", "c") == 2
    assert line.try_start("cfg", "b") == 1  # asking again keeps one's place
    jobs.running = None  # A's job ended
    assert line.try_start("cfg", "c") == 2  # C may not jump ahead of B
    assert line.try_start("cfg", "d") == 3
    assert line.try_start("cfg", "b") == "job-of-b" and line.place("c") == 1 and line.place("d") == 2
    assert line.leave("c") and line.left_since("c", 0.0) and not line.leave("c")
    assert line.place("d") == 1
    clock.now += 14.9  # D's page stopped polling (closed tab): still in line until the TTL passes
    assert line.waiting() == 1
    clock.now += 0.2
    assert line.waiting() == 0
    jobs.running = None
    assert line.try_start("cfg", "e") == "job-of-e"
    assert line.join("f") == 1 and line.join("g") == 2 and line.join("f") == 1  # joining keeps one's place


def test_someone_outside_the_line_taking_the_lock_is_handled():
    jobs = FakeJobs()
    line = Waitlist(jobs, ttl=5)
    jobs.running = "cli"  # a CLI/API job holds the lock
    assert line.try_start("cfg", "a") == 1
    jobs.running = None
    assert line.try_start("cfg", "a") == "job-of-a" and line.waiting() == 0


def test_a_twin_run_trains_both_backends_in_turn_and_overlays_their_curves(tiny_bert_dir, tmp_path, monkeypatch,
                                                                           free_jobs):
    import json

    from ui import train_results as r

    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    frames = list(_launch("owner-t", tiny_form(tiny_bert_dir, max_steps=6, eval_every=3, baseline=False), twin=True))
    dirs = _value(frames[-1], RUN_STATE)
    assert [json.loads(Path(d, "results.json").read_text("utf-8"))["backend"] for d in dirs] == ["trainer", "loop"]
    assert all(Path(d, "model.safetensors").is_file() for d in dirs) and dirs[0] != dirs[1]
    last_live = [f for f in frames if _value(f, LOSS) is not None][-1]
    drawn = set(_value(last_live, LOSS).dropna()["series"])
    assert drawn == {"trainer · train loss", "trainer · eval loss", "loop · train loss", "loop · eval loss"}
    assert 'data-state="completed"' in _value(last_live, PROGRESS) and "loop" in _value(last_live, PROGRESS)
    shown = dict(zip(r.RESULTS, r.show_results(dirs, "en")))
    assert [row[1] for row in shown["runs"]["value"].values.tolist()] == ["trainer", "loop"]
    assert set(shown["evals"].dropna()["series"]) == {"trainer · accuracy", "trainer · macro_f1", "loop · accuracy",
                                                      "loop · macro_f1"}


def test_live_helpers_progress_frames_and_the_log_in_korean():
    import math

    from trainer_core.events import TrainEvent
    from trainer_core.train_live import ALL_LOSS, frame, log_lines, progress

    events = [TrainEvent("start", total_steps=10, elapsed=1.0),
              TrainEvent("step", step=4, total_steps=10, elapsed=5.0, samples_per_second=8.0),
              TrainEvent("log", step=4, total_steps=10, loss=0.5, learning_rate=1e-4, elapsed=5.0),
              TrainEvent("eval", step=4, total_steps=10, metrics={"accuracy": 0.75, "macro_f1": 0.5, "loss": 0.6},
                         elapsed=5.5)]
    p = progress(events)
    assert (p["step"], p["total"], p["state"]) == (4, 10, "running") and p["remaining"] == pytest.approx(6.0)
    lines = log_lines(events + [TrainEvent("stopped", step=4, key="train.stopped",
                                           params={"run_dir": "/r", "accuracy": 0.75})], "ko")
    assert lines[0] == "스텝 4/10: 손실 0.5000, 학습률 1.00e-04" and "정확도 75.0%" in lines[1]
    assert "요청에 따라 멈췄습니다" in lines[2]
    assert progress(events + [TrainEvent("stopped", step=4)])["state"] == "stopped"
    empty = frame([], ALL_LOSS)
    assert list(empty["series"]) == ALL_LOSS and all(math.isnan(v) for v in empty["value"])
    assert str(empty["value"].dtype) == "float64"  # numeric from the first frame on (the chart keeps its axis types)
    mixed = frame([{"step": 3, "value": 0.5, "series": ALL_LOSS[0]}], ALL_LOSS)
    assert len(mixed) == 4 and len(mixed.dropna()) == 1 and set(mixed["step"]) == {3.0}
