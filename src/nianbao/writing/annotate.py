"""An annotated copy of a checked report: a Word comment (批注) on each cell and
paragraph a finding names, the cell shaded light red, so a clerk fixes the report in
Word where it is wrong rather than hunting for the cell a line of output describes.

The cell is the very `w:tc` the reader placed by its labels (`ReadReport.sources`, the
grid's `GridCell.source`), not one found again by position: merged cells, content
controls and split tables make positions unreliable, which is why python-docx (and its
`Document.add_comment`, which takes python-docx runs of its own parse) is not used.
The copy is the original package with only the main document, its relationships, the
content types and the comments part rewritten; every other part is copied byte for
byte. The original file is never written; the copy is written atomically, never over
an existing file without `force`.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from nianbao.checking.dates import WHERE as DATE_WHERE
from nianbao.checking.report import CheckResult, Previous, check_read
from nianbao.errors import OutputExists, Unusable
from nianbao.reading.document import read_blocks
from nianbao.reading.model import LABEL, ReadReport
from nianbao.sources.docx.body import read_body
from nianbao.sources.docx.grid import W_STRICT, Tags, paragraph_text_of, tags_for, unwrap
from nianbao.sources.docx.package import RELATIONSHIPS_NS, DocxPackage, parse_xml
from nianbao.spec.findings import ERROR, PROSE, Finding
from nianbao.spec.tables import Table
from nianbao.writing.output import write_atomic

Element = etree._Element

FILL = "FFC7CE"  # light red, as spreadsheets mark a bad cell; black text stays legible
AUTHOR, INITIALS = "nianbao 检查", "NB"

TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = {  # by the document's namespace: transitional or strict OOXML
    "": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
    W_STRICT: "http://purl.oclc.org/ooxml/officeDocument/relationships/comments",
}
# what follows w:shd in a w:tcPr (CT_TcPr is a sequence: order matters to Word)
_AFTER_SHADING = frozenset(("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign",
                            "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
                            "tcPrChange"))
_QUOTE = re.compile(r"^正文“(.+?)”：")

NOT_DOCX = "只能为 Word 文档（.docx）加批注：{path}"
SAME_FILE = "加批注的副本不能写到被检查的文件本身：{path}"


@dataclass
class Annotated:
    """A check and its annotated copy: `marked` the findings commented in the copy, in
    `comments` comments (findings about one cell share one), `out` the copy written
    (None when the file could not be read as a report)."""

    result: CheckResult
    marked: list[Finding] = field(default_factory=list)
    comments: int = 0
    out: Path | None = None

    @property
    def unmarked(self) -> list[Finding]:
        """Findings the copy does not show: about no one cell or paragraph (a missing
        row, a table, last year's report) or about text not found again."""
        return [f for f in self.result.findings if f not in self.marked]


def annotate_file(path: Path, out: Path, previous: Previous | None = None,
                  category: str = "", *, force: bool = False) -> Annotated:
    """`nianbao check FILE.docx --annotate OUT.docx`: the check of `path` (as
    `jobs.check.check_file`), and a copy at `out` with a comment on every cell and
    paragraph a finding names. Raises Unusable when `path` is not a .docx or `out` is
    `path`, OutputExists when `out` exists and not `force`; a file that cannot be read
    as a report is `result.unusable`, and then no copy is written."""
    path, out = Path(path), Path(out)
    if path.suffix.lower() != ".docx":
        raise Unusable(NOT_DOCX.format(path=path))
    if out.exists() and path.exists() and out.samefile(path):
        raise Unusable(SAME_FILE.format(path=out))
    if out.exists() and not force:  # before the work; write_atomic checks again
        raise OutputExists(out)
    annotated = Annotated(CheckResult(path))
    try:
        package = DocxPackage(path)
        main = package.main_document_name()
        xml = package.part(main)
        read = read_blocks(read_body(xml))
    except Unusable as exc:
        annotated.result.unusable = str(exc)
        return annotated
    annotated.result.form = read.form.version
    annotated.result.findings = check_read(read, previous, category=category)
    root = _document_root(read)
    if root is None:  # no cell was read: only paragraphs can be commented
        root = parse_xml(xml)
    targets = _targets(read, root, annotated.result.findings)
    placed = {f for found in targets.values() for f in found}
    annotated.marked = [f for f in annotated.result.findings if f in placed]
    annotated.comments = len(targets)
    write_atomic(out, _annotated_package(package, main, root, targets), force=force)
    annotated.out = out
    return annotated


def _document_root(read: ReadReport) -> Element | None:
    """The w:document the reader's cells belong to: the tree the comments go in."""
    for source in read.sources.values():
        if isinstance(source, etree._Element):
            return source.getroottree().getroot()
    return None


# where each finding goes


def _targets(read: ReadReport, root: Element, findings: list[Finding]
             ) -> dict[Element, list[Finding]]:
    """The w:tc or w:p each finding is about, with all the findings about it (one
    comment per place: a total both wrong and suspected is one comment of two lines)."""
    cells = _cells_by_label(read)
    paragraphs = _body_paragraphs(root)
    seen: dict[str, int] = {}  # a quote found n times before: its (n+1)th paragraph
    targets: dict[Element, list[Finding]] = {}
    for finding in findings:
        target = cells.get((finding.table, finding.row, finding.column)) \
            if finding.column else None
        if target is None:
            quote = _quoted(read, finding)
            if quote:
                holding = [p for p, text in paragraphs if quote in text]
                if holding:
                    target = holding[min(seen.get(quote, 0), len(holding) - 1)]
                    seen[quote] = seen.get(quote, 0) + 1
        if target is not None:
            targets.setdefault(target, []).append(finding)
    return targets


def _cells_by_label(read: ReadReport) -> dict[tuple[str, str, str], Element]:
    """(table key, row label, column label) — how a Finding names a cell — to the w:tc
    it was read from. Row and column labels name one cell in every table of a form."""
    found: dict[tuple[str, str, str], Element] = {}
    for table in read.form.tables.values():
        for key, source in _sources_of(read, table):
            row, column = key
            found[(table.key, table.row(row).label, table.column_label(column))] = source
    return found


def _sources_of(read: ReadReport, table: Table) -> Iterable[tuple[tuple[str, str], Element]]:
    for cell in table.cells():
        source = read.sources.get((table.id, *cell.key))
        if isinstance(source, etree._Element):
            yield cell.key, source


def _quoted(read: ReadReport, finding: Finding) -> str:
    """The text of the paragraph a finding without a cell is about: the sentence a
    prose rule quotes (P1–P30, Y1–Y3: its `Quote`), the paragraph with a draft mark
    (T1), the 成文日期, a section heading printed otherwise than the form says."""
    if finding.table == DATE_WHERE:
        return read.date
    if finding.table == "" and finding.rule == LABEL:  # a section heading's variant
        return (finding.found or "").strip()
    if finding.table != PROSE:
        return ""
    if finding.quote is not None:
        return finding.quote.text.replace("\n", "").strip()
    match = _QUOTE.match(finding.message)
    return (match.group(1) if match else finding.found or "").replace("\n", "").strip()


def _body_paragraphs(root: Element) -> list[tuple[Element, str]]:
    """The paragraphs of the body outside tables and text boxes, as the reader reads
    prose (line breaks are layout), in document order."""
    tags = tags_for(root)
    body = root.find(tags.body)
    if body is None:
        return []
    return [(p, paragraph_text_of(p, tags).replace("\n", "").strip())
            for p in body.iter(tags.p)
            if next(p.iterancestors(tags.tbl, tags.txbxContent), None) is None]


# the comments


def _annotated_package(package: DocxPackage, main: str, root: Element,
                       targets: dict[Element, list[Finding]]) -> bytes:
    """The package with the comments: the original parts in their order, four of them
    rewritten (or added); nothing to comment, the parts as they were."""
    if not targets:
        return _zipped(package, {})
    tags = tags_for(root)
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    rels = _xml_part(package, rels_name, f"<Relationships xmlns=\"{RELATIONSHIPS_NS}\"/>")
    comments_name, comments = _comments_part(package, main, rels, tags)
    first = 1 + max((int(i) for i in _comment_ids(root, comments, tags)), default=-1)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for number, (target, findings) in enumerate(targets.items(), start=first):
        _comment(comments, str(number), findings, now, tags)
        _mark(target, str(number), tags)
    types = _xml_part(package, "[Content_Types].xml", f"<Types xmlns=\"{TYPES_NS}\"/>")
    _override(types, comments_name)
    changed = {main: root, rels_name: rels, comments_name: comments,
               "[Content_Types].xml": types}
    return _zipped(package, {name.lower(): _serialised(element)
                             for name, element in changed.items()})


def _xml_part(package: DocxPackage, name: str, empty: str) -> Element:
    return parse_xml(package.part(name) if package.has_part(name) else empty.encode())


def _comments_part(package: DocxPackage, main: str, rels: Element, tags: Tags
                   ) -> tuple[str, Element]:
    """The document's comments part (its comments kept) or a new one, related."""
    kind = COMMENTS_REL.get(tags.ns, COMMENTS_REL[""])
    folder = posixpath.dirname(main)
    relationship = f"{{{RELATIONSHIPS_NS}}}Relationship"
    for rel in rels.iter(relationship):
        if rel.get("Type", "").endswith("/comments") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            if package.has_part(name):
                return name, parse_xml(package.part(name))
            rels.remove(rel)  # a relationship to a part that is not there
    number = 0
    while package.has_part(name := posixpath.join(folder, f"comments{number or ''}.xml")):
        number += 1
    ids = {rel.get("Id") for rel in rels.iter(relationship)}
    rid = next(f"rId{n}" for n in range(len(ids) + 1, 2 * len(ids) + 2) if f"rId{n}" not in ids)
    etree.SubElement(rels, relationship, Id=rid, Type=kind, Target=posixpath.basename(name))
    return name, etree.Element(f"{{{tags.ns}}}comments", nsmap={"w": tags.ns})


def _comment_ids(root: Element, comments: Element, tags: Tags) -> Iterable[str]:
    """The annotation ids in use, numbers only: the comments' own and every w:id of the
    document (bookmarks, tracked changes), which Word wants apart from comments'."""
    attribute = f"{{{tags.ns}}}id"
    for tree in (comments, root):
        for element in tree.iter(etree.Element):
            value = element.get(attribute, "")
            if value.isdigit() and len(value) < 10:
                yield value


def _comment(comments: Element, number: str, findings: list[Finding], now: str,
             tags: Tags) -> None:
    """One w:comment, a paragraph per finding: rule, kind, the finding's message."""
    w = f"{{{tags.ns}}}"
    comment = etree.SubElement(comments, f"{w}comment", {
        f"{w}id": number, f"{w}author": AUTHOR, f"{w}date": now, f"{w}initials": INITIALS})
    for i, finding in enumerate(findings):
        paragraph = etree.SubElement(comment, f"{w}p")
        if i == 0:  # the mark Word shows at the start of a comment
            etree.SubElement(etree.SubElement(paragraph, f"{w}r"), f"{w}annotationRef")
        kind = "错误" if finding.severity == ERROR else "警告"
        text = etree.SubElement(etree.SubElement(paragraph, f"{w}r"), f"{w}t")
        text.text = f"{finding.rule} {kind}：{finding.message}"


def _mark(target: Element, number: str, tags: Tags) -> None:
    """The comment's range around the whole content of a cell (or a paragraph), its
    reference after it; a cell is also shaded."""
    w = f"{{{tags.ns}}}"
    if target.tag == tags.tc:
        _open_control(target, tags)
        _shade(target, tags)
        paragraphs = [child for child in unwrap(target, tags) if child.tag == tags.p]
        if not paragraphs:  # the schema wants one; a hostile file may have none
            paragraphs = [etree.SubElement(target, tags.p)]
        first, last = paragraphs[0], paragraphs[-1]
    else:
        first = last = target
    start = etree.Element(f"{w}commentRangeStart", {f"{w}id": number})
    first.insert(1 if len(first) and first[0].tag == tags.pPr else 0, start)
    etree.SubElement(last, f"{w}commentRangeEnd", {f"{w}id": number})
    reference = etree.SubElement(last, tags.r)
    etree.SubElement(reference, f"{w}commentReference", {f"{w}id": number})


def _open_control(tc: Element, tags: Tags) -> None:
    """A content control around the cell (w:sdt holding w:tc) replaced by what it holds:
    LibreOffice (7.4) shows such a cell empty once it holds a comment, and the comment
    without its text. Word offers no way to make one; it comes from generated forms,
    and the copy is for reading, so the control goes and the cells stay."""
    parent = tc.getparent()
    while parent is not None and parent.tag == tags.sdtContent:
        sdt = parent.getparent()
        if sdt is None or sdt.tag != tags.sdt:
            return
        for child in list(parent):
            sdt.addprevious(child)
        outer = sdt.getparent()
        if outer is not None:
            outer.remove(sdt)
        parent = tc.getparent()


def _shade(tc: Element, tags: Tags) -> None:
    """w:shd with the fill, in its place in the cell's w:tcPr (the first child)."""
    properties = tc.find(tags.tcPr)
    if properties is None:
        properties = etree.Element(tags.tcPr)
        tc.insert(0, properties)
    for old in properties.findall(f"{{{tags.ns}}}shd"):
        properties.remove(old)
    w = f"{{{tags.ns}}}"
    shading = etree.Element(f"{w}shd", {f"{w}val": "clear", f"{w}color": "auto", f"{w}fill": FILL})
    after = next((child for child in properties if isinstance(child.tag, str)
                  and etree.QName(child).localname in _AFTER_SHADING), None)
    if after is None:
        properties.append(shading)
    else:
        after.addprevious(shading)


def _override(types: Element, name: str) -> None:
    """The comments part's content type, unless the package already declares it."""
    part = "/" + name
    for override in types.iter(f"{{{TYPES_NS}}}Override"):
        if override.get("PartName", "").lower() == part.lower():
            return
    etree.SubElement(types, f"{{{TYPES_NS}}}Override", PartName=part, ContentType=COMMENTS_TYPE)


def _serialised(element: Element) -> bytes:
    return etree.tostring(element.getroottree(), xml_declaration=True, encoding="UTF-8",
                          standalone=True)


def _zipped(package: DocxPackage, changed: dict[str, bytes]) -> bytes:
    """The parts in the original's order (each once), changed ones replaced, new ones
    last; stored names kept as they were."""
    buffer = io.BytesIO()
    written: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in package.names:
            key = name.replace("\\", "/").lstrip("/").lower()
            if key in written:
                continue
            written.add(key)
            archive.writestr(name, changed.get(key) or package.part(name))
        for key, data in changed.items():
            if key not in written:
                archive.writestr(key, data)
    return buffer.getvalue()
