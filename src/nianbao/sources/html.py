"""A published web page of a report as the blocks a .docx gives: paragraphs and table
grids in reading order (`nianbao.docx.body.Block`), so the reader that finds a report
in a Word document finds it in a page saved from a government website, or in the
"web page" a clerk saved from Word or WPS, the same way.

We cannot know a site's layout, so every visible text block is returned in order and
the caller finds the report by its headings. Tables follow the HTML table model
(colspan, rowspan, rowspan="0", rows shifted right by cells spanning from above) and
come out as the same `Grid`/`GridCell` objects as Word tables, merges included.

Speed: visiting every element from Python costs several times the parse (Word's HTML
has a few spans per word of text). So the tree is only touched where it matters: at
line breaks and block elements, which get marker characters in their text, and at
tables; the text itself is then taken in one C-level `string()` per cell and one for
the page, and split at the markers.

A page is untrusted input: its size, table rows, cells, columns and table nesting are
capped, and every refusal is an `UnreadableHtml` carrying a Chinese message. The
parser never touches the network; lxml recovers from malformed markup as browsers do.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from typing import cast

from lxml import etree

from nianbao.sources.blocks import (
    HOSTILE,
    MAX_COLUMNS,
    MAX_TABLE_DEPTH,
    Block,
    Budget,
    Grid,
    GridCell,
    ParagraphBlock,
    TableBlock,
    UnreadableSource,
)

__all__ = ["MAX_HTML_BYTES", "UnreadableHtml", "clean_text", "decode", "read_html"]

MB = 1024 * 1024
MAX_HTML_BYTES = 32 * MB
MAX_ROWSPAN = 65_534  # the HTML standard's own cap, before clamping to the row group
CHARSET_SCAN_BYTES = 64 * 1024  # where <meta charset> is looked for
LAYOUT_TEXT = 200  # characters a cell holding a table needs to count as page layout

Element = etree._Element

# what the user reads
TOO_BIG = f"网页文件过大（超过 {MAX_HTML_BYTES // MB} MB），无法作为年度报告网页读取"
TOO_LARGE = "网页中的表格过大：{what}，超出可检查的范围"
TOO_WIDE = f"网页中的表格过宽：超过 {MAX_COLUMNS} 列，超出可检查的范围"
TOO_DEEP = f"网页结构异常：表格嵌套超过 {MAX_TABLE_DEPTH} 层" + HOSTILE
UNPARSABLE = "网页内容无法解析（{detail}），请重新保存网页后再试"


class UnreadableHtml(UnreadableSource):
    """The page cannot be read; `str(exc)` is the Chinese message."""


def read_html(data: bytes) -> list[Block]:
    """The paragraphs and top-level tables of a saved web page, in reading order.

    Paragraph styles are tag names ("p", "h2", "li", "div", "td" in a layout table,
    "caption" before its table). A page without tables still gives its paragraphs:
    whether it is a report is for the caller to decide."""
    if len(data) > MAX_HTML_BYTES:
        raise UnreadableHtml(TOO_BIG)
    source, suspects = _flag_hiding(_usable(decode(bytes(data))))
    root = _parse(source)
    if root is None:
        return []
    try:
        _prune(root, suspects)
        _mark_breaks(root)
        tables = _Tables().extract(root)
        _mark_blocks(root)
    except ValueError as exc:  # lxml refusing a character _usable let through
        raise UnreadableHtml(UNPARSABLE.format(detail=f"{exc!s:.80}")) from None
    return _page_blocks(_STRING(root), root.tag, tables)


# encoding

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"<meta\b[^>]{0,1024}?charset\s*=\s*[\"']?\s*([a-z0-9_.:+-]{1,40})", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"\s{0,64}<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([a-z0-9_.:+-]{1,40})", re.IGNORECASE
)
# GB2312 and GBK are subsets of GB18030, and pages labelled GB2312 routinely use GBK
# characters (browsers decode them as GBK at least)
_GB_LABELS = frozenset((
    "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312", "gb_2312-80",
    "csgb2312", "csiso58gb231280", "iso-ir-58", "chinese", "euc-cn", "gb18030",
))
# as browsers read them (windows-1252), which also keeps a Chinese page mislabelled
# Latin-1 from decoding as such: a few bytes GBK uses are undefined in windows-1252
_WESTERN_LABELS = frozenset((
    "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
    "windows-1252", "cp1252", "x-cp1252",
))


def decode(data: bytes) -> str:
    """The text of a page. A byte order mark decides; otherwise valid UTF-8 is UTF-8
    whatever the page declares (pages re-saved as UTF-8 keep a stale `charset=gb2312`,
    while text in a legacy encoding is practically never valid UTF-8); otherwise the
    declared charset, then GB18030, the usual legacy encoding of Chinese sites."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = declared_encoding(data)
    for candidate in ("utf-8", declared, "gb18030"):
        if candidate is not None:
            try:
                return data.decode(candidate)
            except UnicodeError:  # some codecs (idna) raise other kinds than decode errors
                continue
    try:
        return data.decode(declared or "gb18030", errors="replace")
    except UnicodeError:
        return data.decode("gb18030", errors="replace")


