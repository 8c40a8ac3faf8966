"""Strings of the dataset area: key -> {"en": ..., "ko": ...}."""

STRINGS: dict[str, dict[str, str]] = {
    "ds.placeholder": {"en": "Load a data set to see its features, labels, rows and token lengths.", "ko": "데이터셋을 불러오면 특성, 레이블, 행, 토큰 길이를 볼 수 있습니다."},
    "ds.sample": {"en": "Bundled sample", "ko": "내장 샘플"},
    "ds.load": {"en": "Load", "ko": "불러오기"},
    "ds.summary": {"en": "Summary", "ko": "요약"},
    "err.mapping_undetected": {"en": "Could not tell which column holds the text and which the label. Columns found: {found}. Choose them in the mapping.", "ko": "어느 열이 문장이고 어느 열이 레이블인지 알 수 없습니다. 찾은 열: {found}. 열 매핑에서 직접 고르세요."},
    "err.mapping_missing": {"en": "The {role} column '{name}' is not in the data. Columns found: {found}.", "ko": "{role} 열 '{name}'이(가) 데이터에 없습니다. 찾은 열: {found}."},
    "err.mapping_same": {"en": "The text, text-pair and label columns must be different columns. Columns found: {found}.", "ko": "문장, 문장 쌍, 레이블 열은 서로 다른 열이어야 합니다. 찾은 열: {found}."},
    "err.one_class": {"en": "The label column '{label}' has only one class ({names}). A classifier needs at least two; check the label column or the rows you kept.", "ko": "레이블 열 '{label}'에 클래스가 하나뿐입니다({names}). 분류기는 클래스가 두 개 이상 필요합니다. 레이블 열이나 남긴 행을 확인하세요."},
    "err.split_no_eval": {"en": "No evaluation data: give a number of validation rows or a separate evaluation file.", "ko": "평가 데이터가 없습니다. 검증 행 수를 지정하거나 별도의 평가 파일을 주세요."},
    "err.split_too_small": {"en": "The split needs {need} rows but the data has {have} after cleaning. Ask for fewer rows.", "ko": "분할에 {need}행이 필요한데 정리 후 데이터는 {have}행입니다. 행 수를 줄이세요."},
    "err.split_class_rows": {"en": "The {split} split would have {rows} rows for {classes} classes; it needs at least one row per class. Ask for more rows.", "ko": "{split} 분할이 클래스 {classes}개에 {rows}행뿐입니다. 클래스마다 최소 한 행이 필요하니 행 수를 늘리세요."},
    "err.eval_unknown_labels": {"en": "The evaluation data has labels the training data lacks: {unknown}. Training labels: {names}.", "ko": "평가 데이터에 학습 데이터에 없는 레이블이 있습니다: {unknown}. 학습 레이블: {names}."},
}
