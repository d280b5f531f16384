"""`python -m drift.emulator`: the same command as `drift emulator`, with drift's error
handling and exit codes."""

import sys

from drift.cli.main import main

main(["emulator", *sys.argv[1:]])
