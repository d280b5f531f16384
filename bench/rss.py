"""Peak memory of `drift check` against hostile responses (not part of `make test`).

    python bench/rss.py                  # this checkout
    python bench/rss.py --drift-src DIR  # another checkout's drift package (a before/after)

Each case runs `drift check` of one integration in a fresh process, against the test
suite's hostile server (tests/acceptance/hostile/hostile_server.py) on 127.0.0.1, under
`/usr/bin/time -v` when it exists (else getrusage of the child), and prints its peak RSS,
exit code, wall time and the record's error. The figures are in README.md, "Security
notes".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "acceptance" / "hostile"))

from hostile_server import Hostile, big, gzip_bomb  # noqa: E402

MIB = 1024 * 1024
CASES = {
    "300 MB body": lambda: big(300 * 1000 * 1000),
    "768 MiB gzip bomb (~750 KiB sent)": lambda: gzip_bomb(768 * MIB),
    "endless chunked body": lambda: big(None),
}
TIME = "/usr/bin/time"


def _peak_kib(stderr: str) -> int | None:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(match.group(1)) if match else None


def measure(url: str, spec: Path, src: Path, timeout: float) -> tuple[int, float, int, str]:
    """(peak RSS KiB, wall seconds, exit code, the record's error) of one run."""
    env = {**os.environ, "SIGMAMIND_API_KEY": "rss-bench-key", "PYTHONPATH": str(src)}
    for name in list(env):
        if name.lower().endswith("_proxy"):
            del env[name]
    command = [sys.executable, "-m", "drift", "check", str(spec), "--base-url", url]
    command += ["-q", "--retries", "0", "--timeout", str(timeout), "--format", "json"]
    timed = os.path.exists(TIME)
    started = time.monotonic()
    proc = subprocess.run(
        [TIME, "-v", *command] if timed else command,
        capture_output=True,
        text=True,
        env=env,
        cwd=spec.parent,  # `-m drift` would find ./drift first
        check=False,
    )
    wall = time.monotonic() - started
    peak = _peak_kib(proc.stderr) if timed else None
    if peak is None:  # ru_maxrss is in KiB on Linux; the maximum over all children so far
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        error = json.loads(proc.stdout)["integrations"][0]["error"]["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        error = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    return peak, wall, proc.returncode, error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drift-src", type=Path, default=ROOT, help="folder holding drift/")
    parser.add_argument("--timeout", type=float, default=60.0, help="drift's --timeout")
    parser.add_argument(
        "--case", action="append", choices=list(CASES), help="only these cases (repeatable)"
    )
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp, "spec.yaml")
        spec.write_text(
            '{"version": 1, "integrations": {"svc": '
            '{"integrationId": "intg_1", "authType": "API_KEY"}}}\n',
            encoding="utf-8",
        )
        print(f"drift from {opts.drift_src}")
        for name, reply in CASES.items():
            if opts.case and name not in opts.case:
                continue
            answer = reply()  # built once, outside the timed run (a bomb takes a moment)
            server = Hostile(lambda request, answer=answer: answer).start()  # type: ignore[misc]
            try:
                peak, wall, code, error = measure(server.url, spec, opts.drift_src, opts.timeout)
            finally:
                server.stop()
            print(f"{name:36} peak RSS {peak / 1024:7.1f} MiB  {wall:6.2f} s  exit {code}  {error}")


if __name__ == "__main__":
    main()
