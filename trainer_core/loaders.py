"""Data sources: the Hugging Face Hub, local files, and the bundled samples.

Every source returns a ``datasets.DatasetDict``. Local files go through
``load_dataset``'s packaged builders (csv, json, parquet), exactly as a user's
upload would; text encodings are normalised to UTF-8 first, and for CSV/TSV the
quoting style is detected, because real files differ (KLUE YNAT quotes one title
that ends in a TAB, GLUE MRPC has bare quotes that must not be honoured).
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import HubUnreachableError, StudioError
from .sources import HUB_ID_PATTERN, hub_reachable

SAMPLES_DIR = Path(__file__).parent / "samples"
HUB_ONLY = "hf://datasets/"
FILE_TYPES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


@dataclass(frozen=True)
class Sample:
    name: str
    file: str
    label_names: tuple[str, ...]
    text_column: str
    text_pair_column: str | None
    eval_split: str
    language: str
    hub_twin: str  # the Hub data set this sample imitates (same column names)


SAMPLES: dict[str, Sample] = {
    "ynat_ko": Sample("ynat_ko", "ynat_ko.jsonl", ("IT과학", "경제", "사회", "생활문화", "세계", "스포츠", "정치"),
                      "title", None, "validation", "ko", "klue/ynat"),
    "imdb_en": Sample("imdb_en", "imdb_en.jsonl", ("neg", "pos"), "text", None, "test", "en", "stanfordnlp/imdb"),
    # Written so that no two reviews share their verdict's wording: the evaluation rows ask whether a
    # model knows sentiment words it never saw labelled (pretraining does; TF-IDF on 192 rows cannot).
    "reviews_en": Sample("reviews_en", "reviews_en.jsonl", ("neg", "pos"), "text", None, "test", "en",
                         "stanfordnlp/imdb"),
    "mrpc_en": Sample("mrpc_en", "mrpc_en.jsonl", ("not_equivalent", "equivalent"), "sentence1", "sentence2",
                      "validation", "en", "nyu-mll/glue/mrpc"),
}


SAMPLE_FOR_LANGUAGE = {"en": "reviews_en", "ko": "ynat_ko"}


def default_sample(lang: str | None) -> str:
    """The sample a page in this language starts from (what the quick demo of that language trains on)."""
    from .i18n import normalize_lang

    return SAMPLE_FOR_LANGUAGE[normalize_lang(lang)]


def load_sample(name: str):
    """A bundled sample as a DatasetDict (train + its Hub twin's evaluation split name)."""
    from datasets import ClassLabel, DatasetDict, load_dataset

    sample = SAMPLES.get(name)
    if sample is None:
        raise StudioError("err.sample_unknown", name=name, choices=", ".join(SAMPLES))
    ds = load_dataset("json", data_files=str(SAMPLES_DIR / sample.file), split="train")
    ds = ds.cast_column("label", ClassLabel(names=list(sample.label_names)))
    parts = ds.train_test_split(test_size=0.2, seed=0, stratify_by_column="label")
    return DatasetDict({"train": parts["train"], sample.eval_split: parts["test"]})


# --- local files ----------------------------------------------------------------

def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding used). UTF-8 (with or without BOM), then CP949 for Korean CSVs."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Old Mac (CR-only) line ends and stray CRs would stop Python's csv reader cold.
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
    raise StudioError("err.file_encoding", name=name)


def detect_quoting(text: str, delimiter: str) -> int:
    """QUOTE_NONE when quotes are bare characters in the text, else QUOTE_MINIMAL.

    Honouring quotes is right for a standard CSV (and for KLUE's one quoted title that
    ends in a TAB); but when a bare quote opens a field (GLUE MRPC), a quote-honouring
    reader swallows the following lines into one field: fewer rows, or ragged widths.
    """
    def shape(quoting: int) -> tuple[set[int], int]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
        try:
            rows = [len(row) for row in reader if row]
        except csv.Error:  # e.g. a field over the csv module's size limit: let the real parser decide
            return {-1, -2}, 0
        return set(rows), len(rows)

    quoted_widths, quoted_rows = shape(csv.QUOTE_MINIMAL)
    bare_widths, bare_rows = shape(csv.QUOTE_NONE)
    if len(bare_widths) == 1 and (len(quoted_widths) > 1 or bare_rows > quoted_rows):
        return csv.QUOTE_NONE
    if len(quoted_widths) > 1 and len(bare_widths) < len(quoted_widths):
        return csv.QUOTE_NONE
    return csv.QUOTE_MINIMAL


def _utf8_copy(text: str, suffix: str) -> str:
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=suffix, delete=False)
    with handle:
        handle.write(text)
    return handle.name


