"""The printed pages, as a reader sees them: LibreOffice's PDF of rendered reports
whose page breaks fall in many places (prose made longer line by line, the 2019 form
with varied numbers), read back page by page with `pdftotext`.

A page break never leaves a 第二十条 title row of table 二 at the foot of a page with
its rows on the next, nor cuts a merged row label of table 三 such as （五）不予处理 in
two; the page numbers stand one character in from the edge of the 版心 (format.md §8).
"""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO

from nianbao.datafile.reader import load_report
from nianbao.report.blank import blank_report
from nianbao.report.model import Paragraph, Report
from nianbao.spec.form import load_form
from nianbao.spec.page import FOOTER_SIZE, MARGINS, PAGE_HEIGHT, PAGE_WIDTH, points
from nianbao.spec.tables import GroupedTable, MatrixTable
from nianbao.writing.document import compiled_template, render_report
from nianbao.writing.pdf import convert_to_pdf

pytestmark = pytest.mark.skipif(
    not ((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftotext")),
    reason="LibreOffice or poppler-utils not installed")

LINE = "本段用于检验分页位置，长度约为一行。"  # one printed line of body text
# Extra lines before the tables of pingtan-2021 at which the template before this
# test cut a group: （五） at 0, 第二十条第（六）项 and （四） at 1, （五）项 at 3, （三） at 4,
# （一）项 at 6, （六）其他处理 at 10, （八）项 and （五）不予处理 at 20.
EXTRA_2021 = (0, 1, 3, 4, 6, 10, 20)
EXTRA_2019 = (0, 3, 6, 9, 12, 15, 18)


def _longer(report: Report, lines: int) -> Report:
    """The report with `lines` one-line paragraphs more in 一、总体情况."""
    text = {**report.text, "overview": report.text["overview"] + [Paragraph(text=LINE)] * lines}
    return dataclasses.replace(report, text=text)


def _numbered(report: Report, seed: int) -> Report:
    """Varied numbers (0 to 4 digits) in every typed cell, as a batch of offices has,
    table 三 balanced (一 + 二 = （七） + 四, the printed note)."""
    pick = random.Random(seed).choice
    tables = {}
    for table_id, table in report.form.tables.items():
        typed = {c.key: (Decimal if c.column.type in ("amount", "money_text") else int)(
            pick([0, 0, 1, 3, 12, 250, 4096])) for c in table.cells()
            if not table.is_derived(*c.key)}
        if isinstance(table, MatrixTable):
            received, carried, *_, results, forward = (r.id for r in table.rows)
            derived = report.form.derive(table_id, typed)
            for column in table.columns:
                if (received, column.id) in typed:
                    typed[(carried, column.id)] = 0
                    typed[(received, column.id)] = (derived[(results, column.id)]
                                                    + typed[(forward, column.id)])
        tables[table_id] = report.form.derive(table_id, typed)
    return dataclasses.replace(report, tables=tables)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """name → the report and its printed text, of every report."""
    folder = tmp_path_factory.mktemp("pages")
    shutil.copytree(REPO / "config" / "offices", folder / "config" / "offices")
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, folder / example.name)
    pingtan = load_report(folder / "pingtan-2021.yaml")
    reports = {"jingdezhen-2023": load_report(folder / "jingdezhen-2023.yaml")}
    reports |= {f"p2021-{n:02d}": _longer(pingtan, n) for n in EXTRA_2021}
    blank = blank_report(load_form("2019"), pingtan.office, "pingtan", 2020)
    reports |= {f"p2019-{n:02d}": _longer(_numbered(blank, n), n) for n in EXTRA_2019}
    documents = []
    for name, report in reports.items():
        documents.append(folder / f"{name}.docx")
        template = compiled_template(None, report.form.version)
        documents[-1].write_bytes(render_report(report, template))
    result = convert_to_pdf(documents)
    assert result.failed == []
    return {name: _printed(report, folder / f"{name}.pdf") for name, report in reports.items()}


@dataclasses.dataclass(frozen=True)
class Printed:
    report: Report
    text: str  # pdftotext -layout: a line of the page is a line of text
    pages: list[str]  # each page's text without whitespace

    @property
    def version(self) -> str:
        return self.report.form.version


def _printed(report: Report, pdf: Path) -> Printed:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return Printed(report, text, [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]])


