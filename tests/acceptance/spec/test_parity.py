"""drift and the published schema agree: every spec of the corpus in parity/ is run through
`drift validate` and through check-jsonschema applying schemas/spec.schema.json with
ECMA-262 regular expressions (what editors use) to the file read as YAML 1.2 (by ruamel).
Both must call it valid or both invalid, except for the files in ALLOWED.

Each corpus file says on its first line what drift must make of it: `# expect: valid` or
`# expect: invalid`, then why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "schemas" / "spec.schema.json"
CORPUS = Path(__file__).parent / "parity"
FILES = sorted(CORPUS.glob("*.yaml"))

# Where check-jsonschema may disagree with drift, and why. README.md ("Where editors and
# drift differ") lists the same. A file listed here must really disagree, so that the
# list cannot outlive its reasons.
ALLOWED = {
    # what drift checks and a JSON Schema cannot say
    "drift_only_header_case_clash.yaml": "header names that differ only in case: a schema "
    "cannot compare keys case-insensitively",
    "drift_only_same_record_twice.yaml": "one record under two local names: a schema cannot "
    "compare values across entries (nor across files)",
    "matcher_bad_regex.yaml": "a pattern that is not a Python regular expression: a schema "
    "cannot judge Python regex syntax",
    "drift_only_merge_key.yaml": "drift refuses YAML merge keys ('<<'), which YAML 1.2 does "
    "not have; ruamel applies them",
    "drift_only_null_key.yaml": "drift refuses a null key (~); ruamel turns it into the text "
    "'None'",
    # ruamel (check-jsonschema's YAML reader) keeps some YAML 1.1 forms in YAML 1.2 mode;
    # editors read these as YAML 1.2 says, as drift does
    "yaml12_underscore_number.yaml": "ruamel reads 1_000 as a number; YAML 1.2: text",
    "yaml12_binary_number.yaml": "ruamel reads 0b101 as a number; YAML 1.2: text",
    "yaml12_non_specific_tag.yaml": "ruamel reads `! 12` as a number; YAML 1.2: the "
    "non-specific tag makes it text",
    "yaml12_equals_sign.yaml": "ruamel cannot read a plain `=` (YAML 1.1's value key); "
    "YAML 1.2: text",
}


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert first.startswith(("# expect: valid -- ", "# expect: invalid -- ")), path.name
    return first.split()[2]


@pytest.fixture(scope="module")
def schema_verdicts() -> dict[str, str]:
    """check-jsonschema's verdict on every corpus file, from one run. It reads the local
    schema only: a proxy that refuses every connection makes any download fail loudly."""
    env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(SCHEMA),
            "--regex-variant",
            "default",  # ECMA-262 (unicode mode), as editors apply `pattern`
            "--output-format",
            "json",
            *(str(path) for path in FILES),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    # the corpus always holds invalid specs: check-jsonschema exits 1 for the batch
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    bad = {Path(e["filename"]).name for e in result["errors"] + result["parse_errors"]}
    return {path.name: "invalid" if path.name in bad else "valid" for path in FILES}


def test_the_corpus_is_big_and_varied() -> None:
    assert len(FILES) >= 40
    verdicts = [_expected(path) for path in FILES]
    assert verdicts.count("valid") >= 15
    assert verdicts.count("invalid") >= 15
    assert set(ALLOWED) <= {path.name for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_drift_and_the_schema_agree(
    path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    schema_verdicts: dict[str, str],
) -> None:
    monkeypatch.chdir(CORPUS)
    code, out, err = run_cli(["validate", path.name])
    assert err == ""
    drift = "valid" if code == 0 else "invalid"
    assert code == (0 if drift == "valid" else 2)
    assert drift == _expected(path), out
    if path.name in ALLOWED:
        assert schema_verdicts[path.name] != drift, f"no longer differs: {ALLOWED[path.name]}"
    else:
        assert schema_verdicts[path.name] == drift, out
