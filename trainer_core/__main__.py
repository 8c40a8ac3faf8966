"""``python -m trainer_core train|predict|export-script`` (see :mod:`trainer_core.cli`)."""
import sys

from .cli import main

sys.exit(main())
