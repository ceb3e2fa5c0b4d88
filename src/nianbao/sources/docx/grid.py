"""A Word table (`w:tbl`) as its logical grid, and the text rules shared with body.py.

python-docx's `row.cells` and `Table.cell()` misplace cells after `w:gridBefore`, drop
cells wrapped in content controls (`w:sdt`) and ignore legacy `w:hMerge`; a checker
that compares a report's tables cell by cell needs every position right. So the grid
is rebuilt here from the XML: one `GridCell` per grid column per row, each knowing
the merge area it belongs to and that area's text.

Everything works on lxml elements with precomputed qualified tag names (`Tags`);
no XPath in the loops, since this runs for every report checked. Hostile input costs
bounded time: nesting depth, rows, cells and columns are capped (`Budget`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from nianbao.sources.blocks import (
    HOSTILE,
    MAX_COLUMNS,
    MAX_TABLE_DEPTH,
    Budget,
    Grid,
    GridCell,
)
from nianbao.sources.docx.package import UnreadableDocx

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

MAX_PARAGRAPHS = 200_000  # per read; bounds the memory of the scan, not only its time

TOO_LARGE = "Word 文档中的表格过大：{what}，超出可检查的范围"
OFF_VALUES = frozenset({"0", "false", "off"})

Element = etree._Element


class Tags:
    """Qualified tag names of one WordprocessingML namespace (transitional or strict),
    built once so the loops compare strings instead of parsing names."""

    def __init__(self, ns: str) -> None:
        def q(local: str) -> str:
            return f"{{{ns}}}{local}"

        self.ns = ns
        self.document, self.body, self.tbl, self.tr, self.tc = (
            q("document"), q("body"), q("tbl"), q("tr"), q("tc"))
        self.p, self.r, self.t, self.pPr, self.pStyle, self.rPr, self.vanish = (
            q("p"), q("r"), q("t"), q("pPr"), q("pStyle"), q("rPr"), q("vanish"))
        self.trPr, self.tcPr, self.gridSpan, self.vMerge, self.hMerge = (
            q("trPr"), q("tcPr"), q("gridSpan"), q("vMerge"), q("hMerge"))
        self.gridBefore, self.gridAfter, self.deleted, self.altChunk = (
            q("gridBefore"), q("gridAfter"), q("del"), q("altChunk"))
        self.sdt, self.sdtPr, self.sdtContent, self.showingPlcHdr, self.customXml = (
            q("sdt"), q("sdtPr"), q("sdtContent"), q("showingPlcHdr"), q("customXml"))
        self.txbxContent, self.val = q("txbxContent"), q("val")
        self.alternate = f"{{{MC_NS}}}AlternateContent"
        self.choice, self.fallback = f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"
        self.wrappers = frozenset((self.sdt, self.customXml, self.alternate))
        # run content that is not w:t but shows as text
        self.marks: dict[str, str] = {
            q("tab"): " ", q("ptab"): " ", q("br"): "\n", q("cr"): "\n",
            q("noBreakHyphen"): "-", q("softHyphen"): "",
        }
        # subtrees whose w:t do not count (or that hold none): deleted and moved-away
        # text, text boxes (a text flow of their own), phonetic guides, properties
        self.no_text: frozenset[str] = frozenset(q(name) for name in (
            "del", "moveFrom", "txbxContent", "rt", "pPr", "rPr", "sdtPr",
        ))
        self.row_properties = frozenset((self.gridBefore, self.gridAfter))
        self.properties = frozenset((self.gridSpan, self.vMerge, self.hMerge,
                                     *self.row_properties))
        # what Reader scans for: paragraphs and their text, properties, and any sign
        # that a paragraph is more than w:t in runs (it then takes the careful rules)
        self.scan: tuple[str, ...] = (
            self.p, self.t, *self.properties, *self.marks, self.deleted, q("moveFrom"),
            self.txbxContent, q("rt"), self.vanish, *self.wrappers,
        )


_TAGS = {W_MAIN: Tags(W_MAIN), W_STRICT: Tags(W_STRICT)}


def tags_for(element: Element) -> Tags:
    """The tag set of the element's namespace: transitional and strict OOXML differ
    only in the namespace URI."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        ns = tag[1 : tag.find("}")]
        tags = _TAGS.get(ns)
        if tags is not None:
            return tags
    raise UnreadableDocx(f"不是 Word 文档：内容使用了无法识别的格式（{tag!s:.80}）")


