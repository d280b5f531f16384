"""Hostile input: one clear problem line, exit 2, no traceback, bounded memory.

Every input is generated in tmp_path at test time. How long it takes is not asserted here
(a loaded machine may take any time): `make bench` times `drift validate`, and a hang
would show as the suite's own timeout.
"""

from __future__ import annotations

import os
import random
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.spec import yamlload

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

MEMORY_LIMIT = 64 * 1024 * 1024  # bytes allocated at peak while validating


def validate_hostile(run_cli: RunCli, path: str, trace_memory: bool = True) -> str:
    """Run `drift validate PATH`; check exit 2, no traceback and bounded memory; return the
    single problem line. (Time is `make bench`'s to measure: no wall-clock assertion here.)"""
    if trace_memory:
        tracemalloc.start()
    try:
        code, out, err = run_cli(["validate", path])
        _, peak = tracemalloc.get_traced_memory()  # (0, 0) when not tracing
    finally:
        tracemalloc.stop()
    assert "Traceback" not in out + err
    assert err == ""
    assert code == 2, out
    assert peak < MEMORY_LIMIT, f"peak allocation {peak / 1048576:.1f} MiB"
    lines = out.splitlines()
    assert len(lines) == 2, out[:2000]
    assert lines[1] == "1 problem in 1 of 1 file"
    assert len(lines[0]) < 300, lines[0][:300]
    return lines[0]


def billion_laughs(levels: int = 9, fanout: int = 10) -> str:
    rows = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*lol{i - 1}"] * fanout)
        rows.append(f"lol{i}: &lol{i} [{refs}]")
    return "\n".join(rows) + "\n"


