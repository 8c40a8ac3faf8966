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

# The page's current language: Gradio sets <html lang> from the browser locale and the header's
# language control sets it on a switch (ui.language), so reading it at event time follows it.
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
    # (fn, inputs, outputs) run after the page has loaded and after every language switch, so what
    # the server rendered is drawn in the chosen language (see ui.language and rerender()).
    rerender: list = field(default_factory=list)
    # (fn, inputs, outputs) run once, after the page has loaded with the remembered language: the
    # defaults that depend on the language (the quick demo and the sample of a Korean page).
    after_load: list = field(default_factory=list)


def rerender(ctx: AppContext, fn, inputs: list, outputs: list) -> None:
    """Register ``fn(*inputs, lang)`` to redraw ``outputs`` in the page's language.

    It runs once the page has loaded (with the remembered language) and after every switch. It
    should redraw only what is on screen: return ``gr.skip()`` for an output that is still empty.
    """
    ctx.rerender.append((fn, list(inputs), list(outputs)))


def start_from(ctx: AppContext, fn, inputs: list, outputs: list) -> None:
    """Register ``fn(*inputs, lang)`` to set a language-dependent default once the page has loaded."""
    ctx.after_load.append((fn, list(inputs), list(outputs)))


def _error(message: str, lang: str) -> gr.Error:
    return gr.Error(message, title=t("common.error", lang), print_exception=False)


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
            return _error(err.render(lang), lang)
        log.error("unexpected error in %s:\n%s", fn.__name__, traceback.format_exc())
        return _error(t("common.unexpected", lang, kind=type(err).__name__), lang)

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
    gr.Warning(warning.render(lang), title=t("common.warning", lang))


def _cleared(n: int):
    def clear():
        return [None] * n if n > 1 else None

    return clear


def _revealed(n: int):
    def reveal():
        return [gr.update(visible=True)] * n if n > 1 else gr.update(visible=True)

    return reveal


def on(trigger, fn, inputs: list, outputs, ctx: AppContext, clear: list | None = None, reveal: list | None = None,
       **kwargs):
    """Register ``fn`` on ``trigger`` with the language appended as its last input.

    ``clear``: outputs emptied when ``fn`` fails, so an error never stands above the results of
    an earlier input (the error itself is the toast). ``reveal``: outputs built hidden (no empty
    placeholders) and shown once ``fn`` has filled them.
    """
    all_inputs = list(inputs) + [ctx.lang]
    event = trigger(friendly(fn), inputs=all_inputs, outputs=outputs, js=lang_js(len(all_inputs)), **kwargs)
    if clear:
        event.failure(_cleared(len(clear)), inputs=None, outputs=list(clear), api_visibility="private",
                      show_progress="hidden", queue=False)
    if reveal:
        event.success(_revealed(len(reveal)), inputs=None, outputs=list(reveal), api_visibility="private",
                      show_progress="hidden", queue=False)
    return event


def table(rows, header_keys, lang: str):
    """A table's value with its headers in the page language.

    The rule for every table in the app: headers are rendered here with ``t()`` and sent with the
    data, never given as ``L(...)`` (Gradio 6.31 shows those as raw ``__i18n__{...}`` keys in table
    headers and gr.Dataset). A table is built hidden and shown once it has data (an empty Dataframe
    shows a placeholder header "1 2 3"): a private handler returns ``shown(value)``, a public endpoint
    returns the plain value (API clients want data, not an update) and is wired with ``reveal=``.
    """
    import pandas as pd

    return pd.DataFrame(list(rows or []), columns=[t(k, lang) for k in header_keys])


def column_widths(frame) -> list[str]:
    """Widths that keep every column on screen: narrow ones for numbers and labels, the rest shared by
    the text columns (left to itself, Gradio 6.31 sizes a long text column past the table's edge)."""
    def is_text(column) -> bool:
        values = [v for v in frame[column].tolist()[:20] if isinstance(v, str)]
        return bool(values) and max(map(len, values)) > 24

    texts = [c for c in frame.columns if is_text(c)]
    narrow = len(frame.columns) - len(texts)
    if not texts or not narrow:
        return [f"{100 / max(len(frame.columns), 1):.1f}%"] * len(frame.columns)
    small = min(10.0, 50.0 / narrow)  # the text columns keep at least half of the width
    share = (100 - small * narrow) / len(texts)
    return [f"{share:.1f}%" if c in texts else f"{small:.1f}%" for c in frame.columns]


def shown(value, visible: bool | None = None):
    """An output's value and its visibility (by default: shown when it has rows)."""
    if visible is None:
        visible = len(value) > 0 if hasattr(value, "__len__") else value is not None
    return gr.update(value=value, visible=visible)
