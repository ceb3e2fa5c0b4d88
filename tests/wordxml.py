"""Builders of Word markup for tests (the docx reader's, and any that needs a Word body):
a body XML snippet (with the `w:` prefix) becomes a full document.xml, and a
document.xml a minimal .docx in memory, so each test states exactly the markup it is
about, as python-docx's own tests do."""

from __future__ import annotations

import io
import zipfile

from nianbao.sources.docx import Grid, TableBlock, read_body

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)


def document_xml(body: str, ns: str = W_MAIN) -> bytes:
    """A complete document.xml around a body snippet written with the w: prefix."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{ns}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def docx_bytes(
    document: bytes | None,
    *,
    name: str = "word/document.xml",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal .docx: content types, package relationships and the document part
    (left out when document is None)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS.format(target=name))
        if document is not None:
            package.writestr(name, document)
        for part, data in (extra or {}).items():
            package.writestr(part, data)
    return buffer.getvalue()


def first_grid(body: str, ns: str = W_MAIN) -> Grid:
    """The grid of the first table of a body snippet, read by read_body."""
    tables = [b.grid for b in read_body(document_xml(body, ns)) if isinstance(b, TableBlock)]
    assert tables, "the snippet has no table"
    return tables[0]


def layout(grid: Grid) -> list[list[tuple[str, tuple[int, int], int, int]]]:
    """Every position as (text, origin, row_span, col_span): compact to assert."""
    return [[(c.text, c.origin, c.row_span, c.col_span) for c in row] for row in grid.rows]
