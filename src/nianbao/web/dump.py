"""A workspace as a folder, and back (`nianbao admin dump` / `load`).

The folder is two things at once. For people and `nianbao batch`: every office's profile
in config/offices/<id>.yaml and each report's newest version as a data file
<office>/<office>-<year>.yaml, so that the batch renders the same .docx as the
workspace's downloads — the reports outlive the server. For `load`: workspace.json, the
whole history — every office, user (with its password hash, so logins survive a move to
another server or database), report, version (author, time, note, every cell and
paragraph as typed), event, review comment and unsaved draft — in a stable order, so
that a dump of a loaded dump is the same file. `load` reads workspace.json only; the YAML files are
derived from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction

from nianbao import api
from nianbao.datafile.profiles import dump_office
from nianbao.errors import ProblemList
from nianbao.report.office import ALL_FIELDS
from nianbao.web import store
from nianbao.web.models import (
    Cell,
    Comment,
    Draft,
    Event,
    Member,
    Office,
    Paragraph,
    Report,
    Version,
)
from nianbao.web.provision import Refused, write_secret

FORMAT, FORMAT_VERSION = "nianbao-workspace", 1
HISTORY = "workspace.json"
USER_FIELDS = ("is_active", "is_staff", "is_superuser", "first_name", "last_name", "email")
BATCH = 2000  # rows an INSERT: SQLite's and PostgreSQL's limits on parameters are far


@dataclass
class Dumped:
    offices: int = 0
    reports: int = 0
    versions: int = 0
    skipped: list[str] = field(default_factory=list)  # reports without a data file


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def snapshot() -> dict[str, Any]:
    """The whole workspace as JSON-ready data, in a stable order (ids of the database
    are left out: a load gives new ones)."""
    names = dict(User.objects.values_list("pk", "username"))
    cells: dict[int, list[list[str]]] = defaultdict(list)
    for version_id, *cell in Cell.objects.order_by(
            "version_id", "table", "row", "column").values_list(
            "version_id", "table", "row", "column", "text"):
        cells[version_id].append(cell)
    paragraphs: dict[int, list[list[Any]]] = defaultdict(list)
    for version_id, *paragraph in Paragraph.objects.order_by(
            "version_id", "section", "index").values_list(
            "version_id", "section", "index", "standard", "text"):
        paragraphs[version_id].append(paragraph)
    versions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for v in Version.objects.order_by("report_id", "number"):
        versions[v.report_id].append({
            "number": v.number, "author": names[v.author_id], "created": _time(v.created),
            "note": v.note, "form": v.form, "date": v.date, "title": v.title,
            "fee_notices": v.fee_notices, "fee_amount": v.fee_amount,
            "cells": cells[v.pk], "paragraphs": paragraphs[v.pk]})
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in Event.objects.order_by("report_id", "when", "pk"):
        events[e.report_id].append({"user": names[e.user_id], "when": _time(e.when),
                                    "what": e.what})
    drafts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in Draft.objects.order_by("report_id", "user__username"):
        drafts[d.report_id].append({"user": names[d.user_id], "base": d.base,
                                    "payload": d.payload, "saved": _time(d.saved)})
    comments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in Comment.objects.order_by("report_id", "created", "pk"):
        comments[c.report_id].append({"version": c.version, "author": names[c.author_id],
                                      "created": _time(c.created), "target": c.target,
                                      "text": c.text})
    members = {m.user_id: m.office_id for m in Member.objects.all()}
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "offices": [{"id": o.id, **{key: getattr(o, key) for key in ALL_FIELDS}}
                    for o in Office.objects.order_by("id")],
        "users": [{"username": u.username, "password": u.password,
                   **{key: getattr(u, key) for key in USER_FIELDS},
                   "date_joined": _time(u.date_joined), "last_login": _time(u.last_login),
                   "member": u.pk in members, "office": members.get(u.pk)}
                  for u in User.objects.order_by("username")],
        "reports": [{"office": r.office_id, "year": r.year, "status": r.status,
                     "review": r.review, "version": r.version, "versions": versions[r.pk],
                     "events": events[r.pk], "comments": comments[r.pk],
                     "drafts": drafts[r.pk]}
                    for r in Report.objects.order_by("office_id", "year")],
    }


def dump(folder: Path) -> Dumped:
    """The workspace written to a new (or empty) folder: profiles, data files, history.
    A report whose newest version has data problems gets no data file (the workspace
    cannot render it either); it is named in `skipped` and kept whole in the history."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise Refused([f"{folder}: 文件夹不是空的；请指定新的或空的文件夹"])
    with transaction.atomic():  # one consistent moment, while clerks go on saving
        history = snapshot()
        reports = list(Report.objects.select_related("office").order_by("office_id", "year"))
        documents = {}
        done = Dumped(offices=len(history["offices"]), reports=len(reports),
                      versions=sum(len(r["versions"]) for r in history["reports"]))
        for report in reports:
            name = f"{report.office_id}/{report.office_id}-{report.year}.yaml"
            try:
                documents[name] = api.dump_report(store.report_model(report))
            except ProblemList:
                done.skipped.append(f"{report.office_id} {report.year}年度：年报有数据问题，"
                                    f"未写出数据文件（完整内容在 {HISTORY} 中）")
    profiles = folder / "config" / "offices"
    profiles.mkdir(parents=True, exist_ok=True)
    for office in history["offices"]:
        (profiles / f"{office['id']}.yaml").write_text(dump_office(office), encoding="utf-8")
    for name, text in documents.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    # last, and readable by its owner only: it holds the password hashes
    write_secret(folder / HISTORY, json.dumps(history, ensure_ascii=False, indent=1)
                 .encode("utf-8") + b"\n")
    return done


