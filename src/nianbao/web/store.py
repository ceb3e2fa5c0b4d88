"""Reports in the database: every save a new version of typed rows, in one transaction
with the report locked, refused when it was based on an older version (no lost
update); a version's payload read back; what changed between two versions, by the
official labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models, transaction

from nianbao.datafile.settings import settings
from nianbao.report.model import Report as ReportModel
from nianbao.spec.form import load_form
from nianbao.web import scope
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


class Locked(Exception):
    """A change by an office's user to a report under review or approved; the reason,
    in Chinese, is the message."""


def refusal(report: Report, user: User | AnonymousUser) -> str | None:
    """Why the user may not change the report now (in Chinese), or None: an office's
    users cannot while it is submitted or approved; the compiling body always can."""
    if scope.is_admin(user):
        return None
    if report.review == Report.SUBMITTED:
        return "本年报已报送，正在由政务公开办审核；退回之前不能修改"
    if report.review == Report.APPROVED:
        return "本年报已审核通过，不能再修改；如需修改，请联系政务公开办退回"
    return None


class Final(Exception):
    """A change to a report marked 定稿 that did not reopen it first."""


@dataclass(frozen=True)
class Saved:
    version: Version
    reopened: bool  # the report was 定稿 and this save reopened it


def save(report: Report, user: User, payload: Payload, base: int,
         note: str = SAVED) -> Saved:
    """A new version of the report holding the payload; raises Locked when the user may
    not change it now (a 报送 that came first, even by a moment), Stale when `base` is
    not the newest version (the payload was typed over an older one). A report marked
    定稿 is reopened by the save, and that is recorded."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        reason = refusal(locked, user)
        if reason is not None:
            raise Locked(reason)
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


def advance(report: Report, user: User, checked: int, what: str, *,
            was: dict[str, str] | None = None, **now: str) -> bool:
    """A step of the report's own (定稿, 报送: `now`, its fields' new values) taken only
    while its newest version is still `checked`, the one whose findings allowed it (and
    its fields still `was`); recorded as `what` ({version} its number). False when a
    save or another step came between: then nothing changed."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.version != checked or any(
                getattr(current, name) != value for name, value in (was or {}).items()):
            return False
        for name, value in now.items():
            setattr(current, name, value)
        current.save(update_fields=list(now))
        Event.objects.create(report=current, user=user,
                             what=what.format(version=current.version))
    report.refresh_from_db()
    return True


def _write(report: Report, user: User, payload: Payload, number: int, note: str) -> Version:
    version = Version.objects.create(
        report=report, number=number, author=user, note=note, form=payload.form,
        date=payload.date, title=payload.title, fee_notices=payload.fees.get("notices", ""),
        fee_amount=payload.fees.get("amount", ""))
    _insert(Cell, ("version", "table", "row", "column", "text"),
            [(version.pk, table_id, key[0], key[1], text)
             for cid, text in payload.cells.items() for table_id, key in [parse_cell_id(cid)]])
    _insert(Paragraph, ("version", "section", "index", "standard", "text"),
            [(version.pk, section, i, item.get("standard", ""), item.get("text", ""))
             for section, items in payload.text.items() for i, item in enumerate(items)])
    return version


def _insert(model: type[models.Model], fields: tuple[str, ...],
            rows: list[tuple[str | int, ...]]) -> None:
    """Rows of plain text and numbers in one executemany: a save writes some 200 cells,
    and the ORM's bulk_create spent most of a save preparing them value by value."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # a concrete field
    return field.column


def payload_at(report: Report, number: int) -> Payload:
    """The payload of one version of a report (raises Version.DoesNotExist)."""
    return payload_of_version(report.versions.get(number=number))


def payload_of_version(version: Version) -> Payload:
    form = load_form(version.form)
    # rows as tuples, not model instances: a version is some 200 cells, read on every page
    cells = {cell_id(table, (row, column)): value for table, row, column, value
             in version.cells.values_list("table", "row", "column", "text")}
    text: dict[str, list[dict[str, str]]] = {
        key: [] for key in ["preamble", *(s.id for s in form.sections)]}
    for section, standard, written in version.paragraphs.order_by(
            "section", "index").values_list("section", "standard", "text"):
        text.setdefault(section, []).append(
            {"standard": standard} if standard else {"text": written})
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
