"""``python -m trainer_core``: train, predict and export-script from the command line.

The ``train`` flags are generated from :class:`TrainConfig` field metadata, so the
CLI, the UI form and the saved config cannot drift apart. Bad input prints one
``error:`` line and exits with code 2; there is never a traceback (set
``FTS_DEBUG=1`` to see one). Ctrl-C during training stops after the current step
and still saves the model; a second Ctrl-C aborts.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from .config import TrainConfig, form_fields
from .errors import StudioError
from .i18n import t
from .precision import PRECISIONS
from .presets import PRESETS, preset_config

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of the usage block
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def _help(key: str) -> str:
    return t(key, "en").replace("%", "%%")


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per TrainConfig field that has ``cli`` metadata; unset flags keep the dataclass default."""
    # One data source, unless --preset names one (checked in config_from_args).
    source = parser.add_mutually_exclusive_group()
    for spec in form_fields():
        flag = spec.get("cli")
        if not flag:
            continue
        target = source if spec["name"] in ("train_file", "dataset", "sample") else parser
        kwargs = {"dest": spec["name"], "default": argparse.SUPPRESS, "help": _help(spec["help"])}
        if spec["type"] == "bool":
            if spec["default"]:
                kwargs["action"] = argparse.BooleanOptionalAction
            else:
                kwargs["action"] = "store_const"
                kwargs["const"] = True
        else:
            # Values are validated by TrainConfig, so the CLI and the UI give the same messages.
            kwargs["metavar"] = "{" + ",".join(spec["choices"]) + "}" if spec.get("choices") else spec["name"].upper()
        target.add_argument(flag, **kwargs)


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The flags given, on top of ``--preset`` (the Train tab's table) when one is named."""
    names = {spec["name"] for spec in form_fields()}
    given = {k: v for k, v in vars(args).items() if k in names}
    preset = getattr(args, "preset", None)
    values = preset_config(preset).to_dict() if preset else {}
    if "train_file" in given:
        given["data_source"] = "file"
    elif "dataset" in given:
        given["data_source"] = "hub"
    elif "sample" in given:
        given["data_source"] = "sample"
    elif not preset:
        raise StudioError("err.cli_no_source")
    if "data_source" in given and given["data_source"] != values.get("data_source"):
        # A different source replaces the preset's data entirely (its columns belong to its data).
        for key in ("sample", "train_file", "dataset", "dataset_config", "text_column", "text_pair_column",
                    "label_column"):
            values.pop(key, None)
    values.update(given)
    return TrainConfig.from_dict(values)


class Progress:
    """A tqdm bar on stderr driven by TrainEvents (stdout stays clean for the JSON summary)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.bar = None

    def _write(self, text: str):
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def __call__(self, event):
        from tqdm import tqdm

        if event.kind == "start":
            self._write(event.message or "")
            self.bar = tqdm(total=event.total_steps, file=self.stream, unit="step", dynamic_ncols=True)
        elif event.kind == "step" and self.bar is not None:
            self.bar.update(max(event.step - self.bar.n, 0))
            if event.samples_per_second:
                self.bar.set_postfix_str(f"{event.samples_per_second:.1f} samples/s", refresh=False)
        elif event.kind == "log" and event.loss is not None and self.bar is not None:
            self.bar.set_postfix_str(f"loss {event.loss:.4f} lr {event.learning_rate or 0:.2e} "
                                     f"{event.samples_per_second or 0:.1f} samples/s", refresh=True)
        elif event.kind == "eval":
            shown = ", ".join(f"{k} {v:.4f}" for k, v in (event.metrics or {}).items() if isinstance(v, float))
            self._write(f"eval @ step {event.step}: {shown}")
        elif event.message:
            if self.bar is not None:  # training is over once a phase or final message arrives
                self.bar.close()
                self.bar = None
            self._write(event.message)


def _quiet_libraries() -> None:
    """The bar above is the progress report; library bars and load tables would interleave with it."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import datasets
    import transformers

    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def cmd_train(args) -> int:
    from .engine import run_training
    from .runtime import finish_distributed

    config = config_from_args(args)
    _quiet_libraries()
    stop = threading.Event()

    def on_sigint(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nStopping after this step (Ctrl-C again to abort)…", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_sigint) if threading.current_thread() is threading.main_thread() else None
    try:
        result = run_training(config, on_event=Progress(), stop=stop, owner="cli")
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if result.status == "completed":
        finish_distributed()
    if result.status == "failed":
        print(f"error: {result.error}", file=sys.stderr)
        return EXIT_FAILED if result.error is not None and result.error.key == "err.train_failed" else EXIT_BAD_INPUT
    if result.run_dir is None:  # another torchrun process: the first one reports
        return 0
    keys = ("status", "eval_accuracy", "eval_macro_f1", "eval_f1", "baseline_accuracy", "baseline_macro_f1",
            "train_runtime", "train_samples_per_second", "num_train_rows", "num_eval_rows", "model_ref",
            "eval_accuracy_ci95", "warnings")
    summary = {"run_dir": str(result.run_dir), **{k: result.results[k] for k in keys if k in result.results}}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_predict(args) -> int:
    _quiet_libraries()
    from .inference import predict_json

    print(json.dumps(predict_json(args.model, args.text, args.text_pair, precision=args.precision), ensure_ascii=False))
    return 0


def cmd_export(args) -> int:
    from .export import export_script

    config = TrainConfig.load(args.config)
    script = export_script(config, backend=args.backend)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(script)
        print(args.output)
    else:
        sys.stdout.write(script)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m trainer_core", description="Fine-Tune Studio: train, predict, export.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = sub.add_parser("train", help="fine-tune a text classifier and save it with its results")
    train.add_argument("--preset", choices=list(PRESETS), default=None,
                       help="start from a Train tab preset (the same table); other flags override its values")
    add_config_flags(train)
    train.set_defaults(func=cmd_train)
    predict = sub.add_parser("predict", help="classify one text with a saved model; prints one JSON line")
    predict.add_argument("--model", required=True, help="a run folder, a saved model folder or a Hub id")
    predict.add_argument("--text", required=True)
    predict.add_argument("--text-pair", default=None, help="the second text, for sentence-pair models")
    predict.add_argument("--precision", choices=PRECISIONS, default="auto",
                         help="auto = bf16 on a CPU with AMX or AVX512-BF16 (2-4x faster, scores within ~0.01), fp32 elsewhere; "
                              "fp32 = exactly the numbers of training and evaluation")
    predict.set_defaults(func=cmd_predict)
    export = sub.add_parser("export-script", help="a standalone Python script that reproduces a run")
    export.add_argument("--config", required=True, help="a run's config.yaml")
    export.add_argument("--backend", choices=("trainer", "loop"), default=None)
    export.add_argument("--output", default=None, help="write the script here instead of printing it")
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except StudioError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        if os.environ.get("FTS_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}", file=sys.stderr)
        return EXIT_FAILED
