"""The report editor: the three tables as the official form, every typed cell an
input, the prose by section, the findings at their cells; saves (never blocked by
findings, refused with what changed meanwhile when based on an older version), the
server's check (authoritative; the browser's is only quick), and the autosaved draft.

The page works as a plain form without JavaScript; editor.js adds derived totals and
findings as one types, spreadsheet keys, pasting a row from Excel/WPS and autosave.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nianbao.datafile.settings import settings
from nianbao.errors import ProblemList
from nianbao.report.drafts import draft_marks
from nianbao.report.prose import resolve_text
from nianbao.spec.form import FORM_VERSIONS, load_form
from nianbao.spec.values import format_value
from nianbao.web import newest, scope, store
from nianbao.web.checks import Findings, Item, findings_for, totals_of
from nianbao.web.editorgrid import table_body
from nianbao.web.editorspec import browser_spec, editor_spec, standard_options
from nianbao.web.models import Draft, Report
from nianbao.web.payload import (
    MAX_DATE,
    MAX_FEE,
    MAX_TITLE,
    BadPayload,
    Payload,
    payload_from_json,
)
from nianbao.web.views import review

OWN = "own"  # a paragraph's choice: the clerk's own text
DROP = ""  # a paragraph's choice: leave it out (how a paragraph is removed without JS)
FIXED_FIELDS = frozenset({"csrfmiddlewaretoken", "base", "action", "date", "title"})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, office: str, year: int) -> HttpResponse:
    report = scope.report_for(request.user, office, year)
    if request.method == "GET":
        found = newest.newest(report)
        return _page(request, report, found.payload, found.number, checked=found.findings)
    try:
        base = int(request.POST.get("base", ""))
        payload = payload_from_form(request.POST)
    except (ValueError, BadPayload) as exc:
        text = str(exc) if isinstance(exc, BadPayload) else "表单数据不完整，请刷新页面后重试"
        return HttpResponse(f"无法保存：{text}", status=400,
                            content_type="text/plain; charset=utf-8")
    try:
        saved = store.save(report, _user(request), payload, base)
    except store.Locked as locked:  # what was typed stays on the page, not saved
        messages.error(request, f"未保存：{locked}")
        report.refresh_from_db()
        return _page(request, report, payload, report.version, status=409)
    except store.Stale as stale:
        return _page(request, report, payload, stale.current, status=409, stale=stale,
                     base_typed=base)
    Draft.objects.filter(report=report, user=_user(request)).delete()
    messages.success(request, f"已保存第{saved.version.number}版")
    if saved.reopened:
        messages.warning(request, "本年报原已定稿，此次修改已将其重新打开（需重新定稿）")
    return redirect("editor", office=office, year=year)


def payload_from_form(data: QueryDict) -> Payload:
    """The payload of the editor's plain form POST, refused (BadPayload) when it holds a
    field that is not the editor's; then validated as the JSON payload is."""
    form_version = data.get("form", "")
    if form_version not in FORM_VERSIONS:
        raise BadPayload("不是年报的表单数据")
    form = load_form(form_version)
    spec = editor_spec(form.version)
    sections = [s["id"] for s in spec["sections"]]
    fees = list(settings()["fees"]["fields"])
    cells: dict[str, str] = {}
    choices: dict[str, dict[int, dict[str, str]]] = {s: {} for s in sections}
    texts: dict[tuple[str, int], str] = {}
    for key in data:
        value = data.get(key, "")
        if key in FIXED_FIELDS or key == "form" or (key.startswith("fee:") and key[4:] in fees):
            continue
        if key in spec["cells"] and not spec["cells"][key]["derived"]:
            cells[key] = value
            continue
        parts = key.split(":")
        if (len(parts) == 4 and parts[0] == "text" and parts[1] in sections
                and parts[2].isdigit() and parts[3] in ("kind", "text")):
            if parts[3] == "kind":
                choices[parts[1]][int(parts[2])] = {"kind": value}
            else:
                texts[(parts[1], int(parts[2]))] = value
            continue
        raise BadPayload("表单中有不属于本格式的项目")
    text: dict[str, list[dict[str, str]]] = {}
    for section in sections:
        items = []
        for index in sorted(choices[section]):
            kind = choices[section][index]["kind"]
            if kind == DROP:
                continue
            if kind == OWN:
                items.append({"text": texts.get((section, index), "")})
            elif kind.startswith("standard:"):
                items.append({"standard": kind[len("standard:"):]})
            else:
                raise BadPayload("段落应为标准段落或文字")
        text[section] = items
    return payload_from_json({
        "form": form.version, "date": data.get("date", ""), "title": data.get("title", ""),
        "fees": {k: data.get(f"fee:{k}", "") for k in fees}, "cells": cells, "text": text})


