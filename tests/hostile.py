"""A corpus of bad inputs, each with the outcome a clerk must see: the exit code and
the words of the one-line message. Built on the fly (a zip bomb is not kept in git).

Used by tests/test_hostile.py (outcomes) and benchmarks/hostile.py (time and memory).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "pingtan-2021.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Case:
    name: str
    args: list[str]  # the nianbao command line, files relative to the case folder
    exit_code: int
    message: str  # a part of what the clerk is told (stderr/stdout)
    make: Callable[[Path], None]


def _data(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        text = SEED.read_text(encoding="utf-8")
        (folder / "data.yaml").write_text(edit(text), encoding="utf-8")
    return make


def _data_bytes(data: Callable[[], bytes]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / "data.yaml").write_bytes(data())
    return make


def _office(edit: Callable[[str], str]) -> Callable[[Path], None]:
    """The seed data file with its office profile (copied in by the runner) edited."""
    def make(folder: Path) -> None:
        shutil.copy(SEED, folder / "data.yaml")
        profile = folder / "config" / "offices" / "pingtan.yaml"
        profile.write_text(edit(profile.read_text(encoding="utf-8")), encoding="utf-8")
    return make


def _file(name: str, data: Callable[[], bytes]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_bytes(data())
    return make


def _docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        if document_xml:
            z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def _body(inner: str) -> bytes:
    return f'<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'.encode()


def _zip_bomb() -> bytes:
    """A document.xml that inflates to 2 GiB from a few MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open("word/document.xml", "w", force_zip64=True) as f:
        chunk = b"\0" * (16 * 1024 * 1024)
        for _ in range(128):
            f.write(chunk)
    return buffer.getvalue()


def _laughs_xml() -> bytes:
    entities = '<!ENTITY a0 "哈哈">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>'
            "</w:body></w:document>").encode()


def _xxe_xml() -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
            "</w:body></w:document>").encode()


def _big_table(rows: int) -> bytes:
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>" * 4 + "</w:tr>"
    return _docx_with(_body(f"<w:tbl>{row * rows}</w:tbl>"))


def _nested_tables(depth: int) -> bytes:
    inner = "<w:p/>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl><w:p/>"
    return _docx_with(_body(inner))


