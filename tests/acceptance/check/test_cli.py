"""`drift check`, `baseline`, `import`, `compare` and `report merge` through the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.emulator import DEMO_DATA_PATH, Emulator

Run = Callable[[list[str]], tuple[int, str, str]]
Make = Callable[..., Emulator]
REPO = Path(__file__).parents[3]

SPEC = """\
version: 1
integrations:
  alpha:
    integrationId: intg_A1
    authType: API_KEY
    headers:
      X-Team: web
  beta:
    integrationId: intg_B1
    authType: BEARER_TOKEN
"""
DATA = {
    "integrations": [
        {"integrationId": "intg_A1", "name": "Alpha One", "authentication": "auth_A1"},
        {"integrationId": "intg_B1", "name": "Beta", "authentication": "auth_B1"},
    ],
    "auth": [
        {
            "authId": "auth_A1",
            "integrationId": "intg_A1",
            "authType": "API_KEY",
            "headers": {"X-Team": "web"},
        },
        {"authId": "auth_B1", "integrationId": "intg_B1", "authType": "API_KEY"},
    ],
}


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


# -- credentials and URLs ------------------------------------------------------------------


def test_rejected_key_is_one_line_and_never_printed(
    run: Run, emulator: Make, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = emulator(DATA)
    wrong = "wrong-key-s3cr3t-value"
    monkeypatch.setenv("SIGMAMIND_API_KEY", wrong)
    code, out, err = run(["check", "spec.yaml", "--base-url", emu.url, "-q", "--concurrency", "1"])
    assert code == 3
    # the report still comes out, the records not attempted summed up in one line
    assert out.endswith(
        "! not attempted (1): the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY\n\n"
        "requests: 1, retries: 0, throttled: 0\n"
        "0 drifted, 0 not found, 2 errors, 0 in sync (2 total)\n"
    )
    assert err == ("drift: error: the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY\n")
    assert wrong not in out + err


def test_missing_api_key(
    run: Run, emulator: Make, spec: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = emulator(DATA)
    monkeypatch.delenv("SIGMAMIND_API_KEY")
    code, _out, err = run(["check", "spec.yaml", "--base-url", emu.url])
    assert code == 3
    assert "no API key: set SIGMAMIND_API_KEY" in err
    assert emu.request_count == 0


def test_api_key_env_option(
    run: Run, emulator: Make, spec: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = emulator(DATA)
    monkeypatch.delenv("SIGMAMIND_API_KEY")
    monkeypatch.setenv("OTHER", api_key)
    code, out, _ = run(["check", "spec.yaml", "--base-url", emu.url, "--api-key-env", "OTHER"])
    assert code == 1
    assert "beta: drifted" in out
    monkeypatch.setenv("OTHER", "nope")
    code, _, err = run(["check", "spec.yaml", "--base-url", emu.url, "--api-key-env", "OTHER"])
    assert code == 3
    assert err.strip() == "drift: error: the API key was rejected (HTTP 401); check OTHER"


def test_invalid_spec_makes_no_request(run: Run, emulator: Make, spec: Path, api_key: str) -> None:
    emu = emulator(DATA)
    spec.write_text("version: 1\nintegrations:\n  alpha:\n    authType: NOPE\n", encoding="utf-8")
    code, out, err = run(["check", "spec.yaml", "--base-url", emu.url])
    assert code == 2
    assert out == ""
    assert "spec.yaml:" in err
    assert "nothing was checked" in err
    assert emu.request_count == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com", "refusing plain http:// to example.com"),
        ("ftp://127.0.0.1", "invalid base URL"),
    ],
)
def test_base_url_refused(run: Run, spec: Path, api_key: str, url: str, message: str) -> None:
    code, out, err = run(["check", "spec.yaml", "--base-url", url])
    assert code == 2
    assert out == ""
    assert message in err


def test_unset_env_matcher_is_a_spec_error_before_any_request(
    run: Run, emulator: Make, spec: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = emulator(DATA)
    monkeypatch.delenv("DRIFT_TEST_UNSET", raising=False)
    spec.write_text(SPEC.replace("X-Team: web", "X-Team: {env: DRIFT_TEST_UNSET}"), "utf-8")
    code, _out, err = run(["check", "spec.yaml", "--base-url", emu.url])
    assert code == 2
    assert (
        "spec.yaml:7:7: integrations.alpha.headers.X-Team: environment variable "
        "DRIFT_TEST_UNSET is not set" in err
    )
    assert emu.request_count == 0


# -- reports -------------------------------------------------------------------------------


def test_several_reports_from_one_fetch(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    emu = emulator(DATA)
    code, out, _ = run(
        [
            "check",
            "spec.yaml",
            "--base-url",
            emu.url,
            "-q",
            "--report",
            "json=r.json",
            "--report",
            "junit=r.xml",
            "--report",
            "markdown=r.md",
        ]
    )
    assert code == 1
    assert emu.request_count == 2  # one GET per integration, shared by all four outputs
    assert json.loads((tmp_path / "r.json").read_text())["exitCode"] == 1
    assert "<testsuite" in (tmp_path / "r.xml").read_text()
    assert "beta" in (tmp_path / "r.md").read_text()
    assert "beta: drifted" in out


def test_report_to_missing_directory_is_a_clean_error(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    emu = emulator(DATA)
    code, _out, err = run(
        ["check", "spec.yaml", "--base-url", emu.url, "--report", "json=nodir/r.json"]
    )
    assert code == 2
    assert "Traceback" not in err
    assert "nodir" in err
    assert not (tmp_path / "nodir").exists()


def test_report_failure_writes_no_partial_files(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    emu = emulator(DATA)
    code, _, err = run(
        [
            "check",
            "spec.yaml",
            "--base-url",
            emu.url,
            "--report",
            "json=ok.json",
            "--report",
            "junit=nodir/r.xml",
        ]
    )
    assert code == 2
    assert "internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "ok.json").exists()
    assert emu.request_count == 0  # refused before any request


def test_bad_report_option_is_usage_error(run: Run, spec: Path, api_key: str) -> None:
    code, _, err = run(["check", "spec.yaml", "--report", "yaml=x.yaml"])
    assert code == 2
    assert "FORMAT=PATH" in err


def test_github_actions_output(
    run: Run,
    emulator: Make,
    spec: Path,
    api_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu = emulator(DATA)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(["check", "spec.yaml", "--base-url", emu.url, "-q"])
    assert code == 1
    assert out.startswith("beta: drifted")
    assert "1 drifted, 0 not found, 0 errors, 1 in sync (2 total)" in out
    assert any(line.startswith("::error") for line in out.splitlines())
    markdown = summary.read_text(encoding="utf-8")
    assert "beta" in markdown
    assert "::error" not in markdown


# -- shards and merge ----------------------------------------------------------------------


def _shard_spec(count: int) -> tuple[str, dict[str, list[dict[str, object]]]]:
    lines = ["version: 1", "integrations:"]
    data: dict[str, list[dict[str, object]]] = {"integrations": [], "auth": []}
    for i in range(count):
        lines += [f"  item_{i:02d}:", f"    integrationId: intg_S{i}", "    authType: API_KEY"]
        data["integrations"].append(
            {"integrationId": f"intg_S{i}", "name": f"S{i}", "authentication": f"auth_S{i}"}
        )
        data["auth"].append(
            {
                "authId": f"auth_S{i}",
                "integrationId": f"intg_S{i}",
                # every third one drifts
                "authType": "BEARER_TOKEN" if i % 3 == 0 else "API_KEY",
            }
        )
    return "\n".join(lines) + "\n", data


def test_shards_then_merge(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    text, data = _shard_spec(12)
    spec.write_text(text, encoding="utf-8")
    emu = emulator(data)
    names: list[str] = []
    for k in (1, 2):
        code, out, _ = run(
            [
                "check",
                "spec.yaml",
                "--base-url",
                emu.url,
                "-q",
                "--shard",
                f"{k}/2",
                "--format",
                "json",
            ]
        )
        (tmp_path / f"s{k}.json").write_text(out, encoding="utf-8")
        doc = json.loads(out)
        assert code == doc["exitCode"]
        assert doc["summary"]["declared"] == 12
        names += [i["name"] for i in doc["integrations"]]
    assert sorted(names) == [f"item_{i:02d}" for i in range(12)]

    code, out, _ = run(["report", "merge", "s1.json", "s2.json", "--format", "json"])
    merged = json.loads(out)
    assert code == 1 == merged["exitCode"]
    assert merged["summary"]["total"] == 12
    assert merged["summary"]["drifted"] == 4
    assert merged["summary"]["inSync"] == 8
    assert merged["summary"]["requests"] == 12
    assert [i["name"] for i in merged["integrations"]] == sorted(names)

    code, out, _ = run(["report", "merge", "s1.json", "s2.json"])
    assert out.endswith("4 drifted, 0 not found, 0 errors, 8 in sync (12 total)\n")

    code, _, err = run(["report", "merge", "s1.json", "s1.json"])
    assert code == 2
    assert "shard 1/2 is given twice: s1.json and s1.json" in err

    # a missing shard is not a whole run: refused, unless asked, and then marked partial
    code, _, err = run(["report", "merge", "s1.json"])
    assert (code, err.count("\n")) == (2, 1)
    assert "shard 2/2 is missing" in err
    code, out, _ = run(["report", "merge", "s2.json", "--allow-partial", "--format", "json"])
    partial = json.loads(out)
    assert (code, partial["partial"]) == (partial["exitCode"], True)
    code, out, _ = run(["report", "merge", "s2.json", "--allow-partial"])
    assert "PARTIAL (shards missing)" in out

    # shards of two different specs are refused the same way
    other = json.loads((tmp_path / "s2.json").read_text(encoding="utf-8"))
    other["specDigest"] = "0" * 64
    (tmp_path / "s2.json").write_text(json.dumps(other), encoding="utf-8")
    code, _, err = run(["report", "merge", "s1.json", "s2.json"])
    assert code == 2
    assert "the reports come from different specs" in err


def test_merge_of_in_sync_shards_exits_zero(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    text, data = _shard_spec(4)
    for rec in data["auth"]:
        rec["authType"] = "API_KEY"
    spec.write_text(text, encoding="utf-8")
    emu = emulator(data)
    for k in (1, 2):
        run(
            [
                "check",
                "spec.yaml",
                "--base-url",
                emu.url,
                "-q",
                "--shard",
                f"{k}/2",
                "--report",
                f"json=s{k}.json",
            ]
        )
    code, out, _ = run(["report", "merge", "s1.json", "s2.json"])
    assert code == 0
    assert out.endswith("0 drifted, 0 not found, 0 errors, 4 in sync (4 total)\n")


def test_merge_rejects_non_reports(run: Run, spec: Path) -> None:
    Path("bad.json").write_text('{"schemaVersion": 1}', encoding="utf-8")
    code, _, err = run(["report", "merge", "bad.json"])
    assert code == 2
    assert "not a drift JSON report" in err
    code, _, err = run(["report", "merge", "missing.json"])
    assert code == 2
    assert "cannot read" in err


# -- compare and --compare-base ------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    _git(repo, "init", "-q", "-b", "main")
    (repo / "specs" / "a.yaml").write_text(SPEC, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "v1")
    changed = SPEC.replace("X-Team: web", "X-Team: mobile").replace(
        "  beta:\n    integrationId: intg_B1\n    authType: BEARER_TOKEN\n",
        "  gamma:\n    integrationId: intg_G1\n    authType: NO_AUTH\n",
    )
    (repo / "specs" / "a.yaml").write_text(changed, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "v2")
    monkeypatch.chdir(repo)
    return repo


COMPARE_TEXT = """\
Spec changes HEAD~1:specs -> specs:
~ alpha: changed  (intg_A1 / embedded auth, specs/a.yaml:3)
    ~ /headers/X-Team: "web" -> "mobile"