@dataclass
class Loaded:
    offices: int
    users: int
    reports: int
    versions: int


@contextlib.contextmanager
def _times_as_given() -> Iterator[None]:
    """The times of the history kept as they were, not stamped with the load's."""
    fields = [Version._meta.get_field("created"), Event._meta.get_field("when"),
              Draft._meta.get_field("saved"), Comment._meta.get_field("created")]
    kept = [(f, f.auto_now, f.auto_now_add) for f in fields
            if isinstance(f, models.DateField)]
    for f, _, _ in kept:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in kept:
            f.auto_now, f.auto_now_add = now, now_add


def load(folder: Path) -> Loaded:
    """A dump's workspace.json into an empty workspace, in one transaction: all of it
    or, on any problem, nothing."""
    path = Path(folder) / HISTORY
    if not path.is_file():
        raise Refused([f"{path}: 文件不存在（应为 nianbao admin dump 导出的文件夹）"])
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused([f"{path}: 无法读取：{exc}"]) from None
    if not isinstance(history, dict) or history.get("format") != FORMAT:
        raise Refused([f"{path}: 不是 nianbao admin dump 导出的工作台"])
    if history.get("version") != FORMAT_VERSION:
        raise Refused([f"{path}: 导出格式第 {history.get('version')} 版，本版本只能导入"
                       f"第 {FORMAT_VERSION} 版；请用更新的 nianbao 导入"])
    if Office.objects.exists() or User.objects.exists() or Report.objects.exists():
        raise Refused(["工作台中已有机关、用户或年报；只能导入到空的工作台（新的数据文件夹"
                       "或新的数据库）"])
    try:
        with transaction.atomic(), _times_as_given():
            return _load(history)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Refused([f"{path}: 内容不完整或有误（{type(exc).__name__}: {exc}），"
                       "未导入任何内容"]) from None


def _load(history: dict[str, Any]) -> Loaded:
    Office.objects.bulk_create(
        [Office(id=o["id"], **{key: o[key] for key in ALL_FIELDS}) for o in history["offices"]],
        batch_size=BATCH)
    users = User.objects.bulk_create(
        [User(username=u["username"], password=u["password"],
              **{key: u[key] for key in USER_FIELDS},
              date_joined=_at(u["date_joined"]), last_login=_parse_time(u["last_login"]))
         for u in history["users"]], batch_size=BATCH)
    by_name = {u.username: u for u in users}
    Member.objects.bulk_create(
        [Member(user=by_name[u["username"]], office_id=u["office"])
         for u in history["users"] if u["member"]], batch_size=BATCH)
    reports = Report.objects.bulk_create(
        [Report(office_id=r["office"], year=r["year"], status=r["status"],
                review=r["review"], version=r["version"]) for r in history["reports"]],
        batch_size=BATCH)
    versions, typed = [], []
    for report, r in zip(reports, history["reports"], strict=True):
        for v in r["versions"]:
            versions.append(Version(
                report=report, number=v["number"], author=by_name[v["author"]],
                created=_at(v["created"]), note=v["note"], form=v["form"],
                date=v["date"], title=v["title"], fee_notices=v["fee_notices"],
                fee_amount=v["fee_amount"]))
            typed.append(v)
    versions = Version.objects.bulk_create(versions, batch_size=BATCH)
    Cell.objects.bulk_create(
        (Cell(version=version, table=table, row=row, column=column, text=text)
         for version, v in zip(versions, typed, strict=True)
         for table, row, column, text in v["cells"]), batch_size=BATCH)
    Paragraph.objects.bulk_create(
        (Paragraph(version=version, section=section, index=index, standard=standard,
                   text=text)
         for version, v in zip(versions, typed, strict=True)
         for section, index, standard, text in v["paragraphs"]), batch_size=BATCH)
    Event.objects.bulk_create(
        (Event(report=report, user=by_name[e["user"]], when=_at(e["when"]),
               what=e["what"])
         for report, r in zip(reports, history["reports"], strict=True)
         for e in r["events"]), batch_size=BATCH)
    Comment.objects.bulk_create(
        (Comment(report=report, version=c["version"], author=by_name[c["author"]],
                 created=_at(c["created"]), target=c["target"], text=c["text"])
         for report, r in zip(reports, history["reports"], strict=True)
         for c in r["comments"]), batch_size=BATCH)
    Draft.objects.bulk_create(
        (Draft(report=report, user=by_name[d["user"]], base=d["base"], payload=d["payload"],
               saved=_at(d["saved"]))
         for report, r in zip(reports, history["reports"], strict=True)
         for d in r["drafts"]), batch_size=BATCH)
    return Loaded(len(history["offices"]), len(users), len(reports), len(versions))
