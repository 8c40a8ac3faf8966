"""Strings of the classify area: key -> {"en": ..., "ko": ...}."""

STRINGS: dict[str, dict[str, str]] = {
    "cls.placeholder": {"en": "Classify texts with a trained run, the built-in model or a Hub model.", "ko": "학습한 실행, 내장 모델 또는 Hub 모델로 문장을 분류합니다."},
}
