"""config/datafile.yaml: the keys of a data file's non-table parts, the Chinese label a
clerk reads beside each, and the comments `nianbao new` writes."""

from __future__ import annotations

from typing import Any

from nianbao.resources import read_config


def settings() -> dict[str, Any]:
    found: dict[str, Any] = read_config("datafile.yaml")
    return found


def field_label(key: str) -> str:
    """A top-level key as a clerk reads it: year（报告年度）."""
    return f"{key}（{settings()['fields'][key]['label']}）"
