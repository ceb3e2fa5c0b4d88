"""A report to start from: what `nianbao new` writes, and the base of rollover and 汇总."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.resources import read_config
from nianbao.spec.form import Form


def blank_report(form: Form, office: Office, office_ref: str, year: int,
                 date: dt.date | None = None) -> Report:
    """Zeros in every typed cell, totals derived, the skeleton prose of
    config/datafile.yaml (standard paragraphs and todo marks); dated 20 January of the
    next year unless a date is given."""
    skeleton = read_config("datafile.yaml")["skeleton"]
    text = {
        key: [Paragraph(standard=item["standard"]) if isinstance(item, dict)
              else Paragraph(text=item) for item in skeleton.get(key, [])]
        for key in ["preamble"] + [s.id for s in form.sections]
    }
    tables = {
        tid: form.derive(tid, {c.key: _zero(c.column.type) for c in table.cells()
                               if not table.is_derived(*c.key)})
        for tid, table in form.tables.items()
    }
    return Report(form=form, office=office, year=year, date=date or default_date(year),
                  text=text, tables=tables, office_ref=office_ref)


def default_date(year: int) -> dt.date:
    """The 成文日期 a draft starts with: 20 January of the next year."""
    return dt.date(year + 1, 1, 20)


def _zero(type_: str) -> int | Decimal:
    return Decimal(0) if type_ in ("amount", "money_text") else 0
