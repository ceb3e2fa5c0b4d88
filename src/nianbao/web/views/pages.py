"""The workspace's pages around the editor: the offices and their reports, starting a
year, the office profile, 定稿, the history of a report, and its downloads.

Every office and report is looked up through `scope`, so that whatever lies outside a
user's scope is "not found"; every document comes from the library (the one render
pipeline, the one importer, the one rollover), so a download is what the command line
makes of the same data file.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nianbao import api
from nianbao.datafile.profiles import dump_office, office_from
from nianbao.datafile.raw import located, put
from nianbao.datafile.yamlfile import LineDict
from nianbao.errors import NianbaoError, Problem, ProblemList
from nianbao.report.blank import default_date
from nianbao.report.model import Report as ReportModel
from nianbao.report.office import ALL_FIELDS, PROFILE_FIELDS
from nianbao.spec.form import office_categories, report_years
from nianbao.spec.tables import CellKey
from nianbao.web import newest, pdfqueue, scope, store
from nianbao.web.models import Event, Office, Report, Version
from nianbao.web.payload import Payload, blank_payload, parse_cell_id, payload_of
from nianbao.web.store import Stale

log = logging.getLogger(__name__)

MAX_UPLOAD = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".docx", ".html", ".htm", ".txt", ".md", ".pdf", ".yaml", ".xlsx")
DATA_SUFFIXES = (".yaml", ".xlsx")  # data files (read by the data-file reader), not reports
KINDS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "pdf": "application/pdf",
}
PREVIOUS, UPLOAD, BLANK = "previous", "upload", "blank"
SOURCES = [(PREVIOUS, "从上一年度的年报开始"), (UPLOAD, "上传上年报告"), (BLANK, "空白")]


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here is login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _newest(reports: list[Report]) -> dict[int, Version]:
    """Each report's newest version (its last change: when, by whom), in one query."""
    versions = Version.objects.filter(report__in=reports, number=F("report__version"))
    return {v.report_id: v for v in versions.select_related("author")}


def _rows(reports: list[Report]) -> list[dict[str, Any]]:
    newest = _newest(reports)
    return [{"report": r, "version": newest.get(r.pk)} for r in reports]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The compiling body's overview of every office; an office's user goes straight to
    its own office."""
    user = _user(request)
    if not scope.is_admin(user):
        office = scope.office_of(user)
        if office is not None:
            return redirect("office", office=office.id)
        return render(request, "nianbao/home.html", {"offices": [], "unassigned": True})
    offices = list(scope.visible_offices(user))
    reports = list(Report.objects.filter(office__in=offices).order_by("office_id", "-year"))
    rows = _rows(reports)
    listing = [{"office": o, "reports": [row for row in rows if row["report"].office_id == o.id]}
               for o in offices]
    return render(request, "nianbao/home.html", {"offices": listing, "unassigned": False})


def _default_year(office: Office) -> int:
    newest = office.reports.order_by("-year").first()
    return newest.year + 1 if newest else dt.date.today().year - 1


@login_required
@require_GET
def office(request: HttpRequest, office: str) -> HttpResponse:
    found = scope.office_for(request.user, office)
    reports = list(found.reports.order_by("-year"))
    return render(request, "nianbao/office.html", {
        "office": found, "rows": _rows(reports), "default_year": _default_year(found),
        "sources": SOURCES, "suffixes": ",".join(UPLOAD_SUFFIXES), "kinds": list(KINDS),
        "max_upload_mb": MAX_UPLOAD // (1024 * 1024), "years": report_years()})


# --- starting a year ---------------------------------------------------------------


class Refused(Exception):
    """A new year that cannot be started; the lines say why (in Chinese)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _problem_line(problem: Problem) -> str:
    """A problem as the clerk reads it on a page: the official label and the message
    (the form field it sits at is the page's, not a file's line)."""
    return problem.within if isinstance(problem.line, int) else (
        f"{problem.label}：{problem.message}" if problem.label else problem.message)