- beta: removed  (intg_B1 / embedded auth, HEAD~1:specs/a.yaml:8)
+ gamma: added  (intg_G1 / embedded auth, specs/a.yaml:8)
"""


def test_compare_across_git_refs(run: Run, git_repo: Path) -> None:
    code, out, err = run(["compare", "HEAD~1:specs", "specs"])
    assert (code, err) == (0, "")
    assert out.startswith(COMPARE_TEXT)
    code, out2, _ = run(["compare", "HEAD~1:specs", "specs", "--exit-code"])
    assert (code, out2) == (1, out)
    code, _out3, _ = run(["compare", "HEAD:specs", "specs", "--exit-code"])
    assert code == 0
    code, _, err = run(["compare", "HEAD~1:specs", "nowhere"])
    assert code == 2
    assert "no such file or folder" in err
    code, _, err = run(["compare", "nosuchref:specs", "specs"])
    assert code == 2
    assert "unknown git revision 'nosuchref'" in err


def test_check_compare_base(run: Run, emulator: Make, git_repo: Path, api_key: str) -> None:
    data = json.loads(json.dumps(DATA))
    data["integrations"].append({"integrationId": "intg_G1", "name": "G", "authentication": None})
    data["auth"][0]["headers"] = {"X-Team": "mobile"}
    emu = emulator(data)
    code, out, _ = run(["check", "specs", "--base-url", emu.url, "-q", "--compare-base", "HEAD~1"])
    assert code == 1  # gamma has no auth record
    head, _, live = out.partition("== Live drift ==\n")
    assert head.startswith("== This change to the spec ==\nSpec changes HEAD~1:specs -> specs:\n")
    assert '~ /headers/X-Team: "web" -> "mobile"' in head
    assert live.startswith("gamma: not found")
    # the review reaches --report files too, not only stdout
    code, _, _ = run(
        [
            "check",
            "specs",
            "--base-url",
            emu.url,
            "-q",
            "--compare-base",
            "HEAD~1",
            "--report",
            "json=r.json",
            "--report",
            "markdown=r.md",
        ]
    )
    assert code == 1
    assert json.loads(Path("r.json").read_text(encoding="utf-8"))["specChanges"]["head"] == "specs"
    assert Path("r.md").read_text(encoding="utf-8").startswith("### This change to the spec")


def test_compare_base_takes_absolute_and_relative_paths(
    run: Run, emulator: Make, git_repo: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI passes $GITHUB_WORKSPACE/specs; from a subfolder, ../specs works too."""
    data = json.loads(json.dumps(DATA))
    data["auth"][0]["headers"] = {"X-Team": "mobile"}
    emu = emulator(data)
    absolute = str(git_repo / "specs")
    code, out, err = run(
        ["check", absolute, "--base-url", emu.url, "-q", "--compare-base", "HEAD~1"]
    )
    assert "Spec changes HEAD~1:" in out, err
    assert '~ /headers/X-Team: "web" -> "mobile"' in out
    (git_repo / "sub").mkdir()
    monkeypatch.chdir(git_repo / "sub")
    code, out2, _ = run(
        ["check", "../specs", "--base-url", emu.url, "-q", "--compare-base", "HEAD~1"]
    )
    assert '~ /headers/X-Team: "web" -> "mobile"' in out2
    outside = git_repo.parent / "elsewhere"
    outside.mkdir()
    (outside / "a.yaml").write_text(SPEC, encoding="utf-8")
    code, _, err = run(["check", str(outside), "--base-url", emu.url, "--compare-base", "HEAD"])
    assert code == 2
    assert "is outside the git repository" in err


