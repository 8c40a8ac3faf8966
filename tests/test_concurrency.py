"""Many users at once on one server: training does not stall the others, one job at a time,
a vanished client frees the job lock, and one user's state never reaches another.

The app runs in this process (so the test can watch the process-wide job lock); every user
is a separate gradio_client session talking to it over loopback.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.fixtures_classify import spread_bert_dir, tiny_run_dir  # noqa: F401
from tests.fixtures_quality import app_error, client_for, live_app  # noqa: F401
from tests.fixtures_train_tab import free_jobs, tiny_config  # noqa: F401
from tests.fixtures_wait import wait_until
from trainer_core.errors import BusyError
from trainer_core.jobs import JOBS

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TEXTS = ["a wonderful, moving film", "정부 내년 예산안 국회 제출", "the plot was thin and slow", "유튜브 2일까지 지원"]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round((len(ordered) - 1) * q / 100)))], 1) if ordered else 0.0


def _running_job(owner: str, tiny_bert_dir, **changes):
    """A long tiny-BERT job started straight on the process-wide JOBS, once it has taken steps."""
    config = tiny_config(tiny_bert_dir, **dict(dict(max_steps=100_000, eval_every=0, log_every=5, baseline=False),
                                               **changes))
    job = JOBS.start(config, owner=owner)
    wait_until(lambda: any(e.kind == "step" for e in job.events) or job.done, f"{owner}'s first step")
    assert job.state == "running", [e.message for e in job.events][-3:]
    return job


def _last_step(job) -> int:
    return max((e.step or 0 for e in list(job.events) if e.kind == "step"), default=0)


def _tokenize_args(text: str) -> tuple:
    return ("text", text, "", "default", "roberta-style", "do_not_pad", "none", 32, False, "en")


def _classify_args(run_dir: str, text: str) -> tuple:
    return (run_dir, "", text, "", 2, "auto", "en")


def _token_ids(out) -> dict:
    return {side: out[2][side]["raw"]["input_ids"] for side in ("tokenizer_a", "tokenizer_b")}


def _confidences(out) -> dict:
    return {c["label"]: c["confidence"] for c in out[0]["confidences"]}


def single_client_answers(live_app, run_dir: str) -> dict:
    """What one client alone gets for every text: the truth each concurrent answer is compared with.

    The texts must get clearly different scores, or a mix-up between two users would go unseen.
    """
    alone = client_for(live_app)
    answers = {text: {"/classify": _confidences(alone.predict(*_classify_args(run_dir, text), api_name="/classify")),
                      "/tokenize": _token_ids(alone.predict(*_tokenize_args(text), api_name="/tokenize"))}
               for text in TEXTS}
    answers["/load_sample"] = alone.predict("imdb_en", "en", api_name="/load_sample")
    pos = sorted(answers[text]["/classify"]["pos"] for text in TEXTS)
    assert min(b - a for a, b in zip(pos, pos[1:])) > 2 * SCORE_TOLERANCE, pos  # farther apart than the tolerance
    assert len({str(answers[text]["/tokenize"]) for text in TEXTS}) == len(TEXTS)
    return answers


SCORE_TOLERANCE = 1e-4  # one text alone or among other requests: the same numbers, to float noise


def _same_scores(got: dict, want: dict) -> bool:
    return got.keys() == want.keys() and all(abs(got[k] - want[k]) <= SCORE_TOLERANCE for k in want)


def _users(live_app, run_dir: str, requests: int, truth: dict) -> dict:
    """Three users at once: one tokenizes, one classifies, one loads data then does both.

    Each user starts at another text, so at any moment the users ask about different texts,
    and every answer must be the one a single client gets for that user's own text.
    """
    latencies: dict[str, list[float]] = {"/tokenize": [], "/classify": [], "/load_sample": []}
    errors: list[str] = []
    lock = threading.Lock()

    def timed(client, api, *args):
        start = time.perf_counter()  # latencies are reported in the artifact, never asserted
        try:
            out = client.predict(*args, api_name=api)
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
            with lock:
                errors.append(f"{api}: {type(exc).__name__}: {exc}"[:300])
            return None
        with lock:
            latencies[api].append((time.perf_counter() - start) * 1000)
        return out

    def tokenize(client, text):
        out = timed(client, "/tokenize", *_tokenize_args(text))
        if out is not None and _token_ids(out) != truth[text]["/tokenize"]:
            errors.append(f"/tokenize {text!r}: {str(_token_ids(out))[:200]}")

    def classify(client, text):
        out = timed(client, "/classify", *_classify_args(run_dir, text))
        if out is not None and not _same_scores(_confidences(out), truth[text]["/classify"]):
            errors.append(f"/classify {text!r}: {_confidences(out)} instead of {truth[text]['/classify']}")

    def user(kind, offset):
        try:
            client = client_for(live_app)
            if kind == "mixed":
                summary = timed(client, "/load_sample", "imdb_en", "en")
                if summary is not None and summary != truth["/load_sample"]:
                    errors.append(f"/load_sample: {str(summary)[:200]}")
            for i in range(requests):
                text = TEXTS[(i + offset) % len(TEXTS)]
                if kind == "tokenize" or (kind == "mixed" and i % 2):
                    tokenize(client, text)
                else:
                    classify(client, text)
        except Exception as exc:  # noqa: BLE001 - a crashed user thread must fail the test, not vanish
            errors.append(f"user {kind}: {type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=user, args=(kind, offset))
               for offset, kind in enumerate(("tokenize", "classify", "mixed"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors}


def test_one_user_trains_while_three_others_tokenize_and_classify(live_app, tiny_bert_dir, tiny_run_dir, free_jobs):
    run_dir = str(tiny_run_dir)
    truth = single_client_answers(live_app, run_dir)  # also loads the models once, before the users come
    from tests.fixtures_train_tab import tiny_form

    idle = _users(live_app, run_dir, requests=6, truth=truth)
    trainer = client_for(live_app)  # the fourth user trains through the Train tab's API
    stream = trainer.submit("trainer-user", "form", *tiny_form(tiny_bert_dir, max_steps=100_000, eval_every=0,
                                                                log_every=5, baseline=False), "en", api_name="/train")
    wait_until(lambda: _training("trainer-user"), "the trainer's job to train")
    job = JOBS.for_owner("trainer-user")
    steps_before = _last_step(job)
    busy = _users(live_app, run_dir, requests=12, truth=truth)
    assert job.state == "running" and not job.stop_requested  # training went on the whole time
    assert _last_step(job) > steps_before
    assert trainer.predict("trainer-user", "en", api_name="/stop").startswith("Stopping")
    assert stream.result(timeout=120)[0].startswith("Stopped.")
    assert job.state == "stopped" and not JOBS.busy()

    assert idle["errors"] == [] and busy["errors"] == []
    answered = {api: len(v) for api, v in busy["latencies"].items()}
    assert answered == {"/tokenize": 18, "/classify": 18, "/load_sample": 1}
    all_idle = [v for values in idle["latencies"].values() for v in values]
    all_busy = [v for values in busy["latencies"].values() for v in values]
    report = {
        "users": 3, "requests_while_training": sum(answered.values()), "errors": 0,
        "idle": {"p50_ms": _p(all_idle, 50), "p95_ms": _p(all_idle, 95)},
        "while_training": {"p50_ms": _p(all_busy, 50), "p95_ms": _p(all_busy, 95), "max_ms": _p(all_busy, 100),
                           **{api: {"p95_ms": _p(v, 95), "n": len(v)} for api, v in busy["latencies"].items()}},
        "training_steps_meanwhile": _last_step(job) - steps_before,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("concurrency:", json.dumps(report))


def test_a_second_training_request_is_told_a_job_is_running(tiny_bert_dir, free_jobs):
    from trainer_core.waitlist import Waitlist

    job = _running_job("first-user", tiny_bert_dir)
    try:
        with pytest.raises(BusyError) as info:
            JOBS.start(tiny_config(tiny_bert_dir), owner="second-user")
        assert "already running" in str(info.value) and "이미 학습이 진행 중" in info.value.render("ko")
        line = Waitlist(JOBS, ttl=5)
        assert line.try_start(tiny_config(tiny_bert_dir), "second-user") == 1  # told its place, nothing started
        assert JOBS.current() is job and not job.stop_requested
    finally:
        job.stop()
        job.join(60)
    assert not JOBS.busy()


def test_a_consumer_that_vanishes_mid_training_does_not_keep_the_lock(tiny_bert_dir, free_jobs):
    """The page streaming a job goes away (its event consumer fails from then on): the job finishes
    on its own and releases the lock, and the next user can train."""
    seen = {"n": 0}

    def consumer(event):
        seen["n"] += 1
        if seen["n"] > 3:
            raise BrokenPipeError("the browser tab was closed")

    job = JOBS.start(tiny_config(tiny_bert_dir, max_steps=12, log_every=1, baseline=False), owner="gone",
                     on_event=consumer)
    job.join(120)
    assert job.state == "completed" and seen["n"] > 4 and not JOBS.busy()
    assert (Path(job.run_dir) / "model.safetensors").is_file()
    nxt = JOBS.start(tiny_config(tiny_bert_dir, max_steps=2, baseline=False), owner="next")
    nxt.join(120)
    assert nxt.state == "completed" and not JOBS.busy()


def test_one_users_state_never_shows_up_for_another(live_app, tiny_bert_dir, free_jobs, monkeypatch):
    """On a shared Space: A's data set and A's run stay A's; B sees nothing of them."""
    monkeypatch.setenv("SPACE_ID", "someone/fine-tune-studio")
    a, b = client_for(live_app), client_for(live_app)
    a.predict("mrpc_en", "en", api_name="/load_sample")
    a.predict("sentence1", "sentence2", "label", "validation", 0, 0, 0, 42, "en", api_name="/prepare")
    assert "sentence1" in a.predict("train", 1, "en", api_name="/page")[0]["headers"]
    assert "current data set" in a.predict("auto", "default", "default", 64, "en", api_name="/token_stats")
    job = JOBS.start(tiny_config(tiny_bert_dir, max_steps=2, baseline=False), owner="user-a")
    job.join(120)
    assert job.state == "completed"

    for api, args in (("/page", ("train", 1)), ("/prepare", ("text", "", "label", "", 0, 4, 0, 42)),
                      ("/token_lengths", ("text", "", "default", 64))):
        assert "No data set is loaded" in app_error(b, api, *args, "en")
    assert "ynat_ko" in b.predict("auto", "default", "default", 64, "en", api_name="/token_stats")  # not A's data
    # B's Classify model list and Train history (what B's page loads) hold none of A's runs.
    from ui import classify_tab, train_results

    model_a, model_b, push_runs, _examples = classify_tab._refresh({}, None, "en")
    values = [value for _name, value in model_a.choices] + [value for _name, value in push_runs.choices]
    from trainer_core.model_picker import BUILTINS

    assert str(job.run_dir) not in values and set(values) <= set(BUILTINS) and "default" in values
    assert train_results.history("user-b", {}, "en")[1].choices == []
    # ...while A sees its own run in both.
    mine = {job.run_dir.name: str(job.run_dir)}
    assert str(job.run_dir) in [v for _n, v in classify_tab._refresh(mine, None, "en")[0].choices]
    assert [v for _n, v in train_results.history("user-a", mine, "en")[1].choices] == [str(job.run_dir)]
    assert JOBS.for_owner("user-b") is None


