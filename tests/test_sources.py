import socket
from pathlib import Path
import threading

import pytest

from tests.fixtures_offline import hub_loads  # noqa: F401
from trainer_core import sources
from trainer_core.errors import HubUnreachableError, StudioError
from trainer_core.sources import load_classifier, load_tokenizer, resolve_model_ref


def test_default_resolves_to_the_bundled_minilm(builtin_model_dir):
    ref = resolve_model_ref("default")
    assert ref.kind == "builtin" and (builtin_model_dir / "model.safetensors").is_file()


def test_local_folder_and_hub_id(tiny_bert_dir):
    assert resolve_model_ref(str(tiny_bert_dir)).kind == "local"
    hub = resolve_model_ref("klue/roberta-base")
    assert hub.kind == "hub" and hub.location == "klue/roberta-base"
    assert resolve_model_ref("bert-base-uncased").kind == "hub"
    assert resolve_model_ref("scratch").kind == "scratch"


@pytest.mark.parametrize("ref,key", [
    ("", "err.model_empty"),
    ("   ", "err.model_empty"),
    ("/definitely/not/here", "err.model_dir_missing"),
    ("../../etc/passwd", "err.model_dir_missing"),
    ("./model", "err.model_dir_missing"),
    ("C:\\models\\bert", "err.model_dir_missing"),
    ("klue/roberta base", "err.model_malformed"),
    ("bad$$name", "err.model_malformed"),
    ("owner/name.", "err.model_malformed"),
])
def test_bad_references_give_clear_errors(ref, key):
    with pytest.raises(StudioError) as info:
        resolve_model_ref(ref)
    assert info.value.key == key
    assert info.value.render("ko") != str(info.value)


