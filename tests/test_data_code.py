"""The emitted `datasets` code, run on its own, rebuilds exactly the prepared splits."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from datasets import DatasetDict

from tests.conftest import ROOT, shared_file
from tests.fixtures_dataset import large_upload, mrpc_like, topic_rows, write_rows  # noqa: F401
from trainer_core.data import ColumnMapping, prepare
from trainer_core.data_code import emit_code
from trainer_core.errors import StudioError
from trainer_core.loaders import load_file_with_source, load_source, sample_source

_DUMP = """
import json as _json
_json.dump({{k: {{"rows": v.to_dict(), "names": v.features[{label!r}].names}} for k, v in splits.items()}},
           open({out!r}, "w", encoding="utf-8"), ensure_ascii=False)
"""


def _run_all(tmp_path: Path, cases: list[tuple[str, object]]):
    """Run every emitted script in one fresh interpreter (each with its own globals), compare splits."""
    files = []
    for i, (code, prepared) in enumerate(cases):
        out = tmp_path / f"out{i}.json"
        script = tmp_path / f"emitted{i}.py"
        script.write_text(code + _DUMP.format(label=prepared.mapping.label, out=str(out)), "utf-8")
        files.append((script, out, prepared))
    runner = "import runpy, sys\nfor f in sys.argv[1:]:\n    runpy.run_path(f, run_name='__main__')\n"
    env = dict(os.environ, HF_DATASETS_DISABLE_PROGRESS_BARS="1")
    result = subprocess.run([sys.executable, "-c", runner, *[str(f[0]) for f in files]], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for script, out, prepared in files:
        got = json.loads(out.read_text("utf-8"))
        assert list(got) == list(prepared.splits), script
        for split, ds in prepared.splits.items():
            assert got[split]["names"] == prepared.label_names, (script, split)
            assert got[split]["rows"] == ds.to_dict(), (script, split)
    return result.stdout


def test_emitted_code_reproduces_local_splits(tmp_path):
    cases = []
    # string labels, blank rows, an unused column, stratified train/validation/test
    rows = topic_rows(12)
    rows[4][0], rows[9][1] = "  ", ""
    path = write_rows(tmp_path / "topics.csv", rows)
    dsd, source = load_file_with_source(path)
    prepared = prepare(dsd, ColumnMapping("headline", "topic"), train_rows=20, eval_rows=6, test_rows=6, seed=5)
    assert prepared.report["dropped_empty"] == 2 and prepared.report["stratified"]
    json.dumps(prepared.report)  # the report stays JSON-safe for run folders
    cases.append((emit_code(source, prepared), prepared))
    # a rare class: the split cannot be stratified and falls back to a random one
    rare = write_rows(tmp_path / "rare.tsv", [["text", "label"]] + [[f"row {i}", i % 2] for i in range(20)]
                      + [["lonely", 2]], delimiter="\t")
    dsd, source = load_file_with_source(rare)
    prepared = prepare(dsd, eval_rows=5, seed=11)
    assert prepared.report["stratified"] is False and prepared.label_names == ["0", "1", "2"]
    cases.append((emit_code(source, prepared), prepared))
    # a bundled sample: validation from its own split (capped), train a seeded sample
    dsd, source = load_source(sample_source("mrpc_en"))
    prepared = prepare(dsd, train_rows=30, eval_rows=10, seed=3,
                       eval_dsd=DatasetDict({"validation": dsd["validation"]}))
    cases.append((emit_code(source, prepared), prepared))
    # labels spelt as text in the training file and as ids elsewhere never mix: align by name
    train = write_rows(tmp_path / "tr.csv", [["s1", "s2", "y"]] + [[f"a{i}", f"b{i}", i % 2] for i in range(16)])
    dev = write_rows(tmp_path / "dev.csv", [["s1", "s2", "y"]] + [[f"c{i}", f"d{i}", float(i % 2)] for i in range(6)])
    dsd, source = load_file_with_source(train)
    ev, ev_source = load_file_with_source(dev)
    prepared = prepare(dsd, ColumnMapping("s1", "y", "s2"), eval_dsd=ev, test_rows=4, seed=2)
    code = emit_code(source, prepared, eval_source=ev_source)
    assert "tokenize row['s1'] with row['s2']" in code
    cases.append((code, prepared))
    # JSON labels of mixed types (1 and "pos") and a record column: the code reads them as text, as the app does
    rows = [{"text": f"t{i}", "label": [1, "pos"][i % 2], "meta": [{"k": i}, "x"][i % 2]} for i in range(16)]
    (tmp_path / "mixed.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    dsd, source = load_file_with_source(tmp_path / "mixed.jsonl")
    assert sorted(source["json_as_text"]) == ["label", "meta"]
    prepared = prepare(dsd, eval_rows=4, seed=1)
    assert prepared.label_names == ["1", "pos"]
    code = emit_code(source, prepared)
    assert "def json_as_text(ds, columns):" in code
    cases.append((code, prepared))
    stdout = _run_all(tmp_path, cases)
    assert "DatasetDict" in stdout


def test_emitted_code_reproduces_ynat_and_mrpc(tmp_path):
    dsd, source = load_file_with_source(shared_file("ynat", "ynat_train.tsv"))
    ynat = prepare(dsd, train_rows=10_000, eval_rows=1_000, test_rows=1_000, seed=42)
    ynat_code = emit_code(source, ynat)
    assert "class_encode_column('label')" in ynat_code and "stratify_by_column='label'" in ynat_code
    dsd, source = load_file_with_source(shared_file("mrpc", "train.tsv"))
    ev, ev_source = load_file_with_source(shared_file("mrpc", "dev.tsv"))
    mrpc = prepare(dsd, eval_dsd=ev, seed=42)
    mrpc_code = emit_code(source, mrpc, eval_source=ev_source)
    assert "quoting=csv.QUOTE_NONE" in mrpc_code and "encoding='utf-8-sig'" in mrpc_code
    _run_all(tmp_path, [(ynat_code, ynat), (mrpc_code, mrpc)])


def test_emitted_code_reproduces_a_large_upload_and_an_mrpc_shaped_pair(tmp_path, large_upload, mrpc_like):
    """The test above on files written here, so it runs without ../shared."""
    dsd, source = load_file_with_source(large_upload[0])
    big = prepare(dsd, train_rows=10_000, eval_rows=1_000, test_rows=1_000, seed=42)
    big_code = emit_code(source, big)
    assert "class_encode_column('label')" in big_code and "stratify_by_column='label'" in big_code
    dsd, source = load_file_with_source(mrpc_like["train"])
    ev, ev_source = load_file_with_source(mrpc_like["dev"])
    pairs = prepare(dsd, eval_dsd=ev, seed=42)
    pairs_code = emit_code(source, pairs, eval_source=ev_source)
    assert "quoting=csv.QUOTE_NONE" in pairs_code and "encoding='utf-8-sig'" in pairs_code
    _run_all(tmp_path, [(big_code, big), (pairs_code, pairs)])


def test_hub_sources_emit_the_matching_load_call_and_compile():
    prepared = prepare(*_tiny_prepared_args())
    plain = emit_code({"kind": "hub", "id": "klue", "config": "ynat", "split": "train", "streaming": False,
                       "max_rows": 500}, prepared)
    assert "load_dataset('klue', 'ynat', split='train')" in plain and "min(500, len(v))" in plain
    stream = emit_code({"kind": "hub", "id": "nyu-mll/glue", "config": "mrpc", "split": "train", "streaming": True,
                        "max_rows": 1000}, prepared)
    assert "streaming=True" in stream and "stream.take(1000)" in stream and "Dataset, " in stream
    for code in (plain, stream):
        compile(code, "emitted.py", "exec")


def test_upload_path_is_replaced_by_the_name_and_unprepared_data_has_no_code(tmp_path):
    prepared = prepare(*_tiny_prepared_args())
    code = emit_code({"kind": "file", "path": "/tmp/gradio/abc/t.csv", "builder": "csv", "load_kwargs": {}},
                     prepared, data_path="t.csv")
    assert "data_files='t.csv'" in code and "/tmp/gradio" not in code
    prepared.report.pop("plan")
    with pytest.raises(StudioError) as info:
        emit_code({"kind": "file"}, prepared)
    assert info.value.key == "err.code_no_plan"


def _tiny_prepared_args():
    from datasets import Dataset

    ds = Dataset.from_dict({"text": [f"t{i}" for i in range(12)], "label": ["a", "b", "c"] * 4})
    return DatasetDict({"train": ds}), None, None, 3


def test_emitted_code_mentions_no_project_module():
    prepared = prepare(*_tiny_prepared_args())
    code = emit_code({"kind": "file", "path": "t.csv", "builder": "csv", "load_kwargs": {}}, prepared)
    assert "trainer_core" not in code and "import datasets" not in code.replace("from datasets", "")
    assert str(ROOT) not in code
