"""Run mutmut per core module and keep the score per module in mutation/RESULTS.md.

    python scripts/mutation_score.py --run [--fresh] [MODULE...]   # what `make mutate` does
    python scripts/mutation_score.py [MODULE...]                   # tabulate mutants/ again

MODULE is a dotted name under drift/ (`judge.diff`, or just `diff`); default: every core module.
Figures per module are kept in mutation/results.json, so a run over some modules keeps the
figures of the others; the table between the markers of RESULTS.md is written from it and
the rest of that file (the notes on surviving mutants) is left as it is.

Score: (killed + timeout) / (mutants - skipped). A mutant that makes the tests hang is
caught (mutmut's own badge counts it the same way); one that no test runs ("no tests")
counts against the score.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
RESULTS_JSON = ROOT / "mutation" / "results.json"
RESULTS_MD = ROOT / "mutation" / "RESULTS.md"
CORE = [
    "judge.diff",
    "model.matchers",
    "judge.ignore",
    "live.normalize",
    "judge.select",
    "commands.merge",
    "commands.baseline",
    "commands.compare",
    "commands.importer",
]
# `make mutate MUTATE_MODULES="diff ignore"`: the last part of a name is enough
SHORT = {name.rpartition(".")[2]: name for name in CORE}


def source(module: str) -> str:
    return f"drift/{module.replace('.', '/')}.py"
START = "<!-- mutation table: written by scripts/mutation_score.py -->"
END = "<!-- end of mutation table -->"
COLUMNS = ["killed", "survived", "timeout", "no tests", "other"]

# mutmut 3's exit codes per mutant (mutmut/stats.py); anything else is "other"
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "killed",  # caught by the type check, when one is configured
}


def classify(code: int | None) -> str:
    if code is None:
        return "not checked"
    return STATUS.get(code, "other")


def tabulate(module: str) -> dict[str, Any]:
    """Counts for one module from mutmut's meta file, with the names of the survivors."""
    meta_path = MUTANTS / (source(module) + ".meta")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    counts = dict.fromkeys([*COLUMNS, "skipped", "not checked"], 0)
    survivors = []
    for name, code in sorted(meta["exit_code_by_key"].items()):
        status = classify(code)
        counts[status] += 1
        if status in ("survived", "no tests", "other", "not checked"):
            survivors.append(f"{name} ({status})")
    judged = sum(counts.values()) - counts["skipped"] - counts["not checked"]
    caught = counts["killed"] + counts["timeout"]
    return {
        **counts,
        "mutants": sum(counts.values()),
        "score": round(100 * caught / judged, 1) if judged else None,
        "survivors": survivors,
    }


def run_module(module: str, jobs: int | None) -> float:
    """`mutmut run drift.MODULE.*`; returns the wall time in seconds."""
    env = {**os.environ, "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "mutmut")}
    command = [sys.executable, "-m", "mutmut", "run", f"drift.{module}.*"]
    if jobs:
        command += ["--max-children", str(jobs)]
    log = MUTANTS / f"run-{module}.log"
    MUTANTS.mkdir(exist_ok=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"mutmut failed on drift/{module}.py (exit {done.returncode}):\n{tail}")
    return elapsed


def render(results: dict[str, Any]) -> str:
    lines = [
        START,
        "",
        "| module | mutants | killed | survived | timeout | no tests | other | score | wall time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for module in CORE:
        row = results.get(module)
        if row is None:
            lines.append(f"| `{source(module)}` | not run yet | | | | | | | |")
            continue
        score = "—" if row["score"] is None else f"{row['score']:.1f} %"
        wall = f"{row['wall_seconds']:.0f} s" if row.get("wall_seconds") is not None else "—"
        counts = " | ".join(str(row[c]) for c in COLUMNS)
        lines.append(f"| `{source(module)}` | {row['mutants']} | {counts} | {score} | {wall} |")
    lines += ["", "Measured:", ""]
    for module in CORE:
        row = results.get(module)
        if row is not None:
            lines.append(f"- `{module}`: {row['measured']}")
    lines += ["", "Surviving mutants (`mutmut show NAME` prints one):", ""]
    for module in CORE:
        row = results.get(module)
        for name in (row or {}).get("survivors", []):
            lines.append(f"- `{name}`")
    lines += ["", END]
    return "\n".join(lines)


def write_markdown(results: dict[str, Any]) -> None:
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
    table = render(results)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + table + rest.split(END, 1)[1]
    else:
        text = f"# Mutation testing\n\n{table}\n\n{text}"
    RESULTS_MD.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=", ".join(CORE))
    parser.add_argument("--run", action="store_true", help="run mutmut first")
    parser.add_argument("--fresh", action="store_true", help="delete mutants/ before running")
    parser.add_argument("--jobs", type=int, default=None, help="mutmut --max-children")
    parser.add_argument("--note", default="", help="how this run differs, kept with the figures")
    args = parser.parse_args(argv)
    modules = [SHORT.get(m, m) for m in args.modules] or CORE
    unknown = sorted(set(modules) - set(CORE))
    if unknown:
        parser.error(f"not a core module: {', '.join(unknown)} (choose from {', '.join(CORE)})")
    results = json.loads(RESULTS_JSON.read_text("utf-8")) if RESULTS_JSON.exists() else {}
    if args.run and args.fresh and MUTANTS.exists():
        shutil.rmtree(MUTANTS)
    for module in modules:
        wall = run_module(module, args.jobs) if args.run else None
        row = tabulate(module)
        row["wall_seconds"] = round(wall, 1) if wall is not None else None
        today = datetime.date.today().isoformat()
        note = f"; {args.note}" if args.note else ""
        row["measured"] = f"{today}, {os.cpu_count()} cores, tests: tests/unit{note}"
        results[module] = row
        score = "—" if row["score"] is None else f"{row['score']:.1f} %"
        print(f"{source(module)}: {row['killed']} killed of {row['mutants']}, score {score}")
    RESULTS_JSON.parent.mkdir(exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", "utf-8")
    write_markdown(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