@login_required
@require_POST
def start(request: HttpRequest, office: str) -> HttpResponse:
    """A new year's report of the office: rolled over from last year's in the workspace,
    from an uploaded report or data file, or blank; then the editor."""
    found = scope.office_for(request.user, office)
    back = redirect("office", office=found.id)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请填写报告年度（四位年份，如 2024）")
        return back
    if year not in report_years():
        messages.error(request, f"报告年度应在 {report_years()[0]}–{report_years()[-1]} 之间，"
                                f"填写的是 {year}")
        return back
    if found.reports.filter(year=year).exists():
        messages.error(request, f"{year} 年度的年报已经存在，不能再新建；请在下方打开它")
        return back
    source = request.POST.get("source", "")
    try:
        if source == PREVIOUS:
            payload, note, notes = _from_previous(found, year)
        elif source == UPLOAD:
            payload, note, notes = _from_upload(found, year, request.FILES.get("file"))
        elif source == BLANK:
            payload = blank_payload(found.profile(), year, default_date(year))
            note, notes = "新建（空白）", []
        else:
            raise Refused(["请选择从哪里开始"])
    except Refused as exc:
        for line in exc.lines:
            messages.error(request, line)
        return back
    try:
        store.create(found, year, _user(request), payload, note)
    except IntegrityError:
        messages.error(request, f"{year} 年度的年报已经存在，不能再新建；请在下方打开它")
        return back
    for line in notes:
        messages.warning(request, line)
    messages.success(request, f"已新建 {year} 年度的年报（{note}）")
    return redirect("editor", office=found.id, year=year)


def _rolled(last: ReportModel, office: Office) -> tuple[Payload, list[str]]:
    rolled = api.roll_over(last)
    rolled.report.office = office.profile()
    rolled.report.office_ref = office.id
    return payload_of(rolled.report), list(rolled.notes)


def _from_previous(office: Office, year: int) -> tuple[Payload, str, list[str]]:
    last = office.reports.filter(year=year - 1).first()
    if last is None:
        raise Refused([f"工作台中没有本机关 {year - 1} 年度的年报，无法从上一年度开始；"
                       "可以上传上年报告，或从空白开始"])
    try:
        model = store.report_model(last)
    except ProblemList as exc:
        raise Refused([f"{year - 1} 年度的年报有数据问题，请先在编辑页改正后再转入下一年度：",
                       *(_problem_line(p) for p in exc.problems)]) from exc
    payload, notes = _rolled(model, office)
    return payload, f"由 {year - 1} 年度年报转入", notes


