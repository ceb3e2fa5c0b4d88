"""The review of a report and the compiling body's view of a year.

An office submits (报送) a report whose newest version has no errors; it is then the
compiling body's to return (退回, with comments on cells, paragraphs or the whole
report, which the office reads in its editor) or to approve (审核通过), and the office
cannot change it until it is returned. Every step is an Event: who, when, which version.

For a year the compiling body sees every office with its status and the counts of its
findings, downloads every office's documents as one zip with a summary.csv, adds up the
reports of the offices it picks (汇总) into a data file, and lists every finding across
offices. The counts are kept on the version once counted (`counts`), so that the
overview of 300 offices does not check 300 reports on every visit; nothing here renders
a document except the zip.

Every view here but `submit` is the compiling body's: for anyone else it is "not found"
(404), as every page outside a user's scope is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from nianbao import api
from nianbao.checking.overview import summary_columns
from nianbao.errors import NianbaoError, ProblemList
from nianbao.report.aggregate import in_brief
from nianbao.report.model import Report as ReportModel
from nianbao.spec.values import format_value
from nianbao.web import newest, scope, store
from nianbao.web.checks import Findings
from nianbao.web.editorspec import editor_spec
from nianbao.web.models import Comment, Event, Office, Report, Version
from nianbao.web.payload import Payload

# the statuses of the overview, in the order a year's work goes through them
NOT_STARTED, FILLING, HAS_ERRORS = "未开始", "填写中", "有错误"
SUBMITTED, RETURNED, APPROVED = "已报送", "退回", "已审核"
STATUSES = (NOT_STARTED, FILLING, HAS_ERRORS, SUBMITTED, RETURNED, APPROVED)
_REVIEWED = {Report.SUBMITTED: SUBMITTED, Report.RETURNED: RETURNED, Report.APPROVED: APPROVED}

COMMENT_ROWS = 5  # comments on cells or paragraphs one return can carry (a form without JS)
MAX_COMMENT = 2000
WHOLE = ""  # a comment's target: the whole report
SUMMARY_HEADINGS = ("机关", "年度", "状态", "版本", "错误", "警告")
PROBLEMS = "问题"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def admin_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The compiling body's view: log in first (a redirect), then 404 for anyone else,
    so that an office's clerk cannot even tell the page exists."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scope.is_admin(request.user):
            raise Http404("没有这个页面")
        return view(request, *args, **kwargs)

    return login_required(checked)


# --- the lock, the counts, the status ------------------------------------------------


def record_counts(report: Report, findings: Findings) -> None:
    """Keep the counts of the newest version's findings, already computed (the editor
    shows them), unless they are kept already."""
    key = newest.check_key(report.office)
    Version.objects.filter(report=report, number=report.version).exclude(checked=key).update(
        errors=len(findings.errors), warnings=len(findings.warnings), checked=key)


def counts(version: Version, office: Office, year: int) -> tuple[int, int]:
    """The errors and warnings of a version: kept ones, or counted now and kept."""
    key = newest.check_key(office)
    if version.checked == key and version.errors is not None and version.warnings is not None:
        return version.errors, version.warnings
    found = newest.of_version(version, office, year).findings
    version.errors, version.warnings, version.checked = (
        len(found.errors), len(found.warnings), key)
    Version.objects.filter(pk=version.pk).update(
        errors=version.errors, warnings=version.warnings, checked=key)
    return version.errors, version.warnings


def status_of(report: Report | None, errors: int | None) -> str:
    """The overview's status: the review's when there is one, else whether the newest
    version has errors."""
    if report is None:
        return NOT_STARTED
    if report.review in _REVIEWED:
        return _REVIEWED[report.review]
    return HAS_ERRORS if errors else FILLING


# --- 报送, 退回, 审核通过 ---------------------------------------------------------------


@login_required
@require_POST
def submit(request: HttpRequest, office: str, year: int) -> HttpResponse:
    """报送: the newest version, only without errors, to the compiling body."""
    report = scope.report_for(request.user, office, year)
    back = redirect("editor", office=report.office_id, year=report.year)
    if report.review == Report.SUBMITTED:
        messages.info(request, "本年报已报送，正在审核")
        return back
    if report.review == Report.APPROVED:
        messages.info(request, "本年报已审核通过，无需再报送")
        return back
    checked = newest.newest(report)
    findings = checked.findings
    record_counts(report, findings)
    if not findings.ok:
        messages.error(request, f"第 {report.version} 版还有 {len(findings.errors)} 处错误，"
                                "改正并保存后才能报送：")
        for item in findings.errors:
            messages.error(request, item.text)
        return back
    if not store.advance(report, _user(request), checked.number, "报送（第 {version} 版）",
                         was={"review": report.review}, review=Report.SUBMITTED):
        messages.error(request, "报送未执行：年报刚刚被修改，请查看后再报送")
        return back
    messages.success(request, f"已报送第 {report.version} 版，审核期间不能修改")
    return back


def _targets(report: Report, payload: Payload) -> dict[str, str]:
    """Where a comment may be attached, by the official labels: the whole report, every
    cell of the form, every paragraph of the newest version."""
    spec = editor_spec(payload.form)
    headings = {s["id"]: s["heading"] for s in spec["sections"]}
    targets = {WHOLE: "整份年报"}
    for section, items in payload.text.items():
        for i in range(len(items)):
            targets[f"text:{section}:{i}"] = f"正文“{headings.get(section, section)}”第{i + 1}段"
    targets.update({cid: cell["label"] for cid, cell in spec["cells"].items()})
    return targets


def target_label(target: str, targets: dict[str, str]) -> str:
    """A comment's place as a clerk reads it (a paragraph since removed by its ids)."""
    if target in targets:
        return targets[target]
    parts = target.split(":")
    if len(parts) == 3 and parts[0] == "text" and parts[2].isdigit():
        return f"正文第{int(parts[2]) + 1}段（{parts[1]}）"
    return target


