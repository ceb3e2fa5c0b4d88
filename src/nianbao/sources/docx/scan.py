"""A quick scan of WordprocessingML that this program has just written itself: the
texts of each top-level table and of each body paragraph, found without building a
tree.

Only for a document rendered from a proven template, never for a file that came from
outside: the scan trusts the markup to be well-formed and knows only the elements it
looks for (w:tbl, w:p, w:t). `fastcheck` proves, once per template, that the scan reads
the template's documents exactly as the XML parser does, and renders every text
through Jinja's autoescape so no text can make markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TABLE_START, _TABLE_END = b"<w:tbl", b"</w:tbl>"
_NAME_END = b" \t\r\n/>"  # what may follow an element's name in its tag
# a text node (empty or not); w:tab, w:tc … do not match
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?(?:/>|>([^<]*)</w:t>)")
# outside tables: a text node, or the start/end of a paragraph (not w:pPr)
_TOKEN = re.compile(rb"<(?:(w:t)(?:\s[^>]*)?(?:/>|>([^<]*)</w:t>)|(/?)w:p(?:\s[^>]*?)?(/?)>)")
_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass
class ScannedBody:
    tables: list[list[str]] = field(default_factory=list)  # texts of each top-level table
    paragraphs: list[str] = field(default_factory=list)  # text of each body paragraph


def scan_body(document_xml: bytes) -> ScannedBody:
    """The texts of a document body's top-level tables (every w:t, nested ones too, in
    document order) and of its body-level paragraphs (their w:t joined).

    Tables hold most of a report's markup, so their edges are found by plain search
    and only their text nodes matched; the few paragraphs between them are tokenized."""
    body = ScannedBody()
    outside = 0
    for start, end in _table_spans(document_xml):
        body.paragraphs += _paragraphs(document_xml, outside, start)
        body.tables.append([_text(raw) for raw in _TEXT.findall(document_xml, start, end)])
        outside = end
    body.paragraphs += _paragraphs(document_xml, outside, len(document_xml))
    return body


def _table_spans(xml: bytes) -> list[tuple[int, int]]:
    """Where each top-level table starts and ends (nested tables inside it); an
    unclosed table runs to the end of the part."""
    spans = []
    start = _table_start(xml, 0, len(xml))
    while start >= 0:
        depth, position = 1, start + len(_TABLE_START)
        while depth:
            end = xml.find(_TABLE_END, position)
            if end < 0:
                position = len(xml)
                break
            nested = _table_start(xml, position, end)
            if nested >= 0:
                depth, position = depth + 1, nested + len(_TABLE_START)
            else:
                depth, position = depth - 1, end + len(_TABLE_END)
        spans.append((start, position))
        start = _table_start(xml, position, len(xml))
    return spans


def _table_start(xml: bytes, start: int, end: int) -> int:
    """Where the next <w:tbl> (not <w:tblPr>, <w:tblGrid> …) begins, or -1."""
    position = xml.find(_TABLE_START, start, end)
    while position >= 0 and xml[position + len(_TABLE_START)] not in _NAME_END:
        position = xml.find(_TABLE_START, position + 1, end)
    return position


def _paragraphs(xml: bytes, start: int, end: int) -> list[str]:
    """The texts of the paragraphs between two tables (a paragraph inside another, as
    in a text box, is part of it)."""
    paragraphs: list[str] = []
    texts: list[str] = []
    depth = 0
    for is_text, raw, closing, empty in _TOKEN.findall(xml, start, end):
        if is_text:
            if depth:
                texts.append(_text(raw))
            continue
        if not closing:
            depth += 1
        if closing or empty:
            depth -= 1
            if depth == 0:
                paragraphs.append("".join(texts))
                texts = []
    return paragraphs


def _text(raw: bytes) -> str:
    if not raw:
        return ""
    text = raw.decode("utf-8")
    return _REFERENCE.sub(_resolve, text) if "&" in text else text


def _resolve(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))

