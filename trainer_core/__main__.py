"""``python -m trainer_core train|predict|export-script`` (see :mod:`trainer_core.cli`)."""
import os
import sys

# As app.py does, before torch loads: idle OpenMP threads sleep instead of spinning. On a shared
# CPU spinning threads made training many times slower (README, "On a shared CPU").
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .cli import main  # noqa: E402 - after the environment it reads

sys.exit(main())
