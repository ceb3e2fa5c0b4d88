"""The workspace in a real browser, as a clerk uses it: `nianbao serve` started as a
user starts it (provisioned with `nianbao admin`), Debian's chromium driven by
Playwright. A clerk logs in, fills in table 三 and sees a total change and an error at
its cell, saves, reloads, downloads the .docx and `nianbao check` passes it; a second
clerk's stale save is refused; typed markup stays text; a hostile upload is refused
while the server keeps serving; keys and paste work as in a spreadsheet; what is typed
survives a closed tab; axe-core finds no accessibility violation; the rules the browser
evaluates agree with the library's on shared vectors."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import EXAMPLES, REPO
from servers import nianbao, put_report, serve

from nianbao.cli import main
from nianbao.spec.form import load_form

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# as the machine's notes say: no network beyond loopback, so nothing in the background
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "正确的密码-2024"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="需要 chromium")
SHOTS = Path(os.environ.get("NIANBAO_SCREENSHOTS", "/tmp/nianbao-screenshots"))


@dataclass
class Server:
    url: str
    data: Path
    token: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The workspace with 平潭 and 景德镇, two clerks of 平潭 and one of 景德镇, an
    admin, and 平潭's 2021 report put through the API."""
    data = tmp_path_factory.mktemp("workspace")
    for office in ("pingtan", "jingdezhen-taoci"):
        nianbao("admin", "--data", str(data), "add-office",
                 str(REPO / "config" / "offices" / f"{office}.yaml"))
    for name, where in [("clerk", ["--office", "pingtan"]), ("clerk2", ["--office", "pingtan"]),
                        ("other", ["--office", "jingdezhen-taoci"]), ("admin", ["--admin"])]:
        nianbao("admin", "--data", str(data), "add-user", name, *where, "--password-stdin",
                stdin=PASSWORD + "\n")
    token = nianbao("admin", "--data", str(data), "token", "clerk").strip().split()[-1]
    process, url = serve("--data", str(data))
    assert put_report(url, token, "pingtan", 2021, EXAMPLES / "pingtan-2021.yaml") == 201
    yield Server(url, data, token)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _logged_in(browser: Any, server: Server, name: str = "clerk", **context: Any) -> Any:
    page = browser.new_context(accept_downloads=True, locale="zh-CN", **context).new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def _cell(page: Any, cell_id: str) -> Any:
    return page.locator(f'[name="{cell_id}"]')


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_clerk_fills_in_table_three_saves_and_downloads_the_report(
        browser: Any, server: Server, tmp_path: Path) -> None:
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/2021/")
    total = page.locator('[data-cell="t3:received:total"]')
    assert total.inner_text().strip() == "70"
    _cell(page, "t3:received:natural").fill("65")
    assert total.inner_text().strip() == "71"  # derived as the clerk types
    carried = _cell(page, "t3:carried_forward:natural")
    assert carried.get_attribute("aria-invalid") == "true"  # R3.3 no longer balances
    assert "R3.3" in page.locator("#findings-list").inner_text()
    carried.fill("2")
    assert carried.get_attribute("aria-invalid") != "true"
    _shot(page, "editor-desktop")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "已保存第2版" in page.content()
    page.reload()
    assert _cell(page, "t3:received:natural").input_value() == "65"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    saved = tmp_path / "2021.docx"
    download.value.save_as(saved)
    result = CliRunner().invoke(main, ["check", str(saved)])
    assert result.exit_code == 0, result.output
    assert "通过" in result.output


def test_a_second_clerks_stale_save_is_refused_with_what_changed(browser: Any,
                                                                   server: Server) -> None:
    first, second = _logged_in(browser, server), _logged_in(browser, server, "clerk2")
    for page in (first, second):
        page.goto(f"{server.url}/o/pingtan/2021/")
    _cell(first, "t2:rules:issued").fill("3")
    first.get_by_role("button", name="保存").click()
    first.wait_for_load_state()
    _cell(second, "t2:rules:repealed").fill("1")
    second.get_by_role("button", name="保存").click()
    second.wait_for_load_state()
    shown = second.locator("main").inner_text()
    assert "未保存：您编辑期间，他人已保存了第" in shown
    assert "“本年制发件数”：0 → 3" in shown
    assert _cell(second, "t2:rules:repealed").input_value() == "1"  # what was typed is kept


def test_markup_typed_in_the_prose_stays_text(browser: Any, server: Server) -> None:
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/2021/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    typed = "<script>alert(1)</script>{{ 7*7 }} & <b>粗</b>"
    box = page.locator("textarea").first
    box.fill(typed)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.reload()
    assert page.locator("textarea").first.input_value() == typed
    assert dialogs == []
    assert page.locator("b", has_text="粗").count() == 0


def test_a_hostile_upload_is_refused_while_the_server_keeps_serving(
        browser: Any, server: Server, tmp_path: Path) -> None:
    bomb = tmp_path / "上年报告.docx"
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<w:document>" + b" " * 300_000_000)
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/")
    page.get_by_label("报告年度").fill("2022")
    page.locator('input[type="file"]').set_input_files(str(bomb))
    page.locator('input[value="upload"]').check()
    page.get_by_role("button", name="新建").click()
    page.wait_for_load_state()
    assert "拒绝" in page.locator("main").inner_text() or "无法" in page.locator(
        "main").inner_text()
    page.goto(f"{server.url}/o/pingtan/2021/")
    assert _cell(page, "t3:received:natural").count() == 1


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


