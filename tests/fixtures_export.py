"""Small data files for the export and torchrun tests, written per test (nothing copied from real data)."""
from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

POSITIVE = ["great", "wonderful", "loved", "excellent", "brilliant", "enjoyable", "superb", "charming"]
NEGATIVE = ["awful", "boring", "hated", "terrible", "dull", "painful", "weak", "clumsy"]
NEUTRAL = ["the", "movie", "film", "plot", "actors", "story", "scenes", "music", "ending", "was", "and", "really"]
KO_TOPICS = {
    "경제": ["주가", "환율", "금리", "수출", "증시", "물가"],
    "스포츠": ["축구", "야구", "골프", "감독", "우승", "선수"],
    "정치": ["국회", "대통령", "총선", "여당", "야당", "장관"],
}
KO_FILLER = ["오늘", "내일", "발표", "관련", "이번", "지난", "전망", "소식", "현장", "계획"]


def sentiment_rows(n: int, seed: int = 0) -> list[list[str]]:
    """[text, label] rows: two sentiment words among neutral ones decide the label ('neg'/'pos')."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rng.choice(["neg", "pos"])
        words = rng.sample(NEUTRAL, 3) + rng.sample(POSITIVE if label == "pos" else NEGATIVE, 2)
        rng.shuffle(words)
        rows.append([" ".join(words), label])
    return rows


def topic_rows(n: int, seed: int = 0) -> list[list[str]]:
    """[title, label] Korean rows: two topic words among filler words decide the label."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        topic = rng.choice(list(KO_TOPICS))
        words = rng.sample(KO_TOPICS[topic], 2) + rng.sample(KO_FILLER, 3)
        rng.shuffle(words)
        rows.append([" ".join(words), topic])
    return rows


def write_table(path: Path, header: list[str], rows: list[list], delimiter: str = ",", **writer_kw) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, **writer_kw)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def script_env(tmp: Path) -> dict:
    """The environment for running an exported script: offline, and without this project on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(OUTPUT_DIR=str(tmp / "script-out"), TOKENIZERS_PARALLELISM="false")
    return env


def run_script(args: list[str], cwd: Path, timeout: int = 240) -> dict:
    """Run ``args`` (an exported script under python/torchrun) and return its RESULTS line as a dict."""
    proc = subprocess.run(args, cwd=cwd, env=script_env(cwd), capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS ")]
    assert proc.returncode == 0 and lines, f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULTS "):])


PYTHON = sys.executable
