"""Strings of the tokenizer area: key -> {"en": ..., "ko": ...}."""

STRINGS: dict[str, dict[str, str]] = {
    "tok.placeholder": {"en": "Type a text to see the tokens, input_ids, attention_mask and token_type_ids the model receives.", "ko": "문장을 입력하면 모델이 받는 토큰, input_ids, attention_mask, token_type_ids를 보여 줍니다."},
}