def read_table(tbl: Element, budget: Budget | None = None) -> Grid:
    """The logical grid of a `w:tbl` element; nested tables are on `GridCell.nested`."""
    return Reader(tbl, budget).table(tbl)


def tables_in(body: Element) -> list[Element]:
    """The top-level `w:tbl` elements of a `w:body` (or `w:document`) in document order,
    including those inside block-level content controls; nested tables are reached
    through `GridCell.nested` instead."""
    tags = tags_for(body)
    if body.tag == tags.document:
        found = body.find(tags.body)
        if found is None:
            return []
        body = found
    return [child for child in unwrap(body, tags) if child.tag == tags.tbl]


class Reader:
    """Reads the tables and paragraphs under one root element (a body, a table, a
    paragraph) with shared caps.

    One C-level, tag-filtered pass over the root (`_scan`) gathers, in document order,
    every paragraph's w:t text and the rare things that need attention: cell and row
    properties (merges, gridBefore/After, deleted rows), content-control wrappers,
    placeholders, and anything that makes a paragraph more than plain runs of text
    (those few paragraphs are then read by the careful rules). The structural walk
    that follows only looks things up: reading cell by cell with find() or visiting
    every element in Python would cost several times the parse of the document."""

    def __init__(self, root: Element, budget: Budget | None = None) -> None:
        self.tags = tags_for(root)
        self.budget = budget or Budget(UnreadableDocx, TOO_LARGE)
        self.texts: dict[Element, str] = {}  # w:p -> its text
        self.cells: dict[Element, list[int | str | None]] = {}  # tc -> gridSpan, v/hMerge
        self.rows: dict[Element, list[int | bool]] = {}  # tr -> gridBefore, gridAfter, deleted
        self.wrapped = False  # any w:sdt, w:customXml, mc:AlternateContent outside paragraphs
        self._scan(root)

    def paragraph(self, p: Element) -> str:
        """The visible text of a `w:p` under the root (see `paragraph_text_of`)."""
        text = self.texts.get(p)
        return _careful_text(p, self.tags) if text is None else text

    def children(self, parent: Element) -> Iterable[Element]:
        """The children of parent with wrappers opened up (see `unwrap`); the parent
        itself, to iterate, in the usual document without wrappers."""
        if not self.wrapped:
            return parent
        return list(unwrap(parent, self.tags))

    def table(self, tbl: Element, depth: int = 0) -> Grid:
        """The grid of a `w:tbl` under the root; depth counts the tables around it."""
        if depth > MAX_TABLE_DEPTH:
            raise UnreadableDocx(f"Word 文档结构异常：表格嵌套超过 {MAX_TABLE_DEPTH} 层" + HOSTILE)
        rows: list[_Row] = []
        tr_tag, row_properties, budget = self.tags.tr, self.rows, self.budget
        for child in self.children(tbl):
            if child.tag == tr_tag:
                budget.take_row()
                before, after, deleted = row_properties.get(child, _NO_ROW_PROPERTIES)
                if not deleted:  # a row deleted with tracked changes is gone
                    rows.append((before, after, self._cells(child, depth)))
        return _layout(rows, budget)

    def _cells(self, tr: Element, depth: int) -> list[_Cell]:
        tags, budget = self.tags, self.budget
        tc_tag, properties = tags.tc, self.cells
        cells = []
        for tc in self.children(tr):
            if tc.tag == tc_tag:
                budget.cells += 1
                if budget.cells > budget.max_cells:
                    budget.refuse_cells()
                text, nested = self._content(tc, depth)
                cells.append((text, nested, *properties.get(tc, _NO_CELL_PROPERTIES), tc))
        return cells

    def _content(self, tc: Element, depth: int) -> tuple[str, list[Grid]]:
        """A cell's paragraphs joined by newlines, and its nested tables apart."""
        tags, texts = self.tags, self.texts
        p_tag = tags.p
        parts: list[str] = []
        nested: list[Grid] = []
        for child in self.children(tc):
            tag = child.tag
            if tag == p_tag:
                text = texts.get(child)
                parts.append(_careful_text(child, tags) if text is None else text)
            elif tag == tags.tbl:
                nested.append(self.table(child, depth + 1))
            elif tag == tags.altChunk:
                raise UnreadableDocx(ALT_CHUNK)
        return (parts[0] if len(parts) == 1 else "\n".join(parts)), nested

    def _scan(self, root: Element) -> None:
        tags = self.tags
        p_tag, t_tag = tags.p, tags.t
        collected: dict[Element, list[str]] = {}
        careful: set[Element] = set()  # paragraphs needing the careful text rules
        blank: set[Element] = set()  # paragraphs in content controls showing placeholders
        parts: list[str] = []
        for element in root.iter(*tags.scan):
            tag = element.tag
            if tag == t_tag:
                text = element.text
                if text:
                    parts.append(text)
            elif tag == p_tag:
                parts = collected[element] = []
                if len(collected) > MAX_PARAGRAPHS:
                    raise UnreadableDocx(
                        f"Word 文档过大：段落超过 {MAX_PARAGRAPHS} 段，超出可检查的范围")
            elif tag in tags.properties:
                self._property(element, tag)
            else:
                self._exception(element, tag, careful, blank)
        texts = self.texts
        for p, p_parts in collected.items():
            texts[p] = p_parts[0] if len(p_parts) == 1 else "".join(p_parts)
        for p in careful:
            texts[p] = _careful_text(p, tags)
        for p in blank:
            texts[p] = ""

    def _property(self, element: Element, tag: str) -> None:
        """A merge or gridBefore/After, if it is the cell's (row's) own property and
        not the old value kept by tracked formatting changes (tcPrChange)."""
        tags = self.tags
        if tag in tags.row_properties:
            tr = _owner(element, tags.trPr, tags.tr)
            if tr is not None:
                row_properties = self.rows.setdefault(tr, list(_NO_ROW_PROPERTIES))
                row_properties[0 if tag == tags.gridBefore else 1] = _number(element, tags, 0)
            return
        tc = _owner(element, tags.tcPr, tags.tc)
        if tc is not None:
            cell_properties = self.cells.setdefault(tc, list(_NO_CELL_PROPERTIES))
            if tag == tags.gridSpan:
                cell_properties[0] = max(1, _number(element, tags, 1))
            else:
                cell_properties[1 if tag == tags.vMerge else 2] = _merge(element, tags)

    def _exception(
        self, element: Element, tag: str, careful: set[Element], blank: set[Element]
    ) -> None:
        """Something the text rules or the structural walk must look at."""
        tags = self.tags
        paragraphs = list(element.iterancestors(tags.p))
        if tag in tags.wrappers:
            # around blocks, rows or cells (not runs), it changes the structural walk
            self.wrapped = self.wrapped or not paragraphs
            if tag == tags.sdt and shows_placeholder(element, tags):
                content = element.find(tags.sdtContent)
                if content is not None:
                    blank.update(content.iter(tags.p))
        elif tag == tags.deleted:  # deleted text, or a row deleted with tracked changes
            tr = _owner(element, tags.trPr, tags.tr)
            if tr is not None:
                self.rows.setdefault(tr, list(_NO_ROW_PROPERTIES))[2] = True
                return
        elif tag == tags.txbxContent:  # a text box: its paragraphs sit inside another
            careful.update(element.iter(tags.p))
        careful.update(paragraphs)