def json_as_text(ds, columns):
    """Columns whose values change type (1 and "pos") load as a Json feature that Arrow cannot
    count or sort; as text, as Fine-Tune Studio reads them: scalars as themselves, records as JSON."""
    import json

    from datasets import Dataset, Features, Value

    # Rebuilt as one fresh table: patching columns in place leaves Arrow blocks of unequal
    # row counts that a later add_column cannot join.
    data = ds.to_dict()
    for column in columns:
        data[column] = [None if v is None else v if isinstance(v, str) else
                        json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else str(v)
                        for v in data[column]]
    features = Features({c: Value("string") if c in columns else f for c, f in ds.features.items()})
    return Dataset.from_dict(data, features=features)


def _json_columns(ds) -> list[str]:
    from datasets import Json

    return [c for c, f in ds.features.items() if isinstance(f, Json)]


def check_upload_name(name: str) -> str:
    """Refuse a file name that is really a path (``../x.csv``, ``a/b.csv``): uploads are names only."""
    if not name or "/" in name or "\\" in name or "\0" in name or name.strip() in (".", ".."):
        raise StudioError("err.file_name", name=name)
    return name


def load_file(path: str | os.PathLike, max_bytes: int | None = None, *, name: str | None = None,
              max_rows: int | None = None):
    """A local csv/tsv/json/jsonl/parquet file as ``DatasetDict({'train': ...})``.

    ``name`` is the file's name as the user gave it (an upload's original name): it is
    checked and used in messages. ``max_bytes`` and ``max_rows`` bound an upload (a few KB of
    Parquet can hold millions of rows): a Parquet file's row count is read from its footer
    before anything is loaded.
    """
    return load_file_with_source(path, max_bytes, name=name, max_rows=max_rows)[0]


def _check_rows(rows: int, max_rows: int | None, name: str) -> None:
    if max_rows is not None and rows > max_rows:
        raise StudioError("err.file_too_many_rows", name=name, rows=f"{rows:,}", limit=f"{max_rows:,}")


