"""Before launch: how many steps, tokens, seconds and bytes a run will take, and what looks wrong.

Time comes from a FLOP count: training costs about ``6 x parameters x tokens`` (forward 2,
backward 4; embedding parameters are looked up, not multiplied, so they are left out)
plus the attention term ``12 x layers x length x hidden`` per token; evaluation costs a
third of that per token. Divided by this machine's measured matrix-multiply speed (a
short probe, run once per process) times the share of it a real training step reaches
(``UTILIZATION`` until a run of the same model has been measured here, see
:func:`record_run`; ``bench/bench_train_estimate.py`` measures it), plus a small cost per
step that does not depend on the model's size. Tokens are counted with the
model's own tokenizer on the actual split, batch by batch, padding included, in the
order length grouping produces, so the padding the run will compute is in the count.
"""
from __future__ import annotations

import math
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

# Share of the fp32 matmul peak a training step reaches on a CPU (small matrices, softmax,
# layer norms, optimizer) until a run of the same model has been measured here;
# bench/bench_train_estimate.py measures it against real runs.
UTILIZATION = 0.3
STARTUP_SECONDS = 3.0          # imports already done: model load, tokenization, first batch
STEP_OVERHEAD_SECONDS = 0.01   # per optimizer step whatever the model size: optimizer, collation, callbacks
# Hardware measurements, the same for every user of the process (not per-user state):
_PROBE: dict[str, float] = {}     # fp32 matmul FLOP/s
_MEASURED: dict[str, float] = {}  # model -> share of the probe a finished run of it reached here

TRUNCATION_WARN = 0.01         # warn when at least 1% of training texts are cut
IMBALANCE_WARN = 3.0           # largest class / smallest class
TINY_EVAL_ROWS = 100           # below this, one example moves accuracy by more than a point
LONG_RUN_SECONDS = 30 * 60
MEMORY_SHARE_WARN = 0.7


@dataclass
class Estimate:
    model: str
    exact: bool
    train_rows: int
    eval_rows: int
    steps: int
    steps_per_epoch: int
    samples: int
    max_length: int
    tokens_real: int             # tokens the model reads in training (after truncation)
    tokens_computed: int         # the same plus padding: what is actually multiplied
    padded_share: float
    mean_length: float
    p95_length: int
    truncated_share: float
    evals: int
    params: int | None
    params_non_embedding: int | None
    flops: float | None            # training + evaluation
    flops_train: float | None
    flops_per_second: float
    utilization: float             # share of flops_per_second assumed for training
    calibrated: bool               # utilization measured on an earlier run of this model here
    seconds: float | None
    memory_bytes: int | None
    run_bytes: int | None = None   # the saved run folder: fp32 weights (the tokenizer and the rest are small)
    class_counts: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)   # [{"key": i18n key, "params": {...}}]

    def to_dict(self) -> dict:
        return asdict(self)


def matmul_flops_per_second(size: int = 512, seconds: float = 0.25) -> float:
    """fp32 matmul speed of this machine with all threads (measured once, then cached)."""
    if "fp32" not in _PROBE:
        import torch

        a, b = torch.randn(size, size), torch.randn(size, size)
        a @ b  # warm-up: thread pool start and caches
        runs, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            a @ b
            runs += 1
        _PROBE["fp32"] = 2 * size ** 3 * runs / (time.perf_counter() - start)
    return _PROBE["fp32"]