# --- the same through the Train tab's API (/train, /stop) --------------------------------------------

def _statuses(job) -> list[str]:
    return [out[0] for out in job.outputs() if isinstance(out, (list, tuple)) and isinstance(out[0], str)]


def _training(owner: str) -> bool:
    job = JOBS.for_owner(owner)
    return job is not None and not job.done and any(e.kind == "step" for e in job.events)


def test_second_trainer_through_the_api_waits_in_line_in_korean(live_app, tiny_bert_dir, free_jobs):
    from tests.fixtures_train_tab import tiny_form

    a, b = client_for(live_app), client_for(live_app)
    first = a.submit("api-owner-a", "form", *tiny_form(tiny_bert_dir, max_steps=5000, eval_every=100, baseline=False),
                     "en", api_name="/train")
    wait_until(lambda: _training("api-owner-a"), "A's job to train")
    second = b.submit("api-owner-b", "form", *tiny_form(tiny_bert_dir, max_steps=5), "ko", api_name="/train")
    wait_until(lambda: any("1번째" in s for s in _statuses(second)), "B to be told its place")
    told = next(s for s in _statuses(second) if "1번째" in s)
    assert "다른 학습이 진행 중" in told and "api-owner-a" not in told  # never names who holds the lock
    assert b.predict("api-owner-b", "ko", api_name="/stop") == "대기에서 빠졌습니다. 아무것도 시작하지 않았습니다."
    assert "대기에서 빠졌습니다" in second.result(timeout=60)[0]
    assert JOBS.for_owner("api-owner-a") is JOBS.current()  # A was never disturbed
    assert a.predict("api-owner-a", "en", api_name="/stop").startswith("Stopping after the current step")
    assert first.result(timeout=120)[0].startswith("Stopped.")
    assert not JOBS.busy()