# (text, nested tables, gridSpan, vMerge, hMerge, the w:tc); vMerge/hMerge: None,
# restart, continue
_Cell = tuple[str, list[Grid], int, "str | None", "str | None", Element]
_Row = tuple[int, int, list[_Cell]]  # (gridBefore, gridAfter, cells)
_NO_CELL_PROPERTIES = (1, None, None)
_NO_ROW_PROPERTIES = (0, 0, False)


def _owner(element: Element, parent_tag: str, owner_tag: str) -> Element | None:
    """The tc (tr) whose own tcPr (trPr) holds element, else None."""
    parent = element.getparent()
    if parent is None or parent.tag != parent_tag:
        return None
    owner = parent.getparent()
    return owner if owner is not None and owner.tag == owner_tag else None


ALT_CHUNK = (
    "Word 文档中含有嵌入的外部内容块（altChunk），其中的文字无法直接读取。"
    "请在 Word 中打开该文档，“另存为”Word 文档（.docx）后再试"
)
TOO_WIDE = f"Word 文档中的表格过宽：超过 {MAX_COLUMNS} 列，超出可检查的范围"


def _number(element: Element, tags: Tags, default: int) -> int:
    """A w:val count (gridSpan, gridBefore, gridAfter): lenient about junk, since Word
    is, but a huge count can only be an attack on the grid's size."""
    try:
        value = int(element.get(tags.val, ""))
    except ValueError:
        return default
    if value > MAX_COLUMNS:
        raise UnreadableDocx(TOO_WIDE)
    return max(value, 0)