def batch_tokens(lengths: list[int], batch_size: int, max_length: int, padding: str, group_by_length: bool,
                 seed: int = 42, group_size: int | None = None) -> tuple[int, int, int]:
    """(real tokens, computed tokens, longest batch length) of one pass in the order the run uses.

    Length grouping sorts within groups of ``group_size`` rows (the effective batch, as the
    Trainer's sampler does); each forward pass then pads its ``batch_size`` rows to the longest.
    """
    import torch

    from .prepare import length_grouped_indices

    cut = [min(n, max_length) for n in lengths]
    if not cut:
        return 0, 0, 0
    if padding == "max_length":
        return sum(cut), max_length * len(cut), max_length
    generator = torch.Generator().manual_seed(seed)
    if group_by_length:
        order = length_grouped_indices(cut, group_size or batch_size, generator=generator)
    else:
        order = torch.randperm(len(cut), generator=generator).tolist()
    computed, longest = 0, 0
    for start in range(0, len(order), batch_size):
        batch = [cut[i] for i in order[start:start + batch_size]]
        computed += max(batch) * len(batch)
        longest = max(longest, max(batch))
    return sum(cut), computed, longest


def count_evals(config, steps: int, steps_per_epoch: int) -> int:
    if config.eval_every > 0:
        return (steps - 1) // config.eval_every + 1  # every eval_every steps, and once at the end
    return max(math.ceil(steps / steps_per_epoch), 1)


def _percentile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0


def _total_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def training_memory(params: int, layers: int, hidden: int, heads: int, batch: int, length: int,
                    frozen: int = 0) -> int:
    """fp32 weights + gradients + AdamW's two moments (16 bytes/parameter; 4 for a ``frozen`` one, which
    has neither) + activations kept for backward.

    Activations per layer follow Korthikanti et al. (2022), ``s*b*h*(34 + 5*a*s/h)`` bytes for
    16-bit training, doubled for fp32.
    """
    activations = layers * batch * length * (34 * hidden + 5 * heads * length) * 2
    return int(16 * (params - frozen) + 4 * frozen + activations)


def estimate(config, prepared, facts=None, flops_per_second: float | None = None) -> Estimate:
    """The figures and warnings for ``config`` trained on ``prepared`` (a PreparedData)."""
    from .estimate_model import effective_limit, model_facts, token_lengths
    from .prepare import steps_per_epoch, total_steps

    facts = facts or model_facts(config, prepared)
    speed = flops_per_second or matmul_flops_per_second()
    utilization = _MEASURED.get(facts.ref, UTILIZATION)
    max_length = effective_limit(facts, config.max_length)
    lengths = token_lengths(facts, prepared, "train")
    eval_lengths = token_lengths(facts, prepared, "validation")
    n_train, n_eval = len(lengths), len(eval_lengths)
    per_epoch = steps_per_epoch(n_train, config.batch_size, config.grad_accum_steps)
    steps = total_steps(config, n_train)
    samples = min(steps * config.batch_size * config.grad_accum_steps, math.ceil(config.epochs * n_train)) \
        if config.max_steps <= 0 else steps * config.batch_size * config.grad_accum_steps
    real, computed, longest = batch_tokens(lengths, config.batch_size, max_length, config.padding,
                                           config.group_by_length, config.seed,
                                           config.batch_size * config.grad_accum_steps)
    scale = samples / n_train if n_train else 0.0   # passes over the data (fractions for max_steps/epochs)
    eval_real, eval_computed, _ = batch_tokens(eval_lengths, config.batch_size * 2, max_length, config.padding,
                                               False, config.seed)
    evals = count_evals(config, steps, per_epoch)

    flops = train_flops = seconds = memory = None
    non_embedding = None
    if facts.params is not None:
        non_embedding = facts.params - (facts.embedding or 0)
        mean_batch_len = computed / max(n_train, 1)
        attention = 12 * (facts.layers or 0) * mean_batch_len * (facts.hidden or 0)
        train_flops = (6 * non_embedding + attention) * computed * scale
        eval_flops = (2 * non_embedding + attention / 3) * eval_computed * evals
        flops = train_flops + eval_flops
        seconds = STARTUP_SECONDS + steps * STEP_OVERHEAD_SECONDS + flops / (speed * utilization)
        memory = training_memory(facts.params, facts.layers or 0, facts.hidden or 0, facts.heads or 0,
                                 config.batch_size, longest, frozen=facts.frozen)

    labels = prepared.splits["train"][prepared.mapping.label]
    counts = Counter(prepared.label_names[i] for i in labels)
    result = Estimate(
        model=facts.ref, exact=facts.exact, train_rows=n_train, eval_rows=n_eval, steps=steps,
        steps_per_epoch=per_epoch, samples=samples, max_length=max_length, tokens_real=int(real * scale),
        tokens_computed=int(computed * scale), padded_share=1 - real / computed if computed else 0.0,
        mean_length=sum(min(n, max_length) for n in lengths) / max(n_train, 1), p95_length=_percentile(lengths, 0.95),
        truncated_share=sum(n > max_length for n in lengths) / max(n_train, 1), evals=evals,
        params=facts.params, params_non_embedding=non_embedding, flops=flops, flops_train=train_flops,
        flops_per_second=speed, utilization=utilization, calibrated=facts.ref in _MEASURED,
        seconds=seconds, memory_bytes=memory, run_bytes=4 * facts.params if facts.params else None, class_counts=dict(counts.most_common()))
    result.warnings = warnings_for(config, result, lengths)
    return result


