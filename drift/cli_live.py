"""Commands that read the live API: check, baseline, import."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drift.cli_common import (
    api_options,
    color_wanted,
    emit,
    epilog,
    fetch_settings,
    parse_reports,
    pop_api_options,
    run_state,
)
from drift.errors import ExitCode, FetchError, UsageError
from drift.fileio import check_distinct, check_output_path
from drift.model import Report, Status

if TYPE_CHECKING:
    from drift.spec import Spec
from drift.reporters import FORMATS


def _selection(func: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--only",
                multiple=True,
                metavar="GLOB",
                help="Check only integrations whose local name matches (repeatable).",
            ),
            click.option(
                "--exclude",
                multiple=True,
                metavar="GLOB",
                help="Skip integrations whose local name matches (repeatable).",
            ),
            click.option(
                "--tag",
                "tags",
                multiple=True,
                metavar="TAG",
                help="Check only integrations with this tag (repeatable: any of them).",
            ),
            click.option(
                "--shard",
                metavar="K/N",
                help="Check only shard K of N (1-based), by a stable hash of the local name.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress indicator."),
        ]
    ):
        func = option(func)
    return func


def _run(spec: Spec, kwargs: dict[str, Any], keep: list[Any] | None = None) -> Report:
    """Select and check: the part `check`, `baseline` and `plan` share. Everything that
    can be wrong with the input is found before the first request. `keep`: see run_check."""
    from drift.check import resolve_env, run_check
    from drift.desired import spec_digest
    from drift.progress import Progress
    from drift.select import parse_shard, select, select_shard

    api = pop_api_options(kwargs)
    if not spec.integrations:
        # nothing checked is not a pass: a gate on an empty folder must not go green
        raise UsageError(
            f"the spec ({', '.join(spec.files) or 'no files'}) declares no integrations; "
            "nothing to check"
        )
    shard = parse_shard(kwargs["shard"]) if kwargs["shard"] else None
    selected = select(spec.integrations, kwargs["only"], kwargs["exclude"], kwargs["tags"])
    if not selected and spec.integrations:
        # a typo in a CI gate's --only must not turn into a silent pass; an empty shard
        # (more shards than integrations) is fine
        raise UsageError(
            f"--only/--exclude/--tag select none of the {len(spec.integrations)} declared "
            "integrations"
        )
    if shard:
        selected = select_shard(selected, shard)
    selected = resolve_env(selected, os.environ)
    settings = fetch_settings(api)

    def started() -> None:
        # what start-up cost (interpreter, imports, the spec, the HTTP clients), for
        # `make bench` and for anyone wondering where the time goes
        click.echo(
            f"drift: debug: start-up done: {time.process_time():.3f} s CPU, clock "
            f"{time.time():.6f}; checking {len(selected)} integrations",
            err=True,
        )

    progress = Progress(len(selected), enabled=not kwargs["quiet"])
    try:
        report = run_check(
            selected,
            settings,
            on_done=progress.update,
            on_start=started if run_state["debug"] else None,
            declared=len(spec.integrations),
            shared_rules=spec.ignores,
            everything=spec.integrations,
            keep=keep,
        )
    finally:
        progress.close()
    report.shard = f"{shard[0]}/{shard[1]}" if shard else None
    report.spec_digest = spec_digest(spec.integrations, spec.ignores)
    return report


def _not_in_spec_folders(outputs: list[str], spec_paths: list[str]) -> None:
    """A .yaml report inside a spec folder would be read as a spec by the next run."""
    from drift.spec import SPEC_SUFFIXES

    folders = [Path(p).resolve() for p in spec_paths if Path(p).is_dir()]
    for path in outputs:
        target = Path(path).resolve()
        if target.suffix in SPEC_SUFFIXES and any(target.is_relative_to(f) for f in folders):
            raise UsageError(f"--report {path} is inside a spec folder: the next run would read it")


@click.command(
    "check",
    epilog=epilog(
        "SIGMAMIND_API_KEY=... drift check specs/ --report json=drift.json --report junit=drift.xml"
    ),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@api_options
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Report format on stdout [default: text]."
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write a report in FORMAT to PATH (repeatable), from the same run.",
)
@click.option(
    "--compare-base",
    metavar="GIT_REF",
    help="Also show what this change does to the spec against GIT_REF (offline).",
)
@_selection
@click.option("-v", "--verbose", is_flag=True, help="List in-sync integrations too.")
def check_command(
    paths: tuple[str, ...],
    fmt: str | None,
    reports: tuple[str, ...],
    compare_base: str | None,
    verbose: bool,
    **kwargs: Any,
) -> int:
    """Compare the spec (default: specs/) with the live SigmaMind auth records.

    Exit 0 when everything is in sync, 1 on drift or a missing record, 3 when some
    record could not be checked.
    """
    from drift.output import write_outputs
    from drift.spec import discover, load_valid_spec

    spec_paths = list(paths) or ["specs"]
    extra = parse_reports(reports)
    spec = load_valid_spec(spec_paths)
    spec_files = [path for path, _ in discover(spec_paths)[0]]
    check_distinct([path for _, path in extra], spec_files, "--report", "spec files being read")
    _not_in_spec_folders([path for _, path in extra], spec_paths)
    review = None
    if compare_base:
        from drift.compare import compare_base_view

        review = compare_base_view(compare_base, spec_paths, spec)
    report = _run(spec, kwargs)
    report.review = review
    # a run stopped early still writes every report (a nightly dashboard gets a result),
    # then says why in one line
    write_outputs(report, fmt, extra, verbose=verbose, color=color_wanted(), emit=emit)
    if report.stopped:
        raise FetchError(report.stopped)
    return int(report.exit_code)


@click.command(
    "baseline",
    epilog=epilog("drift baseline specs/ --until 2027-03-31 && git add specs/drift-baseline.yaml"),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@api_options
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write [default: drift-baseline.yaml in the first spec folder].",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day the baseline entries apply [default: 90 days from today].",
)
@_selection
def baseline_command(
    paths: tuple[str, ...], output: str | None, until: datetime.datetime | None, **kwargs: Any
) -> int:
    """Write today's drift as ignore rules to a baseline file the spec loads, so a team
    can adopt drift on a drifted account and burn the list down."""
    from drift.baseline import default_output, previous_rules, render_baseline, writable
    from drift.fileio import write_atomic

    target = default_output(list(paths) or ["specs"], output)
    check_output_path(target, "the baseline")
    writable(target)
    previous = previous_rules(target)
    today = datetime.date.today()
    last_day = until.date() if until else today + datetime.timedelta(days=90)
    if last_day < today:
        raise UsageError(f"--until {last_day} is in the past")
    from drift.spec import load_valid_spec

    report = _run(load_valid_spec(list(paths) or ["specs"], target), kwargs)
    if report.stopped:
        raise FetchError(report.stopped)  # a stopped run is no basis for a baseline
    baseline = render_baseline(report, today, last_day, previous)
    write_atomic(target, baseline.text)
    count = baseline.written
    kept = (
        f"; kept {baseline.kept} earlier rule(s) of integrations not checked"
        if baseline.kept
        else ""
    )
    click.echo(
        f"wrote {count} ignore rule{'s' if count != 1 else ''} to {target} (until {last_day})"
        f"{kept}",
        err=True,
    )
    if any(Path(p).is_file() for p in paths) and not output:
        click.echo(
            f"note: only a spec folder loads {target.name} by itself; for a single "
            f"file run: drift check {' '.join(paths)} {target}",
            err=True,
        )
    if baseline.skipped:
        click.echo(
            f"{baseline.skipped} integration(s) not found or not checked cannot be baselined; "
            "fix or remove them in the spec",
            err=True,
        )
    # what a baseline cannot cover still fails the check: say so in the exit code too
    statuses = {r.status for r in report.results}
    if Status.NOT_FOUND in statuses:
        return ExitCode.DRIFT
    return ExitCode.INCOMPLETE if Status.ERROR in statuses else ExitCode.OK


@click.command(
    "import",
    epilog=epilog(
        "drift import intg_AuUKK371Spr5:auth_P3kNz7Yv1Qm9 intg_Crm4Hs9Lk2Qa -o specs/live.yaml"
    ),
)
@click.argument("ids", nargs=-1, metavar="INTEGRATION_ID[:AUTH_ID]...")
@api_options
@click.option(
    "--from-file",
    "from_file",
    type=click.File("r", encoding="utf-8"),
    help="Read more ids from this file, one per line ('#' comments allowed).",
)
@click.option("-o", "--output", metavar="FILE", help="Write the spec here [default: stdout].")
@click.option(
    "--merge",
    is_flag=True,
    help="With -o on an existing spec: add new integrations, keep everything else.",
)
def import_command(
    ids: tuple[str, ...], from_file: Any, output: str | None, merge: bool, **kwargs: Any
) -> int:
    """Write a valid spec from live records: local names from the integrations' names,
    a comment with each live name and updatedAt, secret header values as {sha256: ...}."""
    from drift.fetch import Target, fetch_many
    from drift.fileio import write_atomic
    from drift.importer import MergeBase, build, compose, merge_base, parse_ids

    if merge and not output:
        raise UsageError("--merge adds to the spec file given with -o; -o FILE is missing")
    targets = parse_ids(ids)
    if from_file:
        lines = from_file.read().splitlines()
        targets += [t for t in parse_ids(lines, from_file.name) if t not in targets]
    if not targets:
        raise UsageError("no integration ids given")
    base: MergeBase | None = None
    if output:
        check_output_path(output, "the spec")
    if output and Path(output).exists():
        if not merge:
            raise UsageError(f"{output} exists; use --merge to add to it, or another -o")
        base = merge_base(output)
        fresh = [t for t in targets if not base.declares(t)]
        if len(fresh) < len(targets):
            click.echo(
                f"{len(targets) - len(fresh)} already declared in {output}; skipped", err=True
            )
        targets = fresh
        if not targets:
            click.echo(f"nothing to add; {output} is unchanged", err=True)
            return ExitCode.OK
    settings = fetch_settings(pop_api_options(kwargs))
    # each integration once (for its name), plus each named auth record
    wanted = list(dict.fromkeys([Target(t.integration_id, None) for t in targets] + targets))
    fetched = dict(zip(wanted, fetch_many(wanted, settings)[0], strict=True))
    integrations = [fetched[Target(t.integration_id, None)] for t in targets]
    records = [fetched[t] if t.auth_id else None for t in targets]
    items = build(targets, integrations, records, base.names if base else set())
    text = compose(items, base, output or "<stdout>")
    if output:
        write_atomic(output, text)
        noun = "integration" if len(items) == 1 else "integrations"
        click.echo(f"wrote {len(items)} {noun} to {output}", err=True)
    else:
        emit(text)
    return ExitCode.OK
