"""How close the Train tab's before-launch time estimate is to real runs on this machine.

For a few offline presets: the estimate (FLOP count / (matmul probe x UTILIZATION)) against
the measured ``train_runtime`` of the same config, run here. The baseline measured in the
same run is the fp32 matmul probe itself; the figure that matters is the utilisation a
real training step reaches (training FLOPs / runtime / probe), which is what
``trainer_core.estimate.UTILIZATION`` should be set to. Evaluation is kept out of the
comparison (eval_every large, no baseline).

Writes bench/results/train_estimate.json.

    python bench/bench_train_estimate.py [--steps 40]
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

from _common import ROOT, write_json  # sets the offline environment: before torch loads

PRESETS = ("quick_demo", "glue_mrpc_offline", "klue_ynat_offline")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()

    from trainer_core import estimate as est
    from trainer_core.engine import load_data, run_training
    from trainer_core.presets import preset_config

    probe = est.matmul_flops_per_second(size=1024, seconds=1.0)
    rows = []
    for name in PRESETS:
        config = preset_config(name).replace(max_steps=args.steps, eval_every=10 * args.steps, baseline=False,
                                             output_dir=tempfile.mkdtemp(prefix="bench-estimate-"))
        prepared = load_data(config)
        e = est.estimate(config, prepared, flops_per_second=probe)
        predicted = e.steps * est.STEP_OVERHEAD_SECONDS + e.flops_train / (probe * est.UTILIZATION)
        start = time.perf_counter()
        result = run_training(config, prepared=prepared)
        wall = time.perf_counter() - start
        runtime = result.results["train_runtime"]
        utilization = e.flops_train / max(runtime - e.steps * est.STEP_OVERHEAD_SECONDS, 1e-3) / probe
        rows.append({"preset": name, "model": e.model, "steps": e.steps, "tokens_computed": e.tokens_computed,
                     "train_gflop": round(e.flops_train / 1e9, 2), "predicted_train_s": round(predicted, 2),
                     "measured_train_s": round(runtime, 2), "predicted_over_measured": round(predicted / runtime, 2),
                     "achieved_gflops": round(e.flops_train / runtime / 1e9, 2),
                     "utilization": round(utilization, 3), "wall_s_with_startup": round(wall, 2),
                     "predicted_total_s": round(e.seconds, 2)})
        print(f"{name:20s} predicted {predicted:7.1f}s measured {runtime:7.1f}s "
              f"ratio {predicted / runtime:4.2f}  utilisation {utilization:.2f} of the {probe / 1e9:.0f} GFLOP/s probe")
    out = {"probe_gflops": round(probe / 1e9, 1), "assumed_utilization": est.UTILIZATION, "runs": rows,
           "load_average": os.getloadavg(), "cpus": os.cpu_count(), "python": platform.python_version(),
           "note": "a loaded machine slows the probe and the runs differently; compare runs made on an idle machine"}
    path = write_json(ROOT / "bench" / "results" / "train_estimate.json", out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
