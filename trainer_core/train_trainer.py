"""The ``trainer`` backend: Hugging Face ``Trainer`` with transformers 5 argument names.

Everything the Trainer does silently is set explicitly here so it can be shown and
compared with the plain loop: ``eval_strategy`` (not ``evaluation_strategy``),
``processing_class`` (not ``tokenizer``), ``use_cpu`` (not ``no_cuda``),
``warmup_steps`` computed from our ``warmup_ratio`` (the ratio argument is gone), and
``train_sampling_strategy="group_by_length"`` (not ``group_by_length=True``).
"""
from __future__ import annotations

import time

from .runtime import BackendOutput, TrainContext, world


def training_arguments(ctx: TrainContext):
    from transformers import TrainingArguments

    cfg = ctx.config
    on_cpu = ctx.device.type == "cpu"
    eval_kwargs = ({"eval_strategy": "steps", "eval_steps": cfg.eval_every} if cfg.eval_every > 0
                   else {"eval_strategy": "epoch"})
    return TrainingArguments(
        output_dir=str(ctx.run_dir),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size * 2,
        gradient_accumulation_steps=cfg.grad_accum_steps,
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm,
        lr_scheduler_type="linear",
        warmup_steps=ctx.warmup_steps,
        train_sampling_strategy="group_by_length" if cfg.group_by_length else "random",
        logging_strategy="steps",
        logging_steps=cfg.log_every,
        save_strategy="no",            # the engine saves the final model itself, at the top of the run dir
        report_to="none",
        seed=cfg.seed,
        data_seed=cfg.seed,
        bf16=cfg.precision == "bf16",
        fp16=cfg.precision == "fp16",
        use_cpu=on_cpu,
        dataloader_pin_memory=not on_cpu,  # pinning is useless on CPU and warns
        dataloader_num_workers=0,
        disable_tqdm=True,             # the app and the CLI draw their own progress from events
        **eval_kwargs,
    )


def _event_callback(ctx: TrainContext):
    from transformers import TrainerCallback

    class EventCallback(TrainerCallback):
        """Turns the Trainer's hooks into TrainEvents and honours the stop flag after every step."""

        def __init__(self):
            # Per optimizer step, over all processes when launched with torchrun.
            self.samples_per_step = ctx.config.batch_size * ctx.config.grad_accum_steps * max(world()[1], 1)
            self.summary: dict = {}

        def _sps(self, state) -> float | None:
            elapsed = time.monotonic() - ctx.train_started
            return state.global_step * self.samples_per_step / elapsed if elapsed > 0 else None

        def on_step_end(self, args, state, control, **kwargs):
            scheduler = kwargs.get("lr_scheduler")
            lr = float(scheduler.get_last_lr()[0]) if scheduler is not None else None
            ctx.emit("step", step=state.global_step, total_steps=state.max_steps, epoch=state.epoch,
                     learning_rate=lr, samples_per_second=self._sps(state))
            if ctx.stop.is_set():
                control.should_training_stop = True
                control.should_evaluate = False
                control.should_save = False
            return self._skip_last_eval(state, control)

        def on_epoch_end(self, args, state, control, **kwargs):
            return self._skip_last_eval(state, control)

        def _skip_last_eval(self, state, control):
            # The final evaluation is trainer.predict() below (it also gives the logits), so the
            # in-training one at the last step would only double the work and the runtime.
            if state.max_steps and state.global_step >= state.max_steps:
                control.should_evaluate = False
            return control

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = dict(logs or {})
            if "train_runtime" in logs:
                self.summary = logs
            elif "loss" in logs:
                ctx.emit("log", step=state.global_step, total_steps=state.max_steps, epoch=state.epoch,
                         loss=_num(logs.get("loss")), learning_rate=_num(logs.get("learning_rate")),
                         grad_norm=_num(logs.get("grad_norm")), samples_per_second=self._sps(state))

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            clean = {k.removeprefix("eval_"): v for k, v in (metrics or {}).items()
                     if isinstance(v, (int, float)) and not k.endswith(("_runtime", "_per_second"))}
            clean.pop("epoch", None)
            ctx.emit("eval", step=state.global_step, total_steps=state.max_steps, epoch=state.epoch, metrics=clean)

    return EventCallback()


def _num(value):
    return float(value) if isinstance(value, (int, float)) else None


def _in_order_trainer_class():
    from torch.utils.data import SequentialSampler
    from transformers import Trainer

    class InOrderTrainer(Trainer):
        """A Trainer that evaluates in data-set order.

        transformers 5.23 length-groups the *evaluation* loader too when
        ``train_sampling_strategy="group_by_length"``, so ``predict()`` returns rows in the
        sampler's order. Metrics do not care, but eval_predictions.jsonl pairs every row with its
        text, and half of its rows carried another text's label (the confusion-matrix drill-down
        listed examples that were not in the cell). Grouping only saves padding in training.
        """

        def _get_eval_sampler(self, eval_dataset):
            if eval_dataset is None or self.args.world_size > 1:
                # Under torchrun: no sampler, so accelerate shards in order and gathers back in order.
                return None
            return SequentialSampler(eval_dataset)

    return InOrderTrainer


def train_with_trainer(ctx: TrainContext) -> BackendOutput:
    from transformers import PrinterCallback, ProgressCallback

    from .metrics import trainer_compute_metrics

    callback = _event_callback(ctx)
    extra = {}
    if getattr(ctx.model, "head_learning_rate", None):
        # A head with its own learning rate: the same parameter groups as the loop; the Trainer adds its schedule.
        from .train_loop import make_optimizer

        extra["optimizers"] = (make_optimizer(ctx.model, ctx.config.learning_rate, ctx.config.weight_decay), None)
    trainer = _in_order_trainer_class()(
        model=ctx.model,
        args=training_arguments(ctx),
        train_dataset=ctx.tokenized["train"],
        eval_dataset=ctx.tokenized["validation"],
        processing_class=ctx.tokenizer,
        data_collator=ctx.collator,
        compute_metrics=trainer_compute_metrics(ctx.label_names),
        callbacks=[callback],
        **extra,
    )
    # Both print every log dict to stdout; our events carry the same numbers.
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    output = trainer.train()
    stopped = ctx.stop.is_set()
    prediction = trainer.predict(ctx.tokenized["validation"])
    summary = callback.summary or output.metrics
    if ctx.last_eval_step != trainer.state.global_step:
        ctx.emit("eval", step=trainer.state.global_step, epoch=trainer.state.epoch,
                 metrics={k.removeprefix("test_"): v for k, v in prediction.metrics.items()
                          if isinstance(v, (int, float)) and not k.endswith(("_runtime", "_per_second"))})
    return BackendOutput(
        status="stopped" if stopped else "completed",
        global_step=trainer.state.global_step,
        train_runtime=float(summary.get("train_runtime", time.monotonic() - ctx.train_started)),
        train_samples_per_second=float(summary.get("train_samples_per_second", 0.0)),
        eval_logits=prediction.predictions[0] if isinstance(prediction.predictions, tuple) else prediction.predictions,
        eval_labels=[int(v) for v in prediction.label_ids],
        eval_loss=_num(prediction.metrics.get("test_loss")),
        train_loss=_num(output.training_loss),
    )
