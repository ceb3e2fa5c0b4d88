"""This year's report against last year's (X1 an error, X2/X3 warnings): the form's
across-year rules, the same expectations rollover fills a draft with."""

from __future__ import annotations

from nianbao.spec.findings import Finding, wrong_cell
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues, is_number, total


def year_findings(this: Form, this_tables: dict[str, TableValues], last: Form,
                  last_tables: dict[str, TableValues]) -> list[Finding]:
    findings = []
    for rule in this.across_years:
        if not rule.applies(this.version, last.version):
            continue
        table, values = this.tables[rule.table], this_tables.get(rule.table, {})
        for cell, terms in rule.expectations(table, values, last_tables.get(rule.table, {})):
            found, expected = values.get(cell), total(terms)
            if is_number(found) and expected is not None and expected != found:
                findings.append(wrong_cell(rule.id, rule.severity, table, cell, expected, found,
                                           rule.message))
    return findings