def test_no_accessibility_violations_on_login_editor_and_office_list(browser: Any,
                                                                   server: Server) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{server.url}/login/")
    assert _axe(page) == []
    clerk = _logged_in(browser, server)
    clerk.goto(f"{server.url}/o/pingtan/2021/")
    assert _axe(clerk) == []
    admin = _logged_in(browser, server, "admin")
    admin.goto(f"{server.url}/")
    assert _axe(admin) == []
    assert "平潭" in admin.locator("main").inner_text()


def test_every_cell_input_is_named_by_its_row_and_column(browser: Any, server: Server) -> None:
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/2021/")
    box = page.get_by_role("textbox", name="一、本年新收政府信息公开申请数量 申请人情况 自然人",
                           exact=True)
    assert box.get_attribute("name") == "t3:received:natural"
    review = page.get_by_role("textbox", name="行政复议 结果维持", exact=True)
    assert review.get_attribute("name") == "t4:-:review.upheld"


def test_the_editor_reads_at_phone_width(browser: Any, server: Server) -> None:
    page = _logged_in(browser, server, viewport={"width": 390, "height": 844})
    page.goto(f"{server.url}/o/pingtan/2021/")
    _shot(page, "editor-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # the tables scroll inside their regions, not the page


def _vectors(count: int) -> list[dict[str, Any]]:
    """Tables 三 and 四 drawn at random (blanks, words and sums that do not add up
    included), with the library's derived totals and broken rules."""
    form = load_form("2021")
    generator = random.Random(20241)
    vectors = []
    for _ in range(count):
        values: dict[str, str] = {}
        expected_totals: dict[str, Any] = {}
        broken: list[str] = []
        for tid in ("t3", "t4"):
            table = form.tables[tid]
            typed: dict[Any, Any] = {}
            for cell in table.cells():
                if table.is_derived(*cell.key):
                    continue
                pick = generator.random()
                value: Any = None if pick < 0.03 else "两" if pick < 0.05 else \
                    generator.randint(0, 30)
                typed[cell.key] = value
                values[f"{tid}:{cell.key[0]}:{cell.key[1]}"] = "" if value is None else \
                    str(value)
            derived = form.derive(tid, typed)
            for key in table.derived:
                total = derived.get(key)
                expected_totals[f"{tid}:{key[0]}:{key[1]}"] = total if isinstance(
                    total, int) else None
            broken += sorted(eq.rule for eq in form.equations(tid)
                             if eq.violation(derived) is not None)
        vectors.append({"values": values, "totals": expected_totals, "broken": broken})
    return vectors


def test_the_browsers_rules_agree_with_the_librarys(browser: Any, server: Server) -> None:
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/2021/")
    vectors = _vectors(60)
    found = page.evaluate(
        """([vectors]) => {
             const spec = JSON.parse(document.getElementById('editor-spec').textContent);
             return vectors.map(v => window.nianbaoRules.evaluate(spec, v.values));
           }""", [vectors])
    for vector, result in zip(vectors, found, strict=True):
        totals = {k: v for k, v in result["totals"].items() if k in vector["totals"]}
        assert totals == vector["totals"]
        equations = sorted(f["rule"] for f in result["findings"]
                           if f["rule"] in ("R3.1", "R3.2", "R3.3", "R4.1"))
        assert equations == sorted(vector["broken"]), json.dumps(vector["values"])


def test_the_published_page_and_the_review_page_have_no_violations(browser: Any,
                                                                   tmp_path: Path) -> None:
    """The web page `render --html` publishes, and the page `check --review` makes of two
    reports: each table's scroll box is named apart from its section (landmark-unique)."""
    from nianbao import api

    report = api.load_report(EXAMPLES / "pingtan-2021.yaml")
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_content(api.render_html(report).decode("utf-8"))
    assert _axe(page) == []
    docx = tmp_path / "pingtan.docx"
    docx.write_bytes(api.render_docx(report))
    other = tmp_path / "jingdezhen.docx"
    other.write_bytes(api.render_docx(api.load_report(EXAMPLES / "jingdezhen-2023.yaml")))
    review = tmp_path / "review.html"
    CliRunner().invoke(main, ["check", str(docx), str(other), "--review", str(review)])
    page.set_content(review.read_text(encoding="utf-8"))
    assert _axe(page) == []


def test_keys_and_paste_work_as_in_a_spreadsheet(browser: Any, server: Server) -> None:
    page = _logged_in(browser, server)
    page.goto(f"{server.url}/o/pingtan/2021/")
    _cell(page, "t3:received:natural").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "t3:carried_over:natural"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == "t3:received:natural"
    # a row copied from Excel or WPS: tab-separated, pasted into its first cell
    page.evaluate("""() => {
        const cell = document.querySelector('[name="t3:disclosed:natural"]');
        cell.focus();
        const data = new DataTransfer();
        data.setData('text/plain', '28\\t1\\t2\\r\\n');
        cell.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                        cancelable: true}));
    }""")
    assert [_cell(page, f"t3:disclosed:{c}").input_value()
            for c in ("natural", "commercial", "research")] == ["28", "1", "2"]
    assert page.locator('[data-cell="t3:disclosed:total"]').inner_text().strip() == "34"


def test_what_is_typed_survives_a_closed_tab(browser: Any, server: Server) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"{server.url}/o/pingtan/2021/")
    _cell(page, "t2:rules:in_force").fill("7")
    page.locator("#autosave", has_text="草稿已自动保存").wait_for(timeout=20_000)
    page.close()  # the tab closed before 保存
    again = context.new_page()
    again.goto(f"{server.url}/o/pingtan/2021/")
    again.locator("#restore").wait_for(state="visible", timeout=20_000)  # the draft fetched
    again.locator("#restore-yes").click()
    assert _cell(again, "t2:rules:in_force").input_value() == "7"
    context.close()
