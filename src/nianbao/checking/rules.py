"""The rules of format.md §7 applied to what a report says, whatever it came from: a
data file, a rendered document, a clerk's hand-made table.

`table_findings` (R2.1–R4.1) are errors; `year_findings` compare this year's report with
last year's (X1 an error, X2/X3 warnings); `prose_findings` compare the numbers quoted
in the text with the cells they name (warnings: real reports contradict themselves).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from nianbao.spec.form import Form, Rule, Table
from nianbao.spec.rules import CellKey, Equation, Finding, TableValues, Value, equations
from nianbao.spec.values import format_value, type_problem


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _type_findings(form: Form, rule_id: str, message: str, table: Table,
                   values: TableValues) -> list[Finding]:
    findings = []
    for cell in table.cells():
        if cell.key not in values:  # not read at all: reported as a missing row or column
            continue
        value = values[cell.key]
        problem = type_problem(cell.column.type, value)
        if problem:
            findings.append(Finding(
                rule_id, "error", table.key, cell.row.label, table.column_label(cell.key[1]),
                "0" if value is None else None, format_value(value) if value is not None else "",
                f"{table.describe(*cell.key)}：{problem}（{message}）"))
    return findings


def equation_finding(table: Table, eq: Equation, message: str,
                      values: TableValues) -> Finding | None:
    cells = eq.left + eq.right
    if not all(_is_number(values.get(k)) for k in cells):
        return None
    left = sum(values[k] for k in eq.left)  # type: ignore[misc]
    right = sum(values[k] for k in eq.right)  # type: ignore[misc]
    if left == right:
        return None
    if len(eq.left) == 1:  # a sum: the total is the cell that is wrong or right
        cell, expected, found = eq.left[0], right, values[eq.left[0]]
    else:  # a balance: name the last term, the one that balances the others
        cell = eq.right[-1]
        found = values[cell]
        expected = left - (right - found)  # type: ignore[operator]
    row = table.row(cell[0]).label
    return Finding(eq.rule, "error", table.key, row, table.column_label(cell[1]),
                   format_value(expected), format_value(found),  # type: ignore[arg-type]
                   f"{table.describe(*cell)}：应为 {format_value(expected)}，"  # type: ignore[arg-type]
                   f"实为 {format_value(found)}（{message}）")


def table_findings(form: Form, tables: dict[str, TableValues]) -> list[Finding]:
    """Every rule of the form applied to the tables; cells that are not numbers are
    reported by the type rules and left out of the sums."""
    findings: list[Finding] = []
    for rule in form.rules:
        if rule.kind == "type":
            for tid in rule.spec["tables"]:
                findings += _type_findings(form, rule.id, rule.spec["message"],
                                           form.tables[tid], tables.get(tid, {}))
    for rule in form.rules:
        if rule.kind in ("sum", "balance"):
            tid = rule.spec["table"]
            for eq in equations(form, tid):
                if eq.rule == rule.id:
                    finding = equation_finding(form.tables[tid], eq, rule.spec["message"],
                                                tables.get(tid, {}))
                    if finding:
                        findings.append(finding)
    return findings


# --- across years ---------------------------------------------------------------------

def _applies(rule: Rule, this: Form, last: Form) -> bool:
    forms = rule.spec.get("forms")
    return not forms or (this.version in forms and last.version in forms)


def _year_equations(rule: Rule, this: Form, this_values: TableValues,
                    last_values: TableValues) -> Iterator[tuple[CellKey, Value, list[Value]]]:
    """(this year's cell, its value, the terms it should equal the sum of)."""
    spec = rule.spec
    table = this.tables[spec["table"]]
    if rule.kind == "carry":
        for column in table.columns:
            cell = (spec["this_row"], column.id)
            yield cell, this_values.get(cell), [last_values.get((spec["last_row"], column.id))]
    elif rule.kind == "stock":
        for row in spec["rows"]:
            cell = (row, spec["stock"])
            yield cell, this_values.get(cell), [
                last_values.get(cell), this_values.get((row, spec["added"])),
                _negated(this_values.get((row, spec["removed"])))]
    elif rule.kind == "rollforward":
        for row in spec["rows"]:
            cell = (row, spec["prior"])
            yield cell, this_values.get(cell), [last_values.get(cell),
                                                last_values.get((row, spec["change"]))]
    else:
        raise ValueError(f"unknown across-year rule {rule.id}: {rule.kind}")


def _negated(value: Value) -> Value:
    return -value if _is_number(value) else value  # type: ignore[operator]


def year_findings(this: Form, this_tables: dict[str, TableValues], last: Form,
                  last_tables: dict[str, TableValues]) -> list[Finding]:
    """X1–X3: this year's report against last year's."""
    findings = []
    for rule in this.across_years:
        if not _applies(rule, this, last):
            continue
        tid = rule.spec["table"]
        table = this.tables[tid]
        for cell, found, terms in _year_equations(rule, this, this_tables.get(tid, {}),
                                                  last_tables.get(tid, {})):
            if not (_is_number(found) and all(_is_number(t) for t in terms)):
                continue
            expected = sum(terms)  # type: ignore[arg-type]
            if expected != found:
                findings.append(Finding(
                    rule.id, rule.spec["severity"], table.key, table.row(cell[0]).label,
                    table.column_label(cell[1]), format_value(expected), format_value(found),
                    f"{table.describe(*cell)}：应为 {format_value(expected)}，"
                    f"实为 {format_value(found)}（{rule.spec['message']}）"))
    return findings


# --- prose against tables -------------------------------------------------------------

def _cell_sum(tables: dict[str, TableValues], refs: list[str]) -> Value:
    total = 0
    for ref in refs:
        table_id, row, column = ref.split(".", 2)
        value = tables.get(table_id, {}).get((row, column))
        if not _is_number(value):
            return None
        total += value  # type: ignore[operator]
    return total


def prose_findings(form: Form, text: dict[str, list[str]],
                   tables: dict[str, TableValues]) -> list[Finding]:
    """P1–P7: numbers and statements in the prose that the tables contradict."""
    findings = []
    paragraphs = [p for key in text for p in text[key]]
    for rule in form.prose:
        spec = rule.spec
        pattern = re.compile(spec["pattern"])
        for paragraph in paragraphs:
            for match in pattern.finditer(paragraph):
                finding = _prose_finding(rule, match, tables)
                if finding:
                    findings.append(finding)
    return findings


def _prose_finding(rule: Rule, match: re.Match[str], tables: dict[str, TableValues]
                   ) -> Finding | None:
    spec = rule.spec
    quote = _quote(match)
    if "contradicts" in spec:
        value = _cell_sum(tables, spec["contradicts"]["cells"])
        if _is_number(value) and value > spec["contradicts"]["above"]:  # type: ignore[operator]
            return Finding(rule.id, "warning", "正文", "", "", None, quote,
                           f"正文“{quote}”：{spec['message']}（表中为 {format_value(value)}）")
        return None
    number = next((int(g) for g in match.groups() if g), None)
    expected = _cell_sum(tables, spec["cells"])
    if number is None or not _is_number(expected) or number == expected:
        return None
    return Finding(rule.id, "warning", "正文", "", "", format_value(expected), str(number),
                   f"正文“{quote}”：{spec['message']}（正文为 {number}，表中为 "
                   f"{format_value(expected)}）")


def _quote(match: re.Match[str]) -> str:
    """The sentence part around a match, short enough to find it in the document."""
    text = match.string
    start = max(text.rfind(c, 0, match.start()) for c in "。；，,;") + 1
    ends = [i for i in (text.find(c, match.end()) for c in "。；，,;") if i != -1]
    return text[start:min(ends) if ends else len(text)].strip()
