"""Shared helpers for browser tests: a served app in a subprocess and Debian's Chromium via Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures_wait import wait_until

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots; git-ignored
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require_chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str, proc) -> bool:
    if proc.poll() is not None:
        pytest.fail(f"app.py exited with code {proc.returncode}; see tests/artifacts/app.log")
    try:
        urllib.request.urlopen(url + "/", timeout=5).read()
        return True
    except OSError:
        return False


@contextmanager
def served_app(extra_env: dict | None = None):
    """Run ``python app.py`` on a free loopback port; yield its URL once it answers (however long that takes)."""
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_SERVER_NAME="127.0.0.1", **(extra_env or {}))
    log = open(ARTIFACTS_LOG(), "ab")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(url, proc), "app.py serving its page", poll=0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def ARTIFACTS_LOG() -> Path:  # noqa: N802 - reads like a constant at the call site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / "app.log"


@contextmanager
def chromium():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def chip_colours_match_the_legend(page) -> set[str]:
    """Every segment-A/B chip is painted exactly as its legend key (computed styles, as drawn)."""
    legend = page.evaluate("""() => {
        const bg = (sel) => getComputedStyle(document.querySelector('.tokv .legend ' + sel)).backgroundColor;
        return {a: bg('.sa'), b: bg('.sb'), sp: bg('.k.sp:not(.pad)')}; }""")
    chips = page.evaluate("""() => [...document.querySelectorAll('.tokv .chips:not(.legend) .k')].map(
        (c) => [c.className, getComputedStyle(c).backgroundColor])""")
    assert len({legend["a"], legend["b"], legend["sp"]}) == 3
    seen = set()
    for classes, colour in chips:
        kind = "sp" if " sp" in classes else "b" if " sb" in classes else "a"
        assert colour == legend[kind], (classes, colour, legend)
        seen.add(kind)
    return seen