def test_billion_laughs(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    line = validate_hostile(run_cli, "bomb.yaml")
    assert re.fullmatch(
        r"bomb\.yaml:\d+:\d+: document expands to too many nodes \(an alias bomb\?\); "
        r"refusing to load",
        line,
    )


def test_alias_bomb_inside_a_spec(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bomb sits where the schema would look at it (a header value)."""
    monkeypatch.chdir(tmp_path)
    spec = billion_laughs() + (
        "version: 1\nintegrations:\n  shop:\n    integrationId: intg_A\n"
        "    authType: API_KEY\n    headers: {X-Lol: *lol9}\n"
    )
    Path("spec.yaml").write_text(spec, encoding="utf-8")
    line = validate_hostile(run_cli, "spec.yaml")
    assert "(an alias bomb?); refusing to load" in line


def test_text_bomb(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Few nodes, but each alias repeats a 1 MB string: a million of them would need a
    terabyte once anything (an error message) turns the value into text."""
    monkeypatch.chdir(tmp_path)
    rows = [f'a0: &a0 ["{"X" * 1_000_000}"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    rows.append(
        "version: 1\nintegrations:\n  shop:\n    integrationId: intg_A\n"
        "    authType: API_KEY\n    headers: *a6"
    )
    Path("spec.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    line = validate_hostile(run_cli, "spec.yaml")
    assert re.fullmatch(
        r"spec\.yaml:\d+:\d+: document expands to too much text \(an alias bomb\?\); "
        r"refusing to load",
        line,
    )


def test_deep_nesting_through_aliases(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each anchor wraps the previous one in one more list: shallow as written, 1500 levels
    deep once read, which would overflow the stack of anything recursive."""
    monkeypatch.chdir(tmp_path)
    rows = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 1500)]
    Path("spec.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    line = validate_hostile(run_cli, "spec.yaml")
    assert re.fullmatch(r"spec\.yaml:64:\d+: nesting deeper than 64 levels", line)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "[" * 100_000,
            r"(nesting deeper than 64 levels|YAML syntax error: exceeded maximum nesting depth)",
            id="100k-open-brackets",
        ),
        pytest.param("{a: " * 100_000, r"nesting deeper than 64 levels", id="100k-flow-maps"),
        pytest.param(
            "".join(f"{'  ' * i}k:\n" for i in range(1000)),
            r"nesting deeper than 64 levels",
            id="1000-indented-maps",
        ),
        pytest.param(
            "".join(f"{'  ' * i}-\n" for i in range(1000)),
            r"nesting deeper than 64 levels",
            id="1000-indented-lists",
        ),
    ],
)
def test_very_deep_nesting(
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("deep.yaml").write_text(text + "\n", encoding="utf-8")
    line = validate_hostile(run_cli, "deep.yaml")
    assert re.fullmatch(rf"deep\.yaml:\d+:\d+: {message}", line), line


def test_deep_nesting_with_the_pure_python_parser(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml the builder's own depth limit is what stops it."""
    import yaml

    monkeypatch.setattr(yamlload, "_Loader", yaml.SafeLoader)
    monkeypatch.chdir(tmp_path)
    Path("deep.yaml").write_text("[" * 100_000 + "\n", encoding="utf-8")
    # tracemalloc would make the pure-Python scanner several times slower
    line = validate_hostile(run_cli, "deep.yaml", trace_memory=False)
    assert line == "deep.yaml:1:65: nesting deeper than 64 levels"


def test_50_mib_file_is_refused_by_size(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open("huge.yaml", "wb") as handle:  # sparse: 50 MiB without writing 50 MiB
        handle.seek(50 * 1024 * 1024 - 1)
        handle.write(b"\n")
    line = validate_hostile(run_cli, "huge.yaml")  # the memory limit proves it was not read
    assert line == "huge.yaml:1:1: file is too large (50.0 MiB; the limit is 10 MiB)"


def test_just_over_the_size_limit(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("big.yaml").write_bytes(b"#" * (yamlload.MAX_BYTES + 1))
    line = validate_hostile(run_cli, "big.yaml")
    assert "file is too large (10.0 MiB; the limit is 10 MiB)" in line


def test_binary_junk(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("junk.yaml").write_bytes(random.Random(1234).randbytes(64 * 1024))
    line = validate_hostile(run_cli, "junk.yaml")
    assert line == "junk.yaml:1:1: not a text file (it contains NUL bytes)"


def test_binary_junk_without_nul_bytes(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("junk.yaml").write_bytes(bytes(range(0x80, 0x100)) * 64)
    line = validate_hostile(run_cli, "junk.yaml")
    assert line == "junk.yaml:1:1: not valid UTF-8 (byte 0x80)"


def test_utf16_file(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("spec.yaml").write_text("version: 1\nintegrations: {}\n", encoding="utf-16")
    line = validate_hostile(run_cli, "spec.yaml")
    assert line == "spec.yaml:1:1: not a text file (it contains NUL bytes)"


def test_invalid_utf8(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("spec.yaml").write_bytes(b"version: 1\nintegrations:\n  caf\xe9:\n    authType: x\n")
    line = validate_hostile(run_cli, "spec.yaml")
    assert line == "spec.yaml:3:6: not valid UTF-8 (byte 0xe9)"


def test_path_that_does_not_exist(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = validate_hostile(run_cli, "nowhere/spec.yaml")
    assert line == "nowhere/spec.yaml: no such file or folder"


def test_folder_with_no_specs(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs/.hidden").mkdir(parents=True)
    Path("specs/.hidden/spec.yaml").write_text("version: 1\nintegrations: {}\n")
    Path("specs/README.md").write_text("not a spec\n")
    line = validate_hostile(run_cli, "specs")
    assert line == "specs: no *.yaml or *.yml files in this folder"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a FIFO would block forever; it is refused without being opened."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.yaml")
    line = validate_hostile(run_cli, "pipe.yaml")
    assert line == "pipe.yaml: not a regular file or folder"


def test_huge_key_gives_a_short_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # an explicit key (`? KEY`): implicit ones stop at 1024 characters
    Path("spec.yaml").write_text(
        f"version: 1\nintegrations: {{}}\n? {'K' * 5_000_000}\n: 1\n", encoding="utf-8"
    )
    line = validate_hostile(run_cli, "spec.yaml")
    assert line.startswith("spec.yaml:3:3: KKKK")
    assert "...KKK" in line
    assert "unknown key 'KKK" in line