def test_folder_without_config_lists_what_it_found(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(StudioError, match="weights.bin") as info:
        resolve_model_ref(str(tmp_path))
    assert info.value.key == "err.model_dir_no_config"


def test_hub_id_offline_fails_fast_naming_offline_choices(hub_loads):
    """Fast because nothing is tried: no download is started, so no HTTP timeout or retry can follow."""
    with pytest.raises(HubUnreachableError) as info:
        load_tokenizer("klue/roberta-base")
    with pytest.raises(HubUnreachableError):
        load_classifier("klue/roberta-base", num_labels=7)
    message = str(info.value)
    assert "default" in message and "scratch" in message and "local" in message
    assert "klue/roberta-base" in info.value.render("ko")
    assert hub_loads == []


def test_a_cached_hub_model_offline_loads_with_local_files_only(monkeypatch):
    """With a warm cache but no Hub, the load is told to stay on disk (no request at all)."""
    import transformers

    asked = {}

    def from_pretrained(name, **kwargs):
        asked.update(kwargs, name=name)
        raise OSError("stop here: only the arguments matter")

    monkeypatch.setattr(sources, "_cached_on_disk", lambda repo: True)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", from_pretrained)
    with pytest.raises(HubUnreachableError):
        load_tokenizer("klue/roberta-base")
    assert asked["name"] == "klue/roberta-base" and asked["local_files_only"] is True


def test_hub_reachable_honours_offline_variable(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert sources.hub_reachable(refresh=True) is False


def test_hub_reachable_probes_the_endpoint(monkeypatch):
    """One TCP attempt per probe, bounded by the probe's timeout, then cached: never a retry loop."""
    attempts = []
    real_connect = socket.create_connection

    def counted(address, timeout=None, *args, **kwargs):
        attempts.append((address[1], timeout))
        return real_connect(address, timeout, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", counted)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert sources.hub_reachable(refresh=True) is True
    server.close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    assert sources.hub_reachable(timeout=1.5, refresh=True) is False
    assert sources.hub_reachable(timeout=1.5) is False  # the answer is cached: no second attempt
    assert attempts == [(port, 1.5), (closed_port, 1.5)]


def test_loads_tokenizers_and_models_without_remote_code(tiny_bert_dir, tiny_roberta_dir):
    bert_tok = load_tokenizer(str(tiny_bert_dir))
    assert "token_type_ids" in bert_tok("a", "b")
    roberta_tok = load_tokenizer(str(tiny_roberta_dir))
    assert "token_type_ids" not in roberta_tok("a", "b")
    loaded = load_classifier(str(tiny_bert_dir))
    assert loaded.newly_initialized == [] and loaded.model.config.id2label == {0: "neg", 1: "pos"}


def test_head_with_other_label_count_is_reinitialised_and_reported(tiny_bert_dir):
    loaded = load_classifier(str(tiny_bert_dir), id2label={0: "a", 1: "b", 2: "c"})
    assert loaded.model.config.num_labels == 3
    assert any("classifier" in name for name in loaded.newly_initialized)


def test_builtin_model_has_an_untrained_head(builtin_model_dir):
    loaded = load_classifier("default", id2label={0: "neg", 1: "pos"})
    assert sorted(loaded.newly_initialized) == ["classifier.bias", "classifier.weight"]


def test_model_without_tokenizer_or_safetensors(tmp_path, tiny_bert_dir):
    import shutil

    no_tok = tmp_path / "no_tok"
    shutil.copytree(tiny_bert_dir, no_tok)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (no_tok / name).unlink()
    with pytest.raises(StudioError) as info:
        load_tokenizer(str(no_tok))
    assert info.value.key == "err.model_no_tokenizer"
    no_weights = tmp_path / "no_weights"
    shutil.copytree(tiny_bert_dir, no_weights)
    (no_weights / "model.safetensors").rename(no_weights / "pytorch_model.bin")
    with pytest.raises(StudioError) as info:
        load_classifier(str(no_weights))
    assert info.value.key == "err.model_no_safetensors"


def test_on_a_shared_space_server_folders_are_refused_without_revealing_them(monkeypatch, tmp_path, tiny_bert_dir):
    runs = tmp_path / "runs"
    (runs / "r1").mkdir(parents=True)
    (runs / "r1" / "config.json").write_text("{}")
    monkeypatch.setenv("FTS_RUNS_DIR", str(runs))
    monkeypatch.setenv("SPACE_ID", "someone/fine-tune-studio")
    monkeypatch.chdir("/")  # outside the temporary folders, which stay allowed
    for ref in ("/etc", "/definitely/not/here", "../../etc/passwd"):
        with pytest.raises(StudioError) as info:
            resolve_model_ref(ref)
        assert info.value.key == "err.model_local_disabled", ref
    assert resolve_model_ref(str(runs / "r1")).kind == "local"
    assert resolve_model_ref("klue/roberta-base").kind == "hub"
    monkeypatch.setenv("FTS_ALLOW_LOCAL_MODELS", "1")
    with pytest.raises(StudioError) as info:
        resolve_model_ref("/definitely/not/here")
    assert info.value.key == "err.model_dir_missing"


def test_on_a_shared_space_only_the_apps_own_temp_folders_count_and_nothing_is_listed(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setenv("SPACE_ID", "someone/fine-tune-studio")
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path / "runs"))
    visitor_upload = Path(tempfile.mkdtemp(prefix="gradio-upload-"))
    (visitor_upload / "secret_reviews.csv").write_text("text,label\n")
    ours = Path(tempfile.mkdtemp(prefix="fts-scratch-"))
    (ours / "notes.txt").write_text("x")
    for ref in (tempfile.gettempdir(), str(visitor_upload)):
        with pytest.raises(StudioError) as info:
            resolve_model_ref(ref)
        assert info.value.key == "err.model_local_disabled"
    with pytest.raises(StudioError) as info:
        resolve_model_ref(str(ours))  # allowed, but not a model: the error must not list its files
    assert info.value.key == "err.model_dir_no_config" and "notes.txt" not in str(info.value)


def test_overlong_references_and_messages_stay_short():
    with pytest.raises(StudioError) as info:
        resolve_model_ref("a" * 300)
    assert info.value.key in ("err.model_malformed", "err.model_dir_missing")
    with pytest.raises(StudioError) as info:
        resolve_model_ref("x/" + "b" * 1_000_000)
    assert len(str(info.value)) < 600 and "1,000,002 characters" in str(info.value)
