"""The editor's spec of a form, as JSON-able data: what the page draws and what the
browser's rules evaluate, both taken from the one form file. Per table its grid from
`Table.areas()` (the merge areas the Word template and the web page print), each data
cell with its id, whether it is typed or derived, its value type and its accessible
name; the equations of `Form.equations` and the messages of the type rules, so that the
browser checks exactly what the server checks; the standard paragraphs by id."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.html import escape, json_script
from django.utils.safestring import SafeString, mark_safe

from nianbao.report.prose import standard_ids, standard_label
from nianbao.spec.form import Form, load_form
from nianbao.spec.rules import Equation
from nianbao.spec.tables import DATA, GROUP_TITLE, Area, Table
from nianbao.web.payload import cell_id
from nianbao.writing.webpage import header_scope


def accessible_name(table: Table, row_id: str, column_id: str) -> str:
    """How a screen reader names a cell: the row's label and the column's labels from
    the top (申请人情况 法人或其他组织 商业企业); table 四's one row has no label."""
    row = table.row(row_id)
    column = table.column(column_id)
    return " ".join(p for p in (row.label, *column.full_label.split("/")) if p)


def _heading(form: Form, table: Table) -> str:
    return f"{table.key} {form.section(table.section).heading}"


def _cell(table: Table, area: Area, head: int) -> dict[str, Any]:
    """One merge area as webpage.draw_table draws it: <th> with its scope, <td> for
    data and the 勾稽 note."""
    out: dict[str, Any] = {"rowspan": area.row_span, "colspan": area.col_span,
                           "text": area.text, "tag": "th", "scope": "", "note": False,
                           "top": area.top, "left": area.left}
    if area.role == DATA and area.cell is not None:
        row_id, column_id = area.cell
        column = table.column(column_id)
        out.update(tag="td", cell=cell_id(table.id, area.cell),
                   derived=table.is_derived(row_id, column_id), type=column.type,
                   name=accessible_name(table, row_id, column_id),
                   label=table.describe(row_id, column_id))
    elif (scope := header_scope(area, head)) is not None:
        out["scope"] = scope
    else:
        out.update(tag="td", note=True)
    return out


def table_spec(form: Form, table: Table) -> dict[str, Any]:
    """A table's grid: row groups (thead, then a tbody each for table 二's groups), each
    a list of rows of cells, as the official layout merges them."""
    rows: dict[int, list[Area]] = {}
    for area in table.areas():
        rows.setdefault(area.top, []).append(area)
    head = table.header_rows
    groups: list[dict[str, Any]] = []
    for r in range(table.grid_size[0]):
        cells = sorted(rows.get(r, []), key=lambda a: a.left)
        if r == 0 or r == head or any(a.role == GROUP_TITLE for a in cells):
            groups.append({"tag": "thead" if r < head else "tbody", "rows": []})
        groups[-1]["rows"].append([_cell(table, a, head) for a in cells])
    return {"id": table.id, "key": table.key, "heading": _heading(form, table),
            "section": table.section, "columns": table.grid_size[1], "groups": groups}


def equation_spec(form: Form, equation: Equation) -> dict[str, Any]:
    rule = next(r for r in form.equation_rules if r.id == equation.rule)
    return {"rule": equation.rule, "table": equation.table,
            "left": [cell_id(equation.table, k) for k in equation.left],
            "right": [cell_id(equation.table, k) for k in equation.right],
            "derives": equation.derives, "balance": equation.balance,
            "message": rule.message}


@cache
def editor_spec(version: str) -> dict[str, Any]:
    """The whole spec of a form (made once per process; the page embeds it)."""
    form = load_form(version)
    tables = list(form.tables.values())
    return {
        "form": form.version,
        "tables": [table_spec(form, t) for t in tables],
        "cells": {cell_id(t.id, c.key): {
            "table": t.id, "type": c.column.type, "derived": t.is_derived(*c.key),
            "label": t.describe(*c.key), "name": accessible_name(t, *c.key)}
            for t in tables for c in t.cells()},
        "equations": [equation_spec(form, eq) for t in tables for eq in form.equations(t.id)],
        "types": [{"rule": r.id, "tables": list(r.tables), "message": r.message}
                  for r in form.type_rules],
        "standard": {pid: standard_label(pid) for pid in standard_ids()},
        "sections": [{"id": "preamble", "heading": "前言"},
                     *({"id": s.id, "heading": f"{s.numeral}、{s.heading}"
                        if not s.heading.startswith(s.numeral) else s.heading}
                       for s in form.sections)],
    }


@cache
def browser_spec(version: str) -> SafeString:
    """What the browser's rules read (cells, equations, type rules, standard paragraphs,
    sections), as the editor page's <script id="editor-spec">: made once per process.
    The grid is left out: the server draws the tables, and it was most of the spec."""
    spec = {key: value for key, value in editor_spec(version).items() if key != "tables"}
    return json_script(spec, "editor-spec")


@cache
def _standard_options(version: str) -> tuple[tuple[str, str, str], ...]:
    """Each standard paragraph's <option> in a paragraph's choice: (id, the option,
    the option selected), escaped."""
    options = []
    for pid, label in editor_spec(version)["standard"].items():
        value, text = escape(f"standard:{pid}"), escape(f"标准段落：{label}")
        options.append((pid, f'<option value="{value}">{text}</option>',
                        f'<option value="{value}" selected>{text}</option>'))
    return tuple(options)


def standard_options(version: str, chosen: str) -> SafeString:
    """The standard paragraphs as options of a paragraph's choice, `chosen` selected
    (17 paragraphs × 7 options were a fifth of the editor template's time)."""
    return mark_safe("".join(selected if pid == chosen else plain  # escaped above
                             for pid, plain, selected in _standard_options(version)))
