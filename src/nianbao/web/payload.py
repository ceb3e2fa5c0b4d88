"""What the editor holds of one report, every value as the clerk typed it (`Payload`),
and its ways to the library: to a data file's raw structure, validated by the one
data-file reader into a `Report` (or every problem, each at its form field); from a
`Report` (a rollover, an upload, a data file PUT through the API); to and from JSON.

A cell is named `table:row:column` (t3:received:natural, t4:-:review.upheld); only the
cells a clerk types are held — totals are derived, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nianbao import api
from nianbao.datafile.raw import append, located, nest, put
from nianbao.datafile.reader import read_raw
from nianbao.datafile.settings import settings
from nianbao.datafile.yamlfile import LineDict, LineList
from nianbao.errors import Problem, ProblemList
from nianbao.report.model import Report
from nianbao.report.office import Office
from nianbao.spec.form import FORM_VERSIONS, Form, load_form
from nianbao.spec.tables import CellKey, Table
from nianbao.spec.values import format_value

MAX_TEXT = 20_000  # characters of one paragraph: more is no report's
MAX_PARAGRAPHS = 400
# characters of the other values, as the database's columns hold them (models.py uses
# these): a number needs far fewer, and PostgreSQL refuses a longer one outright
MAX_CELL = 100
MAX_DATE = 40
MAX_TITLE = 300
MAX_FEE = 40
MAX_STANDARD = 40


def cell_id(table_id: str, key: CellKey) -> str:
    return f"{table_id}:{key[0]}:{key[1]}"


def parse_cell_id(text: str) -> tuple[str, CellKey]:
    table_id, row, column = text.split(":", 2)
    return table_id, (row, column)


def typed_cells(form: Form) -> tuple[tuple[Table, CellKey], ...]:
    """Every cell a clerk types, table by table in reading order (a form is
    `load_form`'s, one per version and process: worked out once)."""
    return _typed_cells(form.version)


@cache
def _typed_cells(version: str) -> tuple[tuple[Table, CellKey], ...]:
    form = load_form(version)
    return tuple((table, cell.key) for table in form.tables.values() for cell in table.cells()
                 if not table.is_derived(*cell.key))


@dataclass
class Payload:
    """One report as the editor holds it: the form, and every value as typed ("" for
    a blank, which is never read as 0)."""

    form: str
    date: str = ""
    title: str = ""
    fees: dict[str, str] = field(default_factory=dict)  # notices, amount
    cells: dict[str, str] = field(default_factory=dict)  # cell id → text
    text: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # text: section key → [{"standard": id} | {"text": "…"}]

    def as_json(self) -> dict[str, Any]:
        return {"form": self.form, "date": self.date, "title": self.title,
                "fees": dict(self.fees), "cells": dict(self.cells),
                "text": {k: [dict(p) for p in v] for k, v in self.text.items()}}


class BadPayload(ValueError):
    """What the browser sent is not a report's form (a tampered or broken request)."""


def _text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise BadPayload(f"{what}应为文字")
    if len(value) > limit:
        raise BadPayload(f"{what}过长（{len(value)} 字，最多 {limit} 字）")
    return value


def payload_from_json(data: Any) -> Payload:
    """The editor's JSON, checked to be one report's form: known keys and cells only,
    texts only, within sizes (raises BadPayload)."""
    if not isinstance(data, dict) or data.get("form") not in FORM_VERSIONS:
        raise BadPayload("不是年报的表单数据")
    form = load_form(data["form"])
    known = {cell_id(t.id, key): t.describe(*key) for t, key in typed_cells(form)}
    cells = data.get("cells") or {}
    if not isinstance(cells, dict) or set(cells) - set(known):
        raise BadPayload("表单中有不属于本格式的格")
    fees = data.get("fees") or {}
    if not isinstance(fees, dict) or set(fees) - set(settings()["fees"]["fields"]):
        raise BadPayload("信息处理费的项目不对")
    text = data.get("text") or {}
    sections = ["preamble", *(s.id for s in form.sections)]
    if not isinstance(text, dict) or set(text) - set(sections):
        raise BadPayload("正文中有不属于本格式的部分")
    paragraphs: dict[str, list[dict[str, str]]] = {}
    count = 0
    for key in sections:
        items = text.get(key) or []
        if not isinstance(items, list):
            raise BadPayload("正文应为段落列表")
        count += len(items)
        if count > MAX_PARAGRAPHS:
            raise BadPayload(f"段落过多（最多 {MAX_PARAGRAPHS} 段）")
        paragraphs[key] = [_paragraph(item) for item in items]
    return Payload(data["form"], _text(data.get("date", ""), "成文日期", MAX_DATE),
                   _text(data.get("title", ""), "标题", MAX_TITLE),
                   {k: _text(v, "信息处理费", MAX_FEE) for k, v in fees.items()},
                   {k: _text(v, known[k], MAX_CELL) for k, v in cells.items()}, paragraphs)


def _paragraph(item: Any) -> dict[str, str]:
    if isinstance(item, dict) and set(item) == {"standard"}:
        return {"standard": _text(item["standard"], "标准段落", MAX_STANDARD)}
    if isinstance(item, dict) and set(item) == {"text"}:
        return {"text": _text(item["text"], "段落")}
    raise BadPayload("段落应为标准段落或文字")


def payload_of(report: Report) -> Payload:
    """A report's values as the editor shows them (derived cells left out)."""
    cells = {cell_id(table.id, key): format_value(report.tables.get(table.id, {}).get(key))
             for table, key in typed_cells(report.form)}
    text = {key: [{"standard": p.standard} if p.standard else {"text": p.text or ""}
                  for p in paragraphs] for key, paragraphs in report.text.items()}
    return Payload(report.form.version, report.date.isoformat(), report.title or "",
                   {k: format_value(v) for k, v in report.fees.items()}, cells, text)


def raw_of(payload: Payload, office: Office, year: int) -> LineDict:
    """The payload as a data file's raw structure; each value's place is its form
    field's name (a cell id, `date`, `text:overview:2` …), where a problem is shown."""
    form = load_form(payload.form)
    raw = located(LineDict(), "report")
    profile = located(LineDict(), "office")
    put(profile, "id", office.id, "office")
    for key in Office.__dataclass_fields__:
        if key != "id" and (text := getattr(office, key)):
            put(profile, key, text, f"office:{key}")
    put(raw, "office", profile, "office")
    put(raw, "year", year, "year")
    put(raw, "form", payload.form, "form")
    if payload.date.strip():
        put(raw, "date", _date(payload.date), "date")
    if payload.title.strip():
        put(raw, "title", payload.title, "title")
    put(raw, "text", _text_raw(payload), "text")
    spec = settings()["fees"]["fields"]
    fees = located(LineDict(), "fees")
    for key, text in payload.fees.items():
        put(fees, spec[key]["label"], text, f"fees:{key}")
    put(raw, "fees", fees, "fees")
    typed: dict[str, dict[CellKey, tuple[str, str]]] = {tid: {} for tid in form.tables}
    for table, cell in typed_cells(form):
        cid = cell_id(table.id, cell)
        typed[table.id][cell] = (payload.cells.get(cid, ""), cid)
    for table in form.tables.values():
        tree = nest(table.key_tree, typed[table.id])
        if tree is not None:
            put(raw, table.key, tree, tree.line)
    return raw


def _date(text: str) -> dt.date | str:
    """A date as the YAML reader gives it (a date), or the text for the reader to name."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text


def _text_raw(payload: Payload) -> LineDict:
    body = located(LineDict(), "text")
    for key, items in payload.text.items():
        paragraphs = located(LineList(), f"text:{key}")
        for i, item in enumerate(items):
            where = f"text:{key}:{i}"
            if "standard" in item:
                standard = located(LineDict(), where)
                put(standard, "standard", item["standard"], where)
                append(paragraphs, standard, where)
            else:
                append(paragraphs, item.get("text", ""), where)
        put(body, key, paragraphs, f"text:{key}")
    return body


def report_of(payload: Payload, office: Office, year: int) -> Report:
    """The report the payload makes, validated by the data-file reader; raises
    ProblemList with every problem, each `line` a form field's name."""
    return read_raw(raw_of(payload, office, year), Path(f"{office.id}-{year}"))


def problems_of(payload: Payload, office: Office, year: int) -> list[Problem]:
    try:
        report_of(payload, office, year)
    except ProblemList as exc:
        return list(exc.problems)
    return []


def blank_payload(office: Office, year: int, date: dt.date) -> Payload:
    """A new year's report as `nianbao new` starts it: zeros, the standard skeleton."""
    form = api.form_for_year(year)
    return payload_of(api.blank_report(form, office, office.id, year, date))
