"""The workspace's pages: who may open what (every URL that takes an office or a report,
tried by another office's clerk, anonymously, and by the compiling body), starting a
year (rollover, upload, blank), hostile uploads refused while the server goes on, text
shown literally, downloads equal to the command line's, 定稿, history and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from helpers import EXAMPLES
from hostile import corpus

from nianbao import api
from nianbao.cli import main
from nianbao.datafile.profiles import dump_office
from nianbao.web import store
from nianbao.web.models import Event, Office, Report

HOSTILE = "<script>alert(1)</script> {{ 7*7 }} & 公司"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} &amp; 公司"

# (name, method, extra kwargs): every address that names an office or a report
OFFICE_URLS = [("office", "get"), ("profile", "get"), ("profile", "post"), ("start", "post")]
REPORT_URLS = [("final", "post", {}), ("history", "get", {}), ("version", "get", {"number": 1}),
               ("restore", "post", {"number": 1}), ("editor", "get", {}),
               ("check", "post", {}), ("draft", "post", {}),
               *(("download", "get", {"kind": kind}) for kind in ("docx", "html", "yaml", "pdf"))]


def _report_urls() -> list[tuple[str, str, dict[str, Any]]]:
    return [(name, method, {"office": "pingtan", "year": 2021, **extra})
            for name, method, extra in REPORT_URLS]


def _all_urls() -> list[tuple[str, str, dict[str, Any]]]:
    return [(name, method, {"office": "pingtan"}) for name, method in OFFICE_URLS] \
        + _report_urls()


def _url(name: str, kwargs: dict[str, Any]) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # pragma: no cover - a URL not (yet) in the URLconf
        pytest.skip(f"no URL {name}")


@pytest.mark.parametrize(("name", "method", "kwargs"), _all_urls())
def test_another_offices_clerk_finds_nothing(client: Client, other_clerk: User, report: Any,
                                             name: str, method: str,
                                             kwargs: dict[str, Any]) -> None:
    client.force_login(other_clerk)
    response = getattr(client, method)(_url(name, kwargs))
    assert response.status_code == 404
    assert "没有" in response.content.decode()  # the Chinese 404 page
    assert Report.objects.get(pk=report.pk).version == 1


@pytest.mark.parametrize(("name", "method", "kwargs"), _all_urls())
def test_anonymous_is_sent_to_log_in(client: Client, report: Any, name: str, method: str,
                                     kwargs: dict[str, Any]) -> None:
    url = _url(name, kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method", "kwargs"),
                         [u for u in _all_urls() if u[0] not in ("check", "draft")])
def test_the_compiling_body_may_open_every_office(client: Client, admin_user: User,
                                                  report: Any, name: str, method: str,
                                                  kwargs: dict[str, Any]) -> None:
    client.force_login(admin_user)
    response = getattr(client, method)(_url(name, kwargs))
    allowed = {"pdf": (200, 202, 302, 503)}.get(kwargs.get("kind", ""), (200, 302))
    if (name, method) == ("profile", "post"):
        allowed = (422,)  # an empty form: checked and refused, not "not found"
    assert response.status_code in allowed, response.content.decode()[:2000]


@pytest.mark.parametrize(("name", "kwargs"), [
    ("start", {"office": "pingtan"}),
    ("final", {"office": "pingtan", "year": 2021}),
    ("restore", {"office": "pingtan", "year": 2021, "number": 1})])
def test_a_state_change_takes_a_post(clerk_client: Client, report: Any, name: str,
                                     kwargs: dict[str, Any]) -> None:
    assert clerk_client.get(reverse(name, kwargs=kwargs)).status_code == 405


def test_home_lists_offices_for_the_compiling_body_and_sends_a_clerk_to_its_office(
        client: Client, clerk_client: Client, admin_user: User, report: Any) -> None:
    response = clerk_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("office", kwargs={"office": "pingtan"})
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert "平潭综合实验区" in page and "景德镇" in page
    assert "2021 年度" in page and "填写中" in page and "pingtan-clerk" in page


def test_a_page_of_the_office_offers_the_year_after_its_newest(clerk_client: Client,
                                                               report: Any) -> None:
    page = clerk_client.get(reverse("office", kwargs={"office": "pingtan"})).content.decode()
    assert 'value="2022"' in page
    assert "从上一年度的年报开始" in page and "上传上年报告" in page and "空白" in page


# --- starting a year ---------------------------------------------------------------


def _start(client: Client, source: str, year: int = 2022, **more: Any) -> Any:
    return client.post(reverse("start", kwargs={"office": "pingtan"}),
                       {"year": year, "source": source, **more})


def _check_rolled_over(year: int = 2022) -> None:
    new = Report.objects.get(office_id="pingtan", year=year)
    payload = store.payload_at(new, 1)
    last = store.payload_at(Report.objects.get(office_id="pingtan", year=year - 1), 1) \
        if Report.objects.filter(office_id="pingtan", year=year - 1).exists() \
        else None
    example = api.load_report(EXAMPLES / "pingtan-2021.yaml")
    for column in ("natural", "commercial", "legal", "other"):
        expected = last.cells[f"t3:carried_forward:{column}"] if last else str(
            example.tables["t3"][("carried_forward", column)])
        assert payload.cells[f"t3:carried_over:{column}"] == expected
    texts = [p["text"] for ps in payload.text.values() for p in ps if "text" in p]
    assert texts and all(t.startswith("【待更新】") for t in texts)


def test_starting_2022_from_2021_in_the_workspace(clerk_client: Client, report: Any) -> None:
    response = _start(clerk_client, "previous")
    assert response.status_code == 302
    assert response["Location"] == reverse("editor", kwargs={"office": "pingtan", "year": 2022})
    _check_rolled_over()
    assert Report.objects.get(office_id="pingtan", year=2022).versions.get().note


def test_a_year_that_exists_is_refused(clerk_client: Client, report: Any) -> None:
    response = _start(clerk_client, "blank", year=2021)
    assert response.status_code == 302
    page = clerk_client.get(response["Location"]).content.decode()
    assert "2021 年度的年报已经存在" in page
    assert Report.objects.get(pk=report.pk).version == 1


def test_starting_from_a_previous_year_that_is_missing_says_so(clerk_client: Client,
                                                               report: Any) -> None:
    response = _start(clerk_client, "previous", year=2024)
    page = clerk_client.get(response["Location"]).content.decode()
    assert "没有本机关 2023 年度的年报" in page
    assert not Report.objects.filter(year=2024).exists()


def test_starting_from_a_previous_year_with_data_problems_lists_them(
        clerk_client: Client, clerk: User, report: Any) -> None:
    payload = store.payload_at(report, 1)
    payload.cells["t3:received:natural"] = "六十四"
    store.save(report, clerk, payload, 1)
    page = clerk_client.get(_start(clerk_client, "previous")["Location"]).content.decode()
    assert "2021 年度的年报有数据问题" in page and "六十四" in page
    assert not Report.objects.filter(year=2022).exists()


def test_starting_blank(clerk_client: Client, offices: dict[str, Office]) -> None:
    response = _start(clerk_client, "blank", year=2024)
    assert response["Location"] == reverse("editor", kwargs={"office": "pingtan", "year": 2024})
    new = Report.objects.get(office_id="pingtan", year=2024)
    assert set(store.payload_at(new, 1).cells.values()) == {"0"}
    store.report_model(new)  # a blank report is a valid data file


def _upload(client: Client, name: str, data: bytes, year: int = 2022) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return _start(client, "upload", year=year, file=SimpleUploadedFile(name, data))


def test_starting_from_an_uploaded_docx(clerk_client: Client,
                                        offices: dict[str, Office]) -> None:
    docx = api.render_docx(api.load_report(EXAMPLES / "pingtan-2021.yaml"))
    response = _upload(clerk_client, "平潭 2021 年报.docx", docx)
    assert response["Location"] == reverse("editor", kwargs={"office": "pingtan", "year": 2022})
    _check_rolled_over()


def test_starting_from_an_uploaded_data_file(clerk_client: Client,
                                             offices: dict[str, Office]) -> None:
    data = (EXAMPLES / "pingtan-2021.yaml").read_bytes()
    response = _upload(clerk_client, "../../etc/2021.YAML", data)
    assert response["Location"] == reverse("editor", kwargs={"office": "pingtan", "year": 2022})
    _check_rolled_over()


def test_an_upload_of_another_year_or_kind_is_refused(clerk_client: Client,
                                                      offices: dict[str, Office]) -> None:
    data = (EXAMPLES / "pingtan-2021.yaml").read_bytes()
    page = clerk_client.get(_upload(clerk_client, "a.yaml", data, year=2024)["Location"])
    assert "与所选的 2024 年度不符" in page.content.decode()
    page = clerk_client.get(_upload(clerk_client, "a.exe", b"MZ")["Location"])
    assert "不支持的文件类型" in page.content.decode()
    page = clerk_client.get(_upload(clerk_client, "a.docx", b"x" * (5 * 1024 * 1024 + 1))
                            ["Location"])
    assert "文件过大" in page.content.decode()
    assert not Report.objects.exists()


HOSTILE_CASES = ["zip bomb", "entity expansion", "external entity (XXE)", "not a zip",
                 "billion laughs (aliases)", "yaml in GBK", "malformed html",
                 "lists nested 100000 deep"]


@pytest.mark.parametrize("case", [c for c in corpus() if c.name in HOSTILE_CASES],
                         ids=lambda c: c.name)
def test_a_hostile_upload_is_refused_and_the_server_goes_on(
        clerk_client: Client, offices: dict[str, Office], tmp_path: Path, case: Any) -> None:
    case.make(tmp_path)
    made = next(p for p in tmp_path.iterdir() if p.is_file())
    response = _upload(clerk_client, made.name, made.read_bytes())
    assert response.status_code == 302
    page = clerk_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "无法读取上传的文件" in text
    said = case.message.split(": ", 1)[-1] if case.message.startswith("data.yaml") \
        else case.message
    assert escape(said) in text, text[:3000]
    assert "nianbao-upload-" not in text  # the private temporary path is not shown
    assert not Report.objects.exists()
    assert clerk_client.get(reverse("profile", kwargs={"office": "pingtan"})).status_code == 200


# --- the office profile --------------------------------------------------------------


def test_the_profile_is_checked_as_a_profile_file(clerk_client: Client,
                                                  offices: dict[str, Office]) -> None:
    url = reverse("profile", kwargs={"office": "pingtan"})
    fields = Office.fields_of(offices["pingtan"].profile())
    response = clerk_client.post(url, {**fields, "phone": "", "category": "乡镇"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "phone（联系电话）：缺少此项" in page or "联系电话" in page
    assert "category" in page
    assert Office.objects.get(pk="pingtan").phone == fields["phone"]
    response = clerk_client.post(url, {**fields, "phone": "0591-12345678"})
    assert response.status_code == 302
    assert Office.objects.get(pk="pingtan").phone == "0591-12345678"


# --- text shown literally --------------------------------------------------------------


def test_markup_and_template_syntax_are_shown_literally(client: Client, admin_user: User,
                                                        clerk: User, report: Any) -> None:
    Office.objects.filter(pk="pingtan").update(name=HOSTILE)
    payload = store.payload_at(report, 1)
    payload.text["other"] = [{"text": HOSTILE}]
    store.save(report, clerk, payload, 1)
    client.force_login(admin_user)
    year = {"office": "pingtan", "year": 2021}
    for url in [reverse("home"), reverse("office", kwargs={"office": "pingtan"}),
                reverse("profile", kwargs={"office": "pingtan"}), reverse("history", kwargs=year),
                reverse("version", kwargs={**year, "number": 2})]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page, url
        assert ESCAPED in page, url


# --- downloads ---------------------------------------------------------------------


def _download(client: Client, kind: str) -> Any:
    return client.get(reverse("download", kwargs={"office": "pingtan", "year": 2021,
                                                  "kind": kind}))


def test_the_docx_is_what_nianbao_render_makes_of_the_downloaded_data_file(
        clerk_client: Client, report: Any, tmp_path: Path) -> None:
    data = _download(clerk_client, "yaml")
    assert data.status_code == 200
    assert data["Content-Disposition"] == ('attachment; filename="pingtan-2021.yaml"; '
                                           "filename*=UTF-8''pingtan-2021.yaml")
    (tmp_path / "pingtan-2021.yaml").write_bytes(data.content)
    profiles = tmp_path / "config" / "offices"
    profiles.mkdir(parents=True)
    office = Office.objects.get(pk="pingtan")
    (profiles / "pingtan.yaml").write_text(dump_office(Office.fields_of(office.profile())),
                                           encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "pingtan-2021.yaml"),
                                       "-o", str(tmp_path / "cli.docx")])
    assert result.exit_code == 0, result.output
    docx = _download(clerk_client, "docx")
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content == (tmp_path / "cli.docx").read_bytes()
    html = _download(clerk_client, "html")
    assert html.status_code == 200 and "attachment" in html["Content-Disposition"]
    result = CliRunner().invoke(main, ["render", str(tmp_path / "pingtan-2021.yaml"), "--html",
                                       "-o", str(tmp_path / "cli.html")])
    assert html.content == (tmp_path / "cli.html").read_bytes()


def test_a_report_with_data_problems_is_not_rendered(clerk_client: Client, clerk: User,
                                                     report: Any) -> None:
    payload = store.payload_at(report, 1)
    payload.cells["t3:received:natural"] = ""
    store.save(report, clerk, payload, 1)
    for kind in ("docx", "html", "yaml", "pdf"):
        response = _download(clerk_client, kind)
        assert response.status_code == 422
        page = response.content.decode()
        assert "表三" in page and "自然人" in page


def test_a_pdf_without_libreoffice_is_a_page(clerk_client: Client, report: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    response = _download(clerk_client, "pdf")
    assert response.status_code == 503
    assert "LibreOffice" in response.content.decode()


def test_an_unknown_kind_is_not_found(clerk_client: Client, report: Any) -> None:
    assert _download(clerk_client, "exe").status_code == 404


# --- 定稿, history, restore ------------------------------------------------------------


def _final(client: Client, action: str) -> Any:
    return client.post(reverse("final", kwargs={"office": "pingtan", "year": 2021}),
                       {"action": action})


def test_final_is_refused_while_errors_exist(clerk_client: Client, clerk: User,
                                             report: Any) -> None:
    payload = store.payload_at(report, 1)
    payload.cells["t3:received:natural"] = str(int(payload.cells["t3:received:natural"]) + 1)
    store.save(report, clerk, payload, 1)
    page = clerk_client.get(_final(clerk_client, "final")["Location"]).content.decode()
    assert "改正后才能定稿" in page
    assert Report.objects.get(pk=report.pk).status == Report.DRAFT
    store.restore(report, clerk, 1, 2)
    _final(clerk_client, "final")
    assert Report.objects.get(pk=report.pk).status == Report.FINAL
    _final(clerk_client, "reopen")
    assert Report.objects.get(pk=report.pk).status == Report.DRAFT
    assert [e.what for e in Event.objects.order_by("when")] == [
        "定稿（第 3 版）", "重新打开（填写中）"]


def test_final_marks_the_version_it_checked_or_none(clerk_client: Client, clerk: User,
                                                   report: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that lands between the check and the 定稿 (with an error, here) is not
    marked 定稿 unchecked: the 定稿 is refused."""
    from nianbao.web import newest

    checked = newest.newest

    def then_a_save(found: Any) -> Any:
        result = checked(found)
        payload = store.payload_at(report, 1)
        payload.cells["t3:received:natural"] = "很多"
        store.save(report, clerk, payload, 1)
        return result

    monkeypatch.setattr(newest, "newest", then_a_save)
    page = clerk_client.get(_final(clerk_client, "final")["Location"]).content.decode()
    assert "定稿未执行：年报刚刚被修改" in page
    assert Report.objects.get(pk=report.pk).status == Report.DRAFT
    assert not Event.objects.filter(what__startswith="定稿").exists()