def _page(request: HttpRequest, report: Report, payload: Payload, base: int, *,
          status: int = 200, stale: store.Stale | None = None,
          base_typed: int | None = None, checked: Findings | None = None) -> HttpResponse:
    """The editor page; `checked`: the findings of the newest version as saved (the
    payload), whose counts are then kept for the compiling body's overview."""
    if checked is None:
        findings = findings_for(payload, report.office.profile(), report.year)
    else:
        findings = checked
        review.record_counts(report, findings)
    spec = editor_spec(payload.form)
    comments = review.editor_comments(report, payload)
    context = {
        "report": report, "office": report.office, "year": report.year, "payload": payload,
        "base": base, "tables": _tables(spec, payload, findings, comments),
        "findings": findings, "prose": _prose(spec, payload, findings, comments),
        "stale": stale, "base_typed": base_typed, "comments": comments,
        "review": report.get_review_display() if report.review else "",
        "locked": store.refusal(report, request.user),
        "can_submit": report.review in ("", Report.RETURNED),
        "fields": _fields(payload, findings), "spec": spec,
        "browser_spec": browser_spec(payload.form),
        "values": payload.as_json(), "final": report.status == Report.FINAL,
        "marks": list(draft_marks()),
        "page": {"office": report.office.pk, "year": report.year, "version": base,
                 "check": reverse("check", args=[report.office.pk, report.year]),
                 "draft": reverse("draft", args=[report.office.pk, report.year])},
    }
    return render(request, "nianbao/editor.html", context, status=status)


def _described(field: str, found: dict[str, list[Item]]) -> dict[str, Any]:
    items = found.get(field, [])
    return {"items": items, "error": any(i.severity == "error" for i in items),
            "id": f"f-{field}"}


