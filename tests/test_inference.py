import ast
import io
import json
import os
import threading
from contextlib import redirect_stdout

import pytest

from tests.fixtures_classify import run_copy, run_results, spread_bert_dir, spread_roberta_dir, tiny_run_dir  # noqa: F401
from trainer_core import inference
from trainer_core.errors import StudioError
from trainer_core.inference import Predictor, get_predictor, predict_json, usage_code

TEXTS = ["a wonderful, moving film", "dull", "The plot made no sense at all and the acting was wooden.", "x y z",
         "유튜브 내달 2일까지 크리에이터 지원 공간 운영"]


def _close(a, b, tol=1e-5):
    assert a.label == b.label
    assert a.scores.keys() == b.scores.keys()
    assert all(abs(a.scores[k] - b.scores[k]) <= tol for k in a.scores), (a.scores, b.scores)


@pytest.mark.parametrize("fixture", ["spread_bert_dir", "spread_roberta_dir"])
def test_pipeline_and_direct_paths_give_the_same_numbers(fixture, request):
    predictor = Predictor.load(request.getfixturevalue(fixture), precision="fp32")
    direct = predictor.predict(TEXTS, batch_size=2)
    piped = predictor.predict_pipeline(TEXTS)
    # Scores must actually vary between texts, or the comparison would prove nothing.
    assert max(p.scores["pos"] for p in direct) - min(p.scores["pos"] for p in direct) > 0.05
    for a, b in zip(direct, piped):
        _close(a, b)
    pairs = ["second sentence"] * len(TEXTS)
    for a, b in zip(predictor.predict(TEXTS, pairs), predictor.predict_pipeline(TEXTS, pairs)):
        _close(a, b)


@pytest.mark.parametrize("fixture", ["spread_bert_dir", "spread_roberta_dir"])
def test_in_bf16_both_paths_share_the_bf16_model_and_agree_text_by_text(fixture, request):
    import torch

    predictor = Predictor.load(request.getfixturevalue(fixture), precision="bf16")
    assert predictor.precision == "bf16" and predictor.describe()["precision"] == "bf16"
    assert {p.dtype for p in predictor.model.parameters()} == {torch.bfloat16}
    assert predictor.pipeline().model is predictor.model
    for text in TEXTS:  # one text: the same computation on both paths, so the same numbers
        _close(predictor.predict([text])[0], predictor.predict_pipeline([text])[0], tol=1e-6)


def test_bf16_stays_close_to_fp32_and_is_cached_apart(spread_bert_dir):
    exact = Predictor.load(spread_bert_dir, precision="fp32")
    fast = Predictor.load(spread_bert_dir, precision="bf16")
    assert fast is not exact and exact.precision == "fp32"
    assert Predictor.load(spread_bert_dir, precision="bf16") is fast
    for a, b in zip(exact.predict(TEXTS), fast.predict(TEXTS)):
        # bf16 keeps 8 mantissa bits; on this deliberately spread tiny model the gap stays
        # within a few hundredths (a trained MiniLM: ~3e-3, measured in bench_inference).
        assert max(abs(a.scores[k] - b.scores[k]) for k in a.scores) < 0.05, (a.scores, b.scores)
        assert abs(sum(b.scores.values()) - 1) < 1e-5  # softmax is taken in fp32


def test_auto_precision_follows_the_cpu_and_the_host_setting(spread_bert_dir, monkeypatch):
    from trainer_core import precision

    monkeypatch.delenv(precision.PRECISION_ENV, raising=False)
    monkeypatch.setattr(precision, "native_bf16", lambda: False)
    assert inference.resolve_precision("auto") == "fp32" and inference.resolve_precision(None) == "fp32"
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    assert inference.resolve_precision("auto") == "bf16"
    assert Predictor.load(spread_bert_dir).precision == "bf16"
    assert inference.resolve_precision("FP32") == "fp32"  # an explicit choice wins over the CPU
    monkeypatch.setenv(precision.PRECISION_ENV, "fp32")  # a host can pin 'auto' to exact numbers
    assert inference.resolve_precision("auto") == "fp32" and inference.resolve_precision("bf16") == "bf16"
    monkeypatch.setenv(precision.PRECISION_ENV, "fp8")
    with pytest.raises(StudioError) as info:
        inference.resolve_precision("auto")
    assert info.value.key == "cls.err_precision" and "FTS_INFER_PRECISION=fp8" in str(info.value.params)


def test_unknown_precision_is_a_clear_error(spread_bert_dir):
    with pytest.raises(StudioError) as info:
        Predictor.load(spread_bert_dir, precision="half")
    assert info.value.key == "cls.err_precision" and info.value.params["found"] == "half"
    assert "fp32" in info.value.params["choices"]


def test_labels_come_from_id2label_and_probabilities_sum_to_one(spread_bert_dir):
    predictor = Predictor.load(spread_bert_dir)
    assert predictor.labels == ["neg", "pos"]
    for pred in predictor.predict(TEXTS):
        assert set(pred.scores) == {"neg", "pos"}
        assert abs(sum(pred.scores.values()) - 1) < 1e-5
        assert pred.label == max(pred.scores, key=pred.scores.get) and pred.score == pred.scores[pred.label]
        assert pred.top(1) == [(pred.label, pred.score)]


