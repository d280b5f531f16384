"""`check --changed-since GIT_REF`: only the integrations whose desired state (ignore rules
included) differs from GIT_REF, or that are new, are checked; a change that touches none
passes without a request; a bad ref is exit 2. Real git repositories in tmp_path, the CLI
in-process against the emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.commands.changed import changed_names
from drift.emulator import Emulator
from drift.spec.load import Spec, build_spec
from drift.spec.yamlload import parse

Run = Callable[[list[str]], tuple[int, str, str]]
Make = Callable[..., Emulator]

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
    authType: API_KEY
  gamma:
    integrationId: intg_G1
    authType: API_KEY
    tags: [payments]
"""
DATA = {
    "integrations": [
        {"integrationId": i, "name": i, "authentication": f"auth_{i[5:]}"}
        for i in ("intg_A1", "intg_B1", "intg_G1")
    ],
    # everything drifts (BEARER_TOKEN): every integration checked shows in the report
    "auth": [
        {
            "authId": f"auth_{i[5:]}",
            "integrationId": i,
            "authType": "BEARER_TOKEN",
            "headers": {"X-Team": "web"} if i == "intg_A1" else {},
        }
        for i in ("intg_A1", "intg_B1", "intg_G1")
    ],
}


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
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose main commit holds SPEC in specs/a.yaml; cwd is its top."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    _git(root, "init", "-q", "-b", "main")
    (root / "specs" / "a.yaml").write_text(SPEC, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main")
    monkeypatch.chdir(root)
    return root


def _edit(repo: Path, old: str, new: str, name: str = "a.yaml") -> None:
    path = repo / "specs" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _checked(run: Run, emu: Emulator, *extra: str) -> tuple[int, list[str], str]:
    code, out, err = run(
        ["check", "specs", "--base-url", emu.url, "-q", "--format", "json", *extra]
    )
    names = [i["name"] for i in json.loads(out)["integrations"]] if out else []
    return code, names, err


def test_only_the_changed_integration_is_checked(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    _edit(repo, "X-Team: web", "X-Team: mobile")
    emu = emulator(DATA)
    code, names, err = _checked(run, emu, "--changed-since", "main")
    assert (code, names, err) == (1, ["alpha"], "")
    assert emu.request_count == 1
    # committed on a branch, the same: the working tree is what is compared
    _git(repo, "checkout", "-q", "-b", "pr")
    _git(repo, "commit", "-q", "-am", "change alpha")
    assert _checked(run, emu, "--changed-since", "main")[1] == ["alpha"]


def test_added_integrations_are_checked_removed_ones_are_not(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    _edit(repo, "  beta:\n    integrationId: intg_B1\n    authType: API_KEY\n", "")
    (repo / "specs" / "b.yaml").write_text(
        "version: 1\nintegrations:\n  beta2:\n    integrationId: intg_B1\n    authType: API_KEY\n",
        encoding="utf-8",
    )
    code, names, _ = _checked(run, emulator(DATA), "--changed-since", "main")
    assert (code, names) == (1, ["beta2"])  # a new local name is new, even for the same ids


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # the integration's own ignore rule
        (
            "    tags: [payments]\n",
            "    tags: [payments]\n    ignore:\n      - {path: /authType, reason: migrating}\n",
            ["gamma"],
        ),
        # a top-level rule: every integration its glob covers, none other
        (
            "    tags: [payments]\n",
            "    tags: [payments]\nignore:\n  - {integration: 'al*', path: /authType, reason: r}\n",
            ["alpha"],
        ),
        ("    tags: [payments]\n", "    tags: [payments, eu]\n", ["gamma"]),
        ("version: 1\n", "version: 1\n# only a comment\n", []),
    ],
)
def test_ignore_rules_and_tags_are_part_of_the_desired_state(
    run: Run, emulator: Make, repo: Path, api_key: str, old: str, new: str, expected: list[str]
) -> None:
    _edit(repo, old, new)
    code, names, err = _checked(run, emulator(DATA), "--changed-since", "HEAD")
    assert names == expected
    if not expected:
        assert (code, err) == (0, "drift: no integration changed since HEAD; nothing to check\n")


def test_a_change_to_a_top_level_rule_in_another_file_selects_what_it_covers(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    rules = "version: 1\nignore:\n  - {integration: '*a', path: /authType, reason: r}\n"
    (repo / "specs" / "rules.yaml").write_text(rules, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "rules")
    _edit(repo, "reason: r", "reason: another reason", "rules.yaml")
    code, names, _ = _checked(run, emulator(DATA), "--changed-since", "HEAD")
    assert (code, names) == (0, ["alpha", "beta", "gamma"])  # checked; the rule accepts it


def test_nothing_changed_passes_without_a_key_or_a_request(
    run: Run, emulator: Make, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIGMAMIND_API_KEY", raising=False)  # a fork's pull request
    emu = emulator(DATA)
    code, out, err = run(
        [
            "check",
            "specs",
            "--base-url",
            emu.url,
            "--changed-since",
            "main",
            "--report",
            "json=r.json",
        ]
    )
    assert (code, out) == (0, "")
    assert err == "drift: no integration changed since main; nothing to check\n"
    assert emu.request_count == 0
    assert not Path("r.json").exists()


def test_combined_with_the_other_selectors(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    _edit(repo, "X-Team: web", "X-Team: mobile")
    _edit(repo, "tags: [payments]", "tags: [payments, eu]")
    emu = emulator(DATA)
    assert _checked(run, emu, "--changed-since", "main")[1] == ["alpha", "gamma"]
    assert _checked(run, emu, "--changed-since", "main", "--tag", "payments")[1] == ["gamma"]
    assert _checked(run, emu, "--changed-since", "main", "--exclude", "gamma")[1] == ["alpha"]
    # --only picks beta, which did not change: nothing to check, exit 0
    code, names, err = _checked(run, emu, "--changed-since", "main", "--only", "beta")
    assert (code, names) == (0, [])
    assert "no integration changed since main" in err
    # a typo in --only is still a usage error
    code, _, err = _checked(run, emu, "--changed-since", "main", "--only", "nosuch")
    assert code == 2
    assert "select none of the 3 declared" in err


def test_a_spec_folder_new_since_the_ref_is_all_new(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    (repo / "more").mkdir()
    (repo / "more" / "m.yaml").write_text(
        "version: 1\nintegrations:\n  mu:\n    integrationId: intg_A1\n    authType: API_KEY\n",
        encoding="utf-8",
    )
    emu = emulator(DATA)
    code, out, _ = run(
        [
            "check",
            "more",
            "--base-url",
            emu.url,
            "-q",
            "--format",
            "json",
            "--changed-since",
            "main",
        ]
    )
    assert code == 1
    assert [i["name"] for i in json.loads(out)["integrations"]] == ["mu"]


def test_an_invalid_spec_at_the_ref_checks_everything(
    run: Run, emulator: Make, repo: Path, api_key: str
) -> None:
    _edit(repo, "authType: API_KEY", "authType: 42")
    _git(repo, "commit", "-q", "-am", "broken")
    _edit(repo, "authType: 42", "authType: API_KEY")  # the pull request repairs it
    code, names, err = _checked(run, emulator(DATA), "--changed-since", "HEAD")
    assert (code, names) == (1, ["alpha", "beta", "gamma"])
    assert (
        err == "drift: note: the spec at HEAD is not valid: every integration counts as changed\n"
    )


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nosuchref", "--changed-since nosuchref: unknown git revision 'nosuchref'"),
        (" ", "--changed-since is empty"),
    ],
)
def test_a_bad_ref_is_exit_2_in_one_line(
    run: Run, emulator: Make, repo: Path, api_key: str, ref: str, message: str
) -> None:
    emu = emulator(DATA)
    code, out, err = run(["check", "specs", "--base-url", emu.url, "--changed-since", ref])
    assert (code, out) == (2, "")
    assert err.startswith(f"drift: error: {message}") and err.count("\n") == 1
    assert emu.request_count == 0


def test_outside_a_git_repository_is_exit_2(
    run: Run, emulator: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_key: str
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain" / "specs").mkdir(parents=True)
    (tmp_path / "plain" / "specs" / "a.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "plain")
    code, _, err = run(["check", "specs", "--changed-since", "main"])
    assert code == 2
    assert err.startswith("drift: error: --changed-since main: unknown git revision")


def test_no_git_at_all_is_exit_2(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch, api_key: str
) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    code, _, err = run(["check", "specs", "--changed-since", "main"])
    assert code == 2
    assert err.startswith("drift: error: --changed-since main: cannot run git")


# --- the comparison itself ------------------------------------------------------------------


def _spec(text: str) -> Spec:
    spec, problems = build_spec([("s.yaml", lambda: parse(text, "s.yaml"))])
    assert not problems, problems
    return spec


def test_a_secret_pattern_change_is_a_change() -> None:
    """A document shows a secret pattern as "(matching a pattern)": the matcher decides."""
    head = SPEC.replace("X-Team: web", "X-Token: {pattern: '^a+$'}")
    assert changed_names(_spec(head), _spec(head.replace("^a+$", "^b+$"))) == {"alpha"}
    assert changed_names(_spec(head), _spec(head)) == set()


def test_defaults_change_every_integration_that_inherits_them() -> None:
    base = SPEC.replace("version: 1\n", "version: 1\ndefaults:\n  headers:\n    X-Src: a\n")
    assert changed_names(_spec(base), _spec(base.replace("X-Src: a", "X-Src: b"))) == {
        "alpha",
        "beta",
        "gamma",
    }


def test_moving_lines_is_not_a_change() -> None:
    moved = SPEC.replace("  alpha:", "\n\n  alpha:")
    assert changed_names(_spec(SPEC), _spec(moved)) == set()
    assert changed_names(None, _spec(SPEC)) == {"alpha", "beta", "gamma"}
