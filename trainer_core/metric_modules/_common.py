"""What the local metric modules share: their input features, their info, and the averaging call.

evaluate copies this file next to each module script that imports it (``from ._common
import ...``), so every module still loads on its own with ``evaluate.load(<file>)``.
"""
import datasets
import evaluate

SHARED_KWARGS = """
    labels (list of int): the classes to score (default: those present); with average=None the
        result lists one value per entry, in this order.
    pos_label (int): the positive class when average="binary" (default 1).
    average (str or None): "binary" (default), "macro", "micro", "weighted", or None for per class.
    sample_weight (list of float): optional weights.
    zero_division (0, 1 or "warn"): value used where a denominator is zero (default 0).
"""


def metric_info(description: str, inputs_description: str):
    """Integer class ids in, as for every classification metric of evaluate."""
    return evaluate.MetricInfo(
        description=description,
        citation="",
        inputs_description=inputs_description,
        features=datasets.Features({"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}),
    )


def averaged(score_fn, predictions, references, labels=None, pos_label=1, average="binary", sample_weight=None,
             zero_division=0):
    """A scikit-learn precision/recall/F1 score: a float, or a list of floats per class when average=None."""
    score = score_fn(references, predictions, labels=labels, pos_label=pos_label, average=average,
                     sample_weight=sample_weight, zero_division=zero_division)
    return [float(s) for s in score] if average is None else float(score)