def record_run(est: Estimate, results: dict) -> float | None:
    """Learn from a finished (or stopped) run: the share of the probe it really reached.

    The next estimate for the same model on this machine uses it instead of the assumed
    ``UTILIZATION``. Returns the measured share, or None when the run gives nothing to learn from.
    """
    done, runtime = results.get("global_step"), results.get("train_runtime")
    if not (est.flops and est.steps and done and runtime and runtime > 0):
        return None
    overhead = done * STEP_OVERHEAD_SECONDS
    compute = max(runtime - overhead, runtime * 0.1)
    share = est.flops * (done / est.steps) / compute / est.flops_per_second
    _MEASURED[est.model] = share
    return share


def _warn(key: str, **params) -> dict:
    return {"key": key, "params": params}


def warnings_for(config, est: Estimate, lengths: list[int]) -> list[dict]:
    """What a careful colleague would point out before the run starts."""
    from .space import space_limits

    out = []
    if not est.exact:
        out.append(_warn("tt.warn_approx", model=est.model))
    if est.truncated_share >= TRUNCATION_WARN:
        out.append(_warn("tt.warn_truncated", share=f"{est.truncated_share:.1%}", max_length=est.max_length,
                         p95=est.p95_length, longest=max(lengths) if lengths else 0))
    counts = list(est.class_counts.values())
    if len(counts) >= 2 and min(counts) > 0 and max(counts) / min(counts) >= IMBALANCE_WARN:
        smallest = min(est.class_counts, key=est.class_counts.get)
        out.append(_warn("tt.warn_imbalance", ratio=f"{max(counts) / min(counts):.1f}", smallest=smallest,
                         rows=est.class_counts[smallest]))
    if est.eval_rows < TINY_EVAL_ROWS:
        out.append(_warn("tt.warn_tiny_eval", rows=est.eval_rows, point=f"{1 / max(est.eval_rows, 1):.1%}"))
    if config.padding == "max_length" and est.padded_share > 0.3:
        out.append(_warn("tt.warn_padding", share=f"{est.padded_share:.0%}"))
    if est.model == "scratch" and config.learning_rate < 1e-4:
        out.append(_warn("tt.warn_scratch_lr", lr=config.learning_rate))
    limits = space_limits()
    if limits.on_space and limits.max_steps is not None and est.steps > limits.max_steps:
        out.append(_warn("tt.warn_space_steps", steps=est.steps, cap=limits.max_steps))
    elif est.seconds is not None and est.seconds > LONG_RUN_SECONDS:
        out.append(_warn("tt.warn_long", minutes=f"{est.seconds / 60:.0f}"))
    total = _total_memory()
    if est.memory_bytes and total and est.memory_bytes > MEMORY_SHARE_WARN * total:
        out.append(_warn("tt.warn_memory", need=f"{est.memory_bytes / 2**30:.1f}", have=f"{total / 2**30:.1f}"))
    return out
