"""`python -m drift.emulator`: the same command as `drift emulator`."""

from .cli import emulator_command

emulator_command(prog_name="python -m drift.emulator")
