"""Escaping rules shared by the formats CI systems read."""

from __future__ import annotations


def gh_data(text: str) -> str:
    """Escape a GitHub workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(text: str) -> str:
    """Escape a GitHub workflow-command property value (file, title)."""
    return gh_data(text).replace(":", "%3A").replace(",", "%2C")


def gh_command(
    level: str, message: str, *, file: str, line: int, col: int | None, title: str
) -> str:
    props = [f"file={gh_property(file)}"]
    if line > 0:
        props.append(f"line={line}")
        if col:
            props.append(f"col={col}")
    props.append(f"title={gh_property(title)}")
    return f"::{level} {','.join(props)}::{gh_data(message)}"