def _noted(field: str, comments: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiling body's comments on a form field, shown beside it."""
    return {"comments": [c for c in comments if c["target"] == field],
            "comment_id": f"c-{field}"}


def _tables(spec: dict[str, Any], payload: Payload, findings: Findings,
            comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spec's tables with this report's values (the totals derived), findings and
    comments in their cells."""
    values = {cid: format_value(total) for cid, total in totals_of(payload).items()}
    values.update(payload.cells)
    found = findings.by_field()
    noted: dict[str, list[dict[str, Any]]] = {}
    for comment in comments:
        noted.setdefault(comment["target"], []).append(comment)
    return [{"id": table["id"], "key": table["key"], "heading": table["heading"],
             "section": table["section"], "region": f"region-{table['id']}",
             "body": table_body(payload.form, table["id"], values, found, noted)}
            for table in spec["tables"]]


def _fields(payload: Payload, findings: Findings) -> list[dict[str, Any]]:
    found = findings.by_field()
    fields = settings()["fields"]
    fees = settings()["fees"]["fields"]
    out = [{"name": "date", "label": fields["date"]["label"], "value": payload.date,
            "hint": "如 2025-01-20", "max": MAX_DATE, **_described("date", found)},
           {"name": "title", "label": fields["title"]["label"], "value": payload.title,
            "hint": "留空则按标准标题", "max": MAX_TITLE, **_described("title", found)}]
    out += [{"name": f"fee:{key}", "label": f"信息处理费：{fee['label']}",
             "value": payload.fees.get(key, ""), "hint": "", "max": MAX_FEE,
             **_described(f"fees:{key}", found), "id": f"f-fee:{key}"}
            for key, fee in fees.items()]
    return out


def _prose(spec: dict[str, Any], payload: Payload, findings: Findings,
           comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each section's paragraphs: the choice, the own text, or the standard paragraph as
    it will print (when the report is valid; its label otherwise)."""
    printed: dict[str, list[str]] = {}
    if findings.report is not None:
        try:
            printed = resolve_text(findings.report)
        except (ProblemList, ValueError, TypeError, ArithmeticError):
            printed = {}
    found = findings.by_field()
    sections = []
    for section in spec["sections"]:
        paragraphs = []
        for i, item in enumerate(payload.text.get(section["id"], [])):
            standard = item.get("standard", "")
            shown = printed.get(section["id"], [])
            preview = shown[i] if standard and i < len(shown) else ""
            paragraphs.append({
                "index": i, "standard": standard, "text": item.get("text", ""),
                "options": standard_options(payload.form, standard),
                "label": spec["standard"].get(standard, standard),
                "preview": _marked(preview), "marked": _marks(item.get("text", "")),
                **_described(f"text:{section['id']}:{i}", found),
                **_noted(f"text:{section['id']}:{i}", comments)})
        spare = {"index": len(paragraphs), "spare": True, "standard": "", "text": "",
                 "options": standard_options(payload.form, ""),
                 "preview": [], "marked": [], "items": [], "error": False}
        sections.append({**section, "items": [*paragraphs, spare]})
    return sections


def _marks(text: str) -> list[str]:
    return [m for m in draft_marks() if m in text]


def _marked(text: str) -> list[dict[str, Any]]:
    """A text cut into pieces, the draft marks flagged (the template wraps them in
    <mark>, escaping everything)."""
    pieces: list[dict[str, Any]] = []
    rest = text
    marks = draft_marks()
    while rest:
        hits = [(rest.find(m), m) for m in marks if m in rest]
        if not hits:
            pieces.append({"text": rest, "mark": False})
            break
        at, mark = min(hits)
        if at:
            pieces.append({"text": rest[:at], "mark": False})
        pieces.append({"text": mark, "mark": True})
        rest = rest[at + len(mark):]
    return pieces


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadPayload("不是有效的 JSON") from None


@login_required
@require_POST
def check(request: HttpRequest, office: str, year: int) -> JsonResponse:
    """The server's findings on the editor's payload (JSON), and its derived totals."""
    report = scope.report_for(request.user, office, year)
    try:
        payload = payload_from_json(_json_body(request))
    except BadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    findings = findings_for(payload, report.office.profile(), report.year)
    return JsonResponse({**findings.as_json(), "totals": totals_of(payload)})


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, office: str, year: int) -> HttpResponseBase:
    """The user's autosaved draft of the report: GET it (404 when none), POST
    {base, payload} to keep it."""
    report = scope.report_for(request.user, office, year)
    user = _user(request)
    if request.method == "GET":
        found = Draft.objects.filter(report=report, user=user).first()
        if found is None:
            return JsonResponse({"error": "没有草稿"}, status=404)
        return JsonResponse({"base": found.base, "payload": found.payload,
                             "saved": found.saved.isoformat()})
    try:
        data = _json_body(request)
        if not isinstance(data, dict) or not isinstance(data.get("base"), int) \
                or isinstance(data.get("base"), bool) or not 0 <= data["base"] <= report.version:
            raise BadPayload("草稿应含所基于的版本")
        payload = payload_from_json(data.get("payload"))
    except BadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    kept, _ = Draft.objects.update_or_create(
        report=report, user=user, defaults={"base": data["base"], "payload": payload.as_json()})
    return JsonResponse({"saved": kept.saved.isoformat()})
