"""Reports in the database: every save a new version of typed rows, in one transaction
with the report locked, refused when it was based on an older version (no lost
update); a version's payload read back; what changed between two versions, by the
official labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from nianbao.datafile.settings import settings
from nianbao.report.model import Report as ReportModel
from nianbao.spec.form import load_form
from nianbao.web.models import Cell, Event, Office, Paragraph, Report, Version
from nianbao.web.payload import Payload, cell_id, parse_cell_id, report_of, typed_cells

SAVED, RESTORED = "保存", "恢复至第{number}版"
BLANK = "（空白）"  # a blank value as a list of changes names it


class Stale(Exception):
    """A save based on a version that is no longer the report's newest."""

    def __init__(self, current: int, changes: list[str]) -> None:
        super().__init__(f"stale: now version {current}")
        self.current = current
        self.changes = changes


class Final(Exception):
    """A change to a report marked 定稿 that did not reopen it first."""


@dataclass(frozen=True)
class Saved:
    version: Version
    reopened: bool  # the report was 定稿 and this save reopened it


def save(report: Report, user: User, payload: Payload, base: int,
         note: str = SAVED) -> Saved:
    """A new version of the report holding the payload; raises Stale when `base` is
    not the newest version (the payload was typed over an older one). A report marked
    定稿 is reopened by the save, and that is recorded."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if base != locked.version:
            newest = payload_at(locked, locked.version)
            older = payload_at(locked, base) if base else None
            raise Stale(locked.version, changes(older, newest) if older else [])
        reopened = locked.status == Report.FINAL
        if reopened:
            locked.status = Report.DRAFT
            Event.objects.create(report=locked, user=user, what="修改定稿，重新打开")
        version = _write(locked, user, payload, locked.version + 1, note)
        locked.version = version.number
        locked.save(update_fields=["version", "status"])
    report.refresh_from_db()
    return Saved(version, reopened)


def _write(report: Report, user: User, payload: Payload, number: int, note: str) -> Version:
    version = Version.objects.create(
        report=report, number=number, author=user, note=note, form=payload.form,
        date=payload.date, title=payload.title, fee_notices=payload.fees.get("notices", ""),
        fee_amount=payload.fees.get("amount", ""))
    Cell.objects.bulk_create(
        Cell(version=version, table=table_id, row=key[0], column=key[1], text=text)
        for cid, text in payload.cells.items() for table_id, key in [parse_cell_id(cid)])
    Paragraph.objects.bulk_create(
        Paragraph(version=version, section=section, index=i,
                  standard=item.get("standard", ""), text=item.get("text", ""))
        for section, items in payload.text.items() for i, item in enumerate(items))
    return version


def payload_at(report: Report, number: int) -> Payload:
    """The payload of one version of a report (raises Version.DoesNotExist)."""
    return payload_of_version(report.versions.get(number=number))


def payload_of_version(version: Version) -> Payload:
    form = load_form(version.form)
    cells = {cell_id(c.table, (c.row, c.column)): c.text for c in version.cells.all()}
    text: dict[str, list[dict[str, str]]] = {
        key: [] for key in ["preamble", *(s.id for s in form.sections)]}
    for paragraph in version.paragraphs.order_by("section", "index"):
        text.setdefault(paragraph.section, []).append(
            {"standard": paragraph.standard} if paragraph.standard
            else {"text": paragraph.text})
    fees = {"notices": version.fee_notices, "amount": version.fee_amount}
    return Payload(version.form, version.date, version.title, fees, cells, text)


def report_model(report: Report, number: int | None = None) -> ReportModel:
    """The library's report of a version (the newest unless `number`), validated by
    the data-file reader: raises ProblemList when it has data problems."""
    payload = payload_at(report, number or report.version)
    return report_of(payload, report.office.profile(), report.year)


def create(office: Office, year: int, user: User, payload: Payload, note: str) -> Report:
    """A new report of an office and year, its first version the payload."""
    with transaction.atomic():
        report = Report.objects.create(office=office, year=year)
        version = _write(report, user, payload, 1, note)
        report.version = version.number
        report.save(update_fields=["version"])
    return report


def restore(report: Report, user: User, number: int, base: int) -> Saved:
    """A new version equal to an older one (the older stays as it was)."""
    return save(report, user, payload_at(report, number), base,
                RESTORED.format(number=number))


def changes(before: Payload, after: Payload) -> list[str]:
    """What differs between two payloads, one line each by the official labels:
    表三 “一、本年新收政府信息公开申请数量” “自然人”：64 → 65."""
    form = load_form(after.form)
    lines = []
    for table, cell in typed_cells(form):
        cid = cell_id(table.id, cell)
        old, new = before.cells.get(cid, ""), after.cells.get(cid, "")
        if old != new:
            lines.append(f"{table.describe(*cell)}：{old or BLANK} → {new or BLANK}")
    fields = settings()["fields"]
    for key, old, new in [("date", before.date, after.date),
                          ("title", before.title, after.title)]:
        if old != new:
            lines.append(f"{fields[key]['label']}：{old or BLANK} → {new or BLANK}")
    if before.fees != after.fees:
        lines.append(f"{settings()['fees']['key']}已修改")
    if before.text.get("preamble") != after.text.get("preamble"):
        lines.append(f"{settings()['preamble']['label']}已修改")
    for section in form.sections:
        if before.text.get(section.id) != after.text.get(section.id):
            lines.append(f"正文“{section.heading}”已修改")
    return lines