@admin_only
@require_GET
def report_review(request: HttpRequest, office: str, year: int) -> HttpResponse:
    """One report as the compiling body reviews it: its status, findings, comments and
    record; return it with comments, or approve it."""
    report = scope.report_for(request.user, office, year)
    checked = newest.newest(report)
    payload, findings = checked.payload, checked.findings
    record_counts(report, findings)
    targets = _targets(report, payload)
    comments = [{"comment": c, "place": target_label(c.target, targets)}
                for c in report.comments.select_related("author").order_by("-created", "-id")]
    return render(request, "nianbao/review_report.html", {
        "report": report, "office": report.office, "findings": findings,
        "status": status_of(report, len(findings.errors)), "comments": comments,
        "events": report.events.select_related("user").order_by("-when"),
        "targets": list(targets.items()), "rows": range(COMMENT_ROWS),
        "can_decide": report.review in (Report.SUBMITTED, Report.APPROVED),
        "can_approve": report.review == Report.SUBMITTED})


@admin_only
@require_POST
def return_report(request: HttpRequest, office: str, year: int) -> HttpResponse:
    """退回: the report goes back to the office with the comments written (one at least)."""
    report = scope.report_for(request.user, office, year)
    back = redirect("review-report", office=report.office_id, year=report.year)
    targets = _targets(report, newest.newest(report).payload)
    written = [(WHOLE, request.POST.get("comment", "").strip())]
    written += [(request.POST.get(f"target-{i}", ""), request.POST.get(f"text-{i}", "").strip())
                for i in range(COMMENT_ROWS)]
    written = [(target, text) for target, text in written if text]
    wrong = [target for target, _ in written if target not in targets]
    if wrong:
        messages.error(request, "意见的位置不是本年报的单元格或段落，请刷新页面后重试")
        return back
    if not written:
        messages.error(request, "退回时请至少写一条意见")
        return back
    if any(len(text) > MAX_COMMENT for _, text in written):
        messages.error(request, f"每条意见最多 {MAX_COMMENT} 字")
        return back
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.review not in (Report.SUBMITTED, Report.APPROVED):
            messages.error(request, "只有已报送或已审核的年报可以退回")
            return back
        current.review = Report.RETURNED
        current.save(update_fields=["review"])
        Comment.objects.bulk_create(
            Comment(report=current, version=current.version, author=_user(request),
                    target=target, text=text) for target, text in written)
        Event.objects.create(report=current, user=_user(request),
                             what=f"退回（第 {current.version} 版，{len(written)} 条意见）")
    messages.success(request, f"已退回，附 {len(written)} 条意见")
    return back


@admin_only
@require_POST
def approve(request: HttpRequest, office: str, year: int) -> HttpResponse:
    """审核通过: only a submitted report, as of the version submitted."""
    report = scope.report_for(request.user, office, year)
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.review != Report.SUBMITTED:
            messages.error(request, "只有已报送的年报可以审核通过")
        else:
            current.review = Report.APPROVED
            current.save(update_fields=["review"])
            Event.objects.create(report=current, user=_user(request),
                                 what=f"审核通过（第 {current.version} 版）")
            messages.success(request, "已审核通过")
    return redirect("review-report", office=report.office_id, year=report.year)


