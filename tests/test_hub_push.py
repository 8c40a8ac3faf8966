"""Pushing a run to the Hub, against a stand-in Hub API on 127.0.0.1 (tests/fixtures_hub.py)."""
import logging
import socket

import pytest

from tests.fixtures_classify import run_copy, spread_bert_dir, tiny_run_dir  # noqa: F401
from tests.fixtures_hub import fake_hub  # noqa: F401
from trainer_core.errors import HubUnreachableError, StudioError
from trainer_core.hub import push_run

TOKEN = "hf_TestTokenNeverWritten_4f9a2c"


def _all_bytes_under(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_push_uploads_the_run_and_its_card_and_never_leaks_the_token(fake_hub, run_copy, caplog, capsys):
    caplog.set_level(logging.DEBUG)  # every logger, including huggingface_hub's request logging
    expected = {p.name: p.read_bytes() for p in run_copy.iterdir() if p.is_file()}
    result = push_run(run_copy, "my-classifier", TOKEN)

    assert result.repo_id == "tester/my-classifier" and result.private
    assert fake_hub.repos["tester/my-classifier"]["private"] is True  # private unless asked otherwise
    received = fake_hub.files("tester/my-classifier")
    assert received == expected  # every file, byte for byte, the model card included
    assert {"README.md", "config.json", "model.safetensors", "tokenizer.json", "results.json",
            "config.yaml", "metrics.jsonl", "eval_predictions.jsonl"} <= set(received)  # a real run's files
    assert received["README.md"].startswith(b"---\n")
    paths = [r["path"].split("?")[0] for r in fake_hub.requests]
    assert "/api/repos/create" in paths and any(p.endswith("/commit/main") for p in paths)
    # The token travelled only in the Authorization header of each call...
    assert all(r["headers"].get("authorization") == f"Bearer {TOKEN}" for r in fake_hub.requests)
    assert all(TOKEN.encode() not in r["body"] for r in fake_hub.requests)
    # ...and was written, logged or printed nowhere.
    out, err = capsys.readouterr()
    assert TOKEN not in out and TOKEN not in err
    assert TOKEN not in caplog.text and all(TOKEN not in str(r.args) for r in caplog.records)
    assert TOKEN.encode() not in _all_bytes_under(run_copy)
    assert TOKEN not in repr(result)


def test_push_reuses_an_existing_repo_and_can_be_public(fake_hub, run_copy):
    push_run(run_copy, "tester/again", TOKEN)
    (run_copy / "notes.txt").write_text("second push")
    result = push_run(run_copy, "tester/again", TOKEN, private=False)  # exist_ok: the 409 is not an error
    assert result.repo_id == "tester/again"
    assert fake_hub.files("tester/again")["notes.txt"] == b"second push"


def test_training_leftovers_are_not_uploaded(fake_hub, run_copy):
    (run_copy / "checkpoint-10").mkdir()
    (run_copy / "checkpoint-10" / "optimizer.pt").write_bytes(b"\0" * 10)
    result = push_run(run_copy, "clean", TOKEN)
    assert not any(name.startswith("checkpoint-") for name in fake_hub.files("tester/clean"))
    assert not any(name.startswith("checkpoint-") for name in result.files)


@pytest.mark.parametrize("token", [None, "", "   "])
def test_no_token_is_refused_before_any_request(fake_hub, run_copy, token):
    with pytest.raises(StudioError) as info:
        push_run(run_copy, "my-classifier", token)
    assert info.value.key == "hub.err_no_token" and "HF_TOKEN" in str(info.value)
    assert fake_hub.requests == []


def test_unreachable_hub_is_refused_with_a_clear_message(run_copy, monkeypatch):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(HubUnreachableError) as info:
        push_run(run_copy, "my-classifier", TOKEN)
    assert f"127.0.0.1:{port}" in str(info.value) and TOKEN not in str(info.value)
    assert "연결할 수 없어" in info.value.render("ko")


def test_offline_mode_is_refused(run_copy, monkeypatch, fake_hub):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubUnreachableError):
        push_run(run_copy, "my-classifier", TOKEN)
    assert fake_hub.requests == []


def test_rejected_token_is_explained_without_echoing_it(fake_hub, run_copy):
    fake_hub.accept_token = "hf_the_right_one"
    with pytest.raises(StudioError) as info:
        push_run(run_copy, "tester/x", TOKEN)
    assert info.value.key == "hub.err_auth" and TOKEN not in str(info.value)


@pytest.mark.parametrize("repo", ["", "a/b/c", "bad name", "-x", "ok/..", "x" * 200])
def test_bad_repository_names_are_refused(fake_hub, run_copy, repo):
    with pytest.raises(StudioError) as info:
        push_run(run_copy, repo, TOKEN)
    assert info.value.key == "hub.err_repo_name"
    assert fake_hub.requests == []


def test_not_a_run_and_missing_card_are_refused(fake_hub, run_copy, tmp_path):
    with pytest.raises(StudioError) as info:
        push_run(tmp_path, "x", TOKEN)
    assert info.value.key == "hub.err_not_run"
    (run_copy / "README.md").unlink()
    with pytest.raises(StudioError) as info:
        push_run(run_copy, "x", TOKEN)
    assert info.value.key == "hub.err_no_card"
    assert fake_hub.requests == []


def test_a_token_pasted_into_a_run_file_is_never_published(fake_hub, run_copy):
    (run_copy / "notes.txt").write_text(f"my token is {TOKEN}")
    with pytest.raises(StudioError) as info:
        push_run(run_copy, "x", TOKEN)
    assert info.value.key == "hub.err_token_in_file" and "notes.txt" in str(info.value)
    assert TOKEN not in str(info.value)
    assert not any(r["path"].endswith("/commit/main") for r in fake_hub.requests)


def test_invalid_card_metadata_is_explained(fake_hub, run_copy):
    (run_copy / "README.md").write_text("---\n- just\n- a list\n---\n# card\n")
    with pytest.raises(StudioError) as info:
        push_run(run_copy, "x", TOKEN)
    assert info.value.key == "hub.err_card_invalid"