def _from_upload(office: Office, year: int,
                 upload: UploadedFile[bytes] | None) -> tuple[Payload, str, list[str]]:
    """Last year's report or data file, read by the library from a private temporary
    file that only keeps the upload's suffix (never its name), then rolled over."""
    if upload is None or not upload.name:
        raise Refused(["请选择要上传的上年报告文件"])
    suffix = Path(upload.name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Refused([f"不支持的文件类型“{suffix or '（无扩展名）'}”：请上传 "
                       + "、".join(UPLOAD_SUFFIXES) + " 文件"])
    if upload.size is None or upload.size > MAX_UPLOAD:
        raise Refused([f"文件过大（最大 {MAX_UPLOAD // (1024 * 1024)} MB）"])
    folder = Path(tempfile.mkdtemp(prefix="nianbao-upload-"))
    try:
        path = folder / f"upload{suffix}"
        with path.open("wb") as file:
            for chunk in upload.chunks():
                file.write(chunk)
        last, notes = _read_upload(path, office, year)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    payload, more = _rolled(last, office)
    return payload, f"由上传的 {last.year} 年度报告转入", notes + more


def _read_upload(path: Path, office: Office, year: int) -> tuple[ReportModel, list[str]]:
    notes: list[str] = []
    try:
        if path.suffix in DATA_SUFFIXES:
            profiles = path.parent / "config" / "offices"
            profiles.mkdir(parents=True)
            (profiles / f"{office.id}.yaml").write_text(
                dump_office(Office.fields_of(office.profile())), encoding="utf-8")
            last = api.load_report(path, [profiles])
        else:
            imported = api.import_file(path, office.profile())
            last = imported.report
            notes += imported.notes
            notes += [f"上传的报告：{f.message}" for f in imported.findings
                      if f.severity == "error"]
            if imported.guessed_year:
                last.year = year - 1
    except NianbaoError as exc:
        raise Refused(["无法读取上传的文件：", *(_clean(line) for line in exc.lines())]) from exc
    except (MemoryError, RecursionError, OSError, ValueError) as exc:
        log.warning("upload refused: %r", exc)
        raise Refused(["无法读取上传的文件：文件已损坏，或不是年报"]) from exc
    if last.year != year - 1:
        raise Refused([f"上传的是 {last.year} 年度的年报，只能转入 {last.year + 1} 年度，"
                       f"与所选的 {year} 年度不符"])
    return last, notes


def _clean(line: str) -> str:
    """A library message without the private temporary path it names."""
    return re.sub(r"\S*nianbao-upload-[^/\s]+/", "", line)


# --- the office profile ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, office: str) -> HttpResponse:
    """The office's profile (机关信息), checked as a profile file is."""
    found = scope.office_for(request.user, office)
    values = Office.fields_of(found.profile())
    problems: list[str] = []
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in ALL_FIELDS}
        raw = located(LineDict(), "profile")
        for key, value in values.items():
            if value:
                put(raw, key, value, key)
        for key, value in values.items():
            limit = getattr(Office._meta.get_field(key), "max_length", None) or 0
            if len(value) > limit:
                problems.append(f"{key}（{ALL_FIELDS[key]}）：过长（最多 {limit} 字）")
        try:
            checked = office_from(raw, Path(found.id), found.id)
        except ProblemList as exc:
            problems += [f"{p.label}：{p.message}" for p in exc.problems]
        if not problems:
            for key, value in Office.fields_of(checked).items():
                setattr(found, key, value)
            found.save()
            messages.success(request, "机关信息已保存")
            return redirect("profile", office=found.id)
    fields = [{"key": key, "label": label, "value": values.get(key, ""),
               "required": key in PROFILE_FIELDS} for key, label in ALL_FIELDS.items()]
    return render(request, "nianbao/profile.html", {
        "office": found, "fields": fields, "problems": problems,
        "categories": office_categories()}, status=422 if problems else 200)


# --- 定稿 ----------------------------------------------------------------------------


@login_required
@require_POST
def final(request: HttpRequest, office: str, year: int) -> HttpResponse:
    """Mark the report 定稿 (only without errors) or reopen it; both recorded."""
    report = scope.report_for(request.user, office, year)
    action = request.POST.get("action", "")
    back = redirect("history", office=report.office_id, year=report.year)
    if action == "final":
        if report.status == Report.FINAL:
            messages.info(request, "本年报已是定稿")
            return back
        checked = newest.newest(report)
        if checked.findings.errors:
            messages.error(request, f"第 {checked.number} 版还有 {len(checked.findings.errors)}"
                                    " 处错误，改正后才能定稿：")
            for item in checked.findings.errors:
                messages.error(request, item.text)
            return back
        if not store.advance(report, _user(request), checked.number, "定稿（第 {version} 版）",
                             status=Report.FINAL):
            messages.error(request, "定稿未执行：年报刚刚被修改，请查看后再定稿")
            return back
        messages.success(request, "已定稿")
    elif action == "reopen":
        if report.status != Report.FINAL:
            messages.info(request, "本年报尚未定稿")
            return back
        report.status = Report.DRAFT
        report.save(update_fields=["status"])
        Event.objects.create(report=report, user=_user(request), what="重新打开（填写中）")
        messages.success(request, "已重新打开，状态为填写中")
    else:
        messages.error(request, "未知的操作")
    return back