def editor_comments(report: Report, payload: Payload) -> list[dict[str, Any]]:
    """The comments the editor shows: each with its place and whether it was made on
    an older version than the one shown."""
    targets = _targets(report, payload)
    return [{"target": c.target, "place": target_label(c.target, targets), "text": c.text,
             "version": c.version, "older": c.version != report.version,
             "author": c.author.get_username(), "created": c.created}
            for c in report.comments.select_related("author").order_by("-created", "-id")]


# --- a year ---------------------------------------------------------------------------


@dataclass
class Row:
    """One office in a year's overview."""

    office: Office
    report: Report | None
    version: Version | None
    status: str
    errors: int | None
    warnings: int | None
    when: dt.datetime | None
    who: str


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        newest = Report.objects.order_by("-year").values_list("year", flat=True).first()
        return newest or dt.date.today().year - 1


def _years(year: int) -> list[int]:
    found = set(Report.objects.values_list("year", flat=True).distinct())
    return sorted(found | {year}, reverse=True)


def rows_of(year: int) -> list[Row]:
    """Every office, its report of the year and its status, counts and last change."""
    offices = list(Office.objects.order_by("id"))
    reports = {r.office_id: r for r in Report.objects.filter(year=year).select_related("office")}
    newest = {v.report_id: v for v in Version.objects.filter(
        report__in=reports.values(), number=F("report__version")).select_related("author")}
    events: dict[int, Event] = {}
    for event in Event.objects.filter(report__in=reports.values()).select_related(
            "user").order_by("when", "id"):
        events[event.report_id] = event  # the last one wins
    rows = []
    for office in offices:
        report = reports.get(office.id)
        version = newest.get(report.pk) if report else None
        errors = warnings = None
        when, who = None, ""
        if report is not None and version is not None:
            errors, warnings = counts(version, office, year)
            when, who = version.created, version.author.get_username()
            last = events.get(report.pk)
            if last is not None and last.when > version.created:
                when, who = last.when, last.user.get_username()
        rows.append(Row(office, report, version, status_of(report, errors), errors, warnings,
                        when, who))
    return rows


@admin_only
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """A year's offices: status, counts, last change; ?status= filters, ?sort=-office
    reverses the order of offices."""
    year = _year(request)
    rows = rows_of(year)
    totals = {s: sum(r.status == s for r in rows) for s in STATUSES}
    wanted = request.GET.get("status", "")
    if wanted in STATUSES:
        rows = [r for r in rows if r.status == wanted]
    else:
        wanted = ""
    descending = request.GET.get("sort", "") == "-office"
    rows.sort(key=lambda r: r.office.id, reverse=descending)
    return render(request, "nianbao/review.html", {
        "year": year, "years": _years(year), "rows": rows, "statuses": STATUSES,
        "wanted": wanted, "totals": totals, "descending": descending,
        "offices": Office.objects.order_by("id")})


# --- the zip of every office's documents ---------------------------------------------


def _render(model: ReportModel) -> dict[str, bytes]:
    """The .docx and .html of a report, by the one render pipeline."""
    from nianbao.jobs.render import render_report_outputs

    docx, html = Path("report.docx"), Path("report.html")
    made = render_report_outputs(model, api.Outputs(docx=docx, html=html)).documents
    return {"docx": made[docx], "html": made[html]}


def _problem_text(exc: NianbaoError) -> str:
    return "；".join(exc.lines())


def write_zip(file: IO[bytes], year: int) -> None:
    """Every office's documents of the year, and summary.csv: one line an office (those
    not started, and those whose data cannot make a document, too, with their status)."""
    rows = rows_of(year)
    models: dict[str, ReportModel] = {}
    problems: dict[str, str] = {}
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            if row.report is None:
                continue
            try:
                model = store.report_model(row.report)
                documents = _render(model)
            except NianbaoError as exc:
                problems[row.office.id] = _problem_text(exc)
                continue
            models[row.office.id] = model
            for kind, data in documents.items():
                archive.writestr(f"{row.office.id}-{year}.{kind}", data)
        archive.writestr("summary.csv", summary_csv(rows, models, problems))


