"""Train tab handlers: thin glue between the form and trainer_core (language is always the last argument).

Streaming handlers are generators: they read a job's events with ``job.wait_events``
(at most 1 s apart) and yield progress, curves and a log tail. A generator ending (a
closed tab) never touches the job: the engine finishes it and releases the job lock.
"""
from __future__ import annotations

import inspect
import time
import uuid
from pathlib import Path

import gradio as gr

from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.jobs import JOBS
from trainer_core.space import Visitor
from trainer_core.train_live import ALL_EVAL, ALL_LOSS, eval_rows, frame, log_lines, loss_rows, prefix, progress
from trainer_core.train_plan import (check_for_space, config_for_dataset, config_from_form, form_names, live_adjust,
                                     planned_steps, space_adjust, twin_configs)
from trainer_core.waitlist import WAITLIST
from ui.train_views import estimate_md, progress_html

NAMES = form_names()
POLL_SECONDS = 1.0       # the longest a live view waits for news (the issue asks for <= 2 s)
WAIT_SECONDS = 2.0       # how often a page waiting in line asks again
# Order of what the streaming handlers yield (see train_tab.build).
STREAM = ("status", "progress", "loss", "evals", "log", "run_state", "session_runs", "owner", "estimate",
          "following")


def form_signature(fn, *leading: str, request: bool = False):
    """Name the form's values after the config fields, so the API lists them by name (not param_7).

    With ``request`` Gradio also passes the ``gr.Request`` just before the language (for its session).
    """
    names = (*leading, *NAMES, *(("request",) if request else ()), "lang")
    if request:
        fn.__annotations__["request"] = gr.Request
    fn.__signature__ = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                          for n in names])
    return fn


def seat(request, owner) -> str:
    """Who holds a place in the training line: the session (Gradio's, made by the server), so one
    session never holds two places whatever owner ids it sends; the owner id when there is none."""
    return str(getattr(request, "session_hash", None) or owner or "")


def new_owner() -> str:
    return uuid.uuid4().hex


def _out(**values) -> tuple:
    if "owner" in values:  # this page streams that owner's job: its owner.change must not re-attach
        values.setdefault("following", values["owner"])
    return tuple(values.get(name, gr.skip()) for name in STREAM)


def gather(choice, dataset, values, visitor=None):
    """(config, prepared data, notes): the form's config and the rows it will train on.

    ``visitor`` (a :class:`trainer_core.space.Visitor`) may start from one of its own runs."""
    config = config_from_form(dict(zip(NAMES, values)))
    if choice == "prepared" and isinstance(dataset, dict) and dataset.get("prepared") is not None:
        config, notes = config_for_dataset(config, dataset)
        check_for_space(config, prepared_rows=True, visitor=visitor)
        return config, dataset["prepared"], notes
    check_for_space(config, prepared_rows=False, visitor=visitor)
    from trainer_core.engine import load_data

    return config, load_data(config), []


def estimate_run(choice, dataset, session_runs, *args):
    """The before-launch estimate of the form's run, as Markdown."""
    from trainer_core.estimate import estimate

    *values, lang = args
    config, prepared, notes = gather(choice, dataset, values, Visitor.of(session_runs))
    return estimate_md(estimate(config, prepared).to_dict(), lang, notes)


form_signature(estimate_run, "data_choice", "prepared_dataset", "session_runs")


def reestimate(shown, choice, dataset, session_runs, *args):
    """The estimate in a new language, only if one is on screen."""
    if not shown:
        return gr.skip()
    return estimate_run(choice, dataset, session_runs, *args)


form_signature(reestimate, "shown", "data_choice", "prepared_dataset", "session_runs")


# --- live view --------------------------------------------------------------------------

def _live(job, lang, earlier: tuple, label: str = "") -> tuple:
    """One live frame of ``job`` with the curves of runs done before it (the twin's first half) overlaid."""
    events = list(job.events)
    losses = list(earlier[0]) + loss_rows(events, prefix(job.config.backend))
    evals = list(earlier[1]) + eval_rows(events, prefix(job.config.backend))
    return (progress_html(progress(events), lang, label), frame(losses, ALL_LOSS), frame(evals, ALL_EVAL),
            "\n".join(log_lines(events, lang)))


def follow(job, lang, earlier=([], []), label: str = ""):
    """Yield live frames until the job has ended and every event is drawn."""
    seen = 0
    while True:
        seen += len(job.wait_events(seen, timeout=POLL_SECONDS))
        bar, losses, evals, log = _live(job, lang, earlier, label)
        yield _out(progress=bar, loss=losses, evals=evals, log=log)
        if job.done and seen >= len(job.events):
            return


def _remember(session_runs, run_dir) -> dict:
    runs = dict(session_runs or {})
    if run_dir:
        name = Path(run_dir).name
        runs.pop(name, None)
        runs[name] = str(run_dir)
    return runs