def _no_tables() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于召开会议的通知")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _laughs_yaml() -> bytes:
    lines = ['a0: &a0 ["哈哈"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 10)]
    return ("\n".join(lines) + "\nyear: *a9\n").encode()


def _template(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        shutil.copy(SEED, folder / "data.yaml")
        source = REPO / "templates" / "annual-report-2021.docx"
        with zipfile.ZipFile(source) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        parts["word/document.xml"] = edit(parts["word/document.xml"].decode()).encode()
        with zipfile.ZipFile(folder / "evil.docx", "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return make


def _pdf(make: Callable[[Path], None]) -> Callable[[], bytes]:
    """The bytes of a PDF that a tests/pdfmake.py function writes to a file."""
    def data() -> bytes:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "in.pdf"
            make(path)
            return path.read_bytes()
    return data


def _pdfmake():  # type: ignore[no-untyped-def]
    import pdfmake  # reportlab: only when a PDF case is made

    return pdfmake


S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(folder: Path) -> dict[str, bytes]:
    """The members of the seed report's 填报表, written by nianbao itself."""
    from nianbao import api

    shutil.copy(SEED, folder / "seed.yaml")
    path = folder / "seed.xlsx"
    path.write_bytes(api.encode_report(api.load_report(folder / "seed.yaml"), path))
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    path.unlink()
    (folder / "seed.yaml").unlink()
    return members


def _xlsx(edit: Callable[[dict[str, bytes]], None]) -> Callable[[Path], None]:
    """The seed's 填报表 with its members edited, as in.xlsx."""
    def make(folder: Path) -> None:
        members = _workbook(folder)
        edit(members)
        with zipfile.ZipFile(folder / "in.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
    return make


def _with_dtd(xml: bytes, dtd: str) -> bytes:
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    root = body[1:body.index(b" ")].decode()
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{dtd}]>'.encode() + body


_LAUGHS = '<!ENTITY a0 "哈哈">' + "".join(
    f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
_OFFICE_SHEET = "xl/worksheets/sheet2.xml"  # 机关信息


def _sheet_laughs(members: dict[str, bytes]) -> None:
    xml = _with_dtd(members[_OFFICE_SHEET], _LAUGHS)
    members[_OFFICE_SHEET] = xml.replace(b"<t>pingtan</t>", b"<t>&a9;</t>")


def _sheet_xxe(members: dict[str, bytes]) -> None:
    xml = _with_dtd(members[_OFFICE_SHEET], '<!ENTITY x SYSTEM "file:///etc/passwd">')
    members[_OFFICE_SHEET] = xml.replace(b"<t>pingtan</t>", b"<t>&x;</t>")


def _shared_strings_laughs(members: dict[str, bytes]) -> None:
    """A sharedStrings part, referenced as Excel references it, expanding to 哈哈 × 10⁹;
    the office id's cell takes its string."""
    members["xl/sharedStrings.xml"] = _with_dtd(
        f'<sst xmlns="{S}" count="1" uniqueCount="1"><si><t>&a9;</t></si></sst>'.encode(),
        _LAUGHS)
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")
    members[_OFFICE_SHEET] = members[_OFFICE_SHEET].replace(
        b'<c r="B2" s="5" t="inlineStr"><is><t>pingtan</t></is></c>',
        b'<c r="B2" s="5" t="s"><v>0</v></c>')


def _huge_dimension(members: dict[str, bytes]) -> None:
    """机关信息 claiming the whole of Excel's grid, with a cell in its last corner."""
    xml = members[_OFFICE_SHEET].replace(b'<dimension ref="A1:B17"/>',
                                         b'<dimension ref="A1:XFD1048576"/>')
    members[_OFFICE_SHEET] = xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')


def _million_rows(members: dict[str, bytes]) -> None:
    rows = "".join(f'<row r="{r}"><c r="C{r}"><v>1</v></c></row>'
                   for r in range(100, 1_000_100)).encode()
    members[_OFFICE_SHEET] = members[_OFFICE_SHEET].replace(b"</sheetData>",
                                                            rows + b"</sheetData>")


def _many_sheets(shared: bool) -> Callable[[dict[str, bytes]], None]:
    """5000 sheets: each in its own member, or all of them one member (5000
    relationships to one sheet: no member more)."""
    def edit(members: dict[str, bytes]) -> None:
        sheets = "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rIdX{i}"/>'
                         for i in range(1, 5001))
        rels = "".join(
            f'<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/{"sheet1" if shared else f"extra{i}"}.xml"/>'
            for i in range(1, 5001))
        members["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>",
                                            f"<sheets>{sheets}</sheets>".encode(),
                                            members["xl/workbook.xml"])
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", rels.encode() + b"</Relationships>")
        if not shared:
            for i in range(1, 5001):
                members[f"xl/worksheets/extra{i}.xml"] = members["xl/worksheets/sheet1.xml"]
    return edit


def _xlsx_bomb() -> bytes:
    """A workbook whose one sheet inflates to 2 GiB from a few MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", f'<Types xmlns="{S}"/>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{S}"/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b" " * (16 * 1024 * 1024)
            for _ in range(128):
                f.write(chunk)
    return buffer.getvalue()


RENDER = ["render", "data.yaml", "-o", "out.docx"]
CHECK = ["check", "in.docx"]
CHECK_PDF = ["check", "in.pdf"]
IMPORT_HTML = ["import", "in.html", "-o", "out.yaml", "--office", "pingtan"]
CHECK_XLSX = ["check", "in.xlsx"]


def corpus() -> list[Case]:
    swap = str.replace
    return [
        # --- data files (YAML typed by hand) ---
        Case("yaml syntax error", RENDER, 1, "YAML 格式错误：这里不能出现冒号",
             _data(lambda t: swap(t, "year: 2021", "year: 2021: x"))),
        Case("yaml tab indentation", RENDER, 1, "不能用 Tab 缩进，请改用空格",
             _data(lambda t: swap(t, "  第二十条第（一）项:", "\t第二十条第（一）项:"))),
        Case("yaml with BOM renders", RENDER, 0, "已生成",
             _data_bytes(lambda: b"\xef\xbb\xbf" + SEED.read_bytes())),
        Case("yaml in GBK", RENDER, 1, "文件不是 UTF-8 编码（可能是 GBK）",
             _data_bytes(lambda: SEED.read_text(encoding="utf-8").encode("gbk"))),
        Case("empty data file", RENDER, 1, "不是数据文件", _data_bytes(lambda: b"")),
        Case("wrong type: year", RENDER, 1, "year（报告年度）：应为四位年份",
             _data(lambda t: swap(t, "year: 2021", "year: 二〇二一"))),
        Case("wrong type: table", RENDER, 1, "表四：应为“标签: 值”的列表",
             _data(lambda t: t.split("表四:")[0] + "表四: 没有\n")),
        Case("negative count", RENDER, 1, "件数不能为负数（-3）",
             _data(lambda t: swap(t, "{本年处理决定数量: 42}", "{本年处理决定数量: -3}"))),
        Case("fractional count", RENDER, 1, "应为整数，填写的是 “4.5”",
             _data(lambda t: swap(t, "{本年处理决定数量: 42}", "{本年处理决定数量: 4.5}"))),
        Case("huge count", RENDER, 1, "数值过大",
             _data(lambda t: swap(t, "{本年处理决定数量: 42}",
                                  "{本年处理决定数量: " + "1" * 31 + "}"))),
        Case("boolean count", RENDER, 1, "应为整数，填写的是 “True”",
             _data(lambda t: swap(t, "{本年处理决定数量: 42}", "{本年处理决定数量: yes}"))),
        Case("duplicate key", RENDER, 1, "重复的键 “year”",
             _data(lambda t: swap(t, "year: 2021", "year: 2021\nyear: 2021"))),
        Case("billion laughs (aliases)", RENDER, 1, "不允许使用 YAML 别名",
             _data_bytes(_laughs_yaml)),
        Case("lists nested 100000 deep", RENDER, 1, "data.yaml:1: YAML 格式错误：嵌套超过 32 层",
             _data_bytes(lambda: b"year: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")),
        Case("markup and template syntax in text", RENDER, 0, "已生成",
             _data(lambda t: swap(t, "    - 2021年，无收取信息处理费情况。",
                                  "    - '<b>A&B</b> \"x\" ''y'' {{ 7*7 }} "
                                  "{% if 1 %}z{% endif %}'"))),
        Case("control character in text", RENDER, 1, "含有不允许的控制字符（U+0007）",
             _data(lambda t: swap(t, "2021年，无收取", "2021年，\x07无收取"))),
        Case("control character escaped in a quoted text", RENDER, 1,
             "data.yaml:30: other（六、其他需要报告的事项）：含有不可打印的控制字符（U+0001）",
             _data(lambda t: swap(t, "    - 2021年，无收取信息处理费情况。",
                                  '    - "2021年，\\x01无收取"'))),
        Case("non-character escaped in a quoted text", RENDER, 1,
             "data.yaml:30: other（六、其他需要报告的事项）：含有不可打印的控制字符（U+FFFF）",
             _data(lambda t: swap(t, "    - 2021年，无收取信息处理费情况。",
                                  '    - "2021年，\\uFFFF无收取"'))),
        Case("control character in the office profile", RENDER, 1,
             "pingtan.yaml:9: signature（落款署名）：含有不可打印的控制字符（U+0001）",
             _office(lambda t: swap(t, "signature: 平潭综合实验区管理委员会",
                                    'signature: "平潭综合实验区管理委员会\\x01"'))),
        Case("very long paragraph", RENDER, 1, "段落过长（300000 字）",
             _data(lambda t: swap(t, "    - 2021年，无收取信息处理费情况。",
                                  "    - " + "长" * 300_000))),
        Case("data file too large", RENDER, 2, "文件过大",
             _data(lambda t: t + "#" * (6 * 1024 * 1024))),
        # --- report .docx files that came by e-mail ---
        Case("not a zip", CHECK, 2, "不是 Word 文档（.docx）：文件不是 zip 格式",
             _file("in.docx", lambda: b"%PDF-1.4 not a docx")),
        Case("truncated zip", CHECK, 2, "Word 文档已损坏或不完整",
             _file("in.docx", lambda: _no_tables()[:3000])),
        Case("encrypted word file", CHECK, 2, "密码",
             _file("in.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)),
        Case("zip bomb", CHECK, 2, "已拒绝读取", _file("in.docx", _zip_bomb)),
        Case("entity expansion", CHECK, 2, "已拒绝读取",
             _file("in.docx", lambda: _docx_with(_laughs_xml()))),
        Case("external entity (XXE)", CHECK, 2, "已拒绝读取",
             _file("in.docx", lambda: _docx_with(_xxe_xml()))),
        Case("no word/document.xml", CHECK, 2, "document.xml",
             _file("in.docx", lambda: _docx_with(b"", {"word/other.xml": b"<x/>"}))),
        Case("docx without tables", CHECK, 2, "文档中没有找到年报的表格",
             _file("in.docx", _no_tables)),
        Case("table with 15000 rows", CHECK, 2, "文档中没有找到年报的表格",
             _file("in.docx", lambda: _big_table(15_000))),
        Case("table with 30000 rows", CHECK, 2, "表格过大",
             _file("in.docx", lambda: _big_table(30_000))),
        Case("tables nested 40 deep", CHECK, 2, "表格嵌套超过 32 层",
             _file("in.docx", lambda: _nested_tables(40))),
        Case("tables nested 100 deep", CHECK, 2, "嵌套过深",
             _file("in.docx", lambda: _nested_tables(100))),
        Case("import a docx zip bomb", ["import", "in.docx", "-o", "out.yaml"], 2,
             "已拒绝读取", _file("in.docx", _zip_bomb)),
        # --- web pages ---
        Case("html without tables", IMPORT_HTML, 2, "没有找到年报的表格",
             _file("in.html", lambda: "<html><body><p>通知</p></body></html>".encode())),
        Case("malformed html", IMPORT_HTML, 2, "没有找到年报的表格",
             _file("in.html", lambda: b"<html><body><table><tr><td>x<td><table><p>< &&& </b")),
        Case("huge html page", IMPORT_HTML, 2, "过大",
             _file("in.html", lambda: b"<p>" + b"x" * (40 * 1024 * 1024))),
        # --- PDFs ---
        Case("pdf scan without text", CHECK_PDF, 2, "是扫描件或图片：nianbao 不从图片中猜测数字",
             _file("in.pdf", _pdf(lambda p: _pdfmake().scan_pdf(p)))),
        Case("import a pdf scan", ["import", "in.pdf", "-o", "out.yaml"], 2, "没有文字层",
             _file("in.pdf", _pdf(lambda p: _pdfmake().scan_pdf(p)))),
        Case("encrypted pdf", CHECK_PDF, 2, "PDF 文件有密码保护",
             _file("in.pdf", _pdf(lambda p: _pdfmake().encrypted_pdf(p)))),
        Case("truncated pdf", CHECK_PDF, 2, "PDF 文件已损坏或不是 PDF",
             _file("in.pdf", lambda: _pdf(lambda p: _pdfmake().report_pdf(p))()[:2000])),
        Case("not a pdf", CHECK_PDF, 2, "PDF 文件已损坏或不是 PDF",
             _file("in.pdf", lambda: b"PK\x03\x04 a zip named .pdf")),
        Case("pdf with 100000 pages", CHECK_PDF, 2, "结构数据过多",
             _file("in.pdf", lambda: _pdfmake().many_pages_pdf(100_000))),
        Case("pdf deflate bomb (1 GiB stream)", CHECK_PDF, 2, "解压后过大",
             _file("in.pdf", lambda: _pdfmake().bomb_pdf())),
        Case("pdf cross-reference stream bomb", CHECK_PDF, 2, "解压后过大",
             _file("in.pdf", lambda: _pdfmake().xref_bomb_pdf())),
        Case("pdf deflate bomb with a bad checksum", CHECK_PDF, 2, "解压后过大",
             _file("in.pdf", lambda: _pdfmake().bomb_pdf(corrupt=True))),
        Case("pdf page of 20000 ruling lines", CHECK_PDF, 2, "内容过多",
             _file("in.pdf", lambda: _pdfmake().ruled_pdf(10_000))),
        Case("pdf page tree nested 5000 deep", CHECK_PDF, 2, "嵌套过深",
             _file("in.pdf", lambda: _pdfmake().deep_pdf(5_000))),
        # --- 填报表 workbooks returned by offices ---
        Case("xlsx zip bomb", CHECK_XLSX, 2, "工作簿解压后过大（可能是压缩炸弹），拒绝读取",
             _file("in.xlsx", _xlsx_bomb)),
        Case("xlsx render of a zip bomb", ["render", "in.xlsx", "-o", "out.docx"], 2,
             "in.xlsx: 工作簿解压后过大", _file("in.xlsx", _xlsx_bomb)),
        Case("xlsx entity expansion in a sheet", CHECK_XLSX, 2,
             "in.xlsx: 无法检查：工作簿含有 XML 文档类型声明", _xlsx(_sheet_laughs)),
        Case("xlsx entity expansion in sharedStrings", CHECK_XLSX, 2,
             "in.xlsx: 无法检查：工作簿含有 XML 文档类型声明", _xlsx(_shared_strings_laughs)),
        Case("xlsx external entity (XXE)", CHECK_XLSX, 2,
             "in.xlsx: 无法检查：工作簿含有 XML 文档类型声明", _xlsx(_sheet_xxe)),
        Case("xlsx sheet claiming a huge dimension", CHECK_XLSX, 2,
             "工作表“机关信息”过大（1048576 行、16384 列", _xlsx(_huge_dimension)),
        Case("xlsx sheet of a million rows", CHECK_XLSX, 2, "工作表过大（超过 5000 行",
             _xlsx(_million_rows)),
        Case("xlsx with 5000 sheets", CHECK_XLSX, 2, "工作表过多（5006 个",
             _xlsx(_many_sheets(shared=False))),
        Case("xlsx with 5000 sheets in one member", CHECK_XLSX, 2, "工作表过多（5000 个",
             _xlsx(_many_sheets(shared=True))),
        Case("xlsx that is not a zip", CHECK_XLSX, 2,
             "in.xlsx: 无法检查：不是 Excel 工作簿（.xlsx）：文件不是 zip 压缩包",
             _file("in.xlsx", lambda: "项目,内容\n机关信息文件名,pingtan\n".encode())),
        # --- templates restyled or tampered with ---
        Case("template reaching for __mro__", [*RENDER, "--template", "evil.docx"], 2,
             "含有不允许的表达式", _template(lambda x: swap(x, "{{ title }}",
                                                      "{{ ''.__class__.__mro__[1] }}"))),
        Case("template reaching for globals", [*RENDER, "--template", "evil.docx"], 2,
             "含有不允许的表达式", _template(lambda x: swap(
                 x, "{{ title }}", "{{ cycler.__init__.__globals__ }}"))),
        Case("template importing a file", [*RENDER, "--template", "evil.docx"], 2,
             "模板 evil.docx 试图引用其他文件（/etc/passwd）", _template(lambda x: swap(
                 x, "{{ title }}", "{% include '/etc/passwd' %}{{ title }}"))),
        # markup in every document it renders: the template is unusable (found when its
        # fixed text is, before any report)
        Case("template writing raw markup", [*RENDER, "--template", "evil.docx"], 2,
             "模板 evil.docx 生成的文档不是有效的 XML", _template(lambda x: swap(x, "{{ title }}",
                                                   "{{ '<w:t>' | safe }}{{ title }}"))),
    ]