def _merge(element: Element, tags: Tags) -> str:
    """vMerge/hMerge: "restart" starts an area; present without val means continue."""
    return "restart" if element.get(tags.val) == "restart" else "continue"


class _Area:
    """A merge area while the grid is laid out; rows grows with vMerge continuations."""

    __slots__ = ("cols", "left", "nested", "origin", "rows", "tc", "text")

    def __init__(self, top: int, left: int, cols: int, cell: _Cell) -> None:
        self.origin, self.left, self.rows, self.cols = (top, left), left, 1, cols
        self.text, self.nested, self.tc = cell[0], cell[1], cell[5]


def _layout(rows: list[_Row], budget: Budget) -> Grid:
    """Places the cells of each row on grid columns, joins merge areas, and only then
    builds the GridCells, once every area's final size is known."""
    placed = [_place_row(row) for row in rows]
    width = max((end for _, end in placed), default=0)
    budget.take_positions(width * len(rows))
    owners: list[list[_Area | None]] = []
    for r, (placements, _) in enumerate(placed):
        owners.append(_own_row(r, placements, owners[r - 1] if r else None, width))
    return Grid([_grid_row(r, row) for r, row in enumerate(owners)])


def _place_row(row: _Row) -> tuple[list[tuple[int, int, _Cell]], int]:
    """(column, span, cell) for each cell, legacy hMerge continuations folded into the
    cell they continue; and the column where the row ends, gridAfter included."""
    before, after, cells = row
    placements: list[tuple[int, int, _Cell]] = []
    col = before
    for cell in cells:
        span = cell[2]
        if cell[4] == "continue" and placements:
            start, first_span, first = placements[-1]
            placements[-1] = (start, first_span + span, first)
        else:
            placements.append((col, span, cell))
        col += span
    if col + after > MAX_COLUMNS:
        raise UnreadableDocx(TOO_WIDE)
    return placements, col + after


def _own_row(
    r: int,
    placements: list[tuple[int, int, _Cell]],
    above: list[_Area | None] | None,
    width: int,
) -> list[_Area | None]:
    """The area owning each position of row r. A vMerge continuation joins the area
    above when that area covers exactly the same columns; otherwise (first row, gap or
    misaligned spans) it stands alone, as there is nothing it could continue."""
    owners: list[_Area | None] = [None] * width
    for col, span, cell in placements:
        area = above[col] if above is not None and cell[3] == "continue" else None
        if area is not None and area.left == col and area.cols == span:
            area.rows += 1
        else:
            area = _Area(r, col, span, cell)
        if span == 1:
            owners[col] = area
        else:
            owners[col : col + span] = [area] * span
    return owners


