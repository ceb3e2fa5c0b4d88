"""Why a PDF cannot be read, in the Chinese lines a clerk sees, and the caps that keep
a hostile PDF's cost bounded (what a real report needs, with room to spare)."""

from __future__ import annotations

from nianbao.sources.blocks import HOSTILE, UnreadableSource

MB = 1024 * 1024
MAX_PDF_BYTES = 128 * MB  # a report with embedded fonts is a few MB
MAX_PAGES = 60  # a report is 5 to 20 pages
MAX_OBJECTS = 20_000  # objects a page's drawing reaches; a report page reaches 10 to 50
MAX_STREAM_BYTES = 32 * MB  # one decoded stream (a page's content, a font)
MAX_DECODED_BYTES = 128 * MB  # all decoded streams of one read
MAX_CHARS = 400_000  # characters over all pages read
MAX_PAGE_CONTENT = 2 * MB  # drawing instructions of one page; LibreOffice's are 5–30 KB
MAX_RULES = 2_000  # line segments on one page; a page of table 三 has about 100
MAX_CROSSINGS = 20_000  # where those lines cross; table 三 has about 300
MAX_NESTING = 8  # drawings (form XObjects) inside drawings
MAX_TOKENS = 100_000  # values parsed while looking the file over; a report needs 2 to 10 thousand
MAX_DEPTH = 64  # levels of the page tree, and of values inside values; a report has < 10

TOO_BIG = f"PDF 文件过大（超过 {MAX_PDF_BYTES // MB} MB），不是年度报告"
TOO_MANY_PAGES = f"PDF 文件页数过多（超过 {MAX_PAGES} 页），不是一份年度报告"
TOO_LARGE = "PDF 中的表格过大：{what}，超出可检查的范围"
BOMB = "PDF 文件中的数据解压后过大" + HOSTILE
TOO_MUCH_DRAWN = "PDF 第 {page} 页的内容过多，超出可检查的范围" + HOSTILE
TOO_MUCH_TEXT = f"PDF 文件中的文字过多（超过 {MAX_CHARS} 字），不是一份年度报告"
SCAN = ("此 PDF 没有文字层，是扫描件或图片：nianbao 不从图片中猜测数字；"
        "请改用该报告的 Word 文档（.docx）或网页（.html），或可复制文字的 PDF")
EMPTY = "此 PDF 中没有任何文字，不是年度报告"
PICTURED = ("PDF 中没有找到画有框线的表格（表格可能是图片）：nianbao 不从图片中猜测数字；"
            "请改用该报告的 Word 文档（.docx）或网页（.html）")
ENCRYPTED = "PDF 文件有密码保护，无法读取：请提供未加密的 PDF，或该报告的 Word 文档（.docx）"
BROKEN = "PDF 文件已损坏或不是 PDF（{detail}）：请重新导出 PDF，或改用该报告的 Word 文档（.docx）"
DEEP = "PDF 文件结构嵌套过深" + HOSTILE
TANGLED = "PDF 文件的结构数据过多，远超一份年度报告" + HOSTILE


class UnreadablePdf(UnreadableSource):
    """The PDF cannot be read; `str(exc)` is the Chinese message."""
