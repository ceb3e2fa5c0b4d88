"""Report documents made the way clerks make them, not the way nianbao does: Word tables
built cell by cell with python-docx, then touched as Word and WPS leave them — labels
split over several runs, a cell inside a content control, half-width brackets and
spaces in labels, full-width digits, heading variants, table 三 split in two at a page
break with its header repeated."""

from __future__ import annotations

import io
from collections.abc import Callable
from copy import deepcopy

import docx
from docx.oxml import OxmlElement
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

# table 三 of the real 2021 report of 平潭 (shared/examples/pingtan-2021.txt), by row
# label as a clerk typed it: half-width brackets in places, a space inside a label
T3 = [
    (["一、本年新收政府信息公开申请数量"], [64, 0, 0, 2, 0, 4, 70]),
    (["二、上年结转政府信息公开申请数量"], [0] * 7),
    (["三、本年度办理结果", "(一)予以公开"], [27, 0, 0, 2, 0, 1, 30]),
    (["三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
     [5, 0, 0, 0, 0, 0, 5]),
    *[(["三、本年度办理结果", "（三）不予公开", label], values) for label, values in [
        ("1.属于国家秘密", [0] * 7), ("2.其他法律行政法规禁止公开", [0] * 7),
        ("3.危及“三安全一稳定”", [0] * 7), ("4.保护第三方合法权益", [0] * 7),
        ("5.属于三类内部事务信息", [1, 0, 0, 0, 0, 0, 1]), ("6.属于四类过程性信息", [0] * 7),
        ("7.属于行政执法案卷", [6, 0, 0, 0, 0, 0, 6]),
        ("8.属于行政查询事项", [1, 0, 0, 0, 0, 0, 1])]],
    *[(["三、本年度办理结果", "（四）无法提供", label], values) for label, values in [
        ("1.本机关不掌握相关政府信息", [22, 0, 0, 0, 0, 3, 25]),
        ("2.没有现成信息需要另行制作", [0] * 7), ("3.补正后申请内容仍不明确", [0] * 7)]],
    *[(["三、本年度办理结果", "（五）不予处理", label], [0] * 7) for label in [
        "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息"]],
    *[(["三、本年度办理结果", "（六）其他处理", label], values) for label, values in [
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0] * 7),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
        ("3.其他", [1, 0, 0, 0, 0, 0, 1])]],
    (["三、本年度办理结果", "（七）总  计"], [63, 0, 0, 2, 0, 4, 69]),
    (["四、结转下年度继续办理"], [1, 0, 0, 0, 0, 0, 1]),
]
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4 = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "五、存在的主要问题及改进措施", "六、其他需要报告的事项"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def split_runs(cell: _Cell | Paragraph, text: str, bold: bool = False) -> None:
    """Write text in two-character runs, as Word does after editing and spell-checking."""
    paragraph = cell if isinstance(cell, Paragraph) else cell.paragraphs[0]
    for i in range(0, len(text), 2):
        run = paragraph.add_run(text[i:i + 2])
        if bold:
            run.bold = True


def _fill(table: Table, row: int, col: int, text: str) -> None:
    cell = table.cell(row, col)
    cell.text = ""
    split_runs(cell, text)


def _merge(table: Table, top: int, left: int, bottom: int, right: int, text: str) -> None:
    cell = table.cell(top, left).merge(table.cell(bottom, right))
    for paragraph in cell.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    cell.paragraphs[0].text = ""
    split_runs(cell, text)


def wrap_in_content_control(cell: _Cell) -> None:
    """Put a table cell inside a w:sdt, as a form template with fields does."""
    tc = cell._tc
    sdt = OxmlElement("w:sdt")
    sdt_pr = OxmlElement("w:sdtPr")
    sdt_pr.append(OxmlElement("w:text"))
    content = OxmlElement("w:sdtContent")
    tc.addprevious(sdt)
    sdt.append(sdt_pr)
    sdt.append(content)
    content.append(tc)


# table 二 of the same report, group by group: (title, header row, data rows)
T2 = [
    ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
     [["规章", "0", "0", "0"], ["行政规范性文件", "69", "3", "665"]]),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [["行政许可", "2293"]]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"],
     [["行政处罚", "1282"], ["行政强制", "42"]]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"],
     [["行政事业性收费", "24252.311082"]]),
]
# how table 二 is drawn: one table with title rows (the official layout); or one small
# table per group under a bold title paragraph; or with the title in the small table's
# first row, merged across; or under bold titles with no header row after the first
TABLE_TWO_LAYOUTS = ("rows", "paragraphs", "inside", "headerless")


