"""Bad text and bad model references through the API (Classify and Tokenizer endpoints), one
row of the issue's table per test, checked in English and Korean; the app keeps serving."""
from __future__ import annotations

import shutil

import pytest

from tests.fixtures_classify import spread_bert_dir, tiny_run_dir  # noqa: F401
from tests.fixtures_offline import hub_loads  # noqa: F401
from tests.fixtures_quality import assert_serving, assert_translated, client_for, live_app  # noqa: F401

MEGABYTE_TEXT = ("이 영화 정말 좋았어요 great film " * 50_000)[:1_000_000]  # 1,000,000 characters, 1.6 MB UTF-8


@pytest.fixture
def model_inputs(monkeypatch) -> list[int]:
    """The sequence length of every batch the BERT classifiers are given, in this process (the live app's too)."""
    import functools

    from transformers import BertForSequenceClassification

    real, seen = BertForSequenceClassification.forward, []

    @functools.wraps(real)  # keeps the signature callers inspect
    def forward(self, input_ids=None, *args, **kwargs):
        seen.append(int(input_ids.shape[-1]))
        return real(self, input_ids, *args, **kwargs)

    monkeypatch.setattr(BertForSequenceClassification, "forward", forward)
    return seen


@pytest.fixture
def client(live_app):
    yield client_for(live_app)
    assert_serving(live_app)


def _classify(model, text="a fine film", model_b=""):
    return (model, model_b, text, "", 3, "auto")


def _tokenize(text, tokenizer_a="default", kind="text"):
    return (kind, text, "", tokenizer_a, "roberta-style", "do_not_pad", "none", 32, False)


def test_empty_text(client, tiny_run_dir):
    for blank in ("", "   \n\t "):
        assert_translated(client, "/classify", _classify(str(tiny_run_dir), blank), en=["Text 1 is empty"],
                          ko=["1번째 문장이 비어 있습니다"])
        assert_translated(client, "/tokenize", _tokenize(blank), en=["no text to tokenize"], ko=["토큰화할 문장이 없습니다"])
    assert_translated(client, "/classify_lines", (str(tiny_run_dir), "\n  \n", "auto"), en=["nothing to classify"],
                      ko=["분류할 문장이 없습니다"])


def test_a_one_megabyte_text(client, tiny_run_dir, model_inputs):
    """Classify truncates to the model's limit and answers; the Tokenizer view refuses with its limit."""
    from trainer_core.inference import Predictor

    label, _b, latency, facts, *_ = client.predict(*_classify(str(tiny_run_dir), MEGABYTE_TEXT), "ko",
                                                   api_name="/classify")
    direct = Predictor.load(tiny_run_dir, precision="auto")
    truth = direct.predict([MEGABYTE_TEXT])[0]
    assert label["label"] == truth.label and "모델 A: 서버에서" in latency
    assert {c["label"]: c["confidence"] for c in label["confidences"]} == pytest.approx(truth.scores, abs=1e-4)
    # What keeps it cheap, counted: the model was never given more than its limit of tokens.
    assert model_inputs and max(model_inputs) == direct.max_length
    assert_translated(client, "/tokenize", _tokenize(MEGABYTE_TEXT), en=["1000000 characters", "limit here is"],
                      ko=["1000000자", "자까지"])
    assert_translated(client, "/classify_lines", (str(tiny_run_dir), "line\n" * 5000, "auto"), en=["5000 lines", "CSV"],
                      ko=["5000줄", "CSV"])


def test_unknown_hub_model_offline(client, hub_loads):
    """A well-formed Hub id while the Hub is unreachable: fails at once and names the offline choices.

    "At once" is structural: transformers is never asked to load it (so no download, no retries).
    """
    assert_translated(client, "/classify", _classify("klue/roberta-base"),
                      en=["'klue/roberta-base'", "cannot be reached", "'default'", "'scratch'"],
                      ko=["'klue/roberta-base'", "연결할 수 없습니다", "'default'"])
    assert hub_loads == []
    html_a, *_ = client.predict(*_tokenize("hello", "no-such-org/no-such-model"), "ko", api_name="/tokenize")
    assert "no-such-org/no-such-model" in html_a and "연결할 수 없습니다" in html_a  # shown in that panel only


@pytest.mark.parametrize("ref", ["bert base uncased", "owner/na me!", "-leading-dash", "a" * 200, "klue/"])
def test_malformed_model_id(client, ref):
    en, ko = assert_translated(client, "/classify", _classify(ref), en=["not a valid model reference"],
                               ko=["올바른 모델 지정이 아닙니다"])
    assert "config.json" in en


@pytest.mark.parametrize("ref", ["../../secret-model", "/nonexistent/model", "C:\\models\\bert", "~/no-such-model",
                                 "./runs/none"])
def test_local_path_looking_model_id(client, ref):
    assert_translated(client, "/classify", _classify(ref), en=["does not exist", "'default'"],
                      ko=["폴더", "없습니다"])


def test_model_without_a_tokenizer(client, tiny_run_dir, tmp_path):
    bare = tmp_path / "no-tokenizer"
    bare.mkdir()
    for name in ("config.json", "model.safetensors"):
        shutil.copy(tiny_run_dir / name, bare / name)
    assert_translated(client, "/classify", _classify(str(bare)), en=["no tokenizer files", "save_pretrained"],
                      ko=["토크나이저 파일", "save_pretrained"])
    html_a, *_ = client.predict(*_tokenize("hello", str(bare)), "en", api_name="/tokenize")
    assert "no tokenizer files" in html_a


def test_model_with_pickle_weights_only_is_refused(client, tiny_run_dir, tmp_path):
    """Safetensors only: a folder with just pytorch_model.bin is never unpickled."""
    unsafe = tmp_path / "bin-only"
    shutil.copytree(tiny_run_dir, unsafe)
    (unsafe / "model.safetensors").rename(unsafe / "pytorch_model.bin")
    assert_translated(client, "/classify", _classify(str(unsafe)), en=["no safetensors weights"],
                      ko=["safetensors 가중치가 없습니다"])


def test_scratch_cannot_classify(client):
    assert_translated(client, "/classify", _classify("scratch"), en=["'scratch' builds a model"], ko=["'scratch'"])


@pytest.mark.parametrize("ref", ["/etc", "/no/such/folder", "../../secret-model", "~"])
def test_server_folders_on_a_shared_space(client, ref, monkeypatch):
    """On a Space a visitor may not name server folders: one answer whether the folder exists or not,
    and nothing about what is inside."""
    monkeypatch.setenv("SPACE_ID", "someone/fine-tune-studio")
    en, ko = assert_translated(client, "/classify", _classify(ref), en=[f"'{ref}' cannot be used here"],
                               ko=[f"'{ref}'", "여기서 쓸 수 없습니다"])
    assert "Found" not in en and "passwd" not in en
    html_a, *_ = client.predict(*_tokenize("hello", ref), "en", api_name="/tokenize")
    assert "cannot be used here" in html_a and "Found" not in html_a
