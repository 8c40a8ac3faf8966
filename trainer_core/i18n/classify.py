"""Strings of the classify area (Classify tab, batch prediction, push to the Hub, Space): key -> {"en", "ko"}."""

STRINGS: dict[str, dict[str, str]] = {
    "cls.placeholder": {"en": "Classify texts with a trained run, the built-in model or a Hub model.", "ko": "학습한 실행, 내장 모델 또는 Hub 모델로 문장을 분류합니다."},
    # --- inference errors ---------------------------------------------------
    "cls.err_empty_text": {
        "en": "Text {index} is empty. Type a sentence to classify (blank lines are skipped in batch input).",
        "ko": "{index}번째 문장이 비어 있습니다. 분류할 문장을 입력하세요(일괄 입력에서는 빈 줄을 건너뜁니다).",
    },
    "cls.err_pair_count": {
        "en": "{texts} texts but {pairs} second sentences were given. Give one second sentence per text, or none.",
        "ko": "문장은 {texts}개인데 두 번째 문장은 {pairs}개입니다. 문장마다 두 번째 문장을 하나씩 주거나 아예 비워 두세요.",
    },
}
