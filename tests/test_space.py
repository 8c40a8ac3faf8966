"""What a Hugging Face Space needs: front matter, token hygiene, the step cap and the sync job."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fixtures_hub import fake_hub  # noqa: F401
from trainer_core import space
from trainer_core.space import cap_max_steps, push_availability, push_token, space_limits

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "sync-space.yml"


def _front_matter() -> dict:
    match = re.match(r"---\n(.+?)\n---\n", (ROOT / "README.md").read_text("utf-8"), re.S)
    assert match, "README.md must start with the Space's YAML front matter"
    return yaml.safe_load(match.group(1))


def test_front_matter_is_what_a_gradio_space_needs():
    import gradio

    meta = _front_matter()
    assert meta["sdk"] == "gradio"
    assert str(meta["sdk_version"]) == gradio.__version__  # the Space runs the version the tests ran
    assert meta["app_file"] == "app.py" and (ROOT / meta["app_file"]).is_file()
    assert str(meta["python_version"]) == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_front_matter_enables_sign_in_with_a_scope_that_can_create_repos():
    # gr.LoginButton only works on a Space with hf_oauth; pushing a run needs repo creation.
    meta = _front_matter()
    assert meta.get("hf_oauth") is True, "add 'hf_oauth: true' to the README front matter"
    scopes = set(meta.get("hf_oauth_scopes") or [])
    assert scopes & {"contribute-repos", "manage-repos"}, "add hf_oauth_scopes: [contribute-repos]"


@pytest.mark.parametrize("space_id,token,disabled", [("me/studio", "hf_owner", True), ("", "hf_owner", False),
                                                     ("me/studio", "", False)])
def test_visitors_never_borrow_the_owners_token(monkeypatch, space_id, token, disabled):
    import app

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # decided without any network attempt
    monkeypatch.delenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", raising=False)
    monkeypatch.setenv("SPACE_ID", space_id) if space_id else monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.setenv("HF_TOKEN", token) if token else monkeypatch.delenv("HF_TOKEN", raising=False)
    app.configure_environment()
    assert (os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN") == "1") is disabled


def test_push_token_on_a_space_is_only_the_visitors_own(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_owner_secret")
    monkeypatch.setenv("SPACE_ID", "me/studio")
    assert push_token(None) == (None, "")  # the owner's secret never publishes a visitor's run
    assert push_token("hf_visitor") == ("hf_visitor", "oauth")
    monkeypatch.delenv("SPACE_ID")
    assert push_token(None) == ("hf_owner_secret", "env")  # locally HF_TOKEN is the user's own
    monkeypatch.delenv("HF_TOKEN")
    assert push_token(None) == (None, "")


def test_step_cap_applies_only_on_a_space(monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    assert space_limits().max_steps is None
    assert cap_max_steps(-1, 5000) == (-1, False)
    monkeypatch.setenv("SPACE_ID", "me/studio")
    monkeypatch.delenv("FTS_SPACE_MAX_STEPS", raising=False)
    assert space_limits() == space.SpaceLimits(on_space=True, max_steps=space.DEFAULT_SPACE_MAX_STEPS)
    assert cap_max_steps(-1, 5000) == (space.DEFAULT_SPACE_MAX_STEPS, True)  # epochs would run too long
    assert cap_max_steps(-1, 40) == (-1, False)  # a short run is left alone
    assert cap_max_steps(50, 5000) == (50, False)  # an explicit small max_steps wins
    monkeypatch.setenv("FTS_SPACE_MAX_STEPS", "20")
    assert cap_max_steps(50, 5000) == (20, True)
    monkeypatch.setenv("FTS_SPACE_MAX_STEPS", "0")
    assert space_limits().max_steps is None
    monkeypatch.setenv("FTS_SPACE_MAX_STEPS", "lots")
    assert space_limits().max_steps == space.DEFAULT_SPACE_MAX_STEPS


def test_push_panel_explains_its_state(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert push_availability() == ("cls.push_offline", False)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr("trainer_core.sources.hub_reachable", lambda *a, **k: True)
    monkeypatch.setenv("SPACE_ID", "me/studio")
    monkeypatch.setenv("HF_TOKEN", "hf_owner")
    monkeypatch.delenv("OAUTH_CLIENT_ID", raising=False)
    assert push_availability() == ("cls.push_no_oauth", False)  # no sign-in: the owner's token is not lent
    monkeypatch.setenv("SYSTEM", "spaces")
    monkeypatch.setenv("OAUTH_CLIENT_ID", "client")
    monkeypatch.setenv("OAUTH_CLIENT_SECRET", "secret")
    assert space.oauth_enabled()
    assert push_availability() == ("cls.push_login", True)
    monkeypatch.delenv("SPACE_ID")
    assert not space.oauth_enabled()
    assert push_availability() == ("cls.push_env_token", True)
    monkeypatch.delenv("HF_TOKEN")
    assert push_availability() == ("cls.push_no_token", False)


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def test_sync_workflow_runs_on_main_and_only_when_configured():
    flow = _workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"]
    job = flow["jobs"]["sync"]
    assert "vars.HF_SPACE_ID" in job["if"]
    steps = job["steps"]
    gated = [s for s in steps[1:] if s.get("if") != "steps.secret.outputs.configured == 'true'"]
    assert gated == [], "every step after the check must be skipped without the secret"
    text = WORKFLOW.read_text("utf-8")
    # The secret only ever reaches the environment, never a command line or the log.
    assert all("secrets.HF_TOKEN" in line for line in text.splitlines() if "secrets." in line)
    assert "--token" not in text and not re.search(r"echo[^\n]*\$\{?HF_TOKEN", text)


def test_sync_workflow_command_uploads_the_repo_to_the_space(fake_hub, tmp_path):
    upload = next(s for s in _workflow()["jobs"]["sync"]["steps"] if "hf upload" in s.get("run", ""))
    command = upload["run"][upload["run"].index("hf upload"):]
    repo = tmp_path / "checkout"
    for rel, content in {"app.py": "print('hi')\n", "README.md": "---\nsdk: gradio\n---\n# x\n",
                         "trainer_core/__init__.py": "", ".git/config": "x", "runs/r1/model.safetensors": "x",
                         "tests/artifacts/shot.png": "x", ".github/workflows/ci.yml": "x"}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(content)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}
    env.update(HF_ENDPOINT=fake_hub.url, HF_TOKEN="hf_ci_secret", HF_SPACE_ID="tester/studio", GITHUB_SHA="abcdef123456",
               HF_HUB_DISABLE_UPDATE_CHECK="1", PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}")
    done = subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    files = set(fake_hub.files("tester/studio"))
    assert {"app.py", "README.md", "trainer_core/__init__.py"} <= files
    assert not any(f.startswith((".git/", "runs/", "tests/artifacts/", ".github/")) for f in files), files
    assert fake_hub.repos["tester/studio"]["type"] == "space"
    assert "hf_ci_secret" not in done.stdout + done.stderr
