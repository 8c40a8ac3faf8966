import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_app_serves_and_answers_through_gradio_client(running_app):
    from gradio_client import Client

    client = Client(running_app.local_url, verbose=False)
    summary = client.predict("mrpc_en", "en", api_name="/load_sample")
    assert summary["label_names"] == ["not_equivalent", "equivalent"]
    assert summary["columns"] == ["sentence1", "sentence2", "label"]


def test_handlers_turn_core_errors_into_translated_gradio_errors():
    import gradio as gr

    from trainer_core.errors import StudioError
    from ui.common import friendly

    def bad(name, lang):
        raise StudioError("err.sample_unknown", name=name, choices="a, b")

    def gen(name, lang):
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(gr.Error) as info:
        friendly(bad)("zzz", "ko-KR")
    assert "내장 샘플" in info.value.message and "zzz" in info.value.message
    g = friendly(gen)("x", "en")
    assert next(g) == 1
    with pytest.raises(gr.Error) as info:
        next(g)
    assert "RuntimeError" in info.value.message and "boom" not in info.value.message


def test_queue_is_bounded_and_uploads_are_capped(running_app):
    assert running_app._queue.max_size == 64
    assert running_app.max_file_size == 50 * 1024 * 1024


def test_importing_the_core_does_not_import_gradio():
    code = ("import sys, trainer_core, trainer_core.sources, trainer_core.loaders, trainer_core.scratch, "
            "trainer_core.i18n, trainer_core.errors; "
            "bad = [m for m in ('gradio', 'torch', 'transformers', 'datasets') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_never_mentions_gradio_in_imports():
    offenders = [str(p) for p in (ROOT / "trainer_core").rglob("*.py")
                 if "import gradio" in p.read_text("utf-8") or "from gradio" in p.read_text("utf-8")]
    assert offenders == []


def test_python_app_py_serves():
    """``python app.py`` serves the page. How fast is bench/bench_startup.py's business (goal 6 s)."""
    from tests.browser import served_app

    with served_app() as url:
        body = urllib.request.urlopen(url + "/", timeout=30).read().decode()
    assert "Fine-Tune Studio" in body


def test_handlers_wait_for_the_background_warm_up():
    import threading

    from ui.common import friendly, warm_up_in_background

    order = []
    release = threading.Event()

    def warm():
        release.wait(5)
        order.append("warm")

    def handler(lang):
        order.append("handler")
        return "ok"

    warm_up_in_background(warm)
    caller = threading.Thread(target=lambda: friendly(handler)("en"))
    caller.start()
    caller.join(0.3)
    assert caller.is_alive() and order == []  # the handler is held back while imports run
    release.set()
    caller.join(5)
    assert order == ["warm", "handler"]


def test_a_failed_warm_up_does_not_block_handlers():
    from ui.common import friendly, warm_up_in_background

    def broken():
        raise ImportError("simulated")

    warm_up_in_background(broken).join(5)
    assert friendly(lambda lang: "served")("en") == "served"
