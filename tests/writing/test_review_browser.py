"""The review page of `nianbao check --review` in a real browser: headless Chromium
(Debian's `chromium`) over the DevTools pipe, as tests/writing/test_webpage_browser.py
drives it (its `Browser` and `Page` are used here).

What the compiling body sees: each marked cell laid out in the row and the column of
the official form that its finding names, its mark and badge visible, the likely
mistyped cell (C1) coloured apart from the failing totals; a phone page that scrolls
sideways only inside the tables; printed, A4 pages that keep the marks' colours; and not
a single request beyond the file itself. Screenshots and the PDF land in the test's tmp
folder.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from nianbao.writing.review import review_page


def _sibling(name: str) -> ModuleType:
    """A test module beside this one (tests are imported by path, not by name)."""
    spec = importlib.util.spec_from_file_location(f"_{name}", Path(__file__).with_name(
        f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser_test = _sibling("test_webpage_browser")
review_test = _sibling("test_review")
pytestmark = pytest.mark.skipif(not os.access(browser_test.CHROMIUM, os.X_OK),
                                reason="needs Chromium (apt-get install chromium)")


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    browser = browser_test.Browser(tmp_path / "chromium-profile")
    try:
        yield browser_test.Page(browser)
    finally:
        browser.close()


@pytest.fixture
def review(workdir: Path) -> Path:
    path = workdir / "检查结果.html"
    path.write_bytes(review_page(review_test.office_folder(workdir)))
    return path


# Each marked cell: its box, its colours, its badges' boxes.
MARKED = """[...document.querySelectorAll('td.marked')].map(c => {
  const r = c.getBoundingClientRect(), s = getComputedStyle(c);
  return {title: c.title, kind: c.className, top: r.top, left: r.left, width: r.width,
    height: r.height, background: s.backgroundColor, shadow: s.boxShadow,
    adjust: s.printColorAdjust || s.webkitPrintColorAdjust,
    badges: [...c.querySelectorAll('.badge')].map(b => {
      const q = b.getBoundingClientRect();
      return [b.textContent, q.width, q.height, getComputedStyle(b).color];
    })};
})"""


def _box(page: Any, section: str, table: str, label: str) -> dict[str, float]:
    """The box of the header or label cell of a table that shows a text."""
    return page.eval(f"""(() => {{
      const c = [...document.querySelectorAll('#{section} table.{table} th')].find(
        c => c.textContent.trim() === {json.dumps(label)});
      const r = c.getBoundingClientRect();
      return {{top: r.top, left: r.left, bottom: r.bottom, right: r.right}};
    }})()""")


def test_marked_cells_show_in_their_rows_and_columns(review: Path, page: Any,
                                                     tmp_path: Path) -> None:
    page.open(review, 1280)
    marked = {m["title"]: m for m in page.eval(MARKED)}
    likely = marked["表三 “一、本年新收政府信息公开申请数量” “自然人”"]
    total = marked["表三 “一、本年新收政府信息公开申请数量” “总计”"]
    carried = marked["表三 “四、结转下年度继续办理” “自然人”"]
    review_total = marked["表四 “行政复议/总计”"]
    assert len(marked) == 4
    for cell in marked.values():
        assert cell["width"] > 20 and cell["height"] > 20
        assert cell["background"] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
        for number, width, height, color in cell["badges"]:
            assert number.isdigit() and width >= 10 and height >= 10
            assert color in ("rgb(255, 255, 255)", "rgb(0, 0, 0)")
    # the likely mistyped cell stands apart from the totals that fail because of it
    assert likely["background"] != total["background"]
    assert likely["shadow"] != total["shadow"]
    assert total["background"] == carried["background"] == review_total["background"]
    # and each stands where the form prints it: in its label's row, its header's column
    received = _box(page, "r-2", "t3", "一、本年新收政府信息公开申请数量")
    natural = _box(page, "r-2", "t3", "自然人")
    assert abs(likely["top"] - received["top"]) <= 1
    assert abs(likely["left"] - natural["left"]) <= 1
    assert abs(carried["left"] - natural["left"]) <= 1
    assert abs(total["top"] - received["top"]) <= 1
    assert [u for u in page.requested() if u != review.as_uri()] == []
    page.screenshot(tmp_path / "review-1280.png")


def test_phone_page_scrolls_only_inside_the_tables(review: Path, page: Any,
                                                   tmp_path: Path) -> None:
    page.open(review, 375)
    assert page.eval("document.documentElement.scrollWidth") <= 375
    assert page.eval(browser_test.OVERFLOWING) == []
    offices = page.eval(browser_test.WRAPS)[0]
    assert offices[0] > offices[1]  # the offices' table scrolls in its own box
    page.screenshot(tmp_path / "review-375.png")


def test_printed_review_keeps_the_marks(review: Path, page: Any, tmp_path: Path) -> None:
    page.open(review, 1280)
    page.call("Emulation.setEmulatedMedia", media="print")
    assert {w[2] for w in page.eval(browser_test.WRAPS)} == {"visible"}
    assert {m["adjust"] for m in page.eval(MARKED)} == {"exact"}
    assert page.eval("getComputedStyle(document.querySelector('#r-2 h2')).breakBefore") \
        == "page"
    pdf = base64.b64decode(page.call("Page.printToPDF", preferCSSPageSize=True)["data"])
    assert pdf.startswith(b"%PDF")
    # A4 pages: the overview, the report's 表三, its 表四 with the unreadable files
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(boxes) >= 2
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
    (tmp_path / "review.pdf").write_bytes(pdf)
