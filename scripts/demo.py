"""`make demo`: the built-in emulator with its demo data, `drift check specs/` against it.

The emulator runs inside this process, so when the script ends nothing is left behind.
The example specs hold a deliberate drift (payments_gateway), so the exit code is 1.
"""

from __future__ import annotations

import os
import subprocess
import sys

from drift.emulator import DEMO_DATA_PATH, Emulator

DEMO_KEY = "demo-key-not-a-secret"


def main() -> int:
    with Emulator(data=DEMO_DATA_PATH, api_key=DEMO_KEY) as emulator:
        print(f"$ drift check specs/   # against the built-in emulator at {emulator.url}\n",
              flush=True)
        env = {**os.environ, "SIGMAMIND_API_KEY": DEMO_KEY, "SIGMAMIND_BASE_URL": emulator.url}
        done = subprocess.run([sys.executable, "-m", "drift", "check", "specs/"], env=env,
                              check=False)
    print(f"\n(exit code {done.returncode}: 1 means drift was found, as the demo intends)")
    # the demo succeeds when drift reported exactly what the example specs set up
    return 0 if done.returncode == 1 else done.returncode


if __name__ == "__main__":
    sys.exit(main())
