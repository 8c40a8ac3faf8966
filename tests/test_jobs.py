import threading

import pytest

from trainer_core.config import TrainConfig
from trainer_core.errors import BusyError
from trainer_core.jobs import JOBS, JobManager


def quick_config(model_dir, out_dir, **changes) -> TrainConfig:
    values = dict(model=str(model_dir), sample="imdb_en", max_steps=4, batch_size=8, learning_rate=1e-3,
                  eval_rows=28, log_every=1, backend="loop", output_dir=str(out_dir))
    values.update(changes)
    return TrainConfig(**values)


def test_one_job_at_a_time_and_reattach_by_owner(tiny_bert_dir, tmp_path):
    jobs = JobManager()
    gate = threading.Event()

    def hold_at_first_step(event):
        if event.kind == "step":
            gate.wait(30)  # keep the job running until the test has checked the lock

    job = jobs.start(quick_config(tiny_bert_dir, tmp_path / "a"), owner="alice", on_event=hold_at_first_step)
    try:
        first = job.wait_events(0, timeout=30)
        while not any(e.kind == "step" for e in first):
            first += job.wait_events(len(first), timeout=30)
        assert job.state == "running" and jobs.current() is job and jobs.busy()
        with pytest.raises(BusyError) as info:
            jobs.start(quick_config(tiny_bert_dir, tmp_path / "b"), owner="bob")
        assert info.value.key == "err.busy" and "alice" not in str(info.value)  # the id can stop the job
        assert jobs.for_owner("alice") is job and jobs.for_owner("bob") is None
    finally:
        gate.set()
    assert job.join(60) and job.state == "completed"
    assert jobs.current() is None and job.run_dir == tmp_path / "a"

    # Re-attaching after a reload: all events are still there, in order, ending with 'done'.
    events = job.wait_events(0, timeout=0)
    assert events[0].kind == "log" and events[-1].kind == "done"
    assert job.wait_events(len(events), timeout=0.05) == []  # nothing new, and no hang after the end
    second = jobs.start(quick_config(tiny_bert_dir, tmp_path / "b"), owner="bob")
    assert second.join(60) and second.state == "completed"


def test_a_job_whose_consumer_disappears_still_finishes_and_frees_the_lock(tiny_bert_dir, tmp_path):
    jobs = JobManager()

    def gone(event):  # e.g. the browser tab was closed: every push now fails
        raise BrokenPipeError("client went away")

    job = jobs.start(quick_config(tiny_bert_dir, tmp_path / "run"), owner="tab-1", on_event=gone)
    assert job.join(60)
    assert job.state == "completed" and job.result.results["global_step"] == 4
    assert (job.run_dir / "model.safetensors").is_file()
    assert jobs.current() is None


def test_failed_job_releases_the_lock(tmp_path):
    jobs = JobManager()
    config = TrainConfig(data_source="file", train_file=str(tmp_path / "nope.csv"), output_dir=str(tmp_path / "o"))
    job = jobs.start(config, owner="carol")
    assert job.join(60) and job.state == "failed"
    assert job.events[-1].kind == "error" and job.result.error.key == "err.file_missing"
    assert jobs.current() is None


def test_stop_through_the_job_and_the_global_manager(tiny_bert_dir, tmp_path):
    started = threading.Event()
    holder = {}

    def stop_at_two(event):
        if event.kind == "step" and event.step == 2:
            started.wait(30)  # the job object is assigned below; the event may come first in theory
            holder["job"].stop()

    job = JOBS.start(quick_config(tiny_bert_dir, tmp_path / "s", max_steps=50), owner="dave", on_event=stop_at_two)
    holder["job"] = job
    started.set()
    assert job.join(60) and job.state == "stopped" and job.stop_requested
    assert job.result.results["global_step"] <= 3
    assert JOBS.current() is None and JOBS.for_owner("dave") is job
