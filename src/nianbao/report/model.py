"""The report model: one office's report for one year, independent of file formats.

Data files, rendered .docx files and imported reports all become a `Report`; rules,
the filler and the writers work on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.report.office import Office
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose: the clerk's own text, or a standard paragraph by id."""

    text: str | None = None
    standard: str | None = None
    line: int | None = field(default=None, compare=False)  # where the data file gave it


@dataclass
class Report:
    form: Form
    office: Office
    year: int
    date: dt.date
    text: dict[str, list[Paragraph]]  # "preamble" and one entry per section id
    tables: dict[str, TableValues]  # derived cells filled in
    fees: dict[str, int | Decimal] = field(default_factory=lambda: {"notices": 0, "amount": 0})
    title: str | None = None
    office_ref: str = ""  # the data file's `office:` value, kept for writing it back
    # comments a written data file shows beside a table row: {(table id, row id): text}
    row_notes: dict[tuple[str, str], str] = field(default_factory=dict)
    source: Path | None = None
    office_source: Path | None = None  # the office profile the data file named

    @property
    def full_title(self) -> str:
        return self.title or self.form.title.format(office=self.office.name, year=self.year)

    def value(self, table_id: str, row_id: str, column_id: str) -> object:
        return self.tables[table_id].get((row_id, column_id))


def chinese_date(date: dt.date) -> str:
    """年月日 in full and never zero-padded, as GB/T 9704 wants: 2024年1月5日."""
    return f"{date.year}年{date.month}月{date.day}日"