def summary_csv(rows: Iterable[Row], models: dict[str, ReportModel],
                problems: dict[str, str]) -> bytes:
    """summary.csv: the Chinese headings, then the cells the form sums a report up with
    (as `nianbao check --summary` has them); UTF-8 with a BOM, for Excel and WPS."""
    columns = summary_columns(m.form.version for m in models.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*SUMMARY_HEADINGS, *columns.values(), PROBLEMS])
    for row in rows:
        model = models.get(row.office.id)
        cells = [format_value(model.tables.get(tid, {}).get(key)) if model else ""
                 for tid, key in columns]
        writer.writerow([row.office.name, str(row.report.year if row.report else ""),
                         row.status, str(row.report.version if row.report else ""),
                         "" if row.errors is None else str(row.errors),
                         "" if row.warnings is None else str(row.warnings),
                         *cells, problems.get(row.office.id, "")])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _disposition(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@admin_only
@require_GET
def download(request: HttpRequest) -> FileResponse:
    """The zip, written to a temporary file (never held in memory) and streamed from it;
    the file is gone when the response is closed."""
    year = _year(request)
    file = tempfile.TemporaryFile(prefix="nianbao-zip-")  # noqa: SIM115 (the response closes it)
    try:
        write_zip(file, year)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = FileResponse(file, content_type="application/zip")
    response["Content-Disposition"] = _disposition(f"年报-{year}.zip")
    return response


# --- 汇总 ------------------------------------------------------------------------------


@admin_only
@require_POST
def aggregate(request: HttpRequest) -> HttpResponse:
    """The 汇总 of the offices ticked on the overview: their newest reports added up by
    `nianbao.api.aggregate` (no office twice; the parts listed at the top of the data
    file, as `nianbao aggregate` writes it), for the compiling body's office chosen."""
    year = _year(request)
    back = redirect(f"{reverse('review')}?year={year}")
    chosen = list(dict.fromkeys(request.POST.getlist("office")))
    compiler = Office.objects.filter(pk=request.POST.get("compiler", "")).first()
    if not chosen:
        messages.error(request, "请勾选要汇总的机关")
        return back
    if compiler is None:
        messages.error(request, "请选择汇总机关（以哪个机关的名义汇总）")
        return back
    if compiler.id in chosen:
        messages.error(request, f"汇总机关“{compiler.name}”不能同时是被汇总的机关")
        return back
    reports = {r.office_id: r for r in Report.objects.filter(
        year=year, office_id__in=chosen).select_related("office")}
    lines: list[str] = []
    parts: list[tuple[Report, ReportModel]] = []
    for office_id in chosen:
        report = reports.get(office_id)
        if report is None:
            lines.append(f"{office_id}：没有 {year} 年度的年报")
            continue
        try:
            parts.append((report, store.report_model(report)))
        except ProblemList as exc:
            lines.append(f"{report.office.name}：第 {report.version} 版有数据问题，"
                         f"请先改正（{_problem_text(exc)}）")
    if not lines:
        try:
            total = api.aggregate([model for _, model in parts], compiler.profile(), compiler.id)
        except ProblemList as exc:
            lines += [p.message for p in exc.problems]
    if lines:
        messages.error(request, "未汇总：")
        for line in lines:
            messages.error(request, line)
        return back
    text = api.encode_report(total, Path(f"{compiler.id}-{year}.yaml"), preface_of(parts))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = _disposition(f"{compiler.id}-{year}-汇总.yaml")
    return response


def preface_of(parts: list[tuple[Report, ReportModel]]) -> list[str]:
    """The lines at the top of the 汇总's data file: the offices added up, one a line, as
    `nianbao aggregate` lists them (with the version instead of a file)."""
    return [f"汇总了以下 {len(parts)} 个机关的数据：",
            *(f"  {in_brief(model)}（工作台 {report.office_id} {report.year} 年度"
              f"第 {report.version} 版）" for report, model in parts)]


# --- every finding ----------------------------------------------------------------------


@admin_only
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    """Every finding of every office's newest version of the year; ?rule= filters."""
    year = _year(request)
    listed: list[dict[str, Any]] = []
    for report in Report.objects.filter(year=year).select_related("office").order_by(
            "office_id"):
        found = newest.newest(report).findings
        record_counts(report, found)
        listed += [{"report": report, "item": item}
                   for item in [*found.errors, *found.warnings]]
    rules = sorted({entry["item"].rule for entry in listed})
    rule = request.GET.get("rule", "")
    if rule:
        listed = [entry for entry in listed if entry["item"].rule == rule]
    return render(request, "nianbao/review_findings.html", {
        "year": year, "years": _years(year), "listed": listed, "rules": rules, "rule": rule})
