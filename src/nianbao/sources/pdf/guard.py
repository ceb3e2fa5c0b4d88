"""A PDF looked over before it is drawn: the structure it claims, and every stream a
page's drawing reaches decoded up to a cap, so a hostile PDF is refused in bounded time
and memory before PDFium (which inflates a stream whole, whatever its size) sees it.

pdfminer.six parses the file lazily and in pure Python: page count, encryption and a
damaged structure come out of it as Python exceptions we can name. Its decoders
(zlib, LZW) are unbounded, and its parser takes time in proportion to what an object
holds (a page list of a million entries, an object stream of millions of numbers):
so, once, the names pdfminer.pdftypes decodes with are replaced by versions that
count against the read's cap, and its tokenizer by one that counts tokens.
"""

from __future__ import annotations

import contextvars
import io
import zlib
from typing import Any

from nianbao.sources.blocks import UnreadableSource
from nianbao.sources.pdf.errors import (
    BOMB,
    BROKEN,
    DEEP,
    ENCRYPTED,
    MAX_DECODED_BYTES,
    MAX_DEPTH,
    MAX_OBJECTS,
    MAX_PAGE_CONTENT,
    MAX_PAGES,
    MAX_STREAM_BYTES,
    MAX_TOKENS,
    TANGLED,
    TOO_MANY_PAGES,
    TOO_MUCH_DRAWN,
    UnreadablePdf,
)

# keys that lead away from what a page draws (up the page tree, to other pages,
# to the document's structure tree), not followed
_AWAY = frozenset({"Parent", "P", "StructParents", "Annots", "B", "Thumb", "Metadata"})


def inspect(data: bytes) -> int:
    """The number of pages of a PDF whose pages may safely be drawn; raises UnreadablePdf
    for one that is damaged, needs a password, or is built to exhaust the reader."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    _bound_inflation()
    decoded = _DECODED.set(_Counter())
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = 0
        for pages, page in enumerate(PDFPage.create_pages(document), 1):
            if pages > MAX_PAGES:
                raise UnreadablePdf(TOO_MANY_PAGES)
            _reached(page, pages)
        return pages
    except UnreadableSource:
        raise
    except RecursionError:
        raise UnreadablePdf(DEEP) from None
    except MemoryError:
        raise UnreadablePdf(BOMB) from None
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        if isinstance(exc, PDFEncryptionError) or "password" in str(exc).lower():
            raise UnreadablePdf(ENCRYPTED) from None
        from pdfminer.psexceptions import PSEOF

        detail = "文件不完整" if isinstance(exc, PSEOF) else "文件结构错误"
        raise UnreadablePdf(BROKEN.format(detail=detail)) from None
    finally:
        _DECODED.reset(decoded)


def _reached(page: Any, number: int) -> None:
    """Decode (to the cap) every stream page `number` draws from: its contents, and
    what its resources lead to (fonts, drawings, colour profiles); pictures are not
    decoded to read text and are left alone. A page deeper in the page tree, or
    values nested deeper, than any real document are refused."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    content = sum(len(stream.get_data()) for stream in page.contents
                  if isinstance(stream, PDFStream))
    if content > MAX_PAGE_CONTENT:
        raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=number))
    parent, depth = page.attrs.get("Parent"), 0
    while parent is not None:
        depth += 1
        if depth > MAX_DEPTH:
            raise UnreadablePdf(DEEP)
        node = parent.resolve() if isinstance(parent, PDFObjRef) else parent
        parent = node.get("Parent") if isinstance(node, dict) else None
    seen: set[int] = set()
    todo: list[tuple[Any, int]] = [(page.resources, 1)]  # inherited ones too
    todo += [(v, 1) for k, v in page.attrs.items() if k not in _AWAY]
    while todo:
        item, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise UnreadablePdf(DEEP)
        if isinstance(item, PDFObjRef):
            if item.objid in seen:
                continue
            seen.add(item.objid)
            if len(seen) > MAX_OBJECTS:
                raise UnreadablePdf(TOO_MUCH_DRAWN.format(page=number))
            item = item.resolve()
        if isinstance(item, PDFStream):
            if _name(item.attrs.get("Subtype")) != "Image":
                item.get_data()
            item = item.attrs
        if isinstance(item, dict):
            todo.extend((v, depth + 1) for k, v in item.items() if k not in _AWAY)
        elif isinstance(item, list):
            todo.extend((v, depth + 1) for v in item)


def _name(value: Any) -> str:
    return str(getattr(value, "name", ""))


class _Counter:
    __slots__ = ("tokens", "total")

    def __init__(self) -> None:
        self.total = 0
        self.tokens = 0

    def take(self, count: int) -> None:
        self.total += count
        if count > MAX_STREAM_BYTES or self.total > MAX_DECODED_BYTES:
            raise UnreadablePdf(BOMB)


_DECODED: contextvars.ContextVar[_Counter] = contextvars.ContextVar("nianbao_pdf_decoded")


def _counter() -> _Counter:
    try:
        return _DECODED.get()
    except LookupError:  # pdfminer used outside inspect(): one stream is still capped
        return _Counter()


def _inflate(data: bytes, corrupted: bool = False) -> bytes:
    """Deflated data inflated up to the cap. Corrupted data (a bad checksum, a cut
    stream) gives what inflates before the damage, as pdfminer's own fallback does,
    without its byte-by-byte loop."""
    inflater, counter, parts = zlib.decompressobj(), _counter(), []
    size = 0
    for at in range(0, len(data), 1 << 16) if corrupted else (0,):
        try:
            part = inflater.decompress(data[at:at + (1 << 16)] if corrupted else data,
                                       MAX_STREAM_BYTES + 1 - size)
        except zlib.error:
            if not corrupted:
                raise
            break
        size += len(part)
        if inflater.unconsumed_tail or size > MAX_STREAM_BYTES:
            raise UnreadablePdf(BOMB)
        parts.append(part)
    if not corrupted and not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    counter.take(size)
    return b"".join(parts)


class _BoundedZlib:
    """The part of the zlib module pdfminer.pdftypes uses."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return _inflate(data)


def _bounded_lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    counter, parts, size = _counter(), [], 0
    for part in LZWDecoder(io.BytesIO(data)).run():
        size += len(part)
        if size > MAX_STREAM_BYTES:
            raise UnreadablePdf(BOMB)
        parts.append(part)
    counter.take(size)
    return b"".join(parts)


def _bound_inflation() -> None:
    from pdfminer import pdftypes
    from pdfminer.psparser import PSBaseParser

    if vars(pdftypes).get("zlib") is not _BoundedZlib:
        vars(pdftypes).update(zlib=_BoundedZlib, lzwdecode=_bounded_lzw,
                              decompress_corrupted=lambda data: _inflate(data, True))
        PSBaseParser.nexttoken = _counted(PSBaseParser.nexttoken)  # type: ignore[method-assign]


def _counted(nexttoken: Any) -> Any:
    """pdfminer's tokenizer, counting against the read's cap (outside a read: free)."""

    def counted(parser: Any) -> Any:
        counter = _DECODED.get(None)
        if counter is not None:
            counter.tokens += 1
            if counter.tokens > MAX_TOKENS:
                raise UnreadablePdf(TANGLED)
        return nexttoken(parser)

    return counted
