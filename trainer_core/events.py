"""``TrainEvent``: what both backends report while they train, in one shape.

The UI plots them, the CLI draws a progress bar from them and ``metrics.jsonl``
stores one per line, so the Trainer backend and the plain loop are interchangeable
for everything downstream.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

KINDS = ("start", "step", "eval", "log", "done", "stopped", "error")
FINAL_KINDS = ("done", "stopped", "error")


@dataclass
class TrainEvent:
    kind: str
    step: int = 0
    total_steps: int = 0
    epoch: float | None = None
    loss: float | None = None
    learning_rate: float | None = None
    grad_norm: float | None = None
    samples_per_second: float | None = None
    metrics: dict | None = None
    message: str | None = None   # English text; ``key``/``params`` render it in the user's language
    elapsed: float = 0.0
    time: float = field(default_factory=time.time)
    key: str | None = None        # i18n key of ``message`` (t(key, lang, **params))
    params: dict | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}; expected one of {KINDS}")

    @property
    def is_final(self) -> bool:
        return self.kind in FINAL_KINDS

    def to_dict(self) -> dict:
        """JSON-safe: NaN/inf (a diverged loss) become None so every line of metrics.jsonl parses."""
        return {k: _clean(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "TrainEvent":
        return cls(**data)


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
