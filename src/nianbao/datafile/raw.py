"""A data file's raw structure built from somewhere other than a YAML file — a 填报表
workbook's cells, the web workspace's form — with the same keys and nesting, and each
value's place (a line, "表三!D7", a form field) where a problem names it, so that one
reader (`reader.py`) validates them all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from nianbao.datafile.yamlfile import LineDict, LineList
from nianbao.spec.tables import CellKey, KeyTree

Box = TypeVar("Box", LineDict, LineList)
Where = str | int  # a line, or a cell "表三!D7"; LineDict and LineList annotate lines as int


def located(container: Box, where: Where) -> Box:
    """A LineDict/LineList whose `line` is `where`, with an empty `lines`."""
    box = cast(Any, container)
    box.line = where
    box.lines = {} if isinstance(container, LineDict) else []
    return container


def put(target: LineDict, key: str, value: Any, where: Where) -> None:
    target[key] = value
    cast(Any, target).lines[key] = where


def append(target: LineList, value: Any, where: Where) -> None:
    target.append(value)
    cast(Any, target).lines.append(where)


def nest(tree: KeyTree, values: Mapping[CellKey, tuple[Any, Where]]) -> LineDict | None:
    """The data file's nesting of a table (`key_tree`) over the cells given; a level
    without a cell is left out. Each level's place is its first cell's."""
    out = located(LineDict(), 0)
    for label, sub in tree.items():
        if isinstance(sub, tuple):
            if sub in values:
                put(out, label, *values[sub])
        else:
            nested = nest(sub, values)
            if nested is not None:
                put(out, label, nested, nested.line)
    if not out:
        return None
    cast(Any, out).line = next(iter(cast(Any, out).lines.values()))
    return out