def declared_encoding(data: bytes) -> str | None:
    """The Python codec of the charset a page declares in `<meta charset>`,
    `<meta http-equiv="Content-Type" content="...; charset=...">` or an XML
    declaration; None when there is none or Python does not know it."""
    head = data[:CHARSET_SCAN_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in _WESTERN_LABELS:
        return "cp1252"
    if label.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a meta tag readable as ASCII is no UTF-16: the label is wrong
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    # Python also has bytes-to-bytes codecs (base64, zlib), which are no charsets
    return codec.name if getattr(codec, "_is_text_encoding", True) else None


def _parse(source: bytes) -> Element | None:
    """The root of the page; None for a page without any markup or text. Parsed from
    the decoded text as UTF-8, so that an XML declaration or a meta charset cannot
    redirect lxml.
    lxml.etree's HTML parser, not lxml.html's: the same libxml2 parser, without
    lxml.html's element classes, whose lookup costs more than the parse."""
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )
    try:
        return etree.fromstring(source, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableHtml(UNPARSABLE.format(detail=f"{exc!s:.80}")) from None


# text

_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")
_BLANK = " \t\n\r\f\u00a0\u3000"  # what clean_text leaves nothing of
# East Asian wide characters (CJK, kana, full-width forms), without Hangul
_WIDE = (
    "\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
# a line break in the source between two Chinese characters is no space (CSS Text:
# segment break transformation); Word's HTML export wraps long lines of Chinese text
_WIDE_BREAK = re.compile(f"(?<=[{_WIDE}])[ \\t]*[\\r\\n][ \\t\\r\\n\\f]*(?=[{_WIDE}])")


def clean_text(raw: str) -> str:
    """Text as a browser shows it on one line: ASCII whitespace and no-break spaces
    collapsed to one space, ideographic spaces (U+3000) kept inside but not at the
    ends, and source line breaks between Chinese characters dropped."""
    if "\n" in raw or "\r" in raw:
        raw = _WIDE_BREAK.sub("", raw)
    return _SPACES.sub(" ", raw).strip(" \u3000")


# Markers put into the tree's text: Unicode noncharacters, which no page has a use
# for; those in a page, raw or as character references, are dropped before parsing
BREAK = "\ufdd0"  # a line ends here
START = "\ufdd1"  # after BREAK: a block element starts, BREAK START tag START
END = "\ufdd2"  # after BREAK: the innermost block element ends
TABLE = "\ufdd3"  # after BREAK: a data table stood here, BREAK TABLE key TABLE
CELL, CELL_END = "\ufdd4", "\ufdd5"  # around a cell's text, to read a table at once
# what lxml refuses in text set on an element (control characters, U+FFFE, U+FFFF),
# and the markers
_CONTROLS = bytes((*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_CONTROL_BYTES = tuple(bytes((byte,)) for byte in _CONTROLS)
_UNUSABLE = ("\ufffe", "\uffff", BREAK, START, END, TABLE, CELL, CELL_END)
_DROP_UNUSABLE = dict.fromkeys(map(ord, _UNUSABLE))


def _usable(text: str) -> bytes:
    """The text as UTF-8 without what cannot be text in lxml or would pass for a
    marker; a form feed, HTML whitespace, becomes a space. Looked for one by one
    (fast literal searches) before any costly translation."""
    if any(char in text for char in _UNUSABLE):
        text = text.translate(_DROP_UNUSABLE)
    source = text.encode("utf-8", "replace")
    if any(byte in source for byte in _CONTROL_BYTES):
        source = source.replace(b"\x0c", b" ").translate(None, _CONTROLS)
    if b"&#" in source:
        source = _CHARACTER_REFERENCE.sub(_usable_reference, source)
    return source


_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?")


def _usable_reference(reference: re.Match[bytes]) -> bytes:
    """A character reference as it is, unless to a character _usable drops; libxml2
    itself turns references to NUL, surrogates and beyond U+10FFFF into U+FFFD."""
    hexadecimal, decimal = reference.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code == 0x0C:
        return b" "
    if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or chr(min(code, 0x10FFFF)) in _UNUSABLE:
        return b""
    return reference.group()


# lxml-stubs type a compiled XPath's result as any XPath result: these are typed by what
# their expressions give
_STRING = cast(Callable[[Element], str], etree.XPath("string()"))
_STRING_LENGTH = cast(Callable[[Element], float], etree.XPath("string-length()"))


def _lines(text: str) -> list[str]:
    """The non-empty lines of a text with BREAK markers, each cleaned."""
    if BREAK not in text:
        line = clean_text(text)
        return [line] if line else []
    return [line for piece in text.split(BREAK)
            if piece.strip(_BLANK) and (line := clean_text(piece))]


# elements

# never shown, or page chrome that is never part of a report
_SKIPPED = (
    "head", "title", "script", "style", "noscript", "template", "nav", "select", "option",
    "optgroup", "datalist", "textarea", "button", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "audio", "video", "canvas", "map", "xml", "rp", "rt",
)
_CHROME_ROLES = frozenset(("navigation", "search"))
# elements whose text starts and ends a line
_FLOW_BLOCKS = (
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li",
    "listing", "main", "menu", "ol", "p", "plaintext", "pre", "section", "summary", "ul",
    "xmp", "caption",
)
# on the page, the elements of layout tables too (a data table is gone by then)
_PAGE_BLOCKS = ("html", "body", *_FLOW_BLOCKS, "table", "thead", "tbody", "tfoot", "tr",
                "td", "th")
_PRE = ("pre", "listing", "plaintext", "xmp")
_HIDDEN_STYLE = re.compile(r"(?:^|[;\s])display\s*:\s*none|mso-hide\s*:\s*all", re.IGNORECASE)
# hints of hiding in the source, each found by its first word (a literal search is
# what is fast here)
_HIDING_HINTS = {
    b"display": re.compile(rb"display\s*:\s*none"),
    b"mso-hide": re.compile(rb"mso-hide\s*:\s*all"),
    b"hidden": re.compile(rb"hidden(?:[\s=/>]|$)"),
    b"role": re.compile(rb"role\s*=\s*[\"']?\s*(?:navigation|search)"),
}
HINTS_LOOKED_AT = 2000  # words looked at before looking at every element instead
FLAG = b"data-nianbao-hides"
_FLAGGED = cast(Callable[[Element], list[Element]],
                etree.XPath("descendant-or-self::*[@data-nianbao-hides]"))
_TAG_NAME = re.compile(rb"[a-zA-Z][^\s/>]{0,64}")
_SECTIONS = frozenset(("thead", "tbody", "tfoot"))
_CELLS = frozenset(("td", "th"))
_TABLE_ITEMS = _SECTIONS | _CELLS | {"tr"}
_ROW_ITEMS = _CELLS | {"tr"}
# not looked through for rows or cells: other tables, and what holds no rows
_OPAQUE = frozenset(("table", "caption", "colgroup", "col"))


def _prune(root: Element, suspects: bool | None) -> None:
    """Removes what a reader does not see (their tails stay: they are the parent's).
    suspects: whether _flag_hiding flagged tags, None when every element needs a look."""
    etree.strip_elements(root, *_SKIPPED, with_tail=False)
    if suspects is False:
        return
    candidates = _FLAGGED(root) if suspects else root.iter(etree.Element)
    for element in [e for e in candidates if _hidden(e)]:
        _detach(element)


def _hidden(element: Element) -> bool:
    """Hidden (the `hidden` attribute, display:none, Word's mso-hide:all), or chrome
    marked as such by its ARIA role."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    role = element.get("role")
    return role is not None and role.strip().lower() in _CHROME_ROLES


def _flag_hiding(source: bytes) -> tuple[bytes, bool | None]:
    """The (UTF-8) source with a FLAG attribute added to each tag with a hint of
    hiding (_HIDING_HINTS), and whether there is any; None, with the source as it is,
    when there are too many hints to look at. Asking every element for its style
    from Python would cost more than the parse, and most pages hide little."""
    text = source.lower()  # on bytes: lowering Chinese text as str is slow
    starts: set[int] = set()
    looked_at = 0
    for word, hint in _HIDING_HINTS.items():
        at = text.find(word)
        while at >= 0:
            looked_at += 1
            if looked_at > HINTS_LOOKED_AT:
                return source, None
            if hint.match(text, at) and (word != b"hidden" or text[at - 1 : at].isspace()):
                start = _tag_start(text, at)
                if start >= 0:
                    starts.add(start)
            at = text.find(word, at + 1)
    if not starts:
        return source, False
    parts: list[bytes] = []
    done = 0
    for start in sorted(starts):
        name = _TAG_NAME.match(source, start + 1)
        if name is not None:
            parts += [source[done : name.end()], b" " + FLAG]
            done = name.end()
    parts.append(source[done:])
    return b"".join(parts), True


def _tag_start(text: bytes, at: int) -> int:
    """Where the tag around position at starts; -1 when at is not inside a tag (in a
    CSS rule, say)."""
    window = max(0, at - 4096)
    start = text.rfind(b"<", window, at)
    return start if start > text.rfind(b">", window, at) else -1


def _detach(element: Element, marker: str = "") -> None:
    """Takes an element out of the tree, leaving marker and its tail in its place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = marker + (element.tail or "")
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _mark_breaks(root: Element) -> None:
    """<br>, and line breaks in preformatted text, end lines."""
    for pre in list(root.iter(*_PRE)):
        for element in pre.iter(etree.Element):
            if element.text and "\n" in element.text:
                element.text = element.text.replace("\n", BREAK)
            if element is not pre and element.tail and "\n" in element.tail:
                element.tail = element.tail.replace("\n", BREAK)
    for br in list(root.iter("br")):
        br.tail = BREAK + (br.tail or "")


def _mark_blocks(root: Element) -> None:
    """Block elements on the page: each starts and ends a line, and names the style of
    the lines inside it."""
    for element in list(root.iter(*_PAGE_BLOCKS)):
        element.text = f"{BREAK}{START}{element.tag}{START}{element.text or ''}"
        if element is not root:
            element.tail = f"{BREAK}{END}{element.tail or ''}"


def _mark_cell_blocks(table: Element) -> None:
    """Block elements inside a table's cells (and nested tables' cells) break lines."""
    for element in list(table.iterdescendants(*_FLOW_BLOCKS)):
        element.text = BREAK + (element.text or "")
        element.tail = BREAK + (element.tail or "")


def _page_blocks(text: str, root_tag: str, tables: dict[str, list[Block]]) -> list[Block]:
    """The page's marked text as blocks: a paragraph per line, in the style of the
    innermost block element around it, and the tables where they stood."""
    out: list[Block] = []
    styles = [root_tag]
    for piece in text.split(BREAK):
        if not piece:
            continue
        mark = piece[0]
        if mark in (START, TABLE) and (end := piece.find(mark, 1)) > 0:
            if mark == START:
                styles.append(piece[1:end])
            else:
                out.extend(tables.pop(piece[1:end], ()))
            piece = piece[end + 1 :]
        elif mark == END:
            if len(styles) > 1:
                styles.pop()
            piece = piece[1:]
        if piece.strip(_BLANK):  # most pieces are the source's indentation
            line = clean_text(piece)
            if line:
                out.append(ParagraphBlock(line, styles[-1]))
    return out


# tables


# a table's structure: row groups (thead, tbody, tfoot, or rows outside them), rows,
# cell elements
_Groups = list[list[list[Element]]]
# (text, nested grids, colspan, rowspan); rowspan 0 means to the end of the row group
_Cell = tuple[str, list[Grid], int, int]


class _Tables:
    """Takes the tables out of a page: the data tables become grids, replaced in the
    tree by a TABLE marker; layout tables stay, to be read as page flow."""

    def __init__(self) -> None:
        self.budget = Budget(UnreadableHtml, TOO_LARGE)

    def extract(self, root: Element) -> dict[str, list[Block]]:
        """The blocks of each data table (caption and grid), by marker key."""
        tables = list(root.iter("table"))
        around = [list(table.iterancestors("table")) for table in tables]
        if any(len(outer) > MAX_TABLE_DEPTH for outer in around):
            raise UnreadableHtml(TOO_DEEP)
        found: dict[str, list[Block]] = {}
        data: set[Element] = set()
        for table, outer in zip(tables, around, strict=True):
            if any(t in data for t in outer):
                continue  # nested in a data table: a GridCell.nested of it
            groups = self.structure(table)
            if _is_layout(table, groups):
                continue
            data.add(table)
            key = str(len(found))
            found[key] = self.blocks(table, groups)
            _detach(table, f"{BREAK}{TABLE}{key}{TABLE}{BREAK}")
        return found

    def blocks(self, table: Element, groups: _Groups) -> list[Block]:
        """A data table's grid, after its caption."""
        _mark_cell_blocks(table)
        blocks: list[Block] = []
        caption = next(table.iterchildren("caption"), None)
        if caption is not None:
            blocks += [ParagraphBlock(line, "caption") for line in _lines(_STRING(caption))]
        blocks.append(TableBlock(self.grid(table, groups)))
        return blocks

    def structure(self, table: Element) -> _Groups:
        """The row groups of a table, counting rows and cells against the budget.
        Rows outside thead/tbody/tfoot form a group as the tbody a browser adds would;
        cells outside any row form a row; wrappers (a form around rows) are looked
        through."""
        groups: _Groups = []
        loose: list[Element] = []
        for item in _find(table, _TABLE_ITEMS):
            if item.tag in _SECTIONS:
                if loose:
                    groups.append(self.rows(loose))
                    loose = []
                groups.append(self.rows(_find(item, _ROW_ITEMS)))
            else:
                loose.append(item)
        if loose:
            groups.append(self.rows(loose))
        return groups

    def rows(self, items: Iterable[Element]) -> list[list[Element]]:
        rows: list[list[Element]] = []
        stray: list[Element] | None = None  # cells outside a row, gathered into one
        budget = self.budget
        for item in items:
            if item.tag == "tr":
                stray = None
                budget.take_row()
                cells = [child for child in item if child.tag in _CELLS]
                if len(cells) != len(item):  # something around cells: look through it
                    cells = list(_find(item, _CELLS))
                budget.take_cells(len(cells))
                rows.append(cells)
            else:
                if stray is None:
                    budget.take_row()
                    stray = []
                    rows.append(stray)
                budget.take_cells(1)
                stray.append(item)
        return rows

    def grid(self, table: Element, groups: _Groups) -> Grid:
        """The logical grid of a table whose structure is known."""
        cells = [cell for group in groups for row in group for cell in row]
        if next(table.iterdescendants("table"), None) is None:
            contents = _texts(table, cells)
        else:
            contents = [self.content(cell, table) for cell in cells]
        read = iter(contents)
        placed: list[list[list[_Cell]]] = []
        for group in groups:
            rows = [[(*next(read), *_spans(cell)) for cell in row] for row in group]
            placed.append([row for row, cells in zip(rows, group, strict=True)
                           if not _spacer_row(row, cells)])
        return _layout(placed, self.budget)

    def content(self, cell: Element, table: Element) -> tuple[str, list[Grid]]:
        """A cell's text and the grids of the tables nested in it, which are taken out
        of the cell first: their text is theirs."""
        nested: list[Grid] = []
        inner = [t for t in cell.iterdescendants("table")
                 if next(t.iterancestors("table"), None) is table]
        for t in inner:
            nested.append(self.grid(t, self.structure(t)))
            _detach(t, BREAK)
        return _cell_text(_STRING(cell)), nested


def _texts(table: Element, cells: list[Element]) -> list[tuple[str, list[Grid]]]:
    """The texts of the cells of a table without nested tables, in one string() of
    the table split at markers put around each cell, rather than one per cell."""
    for cell in cells:
        cell.text = CELL + (cell.text or "")
        cell.tail = CELL_END + (cell.tail or "")
    pieces = _STRING(table).split(CELL)[1:]  # what comes first is the caption's
    if len(pieces) != len(cells):  # a marker forged by a character reference
        pieces = [_STRING(cell).replace(CELL, "").replace(CELL_END, "") for cell in cells]
    return [(_cell_text(piece.partition(CELL_END)[0]), []) for piece in pieces]


def _cell_text(text: str) -> str:
    return "\n".join(_lines(text))


def _spans(cell: Element) -> tuple[int, int]:
    """colspan (1 to MAX_COLUMNS) and rowspan (0, to the end of the row group, or 1
    to MAX_ROWSPAN) as browsers read them."""
    colspan = _integer(cell.get("colspan"))
    rowspan = _integer(cell.get("rowspan"))
    return (1 if not colspan else min(colspan, MAX_COLUMNS),
            1 if rowspan is None else min(rowspan, MAX_ROWSPAN))


def _find(parent: Element, wanted: frozenset[str]) -> Iterator[Element]:
    """The elements with a wanted tag under parent, in document order, looking through
    other elements (a form around rows, say) but not into wanted elements or other
    tables. Iterative: deep markup cannot exhaust the Python stack."""
    stack = [iter(parent)]
    while stack:
        for child in stack[-1]:
            tag = child.tag
            if tag in wanted:
                yield child
            elif isinstance(tag, str) and tag not in _OPAQUE and len(child):
                stack.append(iter(child))
                break
        else:
            stack.pop()


def _is_layout(table: Element, groups: _Groups) -> bool:
    """Whether a table only lays out the page (older government sites put the whole
    page in tables): it says so by role, or one of its cells holds another table and
    more text than a cell of a report table ever does. It is then read as page flow,
    so that the report's paragraphs and tables inside it are found."""
    role = table.get("role")
    if role is not None and role.strip().lower() in ("presentation", "none"):
        return True
    if next(table.iterdescendants("table"), None) is None:
        return False
    return any(
        next(cell.iterdescendants("table"), None) is not None
        and _STRING_LENGTH(cell) > LAYOUT_TEXT
        for group in groups for row in group for cell in row
    )


def _spacer_row(row: list[_Cell], cells: list[Element]) -> bool:
    """Word's HTML export ends some tables with a row of empty zero-height cells that
    only fixes column widths (<tr height=0>, in `<![if !supportMisalignedColumns]>`)."""
    if not cells:
        return False
    tr = cells[0].getparent()
    return (
        tr is not None and tr.tag == "tr" and (tr.get("height") or "").strip() == "0"
        and all(not text and not nested for text, nested, _, _ in row)
    )


_INTEGER = re.compile(r"[ \t\n\f\r]*\+?0*(\d+)")


def _integer(value: str | None) -> int | None:
    """An HTML non-negative integer attribute ("2", " 2", "2px"), None when invalid;
    absurdly long numbers read as a billion, to be clamped by the caller."""
    if value is None:
        return None
    match = _INTEGER.match(value)
    if match is None:
        return None
    digits = match.group(1)
    return int(digits) if len(digits) <= 9 else 1_000_000_000


# the grid


class _Area:
    """A cell while the grid is laid out: the rectangle of positions it covers."""

    __slots__ = ("cols", "nested", "origin", "rows", "text")

    def __init__(self, origin: tuple[int, int], rows: int, cols: int, cell: _Cell) -> None:
        self.origin, self.rows, self.cols = origin, rows, cols
        self.text, self.nested = cell[0], cell[1]


def _layout(groups: list[list[list[_Cell]]], budget: Budget) -> Grid:
    """The HTML table model: each cell takes the first column of its row not covered
    by a cell spanning from above, and covers its colspan x rowspan rectangle; spans
    never leave their row group. Only then are the GridCells built."""
    owners: list[list[_Area | None]] = []
    covered = 0
    for group in groups:
        top = len(owners)
        owners.extend([] for _ in group)
        for i, cells in enumerate(group):
            row = owners[top + i]
            remaining = len(group) - i
            col = 0
            for cell in cells:
                while col < len(row) and row[col] is not None:
                    col += 1
                if (cell[2] == 1 and col == len(row) < MAX_COLUMNS
                        and (cell[3] == 1 or remaining == 1)):
                    row.append(_Area((top + i, col), 1, 1, cell))  # the usual cell
                    col += 1
                    continue
                area = _place(owners, top + i, col, remaining, cell)
                covered += area.rows * area.cols
                budget.check_positions(covered)  # the cells count is capped already
                col += area.cols
    width = max((len(row) for row in owners), default=0)
    budget.take_positions(width * len(owners))
    return Grid([_grid_row(r, row, width) for r, row in enumerate(owners)])


def _place(
    owners: list[list[_Area | None]], r: int, col: int, remaining: int, cell: _Cell
) -> _Area:
    """Puts one cell of row r at column col, the first free one. A colspan running
    into a cell spanning from above is cut short there (an overlap, which the HTML
    standard calls a table model error), so that every area stays a rectangle."""
    row = owners[r]
    _, _, colspan, rowspan = cell
    end = col + colspan
    if end > MAX_COLUMNS:
        raise UnreadableHtml(TOO_WIDE)
    for x in range(col + 1, min(end, len(row))):
        if row[x] is not None:
            end = x
            break
    rows = remaining if rowspan == 0 else min(rowspan, remaining)
    area = _Area((r, col), rows, end - col, cell)
    for below in owners[r : r + rows]:
        if len(below) < end:
            below.extend([None] * (end - len(below)))
        below[col:end] = [area] * (end - col)
    return area


def _grid_row(r: int, owners: list[_Area | None], width: int) -> list[GridCell]:
    """GridCells as grid.py builds them: every position of an area carries the area's
    text, origin, spans and nested list; positions no cell covers are missing."""
    row = []
    for c in range(width):
        area = owners[c] if c < len(owners) else None
        if area is None:
            row.append(GridCell("", (r, c), 1, 1, False, True))
        else:
            origin = area.origin
            row.append(GridCell(area.text, origin, area.rows, area.cols, origin == (r, c),
                                False, area.nested))
    return row
