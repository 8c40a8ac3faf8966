"""Precision (offline twin of evaluate's ``precision``): binary, macro/micro/weighted, or per class."""
import datasets
import evaluate
from sklearn.metrics import precision_score

_DESCRIPTION = "Precision = TP / (TP + FP), per class, then averaged."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.
    labels (list of int): the classes to score (default: those present); with average=None the
        result lists one value per entry, in this order.
    pos_label (int): the positive class when average="binary" (default 1).
    average (str or None): "binary" (default), "macro", "micro", "weighted", or None for per class.
    sample_weight (list of float): optional weights.
    zero_division (0, 1 or "warn"): value used where a denominator is zero (default 0).
Returns:
    precision (float, or list of float when average=None)
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Precision(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value("int32"),
                                        "references": datasets.Value("int32")}),
        )

    def _compute(self, predictions, references, labels=None, pos_label=1, average="binary", sample_weight=None,
                 zero_division=0, normalize=None):
        score = precision_score(references, predictions, labels=labels, pos_label=pos_label, average=average,
                      sample_weight=sample_weight, zero_division=zero_division)
        return {"precision": [float(s) for s in score] if average is None else float(score)}
