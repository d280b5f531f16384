"""Run the drift CLI with drift.live.settings.POOL_SIZE taken from $DRIFT_BENCH_POOL_SIZE."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import drift.live.settings
from drift.cli.main import main

drift.live.settings.POOL_SIZE = int(os.environ["DRIFT_BENCH_POOL_SIZE"])
main(sys.argv[1:])
