"""Every event the app wires calls its handler with as many values as the handler takes.

A handler that gains a parameter (the session's runs, say) while one of its registrations keeps
the old input list fails only when that event fires: after a language switch, a page load or a
click nobody tested. Here every registered event of the built app is checked at once.
"""
import inspect

import pytest


def _handlers():
    import app

    demo = app.build_demo(False)
    for block_fn in demo.fns.values():
        fn = getattr(block_fn, "fn", None)
        if fn is None:  # a JS-only event (the language control's locale switch)
            continue
        yield block_fn, fn


def test_every_handler_takes_the_inputs_it_is_given():
    wrong = []
    checked = 0
    for block_fn, fn in _handlers():
        target = inspect.unwrap(fn)
        inputs = list(block_fn.inputs or [])
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            continue
        params = list(signature.parameters.values())
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            required = sum(p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD for p in params)
            ok = len(inputs) >= required
        else:
            # gr.Request / gr.SelectData / OAuth parameters are filled by Gradio, not by inputs
            injected = sum(1 for p in params if p.name in ("request", "evt", "oauth_token", "profile") or (
                p.annotation is not p.empty and any(
                    name in str(p.annotation) for name in ("Request", "SelectData", "OAuth", "EventData"))))
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            required = sum(1 for p in positional if p.default is p.empty) - injected
            ok = required <= len(inputs) <= len(positional) - injected
        checked += 1
        if not ok:
            wrong.append(f"{getattr(target, '__qualname__', target)}: {len(inputs)} inputs for {signature}")
    assert checked > 50, checked  # the app wires many events; finding few means the walk is broken
    assert wrong == []
