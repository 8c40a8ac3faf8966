"""Wiring helpers shared by the tabs: the user's language and turning core errors into gr.Error."""
from __future__ import annotations

import functools
import inspect
import threading
import logging
import traceback
from dataclasses import dataclass, field

import gradio as gr

from trainer_core.errors import StudioError, StudioWarning
from trainer_core.i18n import normalize_lang, t

log = logging.getLogger("fine_tune_studio.ui")

# Set once the heavy libraries are imported (app.main warms them in the background so the
# page is served at once). Handlers wait for it: transformers' first import is not
# thread-safe, and a page load fires several handlers at the same moment.
_libraries_ready = threading.Event()
_libraries_ready.set()
WARM_UP_TIMEOUT_S = 180


def warm_up_in_background(fn) -> threading.Thread:
    """Run ``fn`` (the imports) in a thread; every handler waits until it has finished."""
    _libraries_ready.clear()

    def run():
        try:
            fn()
        except Exception:  # noqa: BLE001 - a failed warm-up must not block the app forever
            log.exception("warming up the libraries failed; handlers will import lazily")
        finally:
            _libraries_ready.set()

    thread = threading.Thread(target=run, name="warm-imports", daemon=True)
    thread.start()
    return thread

# The page's current language: Gradio sets <html lang> from the browser locale and from
# its Settings language picker, so reading it at event time follows a switch at once.
LANG_JS_EXPR = "(document.documentElement.lang || navigator.language || 'en')"


@dataclass
class AppContext:
    """Components shared between tabs. Per-user values live in gr.State, never in module globals."""

    lang: gr.Textbox
    dataset: gr.State          # the prepared data set + mapping (Dataset tab -> Train tab)
    runs: gr.State             # this session's runs (Train tab -> Classify tab)
    # {"run_dir", "nonce"}: a run History asked Classify to open. Its own state, because re-adding a run
    # that is already among ``runs`` leaves that dict equal, so no change event would fire.
    open_run: gr.State = field(default_factory=lambda: gr.State(None))  # made inside the Blocks, like the others
    extras: dict = field(default_factory=dict)


def lang_js(n_inputs: int) -> str:
    """JS run before the handler: replace the last input (the hidden lang box) with the page language."""
    return (
        f"(...args) => {{ const a = args.slice(0, {n_inputs}); "
        f"a[{n_inputs - 1}] = {LANG_JS_EXPR}; return a; }}"
    )


def friendly(fn):
    """Wrap a handler whose last argument is the language: core errors become translated gr.Error.

    Warnings raised as StudioWarning are shown with gr.Warning and do not stop the handler.
    Any other exception is logged with its traceback and shown as a short, translated message,
    so the user never sees a raw traceback.
    """

    def translate(err: Exception, lang: str) -> gr.Error:
        if isinstance(err, StudioError):
            return gr.Error(err.render(lang), print_exception=False)
        log.error("unexpected error in %s:\n%s", fn.__name__, traceback.format_exc())
        return gr.Error(t("common.unexpected", lang, kind=type(err).__name__), print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args, **kwargs):
            lang = normalize_lang(args[-1] if args else "en")
            _libraries_ready.wait(WARM_UP_TIMEOUT_S)
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as err:  # noqa: BLE001 - last line of defence for the UI
                raise translate(err, lang) from err

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        lang = normalize_lang(args[-1] if args else "en")
        _libraries_ready.wait(WARM_UP_TIMEOUT_S)
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as err:  # noqa: BLE001 - last line of defence for the UI
            raise translate(err, lang) from err

    return wrapper


def warn(warning: StudioWarning, lang: str) -> None:
    gr.Warning(warning.render(lang))


def on(trigger, fn, inputs: list, outputs, ctx: AppContext, **kwargs):
    """Register ``fn`` on ``trigger`` with the language appended as its last input."""
    all_inputs = list(inputs) + [ctx.lang]
    return trigger(friendly(fn), inputs=all_inputs, outputs=outputs, js=lang_js(len(all_inputs)), **kwargs)
