"""Any file a report comes as → blocks (paragraphs and table grids in reading order).

One way for every source: `read_source` takes a .docx, a saved web page, text copied
from one or a PDF's text layer, and gives the same `Block`s, so one reader
(`nianbao.reading`) finds the report whatever it was published as. Every reader here
treats its file as hostile: sizes, nesting and work are bounded (`blocks.Budget`).
"""

from __future__ import annotations

from pathlib import Path

from nianbao.errors import Unusable
from nianbao.sources.blocks import Block, read_bounded

# other word processors' reports, read after LibreOffice converts them to .docx
CONVERTED = {".doc": "Word 97-2003 文档（.doc）", ".wps": "WPS 文字文档（.wps）",
             ".odt": "OpenDocument 文档（.odt）", ".rtf": "RTF 文档（.rtf）"}
TEXT = (".txt", ".md")  # copied text: the " |" form or Markdown tables
READABLE = (".docx", *CONVERTED, ".html", ".htm", *TEXT, ".pdf")
# what a report may come as: a folder's listing names each of these
REPORT_SUFFIXES = READABLE


def read_source(path: Path) -> list[Block]:
    """The blocks of a report file, by its suffix; raises Unusable (a subclass for a
    file that is not what its name says)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":  # its text layer; a scan is refused (nianbao reads no images)
        from nianbao.sources.pdf import read_pdf

        return read_pdf(path)
    if suffix not in READABLE:
        raise Unusable(f"不支持的文件类型“{path.suffix}”：可读取 {_listed()}")
    if suffix == ".docx" or suffix in CONVERTED:
        from nianbao.sources.docx.body import read_body
        from nianbao.sources.docx.package import DocxPackage

        if suffix == ".docx":
            return read_body(DocxPackage(path).document_xml())
        from nianbao.sources.libreoffice import convert_to_docx

        return read_body(DocxPackage(convert_to_docx(path, CONVERTED[suffix])).document_xml())
    from nianbao.sources.html import MAX_HTML_BYTES, read_html

    data = read_bounded(path, MAX_HTML_BYTES, "报告文件")  # the readers refuse what is over
    if suffix not in TEXT:
        return read_html(data)
    from nianbao.sources.text import text_blocks

    if len(data) > MAX_HTML_BYTES:
        raise Unusable(f"文本文件过大（超过 {MAX_HTML_BYTES // 2**20} MB），不是年度报告")
    return text_blocks(_decode_text(data))


def _listed() -> str:
    return "、".join(s for s in READABLE if s != ".htm").replace(".html", ".html/.htm")


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unusable("文本文件的编码无法识别（应为 UTF-8 或 GBK）")