def _parquet_rows(path: Path) -> int:
    """Rows of a Parquet file, from its footer (0 when it is not Parquet: the loader says so later)."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, ValueError):
        return 0


def load_file_with_source(path: str | os.PathLike, max_bytes: int | None = None, *, name: str | None = None,
                          max_rows: int | None = None):
    """Like :func:`load_file`, plus a source dict saying exactly how the file was read.

    The source dict (kind, path, name, builder, load_kwargs) is what
    :mod:`trainer_core.data_code` turns back into a ``load_dataset`` call.
    """
    from datasets import DatasetDict, load_dataset

    path = Path(path)
    name = check_upload_name(name) if name is not None else path.name
    if not path.is_file():
        raise StudioError("err.file_missing", path=str(path))
    ext = path.suffix.lower()
    builder = FILE_TYPES.get(ext)
    if builder is None:
        raise StudioError("err.file_type", ext=ext or name)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise StudioError("err.file_too_large", name=name, size_mb=size / 2**20, limit_mb=max_bytes / 2**20)
    if size == 0:
        raise StudioError("err.file_empty", name=name)
    if builder == "parquet":
        _check_rows(_parquet_rows(path), max_rows, name)  # before load_dataset writes its Arrow copy

    kwargs: dict = {}
    data_file = str(path)
    cleanup = None
    encoding = None
    bom = False
    try:
        if builder != "parquet":
            raw = path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            text, encoding = decode_text(raw, name)
            del raw
            if not text.strip():
                raise StudioError("err.file_empty", name=name)
            if encoding != "utf-8-sig" or text != path.read_text("utf-8", errors="replace"):
                data_file = cleanup = _utf8_copy(text, ext)  # normalise to plain UTF-8 (no BOM)
            if builder == "csv":
                if sum(1 for line in text.splitlines() if line.strip()) < 2:
                    raise StudioError("err.file_empty", name=name)  # a header and no rows
                delimiter = "\t" if ext == ".tsv" or (ext == ".txt" and "\t" in text.split("\n", 1)[0]) else ","
                kwargs = {"sep": delimiter, "quoting": detect_quoting(text, delimiter)}
                if kwargs["quoting"] == csv.QUOTE_NONE:
                    kwargs["quotechar"] = "\0"  # a quote character pandas can never meet
        try:
            ds = load_dataset(builder, data_files=data_file, split="train", **kwargs)
        except StudioError:
            raise
        except Exception as exc:  # noqa: BLE001 - the parser's own message is the useful part
            detail = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else type(exc).__name__
            raise StudioError("err.file_parse", name=name, fmt=ext.lstrip(".").upper(), detail=detail) from exc
    finally:
        if cleanup:
            try:
                os.unlink(cleanup)
            except OSError:
                pass
    if ds.num_rows == 0:
        raise StudioError("err.file_empty", name=name)
    _check_rows(ds.num_rows, max_rows, name)
    json_columns = _json_columns(ds)
    if json_columns:
        ds = json_as_text(ds, json_columns)
    # pandas reads the original file the same way when told its encoding (BOM or CP949).
    load_kwargs = dict(kwargs)
    if encoding and encoding != "utf-8-sig":
        load_kwargs["encoding"] = encoding
    elif bom:
        load_kwargs["encoding"] = "utf-8-sig"
    source = {"kind": "file", "path": str(path), "name": name, "builder": builder, "load_kwargs": load_kwargs}
    if json_columns:
        source["json_as_text"] = json_columns  # generated code converts them the same way
    return DatasetDict({"train": ds}), source


# --- the Hub ----------------------------------------------------------------------

def _hub_error(ref: str, exc: Exception) -> StudioError:
    """Turn the many failure types of ``load_dataset`` into one clear message each."""
    text = str(exc)
    first = text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
    if isinstance(exc, FileNotFoundError):  # the Hub has no such set (or it is gated): the message names server paths
        return StudioError("err.dataset_hub_missing", ref=ref)
    if "script" in text.lower() and ".py" in text:
        return StudioError("err.dataset_script", ref=ref)
    configs = re.search(r"Config name is missing.*?available configs: (\[.*?\])", text, re.S)
    if configs:
        return StudioError("err.dataset_config_missing", ref=ref, choices=configs.group(1).strip("[]"))
    split = re.search(r"(?:Unknown split \"(.*?)\"\. Should be one of|Bad split: (.*?)\. Available splits:) (\[.*?\])", text)
    if split:
        return StudioError("err.dataset_split_unknown", ref=ref, split=split.group(1) or split.group(2),
                           choices=split.group(3).strip("[]"))
    return StudioError("err.dataset_not_found", ref=ref, detail=first)


def load_hub(dataset_id: str, config: str | None = None, split: str | None = None,
             streaming: bool = False, max_rows: int | None = None):
    """``datasets.load_dataset(id, config, split)`` — the real call, when the Hub is reachable.

    With ``streaming`` the rows are read lazily and the first ``max_rows`` kept, so a very
    large set never downloads whole.
    """
    return load_hub_with_source(dataset_id, config, split, streaming, max_rows)[0]


def load_hub_with_source(dataset_id: str, config: str | None = None, split: str | None = None,
                         streaming: bool = False, max_rows: int | None = None):
    """Like :func:`load_hub`, plus the source dict :mod:`trainer_core.data_code` reproduces."""
    ref = (dataset_id or "").strip()
    if not HUB_ID_PATTERN.match(ref) or ".." in ref:
        raise StudioError("err.dataset_id_malformed", ref=ref)
    config = (config or "").strip() or None
    split = (split or "").strip() or None
    max_rows = int(max_rows) if max_rows else None
    if not hub_reachable():
        raise HubUnreachableError("err.dataset_hub_unreachable", ref=ref)
    from .space import visitor_may_name

    ref = visitor_may_name("dataset", ref)
    hub_path = HUB_ONLY + ref  # load_dataset looks on the Hub only, never at a local folder of that name
    import datasets
    from datasets import Dataset, DatasetDict

    source = {"kind": "hub", "id": ref, "config": config, "split": split,
              "streaming": bool(streaming), "max_rows": max_rows}
    try:
        if streaming:
            split = split or "train"
            source["split"] = split
            source["max_rows"] = max_rows = max_rows or 10_000
            stream = datasets.load_dataset(hub_path, config, split=split, streaming=True)
            rows = list(stream.take(max_rows))
            if not rows:
                raise StudioError("err.file_empty", name=ref)
            features = getattr(stream, "features", None)
            ds = Dataset.from_list(rows, features=features) if features else Dataset.from_list(rows)
            return DatasetDict({split: ds}), source
        result = datasets.load_dataset(hub_path, config, split=split)
    except StudioError:
        raise
    except Exception as exc:  # noqa: BLE001 - translate the library's many failure types
        raise _hub_error(ref, exc) from exc
    out = result if isinstance(result, DatasetDict) else DatasetDict({split or "train": result})
    if max_rows:
        out = DatasetDict({k: v.select(range(min(max_rows, v.num_rows))) for k, v in out.items()})
    if not out or all(v.num_rows == 0 for v in out.values()):
        raise StudioError("err.file_empty", name=ref)
    return out, source


# --- one entry point for every source ---------------------------------------------

def sample_source(name: str) -> dict:
    sample = SAMPLES.get(name)
    if sample is None:
        raise StudioError("err.sample_unknown", name=name, choices=", ".join(SAMPLES))
    return {"kind": "sample", "name": name, "path": str(SAMPLES_DIR / sample.file),
            "label_names": list(sample.label_names), "eval_split": sample.eval_split}


def load_source(source: dict, max_bytes: int | None = None):
    """Load what a source dict describes: (DatasetDict, the source dict, completed)."""
    kind = source.get("kind")
    if kind == "sample":
        return load_sample(source["name"]), sample_source(source["name"])
    if kind == "file":
        return load_file_with_source(source["path"], max_bytes, name=source.get("name"))
    if kind == "hub":
        return load_hub_with_source(source.get("id", ""), source.get("config"), source.get("split"),
                                    bool(source.get("streaming")), source.get("max_rows"))
    raise StudioError("err.source_unknown", kind=str(kind))