def _flat(label: str) -> str:
    return re.sub(r"\s+", "", label)


def test_a_group_of_table_two_is_printed_on_one_page(printed: dict[str, Printed]) -> None:
    """A 第二十条 title row stays on the page of its 信息内容 row and all its rows."""
    checked = 0
    for name, report in printed.items():
        pages = report.pages
        table = load_form(report.version).tables["t2"]
        assert isinstance(table, GroupedTable)
        for group in table.groups:
            on = [i for i, page in enumerate(pages) if _flat(group.label) in page]
            assert len(on) == 1, (name, group.label, on)
            after = pages[on[0]].split(_flat(group.label), 1)[1]
            for row in group.rows:
                assert _flat(row.label) in after, (name, group.label, row.label, on[0] + 1)
            checked += 1
    assert checked == 4 * (len(EXTRA_2021) + 1) + 5 * len(EXTRA_2019)


def test_a_merged_row_label_of_table_three_is_not_cut(printed: dict[str, Printed]) -> None:
    """（三）不予公开 … （六）其他处理 and the rows they span are on one page: the label is
    never printed in two halves. (三、本年度办理结果, spanning most of the table, is not
    kept whole: it would leave half a page blank.)"""
    checked = 0
    for name, report in printed.items():
        pages, version = report.pages, report.version
        table = load_form(version).tables["t3"]
        assert isinstance(table, MatrixTable)
        groups = [n for top in table.row_tree for n in top.children if not n.is_leaf]
        assert len(groups) == (4 if version == "2021" else 3)
        for group in groups:
            # a wrapped label is several lines: its first characters are on its first
            on = {i + 1 for leaf in group.leaves() for i, page in enumerate(pages)
                  if _flat(leaf.label)[:6] in page}
            assert len(on) == 1, (name, group.label, sorted(on))
            checked += 1
    assert checked == 4 * (len(EXTRA_2021) + 1) + 3 * len(EXTRA_2019)


def test_numbers_of_five_digits_are_printed_on_one_line(printed: dict[str, Printed]) -> None:
    """Every number of tables 三 and 四 (4096, a total of 17670 …) is a whole word of
    a printed line: a number wrapped in its narrow column reads as two ("409" over
    "6")."""
    longest = 0
    for name, report in printed.items():
        printed_numbers = Counter(re.findall(r"(?<![\d.])\d+(?![\d.])", report.text))
        wanted = Counter(str(value) for table_id in ("t3", "t4")
                         for value in report.report.tables[table_id].values())
        longest = max(longest, *map(len, wanted))
        missing = {n: k - printed_numbers[n] for n, k in wanted.items() if printed_numbers[n] < k}
        assert missing == {}, name
    assert longest == 5


def test_page_numbers_stand_one_character_in(tmp_path: Path) -> None:
    """"— 1 —" on odd pages ends one 4号 character left of the 版心's right edge, on even
    pages starts one character right of its left edge (LibreOffice reads the inset in
    twips only)."""
    shutil.copytree(REPO / "config" / "offices", tmp_path / "config" / "offices")
    shutil.copy(EXAMPLES / "pingtan-2021.yaml", tmp_path)
    report = load_report(tmp_path / "pingtan-2021.yaml")
    docx = tmp_path / "pingtan-2021.docx"
    docx.write_bytes(render_report(report, compiled_template(None, "2021")))
    assert convert_to_pdf([docx]).failed == []
    boxes = subprocess.run(["pdftotext", "-bbox", str(docx.with_suffix(".pdf")), "-"],
                           check=True, capture_output=True, text=True).stdout
    inset = FOOTER_SIZE
    left = points(MARGINS["left"]) + inset
    right = points(PAGE_WIDTH - MARGINS["right"]) - inset
    pages = boxes.split("<page ")[1:]
    assert len(pages) >= 6
    for number, page in enumerate(pages, start=1):
        dashes = [(float(a), float(b)) for a, y, b in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">—</word>',
            page) if float(y) > points(PAGE_HEIGHT - MARGINS["bottom"])]  # the footer
        assert len(dashes) == 2, number
        if number % 2:
            assert dashes[1][1] == pytest.approx(right, abs=1), number
        else:
            assert dashes[0][0] == pytest.approx(left, abs=1), number
