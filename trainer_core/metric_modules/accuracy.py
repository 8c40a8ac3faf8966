"""Accuracy: the share of predictions equal to the reference (offline twin of evaluate's ``accuracy``)."""
import evaluate
from sklearn.metrics import accuracy_score

from ._common import metric_info

_DESCRIPTION = "Accuracy = (TP + TN) / (TP + TN + FP + FN): the proportion of correct predictions."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.
    normalize (bool): return the fraction (True, default) or the count of correct predictions.
    sample_weight (list of float): optional weights.
    labels, average, pos_label, zero_division: accepted and ignored, so that this module can be
        combined with f1/precision/recall in ``evaluate.combine`` (which forwards every keyword).
Returns:
    accuracy (float)
"""


class Accuracy(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, normalize=True, sample_weight=None, labels=None, average=None,
                 pos_label=None, zero_division=None):
        return {"accuracy": float(accuracy_score(references, predictions, normalize=normalize,
                                                 sample_weight=sample_weight))}