def _table_two(document: docx.Document, layout: str = "rows") -> None:
    if layout == "rows":
        rows = [row for title, header, data in T2 for row in [[title], header, *data]]
        _table_rows(document.add_table(rows=len(rows), cols=4), rows)
        return
    for i, (title, header, data) in enumerate(T2):
        if layout == "inside":
            if i:  # Word joins two tables that touch: a clerk leaves a blank line
                document.add_paragraph()
            rows = [[title], header, *data]
        else:
            split_runs(document.add_paragraph(), title, bold=True)
            rows = [header, *data] if i == 0 or layout == "paragraphs" else data
        _table_rows(document.add_table(rows=len(rows), cols=len(header)), rows)


def _table_rows(table: Table, rows: list[list[str]]) -> None:
    """Rows of texts into a table: one text spans the row, two put the value across
    what is left (the official layout), more fill a cell each."""
    width = len(table.columns)
    for r, cells in enumerate(rows):
        if len(cells) == 1:
            _merge(table, r, 0, r, width - 1, cells[0])
        elif len(cells) == 2 and width > 2:
            _fill(table, r, 0, cells[0])
            _merge(table, r, 1, r, width - 1, cells[1])
        else:
            for c, text in enumerate(cells):
                _fill(table, r, c, text)


def _table_three_header(table: Table) -> None:
    _merge(table, 0, 0, 2, 2,
           "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _merge(table, 0, 3, 0, 9, "申请人情况")
    _merge(table, 1, 3, 2, 3, "自然人")
    _merge(table, 1, 4, 1, 8, "法人或其他组织")
    _merge(table, 1, 9, 2, 9, "总  计")
    for c, label in enumerate(T3_COLUMNS[1:6], start=4):
        _fill(table, 2, c, label)


def _table_three(document: docx.Document, rows: list, digits: Callable[[int], str],
                 header: bool = True) -> Table:
    offset = 3 if header else 0
    table = document.add_table(rows=offset + len(rows), cols=10)
    if header:
        _table_three_header(table)
    for r, (labels, values) in enumerate(rows, start=offset):
        if len(labels) == 1:
            _merge(table, r, 0, r, 2, labels[0])
        elif len(labels) == 2:
            _fill(table, r, 0, labels[0])  # 三、 repeated in every row, never merged
            _merge(table, r, 1, r, 2, labels[1])
        else:
            for c, label in enumerate(labels):
                _fill(table, r, c, label)
        for c, value in enumerate(values, start=3):
            text = value if isinstance(value, str) else "" if value is None else digits(value)
            _fill(table, r, c, text)
    for row in table.rows[:offset]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def _table_four(document: docx.Document, values: list[int]) -> None:
    table = document.add_table(rows=4, cols=15)
    _merge(table, 0, 0, 0, 4, "行政复议")
    _merge(table, 0, 5, 0, 14, "行政诉讼")
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for c, label in enumerate(outcomes):
        _merge(table, 1, c, 2, c, label)
    _merge(table, 1, 5, 1, 9, "未经复议直接起诉")
    _merge(table, 1, 10, 1, 14, "复议后起诉")
    for c, label in enumerate(outcomes * 2, start=5):
        _fill(table, 2, c, label)
    for c, value in enumerate(values):
        _fill(table, 3, c, str(value))


def handmade_report(t3: list | None = None, t4: list[int] | None = None, *,
                    full_width: bool = True, split_table: bool = True,
                    prose: list[str] | None = None, table_two: str = "rows") -> bytes:
    """A 2021-format report .docx made by hand, table 二 drawn as `table_two` (one of
    TABLE_TWO_LAYOUTS); returns its bytes."""
    document = docx.Document()
    document.add_paragraph("平潭综合实验区2021年度政府信息公开工作年度报告")
    document.add_paragraph("根据《中华人民共和国政府信息公开条例》编制本报告。")
    digits = (lambda v: str(v).translate(FULL_WIDTH)) if full_width else str
    rows = deepcopy(t3 or T3)
    for i, heading in enumerate(HEADINGS):
        document.add_paragraph(heading)
        if i == 0:
            for text in prose or ["本年度全区共收到70件申请，办结69件，1件结转下年度继续办理。"]:
                document.add_paragraph(text)
        if i == 1:
            _table_two(document, table_two)
        if i == 2:
            first_of_three = len(document.tables)
            if split_table:  # a page break inside the table: two tables, header repeated
                first = _table_three(document, rows[:12], digits)
                document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
                second = _table_three(document, rows[12:], digits)
                del first, second
            else:
                _table_three(document, rows, digits)
            wrap_in_content_control(document.tables[first_of_three].cell(5, 3))
        if i == 3:
            _table_four(document, t4 or T4)
    document.add_paragraph("2021年，无收取信息处理费情况。")
    document.add_paragraph("平潭综合实验区管理委员会")
    document.add_paragraph("2022年1月28日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