# --- history -----------------------------------------------------------------------


@login_required
@require_GET
def history(request: HttpRequest, office: str, year: int) -> HttpResponse:
    report = scope.report_for(request.user, office, year)
    versions = report.versions.select_related("author").order_by("-number")
    events = report.events.select_related("user").order_by("-when")
    return render(request, "nianbao/history.html", {
        "report": report, "office": report.office, "versions": versions, "events": events,
        "kinds": list(KINDS)})


def _cells(payload: Payload) -> list[dict[str, str]]:
    """The version's cells that hold something (not blank, not 0), by official labels."""
    form = api.load_form(payload.form)
    listed = []
    for cid, text in payload.cells.items():
        if text.strip() in ("", "0"):
            continue
        table_id, key = parse_cell_id(cid)
        table = form.tables.get(table_id)
        listed.append({"label": _describe(table, key) if table else cid, "text": text})
    return listed


def _describe(table: Any, key: CellKey) -> str:
    try:
        return str(table.describe(*key))
    except (KeyError, ValueError, LookupError):
        return f"{table.key} {key[0]} {key[1]}"


def _prose(payload: Payload) -> list[dict[str, Any]]:
    form = api.load_form(payload.form)
    headings = {"preamble": "前言", **{s.id: s.heading for s in form.sections}}
    return [{"heading": headings.get(key, key), "paragraphs": items}
            for key, items in payload.text.items() if items]


@login_required
@require_GET
def version(request: HttpRequest, office: str, year: int, number: int) -> HttpResponse:
    report = scope.report_for(request.user, office, year)
    found = report.versions.select_related("author").filter(number=number).first()
    if found is None:
        raise Http404("没有这一版本")
    payload = store.payload_of_version(found)
    changed: list[str] | None = None
    if number > 1 and report.versions.filter(number=number - 1).exists():
        changed = store.changes(store.payload_at(report, number - 1), payload)
    return render(request, "nianbao/version.html", {
        "report": report, "office": report.office, "version": found, "payload": payload,
        "cells": _cells(payload), "prose": _prose(payload), "changed": changed,
        "fees": [(label, payload.fees.get(key, "")) for key, label in
                 (("notices", "发出收费通知件数"), ("amount", "实际收取金额（元）"))]})


@login_required
@require_POST
def restore(request: HttpRequest, office: str, year: int, number: int) -> HttpResponse:
    """A new version equal to version `number`; nothing is deleted."""
    report = scope.report_for(request.user, office, year)
    if not report.versions.filter(number=number).exists():
        raise Http404("没有这一版本")
    try:
        base = int(request.POST.get("base", report.version))
    except ValueError:
        base = -1
    try:
        saved = store.restore(report, _user(request), number, base)
    except store.Locked as locked:
        messages.error(request, f"恢复未执行：{locked}")
        return redirect("history", office=report.office_id, year=report.year)
    except Stale as exc:
        messages.error(request, f"恢复未执行：年报已被修改为第 {exc.current} 版，请查看后再操作")
        for line in exc.changes:
            messages.error(request, line)
        return redirect("history", office=report.office_id, year=report.year)
    Event.objects.create(report=report, user=_user(request),
                         what=f"恢复第 {number} 版为第 {saved.version.number} 版")
    if saved.reopened:
        messages.warning(request, "本年报原为定稿，恢复后已重新打开（填写中）")
    messages.success(request, f"已将第 {number} 版恢复为第 {saved.version.number} 版")
    return redirect("history", office=report.office_id, year=report.year)


# --- downloads ---------------------------------------------------------------------


