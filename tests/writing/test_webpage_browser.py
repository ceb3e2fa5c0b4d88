"""The web page in a real browser: headless Chromium (Debian's `chromium`), driven over
the DevTools protocol through a pipe (no extra Python package, no browser download).

What a reader of the website sees: the official merged cells as the browser lays them
out, a phone-sized (375 px) page that never scrolls sideways except inside each table's
own box, a desktop page whose tables fit, a printed page without scroll boxes, and not
a single request beyond the file itself. Screenshots land in the test's tmp folder.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import docx_tables, merge_areas, tables

from nianbao.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                reason="needs Chromium (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--remote-debugging-pipe"]
TIMEOUT = 60.0


class Browser:
    """Chromium with `--remote-debugging-pipe`: it reads commands from fd 3 and writes
    replies and events to fd 4, each a JSON message ended by a NUL byte."""

    def __init__(self, profile: Path) -> None:
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()

        def pipes_as_3_and_4() -> None:  # in the child, before exec
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes_as_3_and_4, close_fds=False)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def wait_event(self, method: str) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        event = self._wait(lambda m: m.get("method") == method)
        self.events.remove(event)
        return event

    def _wait(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" not in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_browser], [], [], remaining)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium exited")
            self._buffer += chunk


class Page:
    """One tab of the browser."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.call("Target.attachToTarget", targetId=target,
                                    flatten=True)["sessionId"]
        self.call("Page.enable")
        self.call("Network.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, self.session, **params)

    def open(self, path: Path, width: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=800,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Page.navigate", url=path.as_uri())
        self.browser.wait_event("Page.loadEventFired")

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"]["value"]

    def screenshot(self, path: Path) -> None:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"],
                               "height": size["height"], "scale": 1})
        path.write_bytes(base64.b64decode(shot["data"]))

    def requested(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.browser.events
                if e.get("method") == "Network.requestWillBeSent"]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    browser = Browser(tmp_path / "chromium-profile")
    try:
        yield Page(browser)
    finally:
        browser.close()


def _render(workdir: Path, name: str) -> tuple[Path, Path]:
    for args in (["--html", "-o", f"{name}.html"], ["-o", f"{name}.docx"]):
        result = CliRunner().invoke(main, ["render", f"{name}.yaml", *args])
        assert result.exit_code == 0, result.output
    return workdir / f"{name}.html", workdir / f"{name}.docx"


# Every cell as the browser's DOM has it, table by table, row by row.
CELLS = """[...document.querySelectorAll('table')].map(t => [...t.rows].map(r =>
  [...r.cells].map(c => [c.textContent.trim().replace(/\\s+/g, ' '), c.rowSpan, c.colSpan])))"""
# Boxes outside the tables' scroll boxes that reach beyond the viewport.
OVERFLOWING = """[...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className)"""
WRAPS = """[...document.querySelectorAll('.table-wrap')].map(w =>
  [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX])"""


def _rect(page: Page, text: str) -> dict[str, float]:
    """The box of the table cell showing a text."""
    return page.eval(f"""(() => {{
      const c = [...document.querySelectorAll('th, td')].find(
        c => c.textContent.trim() === {json.dumps(text)});
      const r = c.getBoundingClientRect();
      return {{top: r.top, left: r.left, bottom: r.bottom, right: r.right}};
    }})()""")


def test_browser_shows_the_official_merged_cells(workdir: Path, page: Page) -> None:
    html, document = _render(workdir, "pingtan-2021")
    page.open(html, 1280)
    shown = page.eval(CELLS)
    assert [merge_areas(t) for t in shown] == docx_tables(document)
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    spans = {cell[0]: cell[1:] for table in shown for row in table for cell in row}
    assert spans[corner] == [3, 3]
    assert spans["三、本年度办理结果"] == [22, 1]
    assert spans["行政诉讼"] == [1, 10]
    # and laid out merged: the note fills the three header rows and the label columns
    note, applicants, firms = (_rect(page, t) for t in (corner, "申请人情况", "商业企业"))
    assert abs(note["bottom"] - firms["bottom"]) <= 1
    assert abs(note["top"] - applicants["top"]) <= 1
    assert abs(note["right"] - applicants["left"]) <= 1
    grid = tables(document)[1]
    assert grid.cell(5, 0).row_span == 22  # the same as the Word table


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_phone_page_scrolls_only_inside_the_tables(workdir: Path, page: Page,
                                                   tmp_path: Path, name: str) -> None:
    html, _ = _render(workdir, name)
    page.open(html, 375)
    assert page.eval("innerWidth") == 375
    assert page.eval("document.documentElement.scrollWidth") <= 375
    assert page.eval(OVERFLOWING) == []
    wraps = page.eval(WRAPS)
    assert len(wraps) == 3
    for scroll_width, client_width, overflow in wraps:
        assert overflow == "auto"
        assert scroll_width > client_width  # the table scrolls in its own box
    assert page.eval("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)") \
        >= 16
    page.screenshot(tmp_path / f"{name}-375.png")
    assert [u for u in page.requested() if u != html.as_uri()] == []


@pytest.mark.parametrize("name", ["pingtan-2021", "jingdezhen-2023"])
def test_desktop_page_tables_fit(workdir: Path, page: Page, tmp_path: Path,
                                 name: str) -> None:
    html, _ = _render(workdir, name)
    page.open(html, 1280)
    assert page.eval("document.documentElement.scrollWidth") <= 1280
    for scroll_width, client_width, _ in page.eval(WRAPS):
        assert scroll_width <= client_width
    page.screenshot(tmp_path / f"{name}-1280.png")
    assert [u for u in page.requested() if u != html.as_uri()] == []


def test_printed_page_has_no_scroll_boxes(workdir: Path, page: Page, tmp_path: Path) -> None:
    html, _ = _render(workdir, "pingtan-2021")
    page.open(html, 375)
    page.call("Emulation.setEmulatedMedia", media="print")
    assert {w[2] for w in page.eval(WRAPS)} == {"visible"}
    assert page.eval("getComputedStyle(document.querySelector('table.t3 thead')).display") \
        == "table-header-group"
    pdf = base64.b64decode(page.call("Page.printToPDF", preferCSSPageSize=True)["data"])
    assert pdf.startswith(b"%PDF")
    (tmp_path / "pingtan-2021.pdf").write_bytes(pdf)