def _grid_row(r: int, owners: list[_Area | None]) -> list[GridCell]:
    row = []
    for c, area in enumerate(owners):
        if area is None:
            row.append(GridCell.missing_at(r, c))
        else:
            origin = area.origin
            row.append(GridCell(area.text, origin, area.rows, area.cols, origin == (r, c),
                                False, area.nested, area.tc))
    return row


# content controls and other wrappers


def unwrap(parent: Element, tags: Tags) -> Iterator[Element]:
    """The children of parent with content controls (w:sdt), w:customXml and
    mc:AlternateContent opened up: what they wrap counts as parent's own children.
    Iterative, so hostile nesting of wrappers cannot exhaust the Python stack."""
    wrappers = tags.wrappers
    stack = [iter(parent)]
    while stack:
        for child in stack[-1]:
            if child.tag in wrappers:
                inside = _inside(child, tags)
                if inside is not None:
                    stack.append(iter(inside))
                    break
            else:
                yield child
        else:
            stack.pop()


def _inside(wrapper: Element, tags: Tags) -> Element | None:
    """The element whose children a wrapper contributes."""
    tag = wrapper.tag
    if tag == tags.sdt:
        return wrapper.find(tags.sdtContent)
    if tag == tags.customXml:
        return wrapper
    return _alternate_branch(wrapper, tags)


def shows_placeholder(sdt: Element, tags: Tags) -> bool:
    return _property_on(sdt, tags.sdtPr, tags.showingPlcHdr, tags)


def _property_on(element: Element, properties_tag: str, flag_tag: str, tags: Tags) -> bool:
    """Whether an on/off flag is set in an element's properties (w:rPr, w:sdtPr)."""
    properties = element.find(properties_tag)
    if properties is None:
        return False
    flag = properties.find(flag_tag)
    return flag is not None and _is_on(flag, tags)


def _is_on(element: Element, tags: Tags) -> bool:
    """An OOXML on/off property: present means on unless val says 0/false/off."""
    return element.get(tags.val) not in OFF_VALUES


def _alternate_branch(alternate: Element, tags: Tags) -> Element | None:
    """mc:AlternateContent: we understand no extension namespace, so, as the markup
    compatibility rules say, the Fallback is what we read (else the first Choice)."""
    fallback = alternate.find(tags.fallback)
    return fallback if fallback is not None else alternate.find(tags.choice)


# text


def paragraph_text_of(p: Element, tags: Tags | None = None) -> str:
    """The visible text of a `w:p`: every w:t (and tab, break, hyphen) in its runs, in
    order, wherever the runs sit (hyperlinks, insertions, fields, smart tags, content
    controls); without deleted or moved-away text, field instructions, hidden runs
    (w:vanish), placeholder text, text boxes and phonetic guides.

    Reading many paragraphs, use a `Reader` over their common root instead: it scans
    once for the paragraphs that need these rules and reads the others fast."""
    return _careful_text(p, tags or tags_for(p))


def _careful_text(p: Element, tags: Tags) -> str:
    """The full rules, walking the paragraph's subtree (iteratively: hostile nesting
    cannot exhaust the Python stack)."""
    parts: list[str] = []
    t_tag, marks, skipped = tags.t, tags.marks, tags.no_text
    stack = [iter(p)]
    while stack:
        for child in stack[-1]:
            tag = child.tag
            if tag == t_tag:
                parts.append(child.text or "")
            elif tag in marks:
                parts.append(marks[tag])
            elif tag in skipped or _invisible(child, tag, tags):
                continue
            elif tag == tags.alternate:
                branch = _alternate_branch(child, tags)
                if branch is not None:
                    stack.append(iter(branch))
                    break
            elif len(child):
                stack.append(iter(child))
                break
        else:
            stack.pop()
    return "".join(parts)


def _invisible(element: Element, tag: str, tags: Tags) -> bool:
    """A hidden run, or a content control still showing its placeholder prompt."""
    if tag == tags.r:
        return _is_hidden(element, tags)
    return tag == tags.sdt and shows_placeholder(element, tags)


def _is_hidden(run: Element, tags: Tags) -> bool:
    return _property_on(run, tags.rPr, tags.vanish, tags)
