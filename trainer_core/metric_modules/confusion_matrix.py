"""Confusion matrix (offline twin of evaluate's ``confusion_matrix``): rows = reference, columns = prediction."""
import evaluate
from sklearn.metrics import confusion_matrix

from ._common import metric_info

_DESCRIPTION = "Cell [i][j] counts the examples whose reference is class i and whose prediction is class j."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list of int): predicted labels.
    references (list of int): ground-truth labels.
    labels (list of int): the classes, in row/column order (default: those present, sorted).
    sample_weight (list of float): optional weights.
    normalize ("true", "pred", "all" or None): normalise over rows, columns or everything.
    average, pos_label, zero_division: accepted and ignored (see accuracy).
Returns:
    confusion_matrix (list of lists: int counts, or float when normalised)
"""


class ConfusionMatrix(evaluate.Metric):
    def _info(self):
        return metric_info(_DESCRIPTION, _KWARGS_DESCRIPTION)

    def _compute(self, predictions, references, labels=None, sample_weight=None, normalize=None, average=None,
                 pos_label=None, zero_division=None):
        matrix = confusion_matrix(references, predictions, labels=labels, sample_weight=sample_weight,
                                  normalize=normalize)
        return {"confusion_matrix": matrix.tolist()}
