"""The review page of `nianbao check --review`: what a compiling body (政务公开办) reads
after checking the reports of all the offices it compiles, as one self-contained page.

A table of the offices first (file, office, year, form, 通过/有错误/无法检查, the counts
of errors and warnings, and the cells the form sums a report up with, 本年新收 and 结转,
as read); then, per report with findings, its tables drawn as the official form (the
merge areas of `Table.areas()`, drawn by the web page's own code) with every cell a
finding names marked: a numbered badge in the cell, the value it should hold, and the
numbered findings under the table. The cell that C1 finds likely mistyped is marked
apart from the totals that fail because of it. Findings that name no cell (prose,
dates, structure) are listed after the tables; files that could not be read, with why.

Reports come from other offices, so every text is theirs to choose: the page is an lxml
element tree (every text escaped when serialised, a `<script>` in a cell shows as typed),
characters XML cannot hold are replaced, and nothing is loaded: CSS inline, no scripts,
no fonts, no images. Printed, it is A4, marks kept in colour and told apart in black and
white by their badges' shapes.
"""

from __future__ import annotations

import re

from lxml import etree

from nianbao.checking.overview import FAILED, HEADINGS, PASSED, UNREADABLE, overview, status
from nianbao.checking.report import CheckResult
from nianbao.checking.tables import SUSPECT
from nianbao.spec.findings import ERROR, Finding
from nianbao.spec.form import Form, load_form
from nianbao.spec.tables import CellKey, Table
from nianbao.writing.webpage import SANS, SERIF, draw_table, scroll_name

Element = etree._Element

TITLE = "政府信息公开工作年度报告检查结果"
SEVERITY = {ERROR: "错误"}  # anything else is a warning
WARNING_TEXT = "警告"
LIKELY = "可能填错"  # how a C1 finding is labelled: the cell to look at first

# Characters XML 1.0 cannot hold (lxml refuses them): a hostile document's or file
# name's control characters become U+FFFD instead of failing the whole page.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
body {{ margin: 0; color: #000; background: #fff; font-family: {SERIF}; font-size: 16px;
  line-height: 1.6; overflow-wrap: anywhere; }}