def test_a_client_that_disconnects_mid_training_leaves_no_lock(live_app, tiny_bert_dir, free_jobs, monkeypatch):
    """A real disconnect: the client process is killed while its run streams. The run finishes on the
    server, the lock is released, and the next visitor trains.

    "While its run streams" is made an event, not a race: the job is held at its first step until
    the client is dead, so the kill lands mid-run on a fast machine as on a slow one.
    """
    import subprocess
    import sys

    from tests.fixtures_train_tab import tiny_form
    from trainer_core.jobs import Job

    max_steps = 20
    client_gone, held_at = threading.Event(), []
    record = Job._record

    def held_record(self, event):
        record(self, event)
        if self.owner == "api-owner-gone" and event.kind == "step" and not held_at:
            held_at.append(event.step)
            client_gone.wait(HOLD_GUARD_S)  # the training thread waits here: no more steps until the kill

    monkeypatch.setattr(Job, "_record", held_record)
    values = tiny_form(tiny_bert_dir, max_steps=max_steps, eval_every=100, baseline=False)
    code = ("import json, sys, time\nfrom gradio_client import Client\n"
            "c = Client(sys.argv[1], verbose=False)\n"
            "c.submit('api-owner-gone', 'form', *json.loads(sys.argv[2]), 'en', api_name='/train')\n"
            "time.sleep(600)\n")
    child = subprocess.Popen([sys.executable, "-c", code, live_app.local_url, json.dumps(values)])
    try:
        wait_until(lambda: held_at, "the vanished client's job to take its first step")
    finally:
        child.kill()
        child.wait(10)
    job = JOBS.for_owner("api-owner-gone")
    assert not job.done and _last_step(job) == held_at[0] < max_steps  # the client vanished mid-run
    client_gone.set()
    job.join(180)
    assert job.state == "completed" and job.result.results["global_step"] == max_steps and not JOBS.busy()
    nxt = client_for(live_app).predict("api-owner-next", "form", *tiny_form(tiny_bert_dir, max_steps=3, baseline=False),
                                       "en", api_name="/train")
    assert nxt[0].startswith("Finished.") and not JOBS.busy()


HOLD_GUARD_S = 120.0  # a hang guard only: the test sets the event as soon as the client is dead
