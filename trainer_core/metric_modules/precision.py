"""Precision (offline twin of evaluate's ``precision``): binary, macro/micro/weighted, or per class."""
import evaluate
from sklearn.metrics import precision_score

from ._common import SHARED_KWARGS, averaged, metric_info

_DESCRIPTION = "Precision = TP / (TP + FP), per class, then averaged."
_KWARGS_DESCRIPTION = f"""
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.{SHARED_KWARGS}Returns:
    precision (float, or list of float when average=None)
"""


class Precision(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, normalize=None, **kwargs):
        return {"precision": averaged(precision_score, predictions, references, **kwargs)}
