"""Recall (offline twin of evaluate's ``recall``): binary, macro/micro/weighted, or per class."""
import evaluate
from sklearn.metrics import recall_score

from ._common import SHARED_KWARGS, averaged, metric_info

_DESCRIPTION = "Recall = TP / (TP + FN), per class, then averaged."
_KWARGS_DESCRIPTION = f"""
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.{SHARED_KWARGS}Returns:
    recall (float, or list of float when average=None)
"""


class Recall(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, normalize=None, **kwargs):
        return {"recall": averaged(recall_score, predictions, references, **kwargs)}
