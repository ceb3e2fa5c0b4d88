"""The review of a report (报送, 退回 with comments, 审核通过) and the compiling body's
view of a year: the overview of every office, the zip of every office's documents with
summary.csv, the 汇总 of chosen offices, every finding across offices; and that none of
it is an office clerk's to see."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from editorform import editor_form
from helpers import EXAMPLES

from nianbao import api

CELL = "t3:received:natural"  # 本年新收 自然人: a typed cell of the 2021 form


def _editor(client: Client, office: str = "pingtan", year: int = 2021) -> str:
    response = client.get(reverse("editor", args=[office, year]))
    assert response.status_code == 200
    return response.content.decode()


def _save(client: Client, **changes: str) -> Any:
    page = _editor(client)
    return client.post(reverse("editor", args=["pingtan", 2021]),
                       editor_form(page, **changes))


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _admin(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def _clean(report: Any, clerk: User) -> Any:
    """The report without errors (the example as it is, if it has none)."""
    from nianbao.web import store
    from nianbao.web.checks import findings_for

    payload = store.payload_at(report, report.version)
    assert findings_for(payload, report.office.profile(), report.year).ok
    return report


def _with_error(report: Any, clerk: User) -> None:
    """A new version whose 本年新收 自然人 is a word: a data problem, an error."""
    from nianbao.web import store

    payload = store.payload_at(report, report.version)
    payload.cells[CELL] = "很多"
    store.save(report, clerk, payload, report.version)


# --- the workflow ----------------------------------------------------------------------


def test_the_whole_review(client: Client, clerk: User, admin_user: User, report: Any) -> None:
    from nianbao.web.models import Comment, Event, Report

    clerk_client = Client()
    clerk_client.force_login(clerk)
    submit = reverse("submit", args=["pingtan", 2021])

    # 报送 refused while the newest version has errors
    _with_error(report, clerk)
    response = clerk_client.post(submit, follow=True)
    assert any("错误" in m and "才能报送" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.review == ""

    # corrected, then submitted
    assert _save(clerk_client, **{CELL: "64"}).status_code == 302
    response = clerk_client.post(submit, follow=True)
    assert any("已报送第 3 版" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.review == Report.SUBMITTED
    assert "已报送" in _editor(clerk_client)
    assert " disabled>保存</button>" in _editor(clerk_client)

    # the office cannot change it while submitted: the save is refused with a message
    response = _save(clerk_client, **{CELL: "65"})
    assert response.status_code == 409
    assert any("未保存" in m and "已报送" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.version == 3
    # nor restore an older version, nor PUT through the API
    response = clerk_client.post(reverse("restore", args=["pingtan", 2021, 1]),
                                 {"base": "3"}, follow=True)
    assert any("恢复未执行" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.version == 3

    # the compiling body returns it with a comment on a cell, one on a paragraph and one
    # on the whole report
    admin = _admin(client, admin_user)
    page = admin.get(reverse("review-report", args=["pingtan", 2021])).content.decode()
    assert "审核通过" in page and f'value="{CELL}"' in page
    response = admin.post(reverse("review-return", args=["pingtan", 2021]), {
        "comment": "请核对全文", "target-0": CELL, "text-0": "自然人申请数与上年差异大，请核实",
        "target-1": "text:overview:0", "text-1": "请补充概述", "target-2": "", "text-2": ""},
        follow=True)
    assert any("已退回" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.review == Report.RETURNED
    assert {(c.target, c.version) for c in Comment.objects.filter(report=report)} == {
        ("", 3), (CELL, 3), ("text:overview:0", 3)}

    # the office sees it beside the cell and listed at the top, and may save again
    page = _editor(clerk_client)
    cell = page[page.index(f'id="in-{CELL}"'):]
    cell = cell[:cell.index("</td>")]
    assert "自然人申请数与上年差异大，请核实" in cell and 'class="comment"' in cell
    top = page[page.index('id="comments-h"'):page.index('id="editor"')]
    assert "请核对全文" in top and "请补充概述" in top and "针对第3版" in top
    assert "退回" in page
    assert _save(clerk_client, title="平潭综合实验区2021年政府信息公开工作年度报告"
                 ).status_code == 302
    report.refresh_from_db()
    assert report.version == 4
    page = _editor(clerk_client)
    assert "自然人申请数与上年差异大，请核实" in page and "此后已修改" in page  # kept, dated
    assert Comment.objects.filter(report=report).count() == 3

    # submitted again, approved
    clerk_client.post(submit)
    report.refresh_from_db()
    assert report.review == Report.SUBMITTED
    response = admin.post(reverse("review-approve", args=["pingtan", 2021]), follow=True)
    assert any("已审核通过" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.review == Report.APPROVED
    assert _save(clerk_client, **{CELL: "66"}).status_code == 409

    # every step recorded with who
    steps = [(e.user.username, e.what) for e in Event.objects.filter(report=report)]
    assert steps == [("pingtan-clerk", "报送（第 3 版）"),
                     ("compiler", "退回（第 3 版，3 条意见）"),
                     ("pingtan-clerk", "报送（第 4 版）"),
                     ("compiler", "审核通过（第 4 版）")]
    history = clerk_client.get(reverse("history", args=["pingtan", 2021])).content.decode()
    assert "审核通过（第 4 版）" in history and "compiler" in history


def test_the_api_refuses_a_put_while_submitted(clerk: User, report: Any) -> None:
    from nianbao.web.apiauth import digest
    from nianbao.web.models import ApiToken, Report

    Report.objects.filter(pk=report.pk).update(review=Report.SUBMITTED)
    token = "token-of-pingtan-clerk-for-review-0123"
    ApiToken.objects.create(user=clerk, digest=digest(token))
    text = api.dump_report(api.load_report(EXAMPLES / "pingtan-2021.yaml"))
    response = Client().put(reverse("api-report", args=["pingtan", 2021]), text.encode(),
                            content_type="application/yaml", HTTP_IF_MATCH='"1"',
                            HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 409
    assert "已报送" in response.json()["error"]
    report.refresh_from_db()
    assert report.version == 1


def test_a_return_needs_a_comment_and_a_submitted_report(client: Client, admin_user: User,
                                                        report: Any) -> None:
    from nianbao.web.models import Report

    admin = _admin(client, admin_user)
    url = reverse("review-return", args=["pingtan", 2021])
    response = admin.post(url, {"comment": "意见"}, follow=True)
    assert any("只有已报送" in m for m in _messages(response))
    Report.objects.filter(pk=report.pk).update(review=Report.SUBMITTED)
    response = admin.post(url, {"comment": "  "}, follow=True)
    assert any("至少写一条意见" in m for m in _messages(response))
    response = admin.post(url, {"target-0": "t9:nowhere:x", "text-0": "意见"}, follow=True)
    assert any("位置不是本年报" in m for m in _messages(response))
    report.refresh_from_db()
    assert report.review == Report.SUBMITTED
    response = admin.post(reverse("review-approve", args=["pingtan", 2021]), follow=True)
    report.refresh_from_db()
    assert report.review == Report.APPROVED


def test_a_comment_is_shown_literally(client: Client, clerk: User, admin_user: User,
                                      report: Any) -> None:
    from nianbao.web.models import Comment, Report

    Report.objects.filter(pk=report.pk).update(review=Report.RETURNED)
    hostile = "<script>alert(1)</script> {{ office.name }} {% csrf_token %}"
    Comment.objects.create(report=report, version=1, author=admin_user, target=CELL,
                           text=hostile)
    Comment.objects.create(report=report, version=1, author=admin_user, target="",
                           text=hostile)
    client.force_login(clerk)
    page = _editor(client)
    assert "<script>alert(1)</script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt; {{ office.name }} "
                      "{% csrf_token %}") == 3  # listed twice, once beside the cell
    _admin(client, admin_user)
    page = client.get(reverse("review-report", args=["pingtan", 2021])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ office.name }}" in page


# --- who may see the compiling body's pages ---------------------------------------------


def _admin_urls() -> list[tuple[str, str]]:
    return [("get", reverse("review") + "?year=2021"),
            ("get", reverse("review-download") + "?year=2021"),
            ("get", reverse("review-findings") + "?year=2021"),
            ("post", reverse("review-aggregate")),
            ("get", reverse("review-report", args=["pingtan", 2021])),
            ("post", reverse("review-return", args=["pingtan", 2021])),
            ("post", reverse("review-approve", args=["pingtan", 2021]))]


def test_office_clerks_get_404_and_anonymous_users_the_login(client: Client, clerk: User,
                                                             report: Any) -> None:
    from nianbao.web.models import Report

    Report.objects.filter(pk=report.pk).update(review=Report.SUBMITTED)
    for method, url in _admin_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    client.force_login(clerk)  # even the clerk of the office reviewed
    for method, url in _admin_urls():
        assert getattr(client, method)(url, {"comment": "x"}).status_code == 404, url
    report.refresh_from_db()
    assert report.review == Report.SUBMITTED


def test_another_office_cannot_submit(client: Client, other_clerk: User, report: Any) -> None:
    client.force_login(other_clerk)
    assert client.post(reverse("submit", args=["pingtan", 2021])).status_code == 404


# --- a year's overview --------------------------------------------------------------------


@pytest.fixture
def year(offices: dict[str, Any], clerk: User, other_clerk: User, admin_user: User,
         report: Any) -> dict[str, Any]:
    """Three offices in 2021: 平潭 submitted, 景德镇 with errors, 三号 not started."""
    from nianbao.web import store
    from nianbao.web.models import Office, Report

    Report.objects.filter(pk=report.pk).update(review=Report.SUBMITTED)
    payload = store.payload_at(report, 1)
    payload.cells[CELL] = "很多"
    other = store.create(offices["jingdezhen-taoci"], 2021, other_clerk, payload, "导入")
    third = Office.objects.create(id="zz-third", **Office.fields_of(
        offices["pingtan"].profile()) | {"name": "第三机关"})
    return {"pingtan": report, "jingdezhen": other, "third": third}


def test_the_overview_of_a_year(client: Client, admin_user: User, year: dict[str, Any]) -> None:
    from nianbao.web.models import Version

    admin = _admin(client, admin_user)
    response = admin.get(reverse("review"), {"year": "2021"})
    assert response.status_code == 200
    rows = {r.office.id: r for r in response.context["rows"]}
    assert {k: r.status for k, r in rows.items()} == {
        "pingtan": "已报送", "jingdezhen-taoci": "有错误", "zz-third": "未开始"}
    assert rows["pingtan"].errors == 0 and rows["jingdezhen-taoci"].errors
    assert rows["pingtan"].who == "pingtan-clerk" and rows["zz-third"].when is None
    assert rows["pingtan"].warnings is not None
    # the counts were kept on the versions: a second visit checks nothing again
    assert Version.objects.filter(errors__isnull=True).count() == 0
    page = response.content.decode()
    assert reverse("editor", args=["pingtan", 2021]) in page
    assert reverse("history", args=["jingdezhen-taoci", 2021]) in page

    only = admin.get(reverse("review"), {"year": "2021", "status": "有错误"})
    assert [r.office.id for r in only.context["rows"]] == ["jingdezhen-taoci"]
    backwards = admin.get(reverse("review"), {"year": "2021", "sort": "-office"})
    assert [r.office.id for r in backwards.context["rows"]] == [
        "zz-third", "pingtan", "jingdezhen-taoci"]
    other_year = admin.get(reverse("review"), {"year": "2022"})
    assert {r.status for r in other_year.context["rows"]} == {"未开始"}


def test_kept_counts_are_counted_again_after_a_profile_change(
        client: Client, admin_user: User, year: dict[str, Any]) -> None:
    from nianbao.web.models import Version

    admin = _admin(client, admin_user)
    admin.get(reverse("review"), {"year": "2021"})
    Version.objects.update(errors=99)  # as if counted with other rules …
    rows = {r.office.id: r for r in admin.get(reverse("review"), {"year": "2021"}).context["rows"]}
    assert rows["pingtan"].errors == 99  # … kept
    office = year["pingtan"].office
    office.phone = "0591-00000000"
    office.save()
    rows = {r.office.id: r for r in admin.get(reverse("review"), {"year": "2021"}).context["rows"]}
    assert rows["pingtan"].errors == 0  # counted again with the new profile


# --- the zip ----------------------------------------------------------------------------


def test_the_zip_of_every_office(client: Client, admin_user: User,
                                 year: dict[str, Any]) -> None:
    admin = _admin(client, admin_user)
    response = admin.get(reverse("review-download"), {"year": "2021"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response.streaming
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["pingtan-2021.docx", "pingtan-2021.html",
                                          "summary.csv"]
    assert archive.read("pingtan-2021.docx")[:2] == b"PK"
    summary = archive.read("summary.csv").decode("utf-8")
    assert summary.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(summary[1:])))
    assert lines[0][:6] == ["机关", "年度", "状态", "版本", "错误", "警告"]
    assert "本年新收政府信息公开申请数量" in lines[0]
    assert lines[0][-1] == "问题"
    by_office = {line[0]: line for line in lines[1:]}
    pingtan = by_office[year["pingtan"].office.name]
    assert pingtan[1:5] == ["2021", "已报送", "1", "0"]
    model = api.load_report(EXAMPLES / "pingtan-2021.yaml")
    received = lines[0].index("本年新收政府信息公开申请数量")
    tid, key = model.form.summary[0]
    assert pingtan[received] == str(model.tables[tid][key])
    jingdezhen = by_office[year["jingdezhen"].office.name]
    assert jingdezhen[2] == "有错误" and jingdezhen[-1]  # not rendered: its problem named
    assert by_office["第三机关"][2:4] == ["未开始", ""]


# --- 汇总 -------------------------------------------------------------------------------


def test_the_aggregate_of_chosen_offices(client: Client, admin_user: User, offices: Any,
                                         other_clerk: User, report: Any,
                                         tmp_path: Path) -> None:
    from nianbao.web import store
    from nianbao.web.models import Office
    from nianbao.web.payload import payload_of

    payload = store.payload_at(report, 1)  # the same figures, another office
    other = store.create(offices["jingdezhen-taoci"], 2021, other_clerk, payload, "导入")
    city = Office.objects.create(id="city", **Office.fields_of(
        offices["pingtan"].profile()) | {"name": "全市政务公开办"})
    admin = _admin(client, admin_user)
    response = admin.post(reverse("review-aggregate"), {
        "year": "2021", "office": ["pingtan", "jingdezhen-taoci"], "compiler": "city"})
    assert response.status_code == 200, _messages(admin.get(reverse("review")))
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    parts = [store.report_model(report), store.report_model(other)]
    total = api.aggregate(parts, city.profile(), "city")
    assert "# 汇总了以下 2 个机关的数据：" in text.splitlines()
    assert sum(line.startswith("#   ") and "工作台" in line for line in text.splitlines()) == 2
    body = [line for line in text.splitlines() if not line.startswith("#")]
    expected = api.encode_report(total, Path("city-2021.yaml")).decode("utf-8")
    assert body == [line for line in expected.splitlines() if not line.startswith("#")]
    assert year_of(text) == 2021
    assert payload_of(total).cells[CELL] == str(2 * int(payload.cells[CELL]))
    # the file reads back as a data file
    path = tmp_path / "city-2021.yaml"
    path.write_text(text, encoding="utf-8")
    profiles = tmp_path / "config" / "offices"
    profiles.mkdir(parents=True)
    from nianbao.datafile.profiles import dump_office

    (profiles / "city.yaml").write_text(dump_office(Office.fields_of(city.profile())),
                                        encoding="utf-8")
    assert api.load_report(path, [profiles]).tables == total.tables


def year_of(text: str) -> int:
    found = re.search(r"^year: (\d+)", text, re.M)
    assert found
    return int(found.group(1))


def test_the_aggregate_refuses_an_office_twice_and_the_compiler_among_its_parts(
        client: Client, admin_user: User, offices: Any, report: Any) -> None:
    from nianbao.web import store
    from nianbao.web.models import Office

    twin = Office.objects.create(id="pingtan-twin", **Office.fields_of(
        offices["pingtan"].profile()))  # the same office under another id
    store.create(twin, 2021, admin_user, store.payload_at(report, 1), "导入")
    admin = _admin(client, admin_user)
    url = reverse("review-aggregate")
    response = admin.post(url, {"year": "2021", "office": ["pingtan", "pingtan-twin"],
                                "compiler": "jingdezhen-taoci"}, follow=True)
    assert any("不能重复汇总" in m for m in _messages(response))
    response = admin.post(url, {"year": "2021", "office": ["pingtan"], "compiler": "pingtan"},
                          follow=True)
    assert any("不能同时是被汇总的机关" in m for m in _messages(response))
    response = admin.post(url, {"year": "2021", "office": ["jingdezhen-taoci"],
                                "compiler": "pingtan"}, follow=True)
    assert any("没有 2021 年度的年报" in m for m in _messages(response))
    response = admin.post(url, {"year": "2021", "compiler": "pingtan"}, follow=True)
    assert any("请勾选" in m for m in _messages(response))


# --- every finding --------------------------------------------------------------------


def test_the_findings_of_every_office(client: Client, admin_user: User,
                                      year: dict[str, Any]) -> None:
    admin = _admin(client, admin_user)
    response = admin.get(reverse("review-findings"), {"year": "2021"})
    assert response.status_code == 200
    listed = response.context["listed"]
    offices = {entry["report"].office_id for entry in listed}
    assert "jingdezhen-taoci" in offices
    data = [entry for entry in listed if entry["item"].rule == "数据"]
    assert {entry["report"].office_id for entry in data} == {"jingdezhen-taoci"}
    assert "数据" in response.context["rules"]
    page = response.content.decode()
    assert "错误" in page and year["jingdezhen"].office.name in page
    only = admin.get(reverse("review-findings"), {"year": "2021", "rule": "数据"})
    assert {entry["item"].rule for entry in only.context["listed"]} == {"数据"}
    assert len(only.context["listed"]) == len(data)