def _wait_turn(config, owner, place, prepared, lang, joined: float):
    """Yield status frames while in line; return the started job (or None if the user left the line)."""
    while True:
        if WAITLIST.left_since(place, joined):  # checked first: leaving must never start a run
            yield _out(status=t("tt.left_line", lang))
            return None
        got = WAITLIST.try_start(config, owner, prepared, seat=place)
        if not isinstance(got, int):
            return got
        yield _out(status=_busy(got, lang))
        time.sleep(WAIT_SECONDS)


def _busy(place: int, lang: str) -> str:
    current = JOBS.current()
    p = progress(list(current.events)) if current is not None else None
    running = t("tt.busy_running", lang, step=p["step"], total=p["total"] or "?") if p else ""
    return t("tt.busy", lang, place=place, running=running)


def launch(owner, choice, dataset, session_runs, twin, *args):
    """Start a run (or the twin pair) and stream it; wait in line while another job runs."""
    from trainer_core.estimate import estimate, record_run

    *values, request, lang = args
    owner = owner or new_owner()
    place = seat(request, owner)
    mine = JOBS.for_owner(owner)
    if mine is not None and not mine.done:  # a second click, or a page that lost its stream: re-attach
        yield from attach_job(mine, owner, session_runs, lang)
        return
    joined = time.monotonic()
    if JOBS.busy():  # take a place in line and say so at once; preparing the data takes a moment
        yield _out(owner=owner, status=_busy(WAITLIST.join(place), lang))
    config, prepared, notes = gather(choice, dataset, values, Visitor.of(session_runs, owner))
    total = planned_steps(config, prepared)
    config, capped = space_adjust(config, total)
    config, logged = live_adjust(config, planned_steps(config, prepared))
    notes += capped + logged
    planned = estimate(config, prepared)
    yield _out(owner=owner, status=gr.skip() if JOBS.busy() else t("tt.preparing", lang), log="",
               estimate=estimate_md(planned.to_dict(), lang, notes))
    done_dirs, earlier, runs = [], ([], []), dict(session_runs or {})
    configs = twin_configs(config) if twin else [config]
    for config in configs:
        job = yield from _wait_turn(config, owner, place, prepared, lang, joined)
        if job is None:
            return
        label = config.backend if twin else ""
        yield _out(status=t("tt.running", lang, backend=config.backend), owner=owner)
        yield from follow(job, lang, earlier, label)
        events = list(job.events)
        earlier = (earlier[0] + loss_rows(events, prefix(config.backend)),
                   earlier[1] + eval_rows(events, prefix(config.backend)))
        if job.result is not None and job.state != "failed":
            record_run(planned, job.result.results)  # the next estimate of this model uses the real speed
        if job.run_dir:
            done_dirs.append(str(job.run_dir))
            runs = _remember(runs, job.run_dir)
        if job.state == "failed":
            break
    yield _out(status=_final_status(job, lang), run_state=done_dirs, session_runs=runs)


form_signature(launch, "owner", "data_choice", "prepared_dataset", "session_runs", "twin", request=True)


def _final_status(job, lang) -> str:
    if job.state == "failed":
        error = getattr(job.result, "error", None)
        return t("tt.failed", lang, error=error.render(lang) if isinstance(error, StudioError) else
                 (job.result.results.get("error") if job.result else "?"))
    return t("tt.finished" if job.state == "completed" else "tt.stopped", lang, run_dir=str(job.run_dir))


def attach_job(job, owner, session_runs, lang):
    yield _out(owner=owner, status=t("tt.reattached", lang))
    yield from follow(job, lang)
    dirs = [str(job.run_dir)] if job.run_dir else []
    yield _out(status=_final_status(job, lang), run_state=dirs, session_runs=_remember(session_runs, job.run_dir))


def attach(owner, following, session_runs, lang):
    """When this browser's id arrives (restored from local storage as the tab is first shown):
    re-attach to its running job, or show how its last job ended while the page was away.

    ``owner`` also changes when this very page's first launch makes the id; that page already
    streams the job (``following`` says so), and must not be told it "found its job again"."""
    job = JOBS.for_owner(owner) if owner else None
    if job is None or (following and following == owner):
        yield _out()
        return
    if job.done:
        dirs = [str(job.run_dir)] if job.run_dir else []
        yield _out(status=_final_status(job, lang), run_state=dirs)
        return
    yield from attach_job(job, owner, session_runs, lang)


def stop(owner, request: gr.Request, lang):
    job = JOBS.for_owner(owner) if owner else None
    if job is not None and not job.done:
        job.stop()
        return t("tt.stopping", lang)
    if WAITLIST.leave(seat(request, owner)):
        return t("tt.left_line", lang)
    return t("tt.nothing_to_stop", lang)


def dataset_choice(dataset, lang):
    """Offer the Dataset tab's prepared data when there is some (and pick it: it is what the user prepared)."""
    ready = isinstance(dataset, dict) and dataset.get("prepared") is not None
    if not ready:
        return gr.Radio(value="form", visible=False)
    return gr.Radio(value="prepared", visible=True)
