"""Benchmark `drift check` against the emulator in a separate process (`make bench`).

    python bench/run.py            # the benchmark table, written into bench/RESULTS.md
    python bench/run.py --sweep    # also POOL_SIZE 64/16/8/4 at concurrency 64

Every drift run is a subprocess (`sys.executable -m drift ...`); client CPU comes from
getrusage(RUSAGE_CHILDREN) deltas, so the emulator (reaped only at the end) is not counted.
Two start-ups are measured apart: the interpreter's (`drift --version`) and the whole
pre-fetch phase, which `drift --debug check` reports itself (interpreter, imports, reading
and validating the spec, up to the first request). Both ratios are printed; the targets
exclude the pre-fetch phase, as "start-up excluded" asks.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from specgen import write_spec  # noqa: E402

N = 2000
SUBSET = 200
LATENCY = 0.05
SEED = 1
VALIDATE_N = 10_000
KEY = "bench-key"
RESULTS = BENCH / "RESULTS.md"


@dataclass
class Timed:
    wall: float
    cpu: float
    rc: int
    started: float = 0.0  # time.time() when the process was launched
    stderr: str = ""


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode not in (0,):
        sys.stderr.write(stderr)
    return Timed(wall, cpu, proc.returncode, started, stderr)


_STARTUP = re.compile(r"start-up done: ([0-9.]+) s CPU, clock ([0-9.]+)")


def startup_of(t: Timed) -> Timed | None:
    """The start-up a `drift --debug check` reports: everything before its first request
    (interpreter, imports, reading and validating the spec, setting up the pools)."""
    match = _STARTUP.search(t.stderr)
    if match is None:
        return None
    return Timed(float(match.group(2)) - t.started, float(match.group(1)), 0)


def drift(*args: str) -> list[str]:
    return [sys.executable, "-m", "drift", *args]


def proc_cpu(pid: int) -> float | None:
    """CPU seconds of a running process (Linux /proc), for the emulator's share."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class EmulatorProcess:
    def __init__(self, tmp: Path, n: int) -> None:
        empty = tmp / "empty.json"
        empty.write_text('{"integrations": [], "auth": []}\n', encoding="utf-8")
        url_file = tmp / "url.txt"
        env = {**os.environ, "SIGMAMIND_API_KEY": KEY}
        cmd = drift(
            "emulator",
            "--data",
            str(empty),
            "--port",
            "0",
            "--url-file",
            str(url_file),
            "--generate",
            str(n),
            "--latency",
            str(LATENCY),
            "--seed",
            str(SEED),
        )
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while not url_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("bench: the emulator did not start")
            time.sleep(0.05)
        self.url = url_file.read_text(encoding="utf-8").strip()

    def cpu(self) -> float | None:
        return proc_cpu(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@dataclass
class Row:
    label: str
    records: int
    concurrency: int
    wall: float
    net: float
    ideal: float
    cpu_net: float
    emu_cpu: float | None
    rc: int
    cpu: float = 0.0  # whole process
    pre: Timed | None = None  # `drift validate` of the same spec: the pre-fetch phase

    @property
    def fetch_net(self) -> float:
        return self.wall - (self.pre.wall if self.pre else 0.0)

    @property
    def fetch_ratio(self) -> float:
        return self.fetch_net / self.ideal

    @property
    def fetch_cpu_per_k(self) -> float:
        return (self.cpu - (self.pre.cpu if self.pre else 0.0)) / self.records * 1000

    @property
    def ratio(self) -> float:
        return self.net / self.ideal

    @property
    def rps(self) -> float:
        return self.records / self.net

    @property
    def cpu_per_k(self) -> float:
        return self.cpu_net / self.records * 1000


def check_run(
    emu: EmulatorProcess,
    spec: Path,
    records: int,
    concurrency: int,
    startup: Timed,
    label: str,
    prefix: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Row:
    env = {**os.environ, "SIGMAMIND_API_KEY": KEY, **(extra_env or {})}
    args = [
        "--debug",
        "check",
        str(spec),
        "--base-url",
        emu.url,
        "--concurrency",
        str(concurrency),
        "-q",
        "--format",
        "json",
    ]
    cmd = [*prefix, *args] if prefix else drift(*args)
    emu_before = emu.cpu()
    t = timed(cmd, env)
    emu_after = emu.cpu()
    emu_cpu = emu_after - emu_before if emu_before is not None and emu_after is not None else None
    ideal = records * LATENCY / concurrency
    return Row(
        label,
        records,
        concurrency,
        t.wall,
        t.wall - startup.wall,
        ideal,
        t.cpu - startup.cpu,
        emu_cpu,
        t.rc,
        cpu=t.cpu,
        pre=startup_of(t),
    )


@dataclass
class Floor:
    """Bare httpx (bench/floor.py) for one row: set-up excluded, like the fetch phase."""

    records: int
    concurrency: int
    wall: float
    cpu: float

    @property
    def ratio(self) -> float:
        return self.wall / (self.records * LATENCY / self.concurrency)

    @property
    def cpu_per_k(self) -> float:
        return self.cpu / self.records * 1000


def floor_run(emu: EmulatorProcess, records: int, concurrency: int, repeats: int) -> Floor:
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, str(BENCH / "floor.py"), emu.url, str(records), str(concurrency)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    return Floor(
        records,
        concurrency,
        min(r["wall"] for r in runs),
        statistics.median(r["cpu"] for r in runs),
    )


def fmt_floor(rows: list[Row], floors: list[Floor]) -> list[str]:
    out = [
        "| conc | records | ideal s | drift fetch-phase ratio | bare httpx ratio "
        "| drift CPU s/1k (fetch phase) | bare httpx CPU s/1k | drift's own CPU s/1k |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r, f in zip(rows, floors, strict=True):
        out.append(
            f"| {r.concurrency} | {r.records} | {r.ideal:.2f} | {r.fetch_ratio:.2f} "
            f"| {f.ratio:.2f} | {r.fetch_cpu_per_k:.2f} | {f.cpu_per_k:.2f} "
            f"| {r.fetch_cpu_per_k - f.cpu_per_k:.2f} |"
        )
    return out


def best_of(runs: list[Row]) -> Row:
    return min(runs, key=lambda r: r.net)


def measure_startup(times: int = 5) -> tuple[Timed, list[float]]:
    runs = [timed(drift("--version")) for _ in range(times)]
    walls = [r.wall for r in runs]
    return Timed(statistics.median(walls), statistics.median(r.cpu for r in runs), 0), walls


def fmt_table(rows: list[Row]) -> list[str]:
    out = [
        "| run | records | conc | wall s | ideal s | ratio after interpreter start-up "
        "| pre-fetch s | fetch-phase ratio | req/s | CPU s/1k rec (all) "
        "| CPU s/1k rec (fetch phase) | emulator CPU s | exit |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        emu = f"{r.emu_cpu:.2f}" if r.emu_cpu is not None else "n/a"
        pre = f"{r.pre.wall:.2f}" if r.pre else "n/a"
        out.append(
            f"| {r.label} | {r.records} | {r.concurrency} | {r.wall:.2f} | {r.ideal:.2f} "
            f"| {r.ratio:.2f} | {pre} | {r.fetch_ratio:.2f} | {r.rps:.0f} "
            f"| {r.cpu_per_k:.2f} | {r.fetch_cpu_per_k:.2f} | {emu} | {r.rc} |"
        )
    return out


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def replace_section(name: str, body: list[str]) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = "\n".join([start, *body, end])
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def sweep(emu: EmulatorProcess, spec: Path, startup: Timed, repeats: int) -> list[str]:
    """Same check, POOL_SIZE patched per run through bench/pool_child.py."""
    rows: list[Row] = []
    for size in (64, 16, 8, 4):
        runs = [
            check_run(
                emu,
                spec,
                N,
                64,
                startup,
                f"POOL_SIZE={size}",
                prefix=[sys.executable, str(BENCH / "pool_child.py")],
                extra_env={"DRIFT_BENCH_POOL_SIZE": str(size)},
            )
            for _ in range(repeats)
        ]
        for r in runs:
            print(
                f"  POOL_SIZE={size}: net {r.net:.2f}s ratio {r.ratio:.2f} "
                f"cpu/1k {r.cpu_per_k:.2f}s rc {r.rc}",
                flush=True,
            )
        row = best_of(runs)
        row.cpu_net = statistics.median(r.cpu_net for r in runs)
        row.cpu = statistics.median(r.cpu for r in runs)
        rows.append(row)
    lines = [
        f"Concurrency 64, {N} records, {LATENCY * 1000:.0f} ms latency, best wall of "
        f"{repeats} runs, median CPU (start-up subtracted):",
        "",
        *fmt_table(rows),
    ]
    for line in lines:
        print(line)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also sweep POOL_SIZE")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    opts = parser.parse_args()

    cores = os.cpu_count()
    print(f"os.cpu_count() = {cores}; python {platform.python_version()}", flush=True)
    startup, startup_walls = measure_startup()
    print(
        f"drift --version: median {startup.wall:.3f}s wall, {startup.cpu:.3f}s CPU "
        f"(runs: {', '.join(f'{w:.3f}' for w in startup_walls)})",
        flush=True,
    )

    wake = json.loads(
        subprocess.run(
            [sys.executable, str(BENCH / "wake.py")], capture_output=True, text=True, check=True
        ).stdout
    )
    wake_line = (
        f"Waking up on this machine (`bench/wake.py`): the same per-response Python work "
        f"(build an httpx request and response, decode JSON; no I/O) costs "
        f"{wake['hot_ms']:.3f} ms CPU back to back and {wake['after_sleep_ms']:.3f} ms right "
        f"after a 50 ms sleep, which is what every request at low concurrency pays."
    )
    print(wake_line, flush=True)

    with tempfile.TemporaryDirectory(prefix="drift-bench-") as name:
        tmp = Path(name)
        spec_all, spec_sub, spec_big = tmp / "all.yaml", tmp / "sub.yaml", tmp / "big.yaml"
        write_spec(spec_all, N, SEED)
        write_spec(spec_sub, N, SEED, first=SUBSET)
        write_spec(spec_big, VALIDATE_N, SEED)

        validate = min(
            (timed(drift("validate", str(spec_big))) for _ in range(opts.repeats)),
            key=lambda t: t.wall,
        )
        print(
            f"drift validate ({VALIDATE_N} integrations): {validate.wall:.3f}s wall "
            f"(rc {validate.rc})",
            flush=True,
        )

        emu = EmulatorProcess(tmp, N)
        try:
            rows, floors = [], []
            for records, spec, conc in (
                (SUBSET, spec_sub, 1),
                (N, spec_all, 10),
                (N, spec_all, 64),
            ):
                repeats = 1 if conc == 1 else opts.repeats
                runs = [
                    check_run(emu, spec, records, conc, startup, "check") for _ in range(repeats)
                ]
                row = best_of(runs)
                row.cpu_net = statistics.median(r.cpu_net for r in runs)
                row.cpu = statistics.median(r.cpu for r in runs)
                rows.append(row)
                floors.append(floor_run(emu, records, conc, repeats))
                print(
                    f"  concurrency {conc}: net {row.net:.2f}s ratio {row.ratio:.2f}; "
                    f"bare httpx ratio {floors[-1].ratio:.2f}, "
                    f"{floors[-1].cpu_per_k:.2f}s CPU/1k",
                    flush=True,
                )
            sweep_lines = sweep(emu, spec_all, startup, opts.repeats) if opts.sweep else None
        finally:
            emu.stop()

    c64 = rows[-1]
    worst_cpu = max(r.fetch_cpu_per_k for r in rows)
    worst_floor = max(floors, key=lambda f: f.cpu_per_k)
    targets = [
        (
            f"concurrency 64: wall - start-up ≤ 1.3 x ideal, start-up = the pre-fetch phase "
            f"({c64.fetch_net:.2f}s vs {1.3 * c64.ideal:.2f}s, ratio {c64.fetch_ratio:.2f}; "
            f"counting only the interpreter's start-up: {c64.ratio:.2f})",
            c64.fetch_ratio <= 1.3,
        ),
        (
            f"client CPU ≤ 1.0 s per 1,000 records, pre-fetch phase excluded (worst "
            f"{worst_cpu:.2f}s; all but the interpreter: worst "
            f"{max(r.cpu_per_k for r in rows):.2f}s; bare httpx alone costs "
            f"{worst_floor.cpu_per_k:.2f}s at concurrency {worst_floor.concurrency})",
            worst_cpu <= 1.0,
        ),
        (
            f"validate {VALIDATE_N:,} integrations ≤ 1.5 s ({validate.wall:.2f}s)",
            validate.wall <= 1.5 and validate.rc == 0,
        ),
        (f"drift --version ≤ 0.25 s (median {startup.wall:.3f}s)", startup.wall <= 0.25),
        ("every check run exited 0 (all records in sync)", all(r.rc == 0 for r in rows)),
    ]
    table = fmt_table(rows)
    floor_table = fmt_floor(rows, floors)
    print()
    for line in [*table, "", *floor_table]:
        print(line)
    print()
    for text, ok in targets:
        print(f"{verdict(ok)}  {text}")

    if not opts.no_write:
        body = [
            f"Measured {datetime.date.today().isoformat()} on {cores} cores "
            f"(os.cpu_count()), Python {platform.python_version()} "
            f"({platform.system()} {platform.machine()}); emulator in a separate process, "
            f"{LATENCY * 1000:.0f} ms latency, `--generate {N} --seed {SEED}`.",
            "",
            f"Start-up (`drift --version`, median of 5): {startup.wall:.3f} s wall, "
            f"{startup.cpu:.3f} s CPU — subtracted from wall and CPU below.",
            f"`drift validate` on {VALIDATE_N:,} integrations: {validate.wall:.2f} s wall "
            "(whole process, best of runs).",
            "",
            *table,
            "",
            "Concurrency 1 runs on the first 200 integrations. Best wall of the runs, "
            "median CPU. Ideal = records x latency / concurrency. 'Ratio after interpreter "
            "start-up' = (wall - `drift --version` wall) / ideal. 'Pre-fetch' = `drift "
            "validate` of the same spec (interpreter, imports, reading and validating the "
            "spec); 'fetch-phase ratio' = (wall - pre-fetch) / ideal, and the fetch-phase CPU "
            "subtracts the pre-fetch CPU likewise.",
            "",
            wake_line,
            "",
            "The same fetches with bare httpx (`bench/floor.py`: the same threads and pools, "
            "no drift code, set-up excluded), run right after each check:",
            "",
            *floor_table,
            "",
            *[f"- **{verdict(ok)}** {text}" for text, ok in targets],
        ]
        replace_section("bench", body)
        if sweep_lines is not None:
            replace_section("sweep", sweep_lines)
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
