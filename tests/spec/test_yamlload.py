"""Unit tests of the YAML loader: values, marks, and what it refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from drift import yamlload
from drift.errors import Location
from drift.yamlload import Document, YamlError, parse


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with libyaml's parser and with PyYAML's own: both must agree."""
    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("PyYAML is built without libyaml")
        monkeypatch.setattr(yamlload, "_Loader", yamlload.Yaml12CLoader)
    else:
        monkeypatch.setattr(yamlload, "_Loader", yamlload.Yaml12PureLoader)
    yield request.param


def error_of(text: str) -> tuple[str, int, int]:
    with pytest.raises(YamlError) as caught:
        parse(text, "f.yaml")
    return caught.value.message, caught.value.line, caught.value.column


SPEC = """\
version: 1
integrations:
  shop:
    integrationId: intg_A
    headers:
      X-Team: a
      "X-Quoted": 'b'
    list:
      - one
      - {k: v}
"""


def test_marks_are_one_based(loader: str) -> None:
    doc = parse(SPEC, "f.yaml")
    assert doc.key_marks[("version",)] == (1, 1)
    assert doc.value_marks[("version",)] == (1, 10)
    assert doc.key_marks[("integrations", "shop")] == (3, 3)
    assert doc.key_marks[("integrations", "shop", "headers", "X-Team")] == (6, 7)
    assert doc.value_marks[("integrations", "shop", "headers", "X-Team")] == (6, 15)
    assert doc.key_marks[("integrations", "shop", "headers", "X-Quoted")] == (7, 7)
    assert doc.value_marks[("integrations", "shop", "headers", "X-Quoted")] == (7, 19)
    assert doc.value_marks[("integrations", "shop", "list", 0)] == (9, 9)
    assert doc.value_marks[("integrations", "shop", "list", 1)] == (10, 9)
    assert doc.key_marks[("integrations", "shop", "list", 1, "k")] == (10, 10)
    assert doc.value_marks[()] == (1, 1)


def test_location_prefers_the_key_and_falls_back_to_the_parent(loader: str) -> None:
    doc = parse(SPEC, "f.yaml")
    headers = ("integrations", "shop", "headers")
    assert doc.location((*headers, "X-Team"), key=True) == Location("f.yaml", 6, 7)
    assert doc.location((*headers, "X-Team")) == Location("f.yaml", 6, 15)
    # not in the file: the nearest enclosing node that is
    assert doc.location((*headers, "X-Missing"), key=True) == Location("f.yaml", 5, 5)
    assert doc.location(("nowhere", "at", "all")) == Location("f.yaml", 1, 1)
    assert Document("g.yaml", None).location(("a",)) == Location("g.yaml", 1, 1)


def test_values(loader: str) -> None:
    doc = parse(SPEC, "f.yaml")
    assert doc.data == {
        "version": 1,
        "integrations": {
            "shop": {
                "integrationId": "intg_A",
                "headers": {"X-Team": "a", "X-Quoted": "b"},
                "list": ["one", {"k": "v"}],
            }
        },
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("plain", "plain"),
        ("'1'", "1"),
        ('"true"', "true"),
        ("1", 1),
        ("-7", -7),
        ("+12", 12),
        ("017", 17),  # decimal: YAML 1.2 has no leading-zero octal
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("-.5E2", -50.0),
        ("5.", 5.0),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
        ("true", True),
        ("FALSE", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("team-3", "team-3"),
        ("nothing special", "nothing special"),
        ("!!str 12", "12"),
        ("! 12", "12"),  # the non-specific tag: text
        ("!!int 12", 12),
        ("!!float 3", 3.0),
        ("=", "="),
        ("2024-02-29", "2024-02-29"),
        ("2024-02-30", "2024-02-30"),
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02 03:04:05", "2024-01-02 03:04:05"),
        ("!!timestamp 2024-01-02 03:04:05", "2024-01-02T03:04:05"),
        ("!!timestamp 2024-02-30", "2024-02-30"),
    ],
)
def test_scalars(loader: str, text: str, value: object) -> None:
    assert parse(f"k: {text}\n", "f.yaml").data == {"k": value}


@pytest.mark.parametrize(
    "text",
    # YAML 1.1 (PyYAML's own rules) reads these as booleans, numbers or times; 1.2 as text
    [
        "yes", "Yes", "YES", "no", "No", "on", "On", "off", "OFF", "y", "n", "tRUE",
        "0b101", "1_000", "-0x1F", "+0o7", "0O7", "0X1F", "1:30", "190:20:30", "+.nan",
        "1.5e", ".", "+", "-.", "0o8", "0xg", "1,000", ".5.",
    ],
)  # fmt: skip
def test_yaml_1_1_scalars_are_text(loader: str, text: str) -> None:
    assert parse(f"k: {text}\n", "f.yaml").data == {"k": text}


