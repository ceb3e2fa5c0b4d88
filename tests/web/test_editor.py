"""The editor (issue 15, item 3): the official form drawn with an input per typed cell
and each derived total shown; saves as versions, a blank kept distinct from 0, a stale
save refused with what changed; the check and draft endpoints; scope; text shown
literally; the browser's spec equal to the form's rules."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from editorform import editor_form

from nianbao.spec.form import load_form

pytestmark = pytest.mark.django_db

URL_ARGS = ["pingtan", 2021]


class Page(HTMLParser):
    """The elements of a page that the tests ask about."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.outputs: dict[str, dict[str, str | None]] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.ids: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self._open: list[str] = []
        self.styled: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "style" in found:
            self.styled.append(tag)
        self.handlers += [k for k in found if k.startswith("on")]
        if tag in ("input", "textarea", "select") and found.get("name"):
            self.inputs[str(found["name"])] = found
        if tag == "output" and found.get("data-cell"):
            self.outputs[str(found["data-cell"])] = found
        if tag == "script":
            self.scripts.append(found)
        if found.get("id"):
            self._open.append(str(found["id"]))
            self.texts[str(found["id"])] = ""
        elif tag not in ("input", "br", "meta", "link", "option"):
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag not in ("input", "br", "meta", "link"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            if element:
                self.texts[element] += data


def _page(client: Client) -> tuple[str, Page]:
    response = client.get(reverse("editor", args=URL_ARGS))
    assert response.status_code == 200
    html = response.content.decode()
    page = Page()
    page.feed(html)
    return html, page




def test_every_typed_cell_is_an_input_named_by_its_row_and_column(clerk_client: Client,
                                                                    report: Any) -> None:
    html, page = _page(clerk_client)
    form = load_form("2021")
    for table in form.tables.values():
        for cell in table.cells():
            cid = f"{table.id}:{cell.row.id}:{cell.column.id}"
            name = " ".join(p for p in (cell.row.label, *cell.column.full_label.split("/")) if p)
            if table.is_derived(*cell.key):
                assert cid not in page.inputs, cid
                assert page.outputs[cid]["aria-label"] == name
            else:
                attrs = page.inputs[cid]
                assert attrs["aria-label"] == name
                assert attrs["inputmode"] == "decimal"
                assert attrs["maxlength"] == "100"  # what the database's column holds
    names = [a["aria-label"] for a in page.inputs.values() if a.get("aria-label")]
    assert len(names) == len(set(names))
    # the derived total shown: 平潭 2021 received 64 + …
    assert page.texts["in-t3:received:total"].strip().isdigit()
    regions = re.findall(r'role="region" aria-label="([^"]+)"', html)
    assert len(regions) == 3 and len(set(regions)) == 3


def test_the_page_has_no_inline_script_style_or_handler(clerk_client: Client,
                                                        report: Any) -> None:
    html, page = _page(clerk_client)
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    for body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        if "application/json" not in body[0]:
            assert not body[1].strip()
    assert page.styled == [] and page.handlers == []
    assert '<th scope="colgroup"' in html and 'scope="row"' in html


def test_saving_one_changed_cell_makes_version_2(clerk_client: Client, report: Any) -> None:
    from nianbao.web import store

    html, _ = _page(clerk_client)
    data = editor_form(html, **{"t3:received:natural": "65"})
    response = clerk_client.post(reverse("editor", args=URL_ARGS), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 2
    before, after = store.payload_at(report, 1), store.payload_at(report, 2)
    assert after.cells["t3:received:natural"] == "65"
    assert {k for k in after.cells if after.cells[k] != before.cells[k]} == {
        "t3:received:natural"}
    assert after.text == before.text and after.date == before.date
    followed = clerk_client.get(response["Location"]).content.decode()
    assert "已保存第2版" in followed


def test_a_blank_cell_stays_blank_and_is_named(clerk_client: Client, report: Any) -> None:
    from nianbao.web import store

    html, _ = _page(clerk_client)
    data = editor_form(html, **{"t3:received:legal": ""})
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 302
    report.refresh_from_db()
    assert store.payload_at(report, 2).cells["t3:received:legal"] == ""
    html, page = _page(clerk_client)
    assert page.inputs["t3:received:legal"].get("value") in (None, "")
    assert page.inputs["t3:received:legal"]["aria-invalid"] == "true"
    described = page.inputs["t3:received:legal"]["aria-describedby"]
    assert "空白" in page.texts[str(described)]
    assert "表三 “一、本年新收政府信息公开申请数量” “法律服务机构”" in page.texts["findings-list"]


def test_a_stale_save_is_refused_with_the_typed_values_and_the_changes(
        clerk_client: Client, clerk: Any, report: Any) -> None:
    from nianbao.web import store

    html, _ = _page(clerk_client)
    other = store.payload_at(report, 1)
    other.cells["t3:received:natural"] = "70"
    store.save(report, clerk, other, 1)  # someone else saved version 2 meanwhile
    data = editor_form(html, **{"t3:received:commercial": "9"})
    response = clerk_client.post(reverse("editor", args=URL_ARGS), data)
    assert response.status_code == 409
    page = Page()
    page.feed(response.content.decode())
    assert page.inputs["t3:received:commercial"]["value"] == "9"
    assert page.inputs["base"]["value"] == "2"
    assert "“自然人”：64 → 70" in response.content.decode()
    data["base"] = "2"
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 302
    report.refresh_from_db()
    assert report.version == 3


def test_unknown_fields_are_refused(clerk_client: Client, report: Any) -> None:
    html, _ = _page(clerk_client)
    data = editor_form(html, **{"t3:received:total": "5"})  # a derived cell
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 400
    data = editor_form(html, **{"is_staff": "1"})
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 400


def _payload(report: Any) -> dict[str, Any]:
    from nianbao.web import store

    return store.payload_at(report, report.version).as_json()


def test_check_returns_errors_warnings_and_totals(clerk_client: Client, report: Any) -> None:
    payload = _payload(report)
    url = reverse("check", args=URL_ARGS)
    answer = clerk_client.post(url, json.dumps(payload), content_type="application/json")
    assert answer.status_code == 200
    found = answer.json()
    assert found["errors"] == []
    assert isinstance(found["warnings"], list)
    assert isinstance(found["totals"]["t3:received:total"], int)
    payload["cells"]["t3:received:natural"] = "x"
    found = clerk_client.post(url, json.dumps(payload), content_type="application/json").json()
    assert found["errors"][0]["field"] == "t3:received:natural"
    assert "自然人" in found["errors"][0]["label"]
    assert found["totals"]["t3:received:total"] is None
    payload["cells"]["t9:x:y"] = "1"
    assert clerk_client.post(url, json.dumps(payload),
                             content_type="application/json").status_code == 400


def test_draft_marks_are_warnings_at_their_paragraph(clerk_client: Client,
                                                     report: Any) -> None:
    payload = _payload(report)
    payload["text"]["overview"].append({"text": "本年【待填写】"})
    found = clerk_client.post(reverse("check", args=URL_ARGS), json.dumps(payload),
                              content_type="application/json").json()
    index = len(payload["text"]["overview"]) - 1
    assert any(w["rule"] == "T1" and w["field"] == f"text:overview:{index}"
               for w in found["warnings"])


def test_json_posts_need_the_csrf_token(clerk: Any, report: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    answer = client.post(reverse("check", args=URL_ARGS), json.dumps(_payload(report)),
                         content_type="application/json")
    assert answer.status_code == 403


def test_draft_saved_and_fetched(clerk_client: Client, report: Any) -> None:
    url = reverse("draft", args=URL_ARGS)
    assert clerk_client.get(url).status_code == 404
    payload = _payload(report)
    payload["cells"]["t3:received:natural"] = "99"
    answer = clerk_client.post(url, json.dumps({"base": 1, "payload": payload}),
                               content_type="application/json")
    assert answer.status_code == 200
    kept = clerk_client.get(url).json()
    assert kept["base"] == 1 and kept["payload"]["cells"]["t3:received:natural"] == "99"
    assert clerk_client.post(url, json.dumps({"base": 7, "payload": payload}),
                             content_type="application/json").status_code == 400


def test_another_office_sees_nothing(client: Client, other_clerk: Any, report: Any) -> None:
    client.force_login(other_clerk)
    body = json.dumps(_payload(report))
    assert client.get(reverse("editor", args=URL_ARGS)).status_code == 404
    assert client.post(reverse("editor", args=URL_ARGS), {"base": "1"}).status_code == 404
    assert client.post(reverse("check", args=URL_ARGS), body,
                       content_type="application/json").status_code == 404
    assert client.get(reverse("draft", args=URL_ARGS)).status_code == 404
    assert client.post(reverse("draft", args=URL_ARGS), json.dumps({"base": 1, "payload": {}}),
                       content_type="application/json").status_code == 404


def test_an_anonymous_user_is_sent_to_login(client: Client, report: Any) -> None:
    answer = client.get(reverse("editor", args=URL_ARGS))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_text_is_shown_literally(clerk_client: Client, report: Any) -> None:
    hostile = "<script>alert(1)</script> {{ office.name }} A&B {% if x %}"
    html, _ = _page(clerk_client)
    data = editor_form(html, **{"text:overview:0:kind": "own",
                                    "text:overview:0:text": hostile, "title": hostile})
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 302
    html, page = _page(clerk_client)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ office.name }} A&amp;B {% if x %}" in html
    assert page.texts["in-text:overview:0:text"] == hostile


def test_a_standard_paragraph_shows_the_text_it_prints(clerk_client: Client,
                                                       report: Any) -> None:
    html, _ = _page(clerk_client)
    data = editor_form(html, **{"text:requests:0:kind": "standard:requests"})
    assert clerk_client.post(reverse("editor", args=URL_ARGS), data).status_code == 302
    html, _ = _page(clerk_client)
    assert "本年度共收到政府信息公开申请" in html
    assert 'value="standard:requests" selected' in html


def test_the_page_sends_the_browser_what_its_rules_read(clerk_client: Client,
                                                       report: Any) -> None:
    """The spec in the page is the rules' part (the server draws the grid): the same
    cells, equations and types as the form's spec, and no grid."""
    from nianbao.web.editorspec import editor_spec

    html, _ = _page(clerk_client)
    sent = json.loads(re.search(r'<script id="editor-spec" type="application/json">(.*?)'
                                r"</script>", html, re.S).group(1))
    full = editor_spec("2021")
    assert "tables" not in sent
    assert sent == {k: v for k, v in full.items() if k != "tables"}


def test_a_versions_findings_are_found_once_until_the_next_save(
        clerk_client: Client, report: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor opened again and the .docx after it read the version's findings as
    kept; a save, or a change of the office's profile, finds them again."""
    from nianbao.web import newest
    from nianbao.web.models import Office

    found = []
    real = newest.findings_for

    def counted(*args: Any) -> Any:
        found.append(args[0])
        return real(*args)

    monkeypatch.setattr(newest, "findings_for", counted)
    _page(clerk_client)
    _page(clerk_client)
    assert clerk_client.get(reverse("download", args=[*URL_ARGS, "docx"])).status_code == 200
    assert len(found) == 1
    html, _ = _page(clerk_client)
    changed = editor_form(html, **{"t2:rules:issued": "7"})
    assert clerk_client.post(reverse("editor", args=URL_ARGS), changed).status_code == 302
    html, page = _page(clerk_client)
    assert len(found) == 2 and page.inputs["t2:rules:issued"]["value"] == "7"
    Office.objects.filter(pk="pingtan").update(name="平潭综合实验区管委会")
    assert "平潭综合实验区管委会" in _page(clerk_client)[0]
    assert len(found) == 3


def test_the_spec_has_the_forms_equations() -> None:
    from nianbao.web.editorspec import editor_spec

    for version in ("2021", "2019"):
        form = load_form(version)
        spec = editor_spec(version)
        expected = [
            {"rule": eq.rule, "table": eq.table,
             "left": [f"{eq.table}:{r}:{c}" for r, c in eq.left],
             "right": [f"{eq.table}:{r}:{c}" for r, c in eq.right],
             "derives": eq.derives, "balance": eq.balance}
            for tid in form.tables for eq in form.equations(tid)]
        assert [{k: v for k, v in e.items() if k != "message"}
                for e in spec["equations"]] == expected
        assert {t["rule"] for t in spec["types"]} == {r.id for r in form.type_rules}
        derived = {cid for cid, c in spec["cells"].items() if c["derived"]}
        assert derived == {f"{t.id}:{r}:{c}" for t in form.tables.values()
                           for r, c in t.derived}