def test_batched_length_sorted_prediction_keeps_input_order(spread_bert_dir):
    predictor = Predictor.load(spread_bert_dir, precision="fp32")  # bf16 moves with the batch's padding
    one_by_one = [predictor.predict([t])[0] for t in TEXTS]
    for a, b in zip(one_by_one, predictor.predict(TEXTS, batch_size=2)):
        _close(a, b)


def test_long_input_is_truncated_to_the_model_limit(spread_bert_dir):
    predictor = Predictor.load(spread_bert_dir)
    assert predictor.max_length == 128  # tiny fixture: 128 positions
    head = " ".join(["movie"] * 300)
    a, b = predictor.predict([head + " awful", head + " wonderful ending"])  # differ only past the limit
    assert a.scores == b.scores
    short_a, short_b = predictor.predict(["movie awful", "movie wonderful ending"])
    assert short_a.scores != short_b.scores  # the same words within the limit do change the scores


def test_untrained_head_is_flagged_for_the_builtin_model_only_until_a_run_trains_it(tiny_run_dir, run_copy):
    default = Predictor.load("default")
    assert default.head_untrained
    assert "classifier.weight" in default.newly_initialized
    assert default.describe()["kind"] == "builtin"
    run = Predictor.load(tiny_run_dir)
    assert not run.head_untrained and run.describe()["eval_accuracy"] == run_results(tiny_run_dir)["eval_accuracy"]
    # A run that failed before its first step never trained the head it started without.
    results = json.loads((run_copy / "results.json").read_text())
    results.update(status="failed", global_step=0)
    (run_copy / "results.json").write_text(json.dumps(results))
    from transformers import AutoModel

    AutoModel.from_pretrained(run_copy).save_pretrained(run_copy)  # a bare encoder: no classifier weights
    failed = Predictor.load(run_copy)
    assert failed.head_untrained and failed.newly_initialized


def test_cache_shares_loaded_models_and_reloads_a_retrained_folder(run_copy, monkeypatch):
    first, cached = get_predictor(run_copy)
    second, cached_again = get_predictor(str(run_copy))
    assert second is first and cached_again
    stat = (run_copy / "model.safetensors").stat()
    os.utime(run_copy / "model.safetensors", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    third, cached_third = get_predictor(run_copy)
    assert third is not first and not cached_third


def test_cache_is_bounded(spread_bert_dir, spread_roberta_dir, tiny_run_dir, monkeypatch):
    monkeypatch.setattr(inference, "CACHE_SIZE", 2)
    inference.clear_cache()
    for ref in (spread_bert_dir, spread_roberta_dir, tiny_run_dir):
        get_predictor(ref)
    assert len(inference._cache) == 2
    assert get_predictor(spread_bert_dir)[1] is False  # the oldest was evicted


def test_concurrent_predictions_from_many_threads_agree(spread_bert_dir):
    predictor = Predictor.load(spread_bert_dir)
    expected = predictor.predict(TEXTS, batch_size=3)  # the same batches as the threads: bf16 moves with padding
    results, errors = [], []

    def worker():
        try:
            for _ in range(5):
                results.append(predictor.predict(TEXTS, batch_size=3))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(results) == 20
    for got in results:
        for a, b in zip(got, expected):
            _close(a, b, tol=1e-6)


@pytest.mark.parametrize("texts,pairs,key", [([""], None, "cls.err_empty_text"), (["ok", "  "], None, "cls.err_empty_text"),
                                             (["a", "b"], ["x"], "cls.err_pair_count")])
def test_bad_input_is_a_clear_error(spread_bert_dir, texts, pairs, key):
    with pytest.raises(StudioError) as info:
        Predictor.load(spread_bert_dir).predict(texts, pairs)
    assert info.value.key == key


@pytest.mark.parametrize("ref,key", [("scratch", "err.scratch_needs_data"), ("/no/such/folder", "err.model_dir_missing"),
                                     ("", "err.model_empty")])
def test_bad_model_reference_is_a_clear_error(ref, key):
    with pytest.raises(StudioError) as info:
        Predictor.load(ref)
    assert info.value.key == key


def test_predict_json_is_what_the_cli_prints(tiny_run_dir):
    out = predict_json(str(tiny_run_dir), "a wonderful film", None)
    assert set(out) == {"label", "score", "scores"}
    expected = Predictor.load(tiny_run_dir).predict(["a wonderful film"])[0]
    assert out == expected.to_dict()
    json.dumps(out)  # plain JSON types
    pair = predict_json(str(tiny_run_dir), "a wonderful film", "second")
    assert pair["scores"] != out["scores"]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_code_shown_to_users_runs_and_gives_the_same_numbers(spread_bert_dir, precision):
    predictor = Predictor.load(spread_bert_dir, precision=precision)
    code = usage_code(str(spread_bert_dir), "a wonderful film", "and a pair", precision=predictor.precision)
    assert ("torch.bfloat16" in code["direct"]) == (precision == "bf16")
    expected = predictor.predict(["a wonderful film"], ["and a pair"])[0].scores
    printed = {}
    for name in ("direct", "pipeline"):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            exec(compile(code[name], f"<{name}>", "exec"), {})  # noqa: S102 - our own generated snippet
        printed[name] = ast.literal_eval(buffer.getvalue().strip())
    from_pipeline = {d["label"]: d["score"] for d in printed["pipeline"]}
    for label, score in expected.items():
        assert abs(printed["direct"][label] - score) < 1e-4
        assert abs(from_pipeline[label] - score) < 1e-5
