"""Strings of the train area: key -> {"en": ..., "ko": ...}."""

STRINGS: dict[str, dict[str, str]] = {
    "train.placeholder": {"en": "Fine-tune a model on the prepared data set with the Trainer API or a plain PyTorch loop.", "ko": "준비한 데이터셋으로 Trainer API 또는 순수 PyTorch 루프를 써서 모델을 파인튜닝합니다."},
}