def test_nan(loader: str) -> None:
    value = parse("k: .NaN\n", "f.yaml").data["k"]
    assert value != value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1" * 5000, float("inf")),  # more digits than Python's int() takes
        ("-" + "1" * 5000, float("-inf")),
        ("0x" + "f" * 5000, float("inf")),  # an int Python could not print
        ("0o" + "7" * 100, int("7" * 100, 8)),
    ],
)
def test_huge_numbers_stay_numbers(loader: str, text: str, value: float) -> None:
    assert parse(f"k: {text}\n", "f.yaml").data == {"k": value}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!!bool yes", "cannot read value: 'yes' is not true or false in YAML 1.2"),
        ("!!null x", "cannot read value: 'x' is not null in YAML 1.2"),
        ("!!int 0b1", "cannot read value: '0b1' is not an integer in YAML 1.2"),
        ("!!float one", "cannot read value: 'one' is not a number in YAML 1.2"),
    ],
)
def test_explicit_core_tags_take_yaml_1_2_values_only(
    loader: str, text: str, message: str
) -> None:
    assert error_of(f"k: {text}\n") == (message, 1, 4)


def test_explicit_float_tag_on_integers(loader: str) -> None:
    doc = parse("a: !!float 0x10\nb: !!null ''\n", "f.yaml")
    assert doc.data == {"a": 16.0, "b": None}


def test_timestamps_are_text_as_written(loader: str) -> None:
    doc = parse("until: 2027-01-31\nat: 2027-01-31T10:00:00+02:00\n", "f.yaml")
    assert doc.data == {"until": "2027-01-31", "at": "2027-01-31T10:00:00+02:00"}


def test_keys_are_text_as_written(loader: str) -> None:
    doc = parse("1: a\ntrue: b\n2024-01-01: c\n0x10: d\n", "f.yaml")
    assert doc.data == {"1": "a", "true": "b", "2024-01-01": "c", "0x10": "d"}
    assert doc.key_marks[("0x10",)] == (4, 1)


def test_a_number_key_and_its_text_are_the_same_key(loader: str) -> None:
    doc = parse('1: a\n"1": b\n', "f.yaml")
    assert doc.duplicates == [(("1",), 2, 1, "duplicate key '1' (first defined at line 1)")]
    assert doc.data == {"1": "a"}


def test_multiple_documents_are_rejected(loader: str) -> None:
    assert error_of("a: 1\n---\nb: 2\n") == ("expected one YAML document, found more", 2, 1)


def test_one_explicit_document_is_fine(loader: str) -> None:
    assert parse("---\na: 1\n...\n", "f.yaml").data == {"a": 1}


def test_unknown_alias(loader: str) -> None:
    assert error_of("a: 1\nb: *nope\n") == ("unknown alias *nope", 2, 4)


def test_alias_before_its_anchor_is_complete(loader: str) -> None:
    """A self-reference (a recursive structure) is an unknown alias, not an endless loop."""
    assert error_of("a: &x [1, *x]\n")[0] == "unknown alias *x"


def test_aliases_within_budget_work(loader: str) -> None:
    doc = parse(
        "base: &h {X-Team: a, Accept: b}\none: *h\ntwo: *h\nname: &n shop\nagain: *n\n",
        "f.yaml",
    )
    assert doc.data["one"] == doc.data["two"] == {"X-Team": "a", "Accept": "b"}
    assert doc.data["again"] == "shop"
    assert doc.value_marks[("two",)] == (3, 6)  # the alias is where it was written


