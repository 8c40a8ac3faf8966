"""How soon the first page shows something alive: the app's structure and its "start here" path.

Serves ``python app.py`` as a visitor gets it, opens it in Debian's Chromium (a fresh browser
context each time, so no cache), and records, from the start of navigation (``performance.now()``
in the page), when these first appear on screen:

- ``tabs``: the four tab buttons;
- ``start_here``: the "start here" path with its text;
- ``tokenizer_panel``: the Tokenizer tab's example, drawn by the server after the page loads.

Writes bench/results/first_page-<cpu kind>.json with the load average (other processes on the
2 cores skew every figure). The goal (issue 12): structure and the start path within 2 s.
Run: ``python bench/bench_first_page.py [--repeats 5]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from _common import RESULTS, ROOT, cpu_kind, cpu_name, write_json

sys.path.insert(0, str(ROOT))
from tests.browser import chromium, served_app  # noqa: E402 - the same served app and browser as the tests

# Runs in the page before any of its scripts: notes the first time each target is visible.
PROBE = """
(() => {
  window.__seen = {};
  const targets = {
    tabs: () => document.querySelectorAll('button[role="tab"]').length >= 4,
    start_here: () => { const e = document.querySelector('#start-here'); return e && e.offsetHeight > 0
                        && e.innerText.trim().length > 20; },
    tokenizer_panel: () => document.querySelector('.tokv .chips') !== null,
  };
  const look = () => {
    for (const [name, test] of Object.entries(targets)) {
      if (!(name in window.__seen) && test()) window.__seen[name] = performance.now();
    }
    if (Object.keys(window.__seen).length < Object.keys(targets).length) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
"""


def one_visit(browser, url: str, locale: str) -> dict:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        page.goto(url)
        page.get_by_role("tab", name="Tokenizer" if locale.startswith("en") else "토크나이저").click()
        page.wait_for_function("Object.keys(window.__seen).length === 3", timeout=120_000)
        return {k: round(v) for k, v in page.evaluate("window.__seen").items()}
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 2)
    visits = []
    with served_app() as url, chromium() as browser:
        one_visit(browser, url, "en-US")  # the server's first answers (imports, caches) are not a visitor's
        for n in range(args.repeats):
            visits.append(one_visit(browser, url, "ko-KR" if n % 2 else "en-US"))
            time.sleep(0.5)
    summary = {name: {"median_ms": statistics.median(v[name] for v in visits),
                      "max_ms": max(v[name] for v in visits)} for name in visits[0]}
    result = {
        "what": "ms from navigation start until shown, fresh browser context each visit (Chromium, 1280x900)",
        "goal_ms": {"tabs": 2000, "start_here": 2000},
        "summary": summary,
        "visits": visits,
        "cpu": cpu_name(), "cpu_kind": cpu_kind(), "cores": os.cpu_count(),
        "load_average_at_start": load_at_start, "load_average_at_end": round(os.getloadavg()[0], 2),
    }
    path = write_json(RESULTS / f"first_page-{cpu_kind()}.json", result)
    print(path)
    for name, figures in summary.items():
        print(f"{name}: median {figures['median_ms']} ms, max {figures['max_ms']} ms")


if __name__ == "__main__":
    main()