def test_compare_base_through_a_symlinked_workspace(
    run: Run, emulator: Make, git_repo: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = git_repo.parent / "workspace-link"
    link.symlink_to(git_repo)
    monkeypatch.chdir(link)
    emu = emulator(DATA)
    for path in (str(link / "specs"), "specs"):
        code, out, err = run(
            ["check", path, "--base-url", emu.url, "-q", "--compare-base", "HEAD~1"]
        )
        assert code == 1 and "Spec changes HEAD~1:" in out, err


# -- import --------------------------------------------------------------------------------

IMPORT_DATA = {
    "integrations": [
        {
            "integrationId": "intg_Im1",
            "name": "Payments Hub",
            "updatedAt": "2024-05-01T00:00:00Z",
            "authentication": "auth_Im1",
        },
        {"integrationId": "intg_Im2", "name": "CRM", "authentication": "auth_Im2"},
    ],
    "auth": [
        {
            "authId": "auth_Im1",
            "integrationId": "intg_Im1",
            "authType": "BEARER_TOKEN",
            "headers": {"Authorization": "Bearer import-SECRET-123", "X-Team": "pay"},
        },
        {
            "authId": "auth_Im2",
            "integrationId": "intg_Im2",
            "authType": "API_KEY",
            "headers": [{"key": "X-Api-Key", "value": "import-KEY-456"}],
        },
    ],
}


@pytest.mark.parametrize("dialect", ["modern", "legacy"])
def test_import_round_trip(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path, dialect: str
) -> None:
    emu = emulator(IMPORT_DATA, dialect=dialect)
    code, _, err = run(
        ["import", "intg_Im1:auth_Im1", "intg_Im2", "--base-url", emu.url, "-o", "live.yaml"]
    )
    assert code == 0, err
    assert err == "wrote 2 integrations to live.yaml\n"
    text = (tmp_path / "live.yaml").read_text(encoding="utf-8")
    assert "import-SECRET-123" not in text and "import-KEY-456" not in text
    assert '"Authorization": {sha256: ' in text
    assert '"X-Api-Key": {sha256: ' in text
    assert '"X-Team": "pay"' in text
    assert "payments_hub:" in text and "crm:" in text
    assert "# Payments Hub, updated 2024-05-01T00:00:00" in text
    code, out, err = run(["check", "live.yaml", "--base-url", emu.url, "-q", "--verbose"])
    assert (code, err) == (0, "")
    assert out.endswith("2 in sync (2 total)\n")


def test_import_round_trips_any_text(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    """Emoji, a no-break space, quotes and backslashes in values, and a live name with
    characters YAML would read as line breaks, come back exactly."""
    data = json.loads(json.dumps(IMPORT_DATA))
    data["integrations"][1]["name"] = "CRM\u2028two\x85lines \x1b[2J"
    data["auth"][1]["headers"] = [{"key": "X-Tag", "value": '🚀 naïve\xa0"q" \\ end'}]
    emu = emulator(data)
    code, _, err = run(["import", "intg_Im2", "--base-url", emu.url, "-o", "live.yaml"])
    assert code == 0, err
    text = (tmp_path / "live.yaml").read_text(encoding="utf-8")
    assert "# CRM two lines [2J, updated" in text
    code, out, err = run(["check", "live.yaml", "--base-url", emu.url, "-q"])
    assert (code, err) == (0, ""), out


def test_import_to_stdout(run: Run, emulator: Make, spec: Path, api_key: str) -> None:
    emu = emulator(IMPORT_DATA)
    code, out, _ = run(["import", "intg_Im2", "--base-url", emu.url])
    assert code == 0
    assert out.startswith("# yaml-language-server")
    assert "import-KEY-456" not in out


def test_import_refuses_existing_file_without_merge(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(IMPORT_DATA)
    before = spec.read_bytes()
    code, _out, err = run(["import", "intg_Im1", "--base-url", emu.url, "-o", "spec.yaml"])
    assert code == 2
    assert "spec.yaml exists; use --merge" in err
    assert spec.read_bytes() == before
    assert emu.request_count == 0


def test_import_merge_keeps_existing_text(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(IMPORT_DATA)
    original = "# team: platform — keep this comment\n" + SPEC.replace(
        "      X-Team: web\n", "      X-Team: web     # inline comment kept\n"
    )
    spec.write_text(original, encoding="utf-8")
    code, _, err = run(
        [
            "import",
            "intg_Im1:auth_Im1",
            "intg_Im2",
            "--base-url",
            emu.url,
            "-o",
            "spec.yaml",
            "--merge",
        ]
    )
    assert code == 0, err
    merged = spec.read_text(encoding="utf-8")
    assert merged.startswith(original)
    assert "payments_hub:" in merged and "crm:" in merged
    # importing the same ids again adds nothing
    code, _, err = run(["import", "intg_Im2", "--base-url", emu.url, "-o", "spec.yaml", "--merge"])
    assert code == 0
    assert "1 already declared in spec.yaml; skipped" in err
    assert spec.read_text(encoding="utf-8").count("crm:") == 1


def test_import_failure_writes_nothing(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    emu = emulator(IMPORT_DATA)
    code, _, err = run(["import", "intg_Im1", "intg_Nope", "--base-url", emu.url, "-o", "n.yaml"])
    assert code == 3
    assert "intg_Nope: not found (HTTP 404)" in err
    assert not (tmp_path / "n.yaml").exists()


def test_import_failures_are_summed_up_on_one_short_line(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(IMPORT_DATA)
    missing = [f"intg_Nope{i}" for i in range(6)]
    code, out, err = run(["import", "intg_Im1", *missing, "--base-url", emu.url])
    assert (code, out) == (3, "")
    assert err == (
        "drift: error: nothing written; 6 of 7 failed: intg_Nope0: not found (HTTP 404); "
        "intg_Nope1: not found (HTTP 404); intg_Nope2: not found (HTTP 404); and 3 more\n"
    )


def test_import_from_file_takes_comments_and_points_at_bad_lines(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    emu = emulator(IMPORT_DATA)
    ids = tmp_path / "ids.txt"
    ids.write_text("# the shop\nintg_Im1:auth_Im1  # payments\n\n  intg_Im2\n", encoding="utf-8")
    code, out, err = run(["import", "--from-file", str(ids), "--base-url", emu.url])
    assert code == 0, err
    assert "payments_hub:" in out and "crm:" in out
    ids.write_text("intg_Im1\nnot an id\n", encoding="utf-8")
    code, _, err = run(["import", "--from-file", str(ids), "--base-url", emu.url])
    assert code == 2
    assert err == f"drift: error: {ids}:2: 'not an id' is not INTEGRATION_ID[:AUTH_ID]\n"
    assert emu.request_count == 3  # the first run only: 2 integrations, 1 auth record


def test_import_merge_needs_an_output_file(run: Run, spec: Path, api_key: str) -> None:
    code, out, err = run(["import", "intg_Im1", "--merge"])
    assert (code, out) == (2, "")
    assert err == "drift: error: --merge adds to the spec file given with -o; -o FILE is missing\n"


# -- baseline ------------------------------------------------------------------------------


def test_baseline_then_check_is_clean(
    run: Run, emulator: Make, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    emu = emulator(DEMO_DATA_PATH)
    code, out, _ = run(["check", "specs", "--base-url", emu.url, "-q"])
    assert code == 1
    assert "payments_gateway: drifted" in out
    code, out, err = run(
        ["baseline", "specs", "--base-url", emu.url, "-q", "--until", "2099-01-01"]
    )
    assert code == 0, err
    assert "to specs/drift-baseline.yaml (until 2099-01-01)" in err
    assert (tmp_path / "specs" / "drift-baseline.yaml").read_text().startswith("# drift baseline:")
    code, out, err = run(["check", "specs", "--base-url", emu.url, "-q"])
    assert code == 0, out + err
    assert "payments_gateway: in sync" in out
    assert "[ignored: baseline " in out
    assert "(until 2099-01-01)" in out
    # a second baseline replaces the file drift wrote itself
    code, _, err = run(["baseline", "specs", "--base-url", emu.url, "-q", "--until", "2099-01-01"])
    assert code == 0, err


def test_baseline_refuses_foreign_file(run: Run, emulator: Make, spec: Path, api_key: str) -> None:
    emu = emulator(DATA)
    Path("mine.yaml").write_text("hello\n", encoding="utf-8")
    code, _, err = run(["baseline", "spec.yaml", "--base-url", emu.url, "-o", "mine.yaml"])
    assert code == 2
    assert "is not a drift baseline" in err
    assert Path("mine.yaml").read_text() == "hello\n"
    assert emu.request_count == 0


def test_import_merge_into_four_space_indented_spec(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(IMPORT_DATA)
    original = (
        "version: 1\nintegrations:\n    alpha:\n        integrationId: intg_A1\n"
        "        authType: API_KEY\n"
    )
    spec.write_text(original, encoding="utf-8")
    code, _, err = run(["import", "intg_Im2", "--base-url", emu.url, "-o", "spec.yaml", "--merge"])
    assert "internal error" not in err
    assert code == 0, err
    assert spec.read_text(encoding="utf-8").startswith(original)


def test_empty_headers_never_leak_secret_values(
    run: Run, emulator: Make, spec: Path, api_key: str, tmp_path: Path
) -> None:
    spec.write_text(
        "version: 1\nintegrations:\n  im:\n    integrationId: intg_Im1\n"
        "    authId: auth_Im1\n    authType: BEARER_TOKEN\n    headers: {}\n",
        encoding="utf-8",
    )
    emu = emulator(IMPORT_DATA)
    code, out, err = run(
        ["check", "spec.yaml", "--base-url", emu.url, "-q", "--report", "json=r.json"]
    )
    assert code == 1
    for blob in (out, err, (tmp_path / "r.json").read_text(encoding="utf-8")):
        assert "import-SECRET-123" not in blob


def test_merge_rejects_reports_from_different_apis(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(DATA)
    run(
        [
            "check",
            "spec.yaml",
            "--base-url",
            emu.url,
            "-q",
            "--report",
            "json=a.json",
            "--only",
            "alpha",
        ]
    )
    doc = json.loads(Path("a.json").read_text(encoding="utf-8"))
    doc["baseUrl"] = "https://api.sigmamind.ai"
    doc["integrations"][0]["name"] = "other"
    Path("b.json").write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(["report", "merge", "a.json", "b.json"])
    assert code == 2
    assert "the reports come from different APIs" in err


# -- report paths are checked before any request -----------------------------------------


def test_a_report_over_a_spec_file_is_refused(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(DATA)
    before = spec.read_text(encoding="utf-8")
    code, out, err = run(
        ["check", "spec.yaml", "--base-url", emu.url, "--report", "text=spec.yaml"]
    )
    assert (code, out) == (2, "")
    assert err == "drift: error: --report spec.yaml is one of the spec files being read\n"
    assert spec.read_text(encoding="utf-8") == before
    assert emu.request_count == 0


def test_two_reports_on_one_file_are_refused(
    run: Run, emulator: Make, spec: Path, api_key: str
) -> None:
    emu = emulator(DATA)
    code, _, err = run(
        ["check", "spec.yaml", "--base-url", emu.url, "--report", "json=r", "--report", "text=./r"]
    )
    assert code == 2
    assert err == "drift: error: --report ./r and r are the same file\n"
    assert emu.request_count == 0


@pytest.mark.parametrize("path", ["/proc/drift-report.json", "/proc/version"])
def test_a_report_where_no_file_can_be_created_is_refused_up_front(
    run: Run, emulator: Make, spec: Path, api_key: str, path: str
) -> None:
    """Tried for real before any request (a read-only mount, a folder without write
    permission, /proc even for root), not found out after the whole check."""
    emu = emulator(DATA)
    code, out, err = run(["check", "spec.yaml", "--base-url", emu.url, "--report", f"json={path}"])
    assert (code, out) == (2, "")
    assert f"cannot write report {path}: cannot create a file in /proc:" in err
    assert err.count("\n") == 1
    assert emu.request_count == 0


def test_a_yaml_report_inside_a_spec_folder_is_refused(
    run: Run, emulator: Make, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    emu = emulator(DEMO_DATA_PATH)
    code, _, err = run(["check", "specs", "--base-url", emu.url, "--report", "json=specs/out.yaml"])
    assert code == 2
    assert err == (
        "drift: error: --report specs/out.yaml is inside a spec folder: "
        "the next run would read it\n"
    )
    code, _, err = run(["check", "specs", "--base-url", emu.url, "--report", "json=out/"])
    assert code == 2
    assert "that names a folder, not a file" in err
    assert emu.request_count == 0


def test_report_merge_refuses_clashing_outputs(run: Run, tmp_path: Path) -> None:
    code, _, err = run(
        ["report", "merge", "a.json", "--report", "json=r.out", "--report", "junit=./r.out"]
    )
    assert (code, err) == (2, "drift: error: --report ./r.out and r.out are the same file\n")
    code, _, err = run(["report", "merge", "a.json", "--report", "json=a.json"])
    assert (code, err) == (2, "drift: error: --report a.json is one of the reports being merged\n")


def test_reports_are_written_all_or_none(
    run: Run,
    emulator: Make,
    spec: Path,
    api_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the second report cannot be written, the first is not left behind either."""
    import drift.fileio

    emu = emulator(DATA)
    first, second = tmp_path / "a.json", tmp_path / "b.txt"
    first.write_text("old\n", encoding="utf-8")
    real_stage = drift.fileio._stage

    def failing(target: Path, text: str, pending: list[tuple[str, Path]]) -> None:
        if target.name == "b.txt":
            raise OSError(28, "No space left on device")
        real_stage(target, text, pending)

    monkeypatch.setattr(drift.fileio, "_stage", failing)
    code, out, err = run(
        [
            "check",
            "spec.yaml",
            "--base-url",
            emu.url,
            "--report",
            f"json={first}",
            "--report",
            f"text={second}",
        ]
    )
    assert (code, out) == (3, "")
    assert err == f"drift: error: cannot write {second}: No space left on device\n"
    assert first.read_text(encoding="utf-8") == "old\n"
    assert not second.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("ids_file", [None, "# only a comment\n\n"])
def test_import_without_ids_is_a_usage_error(
    run: Run, spec: Path, api_key: str, tmp_path: Path, ids_file: str | None
) -> None:
    args = ["import"]
    if ids_file is not None:
        (tmp_path / "ids.txt").write_text(ids_file, encoding="utf-8")
        args += ["--from-file", str(tmp_path / "ids.txt")]
    assert run(args) == (2, "", "drift: error: no integration ids given\n")