def test_a_moderate_alias_fan_out_is_allowed(loader: str) -> None:
    rows = ['a0: &a0 ["x", "y"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 4)}]" for i in range(1, 6)]
    doc = parse("\n".join(rows) + "\n", "f.yaml")  # 4**5 * 2 = 2048 leaves
    assert len(doc.data["a5"]) == 4


def test_alias_node_budget(loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlload, "MAX_NODES", 100)
    rows = ['a0: &a0 ["x", "y", "z"]', "a1: &a1 [*a0, *a0, *a0, *a0, *a0]"]
    parse("\n".join(rows) + "\n", "f.yaml")  # 2 + 4 + 1 + 5*4 + 2 nodes: fine
    message, line, _ = error_of("\n".join([*rows, "a2: [*a1, *a1, *a1, *a1]"]) + "\n")
    assert message == "document expands to too many nodes (an alias bomb?); refusing to load"
    assert line == 3


def test_alias_text_budget(loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlload, "MAX_TEXT", 1000)
    rows = [f'a0: &a0 "{"x" * 300}"', "a1: [*a0, *a0]"]
    parse("\n".join(rows) + "\n", "f.yaml")
    message, line, _ = error_of("\n".join([*rows, "a2: [*a0, *a0]"]) + "\n")
    assert message == "document expands to too much text (an alias bomb?); refusing to load"
    assert line == 3


def test_depth_limit(loader: str) -> None:
    ok = "a: " + "[" * 63 + "]" * 63 + "\n"  # 64 levels with the top mapping
    parse(ok, "f.yaml")
    message, line, column = error_of("a: " + "[" * 64 + "]" * 64 + "\n")
    assert (message, line, column) == ("nesting deeper than 64 levels", 1, 67)


def test_depth_limit_counts_what_aliases_bring(loader: str) -> None:
    inner = "[" * 63 + "]" * 63
    parse(f"a: &x {inner}\nb: *x\n", "f.yaml")  # 1 + 63 levels
    message, line, _ = error_of(f"a: &x {inner}\nb: [*x]\n")  # 1 + 1 + 63
    assert (message, line) == ("nesting deeper than 64 levels", 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", ((("a",), 2, 1, "duplicate key 'a' (first defined at line 1)"), 1)),
        (
            "x:\n  y:\n    a: 1\n    b: 2\n    a: 3\n",
            ((("x", "y", "a"), 5, 5, "duplicate key 'a' (first defined at line 3)"), 1),
        ),
        ("- {a: 1, a: 2}\n", (((0, "a"), 1, 10, "duplicate key 'a' (first defined at line 1)"), 1)),
    ],
)
def test_duplicates_are_reported_and_the_first_value_kept(
    loader: str, text: str, expected: tuple[tuple[object, ...], int]
) -> None:
    doc = parse(text, "f.yaml")
    assert doc.duplicates == [expected[0]]
    first = doc.data["a"] if isinstance(doc.data, dict) and "a" in doc.data else None
    if first is not None:
        assert first == expected[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("? [a]\n: b\n", ("mapping keys must be plain scalars", 1, 3)),
        ("{a: 1}: b\n", ("mapping keys must be plain scalars", 1, 1)),
        ("~: b\n", ("mapping keys must be plain scalars", 1, 1)),
        ("a: !!binary aGVsbG8=\n", ("binary values (!!binary) are not supported", 1, 4)),
        ("a: !!python/name:os.system x\n", None),
        ("b: &b {x: 1}\na:\n  <<: *b\n", ("YAML merge keys ('<<') are not supported", 3, 3)),
        ("a: [1, 2\n", None),
        ("a: 'open\n", None),
    ],
)
def test_refused(loader: str, text: str, expected: tuple[str, int, int] | None) -> None:
    message, line, column = error_of(text)
    if expected is not None:
        assert (message, line, column) == expected
    assert "\n" not in message


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['echo hi']",
        "!!python/object:os.system {a: 1}",
        "!!python/name:os.system x",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!custom [1]",
        "!custom x",
    ],
)
def test_unknown_tags_are_refused(loader: str, value: str) -> None:
    message, line, column = error_of(f"a: {value}\n")
    assert message.startswith("cannot read value: could not determine a constructor for the tag")
    assert (line, column) == (1, 4)


def test_standard_collection_tags_are_fine(loader: str) -> None:
    assert parse("a: !!map {b: !!seq [1]}\n", "f.yaml").data == {"a": {"b": [1]}}


def test_syntax_error_names_where_the_construct_started(loader: str) -> None:
    message, line, _ = error_of("a:\n  b: [1, 2\n  c: 3\n")
    assert message.startswith("YAML syntax error: ")
    assert "at line 2)" in message
    assert line == 3


def test_empty_and_comment_only_documents(loader: str) -> None:
    assert parse("", "f.yaml").data is None
    assert parse("# nothing\n", "f.yaml").data is None


def test_load_decodes_and_strips_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: caf\xc3\xa9\n")
    assert yamlload.load(path, "s.yaml").data == {"a": "café"}


def test_load_reports_invalid_utf8_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"a: 1\nb: ok \xff\n")
    with pytest.raises(YamlError) as caught:
        yamlload.load(path, "s.yaml")
    assert (caught.value.message, caught.value.line, caught.value.column) == (
        "not valid UTF-8 (byte 0xff)",
        2,
        7,
    )


def test_load_refuses_by_size_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.yaml"
    with open(path, "wb") as handle:
        handle.truncate(yamlload.MAX_BYTES + 1)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(YamlError, match=r"^file is too large \(10\.0 MiB; the limit is 10 MiB\)$"):
        yamlload.load(path, "s.yaml")


def test_load_reports_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match=r"^cannot read file: "):
        yamlload.load(tmp_path / "gone.yaml", "gone.yaml")