main {{ max-width: 72rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }}
h1 {{ font-family: {SANS}; font-size: 1.5em; text-align: center; margin: 0 0 1rem; }}
h2 {{ font-family: {SANS}; font-size: 1.2em; margin: 2rem 0 .5rem;
  border-bottom: 2px solid #000; }}
h3 {{ font-family: {SANS}; font-size: 1em; margin: 1rem 0 .25rem; }}
p {{ margin: 0 0 .5rem; }}
.table-wrap {{ overflow-x: auto; margin: .5rem 0 .75rem; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; font-size: .875rem;
  line-height: 1.4; }}
th, td {{ border: 1px solid #000; padding: .25em; text-align: center;
  vertical-align: middle; font-weight: normal; }}
th[scope=col], th[scope=colgroup], th[scope=rowgroup] {{ font-family: {SANS};
  font-weight: bold; }}
td.note {{ font-size: .75rem; }}
table.offices {{ table-layout: auto; min-width: 56rem; }}  /* scrolls in its box */
table.offices th {{ white-space: nowrap; }}
table.offices th.summary {{ white-space: normal; min-width: 7em; }}
table.offices td {{ text-align: left; }}
table.offices td.number {{ text-align: right; }}
table.offices td.number, td.year, td.form, td.status {{ white-space: nowrap; }}
tr.failed td.status {{ color: #a51d2d; font-weight: bold; }}
tr.unreadable td.status {{ color: #613583; font-weight: bold; }}
td.marked {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
td.error {{ background: #fbd5d5; box-shadow: inset 0 0 0 2px #c01c28; }}
td.warning {{ background: #fdf0c4; box-shadow: inset 0 0 0 2px #c88800; }}
td.likely {{ background: #ffe08a; box-shadow: inset 0 0 0 4px #1a5fb4; font-weight: bold; }}
.badge {{ display: inline-block; min-width: 1.5em; padding: 0 .2em; margin: 0 .1em;
  border: 1px solid #000; border-radius: .75em; font: bold .75rem/1.4 {SANS};
  text-align: center; text-indent: 0; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }}
.badge.error {{ background: #c01c28; border-color: #c01c28; color: #fff; }}
.badge.warning {{ background: #fff; border-color: #c88800; color: #000; }}
.badge.likely {{ border-radius: 0; background: #1a5fb4; border-color: #1a5fb4;
  color: #fff; }}
.value {{ display: block; }}
.expected {{ display: block; font-size: .75rem; color: #a51d2d; }}
ol.findings {{ list-style: none; padding: 0; margin: .25rem 0 1rem; }}
ol.findings li {{ margin: .2rem 0; padding-left: 2.2em; text-indent: -2.2em; }}
.kind {{ font-family: {SANS}; font-weight: bold; }}
.legend {{ font-size: .875rem; }}
@media print {{
  @page {{ size: A4; margin: 15mm 12mm; }}
  body {{ font-size: 11pt; }}
  main {{ max-width: none; padding: 0; }}
  h2 {{ break-after: avoid; }}
  section.report h2 {{ break-before: page; margin-top: 0; }}
  h3 {{ break-after: avoid; }}
  .table-wrap {{ overflow: visible !important; }}
  table {{ min-width: 0 !important; font-size: 8pt; }}
  thead {{ display: table-header-group; }}
  tr, li {{ break-inside: avoid; }}
}}
"""


def review_page(results: list[CheckResult]) -> bytes:
    """The review page of checked reports, as UTF-8 bytes: what `check --review` saves."""
    return review_html(results).encode("utf-8")


def review_html(results: list[CheckResult]) -> str:
    """The review page of checked reports (as `nianbao check` returns them, with the
    tables they read), in their order, as HTML text."""
    html = etree.Element("html", lang="zh-CN")
    head = _add(html, "head")
    _add(head, "meta", charset="utf-8")
    _add(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _add(head, "meta", name="generator", content="nianbao")
    _add(head, "title", TITLE)
    _add(head, "style", CSS)
    main = _add(_add(html, "body"), "main")
    _add(main, "h1", TITLE)
    _overview(main, results)
    if any(_has_section(r) for r in results):
        _legend(main)
    for number, result in enumerate(results, start=1):
        if _has_section(result):
            _report(main, number, result)
    unreadable = [(n, r) for n, r in enumerate(results, start=1) if r.unusable]
    if unreadable:
        section = _add(main, "section", id="unreadable")
        _add(section, "h2", "无法检查的文件")
        items = _add(section, "ol", **{"class": "findings"})
        for number, result in unreadable:
            item = _add(items, "li", f"{number}. ")
            _add(item, "span", str(result.file), **{"class": "kind"}).tail = \
                _clean(f"：{result.unusable}")
    return etree.tostring(html, method="html", encoding="unicode", pretty_print=True,
                          doctype="<!DOCTYPE html>")


def _legend(parent: Element) -> None:
    """What the marks mean, in words: printed in black and white, the shapes tell."""
    _add(parent, "p", "表中标记：圆形红色编号为错误（不相符的总计、勾稽关系、不是数字的格），"
         "方形蓝色编号为可能填错的格（C1：改为所示数字，各处不相符都可消除），圆形黄框编号为"
         "警告；格中“应为”是按其他格算出的数字。编号与表下所列问题对应。",
         **{"class": "legend"})


def _has_section(result: CheckResult) -> bool:
    """A report read, of a known form, with something to say about it."""
    return bool(result.findings and result.form and not result.unusable)


def _overview(parent: Element, results: list[CheckResult]) -> None:
    """One row per file, its summary cells as read (a report with errors may hold a
    wrong one: its status says so), each row linked to its report's section."""
    counts = {s: sum(status(r) == s for r in results) for s in (PASSED, FAILED, UNREADABLE)}
    _add(parent, "p", f"共 {len(results)} 个文件：" + "，".join(
        f"{s} {n} 个" for s, n in counts.items()) + "。", **{"class": "counts"})
    headings, lines = overview(results)
    wrap = _add(parent, "div", **{"class": "table-wrap"})
    table = _add(wrap, "table", **{"class": "offices"})
    row = _add(_add(table, "thead"), "tr")
    for label in ["序号", *HEADINGS]:
        _add(row, "th", label, scope="col")
    for label in headings:
        _add(row, "th", label, scope="col", **{"class": "summary"})
    body = _add(table, "tbody")
    for number, line in enumerate(lines, start=1):
        result = line.result
        kind = {PASSED: "passed", FAILED: "failed", UNREADABLE: "unreadable"}[status(result)]
        row = _add(body, "tr", **{"class": kind})
        _add(row, "td", str(number), **{"class": "number"})
        file = _add(row, "td", **{"class": "file"})
        if _has_section(result):
            _add(file, "a", line.values[0], href=f"#r-{number}")
        elif result.unusable:
            _add(file, "a", line.values[0], href="#unreadable")
        else:
            file.text = _clean(line.values[0])
        for value, kind in zip(line.values[1:], _CLASSES, strict=True):
            _add(row, "td", value, **{"class": kind})
        for value in line.summary:
            _add(row, "td", value, **{"class": "number summary"})


# the classes of the overview's cells after the file's
_CLASSES = ("office", "year", "form", "status", "number", "number")


def _report(parent: Element, number: int, result: CheckResult) -> None:
    """A report's section: the tables that hold marked cells, each with its findings
    numbered under it, then the findings that name no cell."""
    assert result.form is not None  # see _has_section
    form = load_form(result.form)
    section = _add(parent, "section", id=f"r-{number}", **{"class": "report"})
    who = "，".join(x for x in (result.office, f"{result.year}年度" if result.year else "") if x)
    _add(section, "h2", f"{number}. {result.file}" + (f"（{who}）" if who else ""))
    _add(section, "p", f"{result.form} 格式：{status(result)}，{len(result.errors)} 个错误，"
         f"{len(result.warnings)} 个警告。", **{"class": "verdict"})
    in_cells = _cells_named(form, result.findings)
    numbers = {id(f): n for n, f in enumerate(
        [f for tid in form.tables for f, _ in in_cells.get(tid, [])]
        + [f for f in result.findings if not _named(in_cells, f)], start=1)}
    for tid, named in in_cells.items():
        table = form.tables[tid]
        section_of = next(s for s in form.sections if s.table == tid)
        heading_id = f"r-{number}-{tid}"
        _add(section, "h3", section_of.heading, id=heading_id)
        values = {k: _clean(v) if isinstance(v, str) else v
                  for k, v in result.tables.get(tid, {}).items()}
        drawn = draw_table(section, table, values, heading_id,
                           scroll_name(table, f"第{number}份 "))
        for cell in dict.fromkeys(key for _, key in named):
            _mark(drawn[cell], table, cell, [(numbers[id(f)], f) for f, k in named if k == cell])
        _findings(section, [(numbers[id(f)], f) for f, _ in named])
    rest = [(numbers[id(f)], f) for f in result.findings if not _named(in_cells, f)]
    if rest:
        _add(section, "h3", "其他问题" if in_cells else "问题")
        _findings(section, rest)


def _cells_named(form: Form, findings: list[Finding]) -> dict[str, list[tuple[Finding, CellKey]]]:
    """The findings that name a data cell (by the table key, row and column labels a
    finding prints, unique in every table of both forms), by table in the form's order."""
    where: dict[tuple[str, str, str], tuple[str, CellKey]] = {}
    for tid, table in form.tables.items():
        for cell in table.cells():
            label = table.column_label(cell.column.id)
            where[(table.key, cell.row.label, label)] = (tid, cell.key)
    named: dict[str, list[tuple[Finding, CellKey]]] = {tid: [] for tid in form.tables}
    for finding in findings:
        if finding.column and (found := where.get((finding.table, finding.row,
                                                   finding.column))):
            named[found[0]].append((finding, found[1]))
    return {tid: cells for tid, cells in named.items() if cells}


def _named(in_cells: dict[str, list[tuple[Finding, CellKey]]], finding: Finding) -> bool:
    return any(f is finding for cells in in_cells.values() for f, _ in cells)


def _kind(finding: Finding) -> str:
    """The mark's class: the likely mistyped cell (C1) apart from errors and warnings."""
    return "likely" if finding.rule == SUSPECT else (
        "error" if finding.severity == ERROR else "warning")


def _mark(cell: Element, table: Table, key: CellKey, findings: list[tuple[int, Finding]]
          ) -> None:
    """A marked data cell: its findings' badges, the value as read, what it should be.
    Its title names the cell as a finding does, for a reader hovering over it."""
    kinds = {_kind(f) for _, f in findings}
    kind = next(k for k in ("likely", "error", "warning") if k in kinds)
    cell.set("class", f"marked {kind}")
    cell.set("title", table.describe(*key))
    value, cell.text = cell.text, None
    for number, finding in findings:
        _add(cell, "span", str(number), **{"class": f"badge {_kind(finding)}"})
    _add(cell, "span", value or "", **{"class": "value"})
    expected = next((f.expected for _, f in findings if f.expected is not None
                     and f.expected != f.found), None)
    if expected is not None:
        _add(cell, "span", f"应为 {expected}", **{"class": "expected"})


def _findings(parent: Element, findings: list[tuple[int, Finding]]) -> None:
    """The numbered findings, each badge as in its cell, its rule and message."""
    items = _add(parent, "ol", **{"class": "findings"})
    for number, finding in findings:
        kind = _kind(finding)
        item = _add(items, "li", **{"class": kind})
        _add(item, "span", str(number), **{"class": f"badge {kind}"})
        label = LIKELY if kind == "likely" else SEVERITY.get(finding.severity, WARNING_TEXT)
        _add(item, "span", f" {label} [{finding.rule}] ", **{"class": "kind"}).tail = \
            _clean(finding.message)


def _add(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    """A child element; lxml escapes text and attributes, `_clean` makes them XML."""
    element = etree.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text:
        element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)

