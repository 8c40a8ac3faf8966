"""F1 (offline twin of evaluate's ``f1``): binary, macro/micro/weighted, or per class."""
import evaluate
from sklearn.metrics import f1_score

from ._common import SHARED_KWARGS, averaged, metric_info

_DESCRIPTION = "F1 = 2 * precision * recall / (precision + recall), per class, then averaged."
_KWARGS_DESCRIPTION = f"""
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.{SHARED_KWARGS}Returns:
    f1 (float, or list of float when average=None)
"""


class F1(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, normalize=None, **kwargs):
        return {"f1": averaged(f1_score, predictions, references, **kwargs)}
