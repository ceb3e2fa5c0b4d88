"""The workspace's storage: what the editor holds as typed becomes the same report as
the data file it came from, every save is a version of typed rows, a save based on an
older version is refused with what changed, and nothing is lost or deleted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import F, IntegerField, Sum
from django.db.models.functions import Cast
from helpers import EXAMPLES

from nianbao import api
from nianbao.errors import ProblemList
from nianbao.web import store
from nianbao.web.models import Cell, Report, Version
from nianbao.web.payload import (
    BadPayload,
    blank_payload,
    payload_from_json,
    payload_of,
    problems_of,
    report_of,
)

EXAMPLE = api.load_report(EXAMPLES / "pingtan-2021.yaml")


def test_a_report_through_the_editors_payload_is_the_same_report() -> None:
    payload = payload_of(EXAMPLE)
    again = report_of(payload_from_json(payload.as_json()), EXAMPLE.office, EXAMPLE.year)
    assert (again.tables, again.text, again.fees, again.date, again.title) == (
        EXAMPLE.tables, EXAMPLE.text, EXAMPLE.fees, EXAMPLE.date, EXAMPLE.title)


def test_problems_are_named_at_their_cells_and_a_blank_is_not_zero() -> None:
    payload = payload_of(EXAMPLE)
    payload.cells["t3:received:natural"] = ""
    payload.cells["t3:received:commercial"] = "三"
    found = {p.line: p.message for p in problems_of(payload, EXAMPLE.office, 2021)}
    assert found["t3:received:natural"] == "空白（没有数字的格应填 0）"
    assert "三" in found["t3:received:commercial"]
    with pytest.raises(ProblemList):
        report_of(payload, EXAMPLE.office, 2021)


def test_what_the_browser_sends_is_checked_to_be_a_report() -> None:
    good = payload_of(EXAMPLE).as_json()
    for broken, why in [({**good, "form": "1999"}, "不是年报"),
                        ({**good, "cells": {"t9:x:y": "1"}}, "不属于本格式的格"),
                        ({**good, "text": {"overview": [{"script": "x"}]}}, "段落"),
                        ({**good, "title": "字" * 30_000}, "过长")]:
        with pytest.raises(BadPayload, match=why):
            payload_from_json(broken)


def test_a_value_longer_than_its_column_is_refused_by_its_label(report: Report,
                                                                clerk: User) -> None:
    """What the database cannot hold is refused before it: PostgreSQL would fail the
    save outright (a 500), SQLite would keep what no report has."""
    good = payload_of(EXAMPLE).as_json()
    cells = {**good["cells"], "t3:received:natural": "1" * 101}
    for broken, why in [({**good, "cells": cells},
                         "表三 “一、本年新收政府信息公开申请数量” “自然人”过长"
                         "（101 字，最多 100 字）"),
                        ({**good, "title": "题" * 301}, "标题过长（301 字，最多 300 字）"),
                        ({**good, "date": "2" * 41}, "成文日期过长"),
                        ({**good, "fees": {"amount": "9" * 41}}, "信息处理费过长"),
                        ({**good, "text": {"overview": [{"standard": "x" * 41}]}},
                         "标准段落过长")]:
        with pytest.raises(BadPayload, match=re.escape(why)):
            payload_from_json(broken)
    at_limit = payload_from_json({**good, "cells": {**good["cells"], "t3:received:natural":
                                                    "1" * 100}, "title": "题" * 300})
    saved = store.save(report, clerk, at_limit, base=1)  # the longest values fit the columns
    assert store.payload_at(report, saved.version.number).title == "题" * 300


def test_a_save_after_a_submission_is_refused_inside_the_save(report: Report,
                                                              clerk: User,
                                                              admin_user: User) -> None:
    """The lock is read from the row the save holds: a 报送 committed after the page
    (or this object) read the report, even by a moment, still refuses the save."""
    Report.objects.filter(pk=report.pk).update(review=Report.SUBMITTED)
    assert report.review == ""  # what the save was given: read before the 报送
    with pytest.raises(store.Locked, match="已报送"):
        store.save(report, clerk, payload_of(EXAMPLE), base=1)
    assert Version.objects.filter(report=report).count() == 1
    store.save(report, admin_user, payload_of(EXAMPLE), base=1)  # the compiling body may
    assert Version.objects.filter(report=report).count() == 2


def test_a_blank_year_starts_as_nianbao_new_does() -> None:
    payload = blank_payload(EXAMPLE.office, 2024, dt.date(2025, 1, 20))
    assert payload.form == "2021" and set(payload.cells.values()) == {"0"}
    assert problems_of(payload, EXAMPLE.office, 2024) == []


def test_every_save_is_a_version_of_typed_rows(report: Report, clerk: User) -> None:
    payload = payload_of(EXAMPLE)
    payload.cells["t3:received:natural"] = "65"
    payload.cells["t3:carried_forward:natural"] = "2"  # the balance of table 三 kept
    saved = store.save(report, clerk, payload, base=1)
    assert (saved.version.number, report.version) == (2, 2)
    assert Cell.objects.get(version=saved.version, table="t3", row="received",
                            column="natural").text == "65"
    assert store.payload_at(report, 1).cells["t3:received:natural"] == "64"  # kept
    assert store.report_model(report).tables["t3"][("received", "total")] == 71


def test_a_save_based_on_an_older_version_is_refused_with_what_changed(
        report: Report, clerk: User, other_clerk: User) -> None:
    first = payload_of(EXAMPLE)
    first.cells["t3:received:natural"] = "65"
    store.save(report, clerk, first, base=1)
    late = payload_of(EXAMPLE)
    late.cells["t3:received:other"] = "5"
    with pytest.raises(store.Stale) as stale:
        store.save(report, other_clerk, late, base=1)
    assert stale.value.current == 2
    assert stale.value.changes == [
        "表三 “一、本年新收政府信息公开申请数量” “自然人”：64 → 65"]
    assert Version.objects.filter(report=report).count() == 2  # nothing written


def test_saving_a_final_report_reopens_it_and_says_so(report: Report, clerk: User) -> None:
    Report.objects.filter(pk=report.pk).update(status=Report.FINAL)
    report.refresh_from_db()
    saved = store.save(report, clerk, payload_of(EXAMPLE), base=1)
    assert saved.reopened and report.status == Report.DRAFT
    assert report.events.get().what == "修改定稿，重新打开"


def test_restore_makes_a_new_version_equal_to_the_old(report: Report, clerk: User) -> None:
    changed = payload_of(EXAMPLE)
    changed.title = "改过的标题"
    store.save(report, clerk, changed, base=1)
    restored = store.restore(report, clerk, 1, base=2)
    assert restored.version.number == 3 and restored.version.note == "恢复至第1版"
    assert store.payload_at(report, 3) == store.payload_at(report, 1)


def test_sums_across_offices_are_queries(report: Report, offices: dict[str, Any],
                                         clerk: User, other_clerk: User) -> None:
    """The typed rows let a compiling body add up its offices in the database."""
    other = payload_of(EXAMPLE)
    other.cells["t3:received:natural"] = "10"
    store.create(offices["jingdezhen-taoci"], 2021, other_clerk, other, "导入")
    store.save(report, clerk, payload_of(EXAMPLE), base=1)  # a second version of 平潭's
    newest = Cell.objects.filter(version__report__year=2021, table="t3", row="received",
                                 column="natural",
                                 version__number=F("version__report__version"))
    assert newest.aggregate(total=Sum(Cast("text", IntegerField())))["total"] == 74


def test_the_suite_runs_on_the_database_it_was_given(db: Any) -> None:
    """SQLite, or the PostgreSQL server tests/web/test_postgresql.py runs the suite on."""
    import os

    from django.db import connection

    wanted = "postgresql" if os.environ.get("NIANBAO_TEST_DATABASE") else "sqlite"
    assert connection.vendor == wanted