def test_history_shows_versions_and_what_changed(clerk_client: Client, clerk: User,
                                                 report: Any) -> None:
    payload = store.payload_at(report, 1)
    payload.cells["t3:received:natural"] = "65"
    store.save(report, clerk, payload, 1)
    year = {"office": "pingtan", "year": 2021}
    page = clerk_client.get(reverse("history", kwargs=year)).content.decode()
    assert "第 1 版" in page and "第 2 版" in page and "导入" in page and "pingtan-clerk" in page
    page = clerk_client.get(reverse("version", kwargs={**year, "number": 2})).content.decode()
    assert "→ 65" in page and "自然人" in page
    assert clerk_client.get(reverse("version", kwargs={**year, "number": 9})).status_code == 404


def test_restore_makes_a_new_version_equal_to_the_old(clerk_client: Client, clerk: User,
                                                      report: Any) -> None:
    payload = store.payload_at(report, 1)
    payload.cells["t3:received:natural"] = "65"
    store.save(report, clerk, payload, 1)
    response = clerk_client.post(reverse("restore", kwargs={"office": "pingtan", "year": 2021,
                                                            "number": 1}), {"base": 2})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 3
    assert store.payload_at(report, 3).as_json() == store.payload_at(report, 1).as_json()
    assert store.payload_at(report, 2).cells["t3:received:natural"] == "65"  # kept
    stale = clerk_client.post(reverse("restore", kwargs={"office": "pingtan", "year": 2021,
                                                         "number": 2}), {"base": 2})
    assert "恢复未执行" in clerk_client.get(stale["Location"]).content.decode()
    report.refresh_from_db()
    assert report.version == 3


def test_a_refused_form_gets_the_chinese_page(clerk: User, report: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = _final(client, "final")
    assert response.status_code == 403
    assert "刷新页面" in response.content.decode()