def _attachment(data: bytes, kind: str, office_id: str, year: int) -> HttpResponse:
    name = f"{office_id}-{year}.{kind}"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    response = HttpResponse(data, content_type=KINDS[kind])
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(name, safe='')}")
    return response


def _problems_page(request: HttpRequest, report: Report, lines: list[str],
                   status: int, heading: str) -> HttpResponse:
    return render(request, "nianbao/problems.html", {
        "report": report, "office": report.office, "lines": lines, "heading": heading},
        status=status)


@login_required
@require_GET
def download(request: HttpRequest, office: str, year: int, kind: str) -> HttpResponseBase:
    """The newest version as .docx, .html, .pdf or its data file .yaml, made by the
    same pipeline as `nianbao render` (and `render --pdf`)."""
    report = scope.report_for(request.user, office, year)
    if kind not in KINDS:
        raise Http404("没有这种下载格式")
    try:
        model = newest.model(report)
    except ProblemList as exc:
        return _problems_page(request, report, [_problem_line(p) for p in exc.problems], 422,
                              "年报有数据问题，无法生成文件；请在编辑页改正以下问题：")
    if kind == "yaml":
        return _attachment(api.dump_report(model).encode("utf-8"), kind, report.office_id, year)
    try:
        if kind == "pdf":
            return _pdf(request, report, model)
        data = _document(model, kind)
    except NianbaoError as exc:
        from nianbao.sources.libreoffice import SofficeMissing

        if isinstance(exc, SofficeMissing):
            return _problems_page(request, report, exc.lines(), 503,
                                  "服务器未安装 LibreOffice，暂不能生成 PDF：")
        return _problems_page(request, report, exc.lines(), 422, "无法生成文件：")
    return _attachment(data, kind, report.office_id, year)


def _document(model: ReportModel, kind: str) -> bytes:
    name = Path(f"report.{kind}")
    outputs = api.Outputs(docx=name) if kind == "docx" else api.Outputs(html=name)
    from nianbao.jobs.render import render_report_outputs

    return render_report_outputs(model, outputs).documents[name]


def _pdf(request: HttpRequest, report: Report, model: ReportModel) -> HttpResponse:
    """The PDF of the newest version, once the pool of LibreOffice workers has made it
    (`pdfqueue`: never in this thread, which would hold one of the server's few while
    LibreOffice runs); until then a page that says how many PDFs are before it and
    looks again by itself (202, Retry-After)."""
    from nianbao.writing.pdf import preflight

    preflight([])  # LibreOffice is there (else its 503 page) before anything is queued
    state = pdfqueue.request(_pdf_target(report, model), lambda: _document(model, "docx"))
    if isinstance(state, pdfqueue.Ready):
        return _attachment(state.data, "pdf", report.office_id, report.year)
    if isinstance(state, pdfqueue.Failed):
        if state.disk_full:  # the workspace's 507 page (faults.Faults)
            raise OSError(errno.ENOSPC, "；".join(state.lines))
        return _problems_page(request, report, list(state.lines), 422, "无法生成 PDF：")
    response = render(request, "nianbao/pdf_waiting.html", {
        "report": report, "office": report.office, "ahead": state.ahead,
        "retry": pdfqueue.RETRY_AFTER, "again": request.get_full_path()}, status=202)
    response["Retry-After"] = str(pdfqueue.RETRY_AFTER)
    return response


def _pdf_target(report: Report, model: ReportModel) -> pdfqueue.Target:
    """The cached PDF of the newest version: named by what shapes it (the office's
    profile, the data, when the version was saved), so that no other office's or other
    database's file is ever taken for it."""
    from django.conf import settings

    saved = Version.objects.filter(report=report, number=report.version) \
        .values_list("created", flat=True).first()
    return pdfqueue.target(Path(settings.DATA), report.pk, report.version,
                           dump_office(Office.fields_of(report.office.profile())),
                           api.dump_report(model),
                           saved.isoformat() if saved else "")

