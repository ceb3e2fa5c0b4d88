"""Open an untrusted .docx safely and parse its XML parts without expanding entities.

A .docx handed in by a clerk may be anything: a renamed .doc, a password-protected
file (which Word stores as an OLE compound file, not a zip), a truncated download, or
a deliberately hostile zip ("zip bomb") or XML ("billion laughs", XXE). Every such case
ends in `UnreadableDocx` with a Chinese message the clerk can act on, never in a
Python traceback, unbounded memory use or a read of local files.

The file is read into memory once (capped by `MAX_FILE_BYTES`), so a `DocxPackage`
holds no open file handle and needs no closing.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import zipfile
import zlib
from typing import IO, Protocol, cast

from lxml import etree

from nianbao.sources.blocks import HOSTILE, UnreadableSource, read_bounded

MAIN_DOCUMENT = "word/document.xml"

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_PART_BYTES = 64 * 1024 * 1024  # uncompressed size of one part
MAX_RATIO = 200  # compression ratio refused when the part is also above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # zip central directory, checked before it is parsed
CHUNK_BYTES = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MB = 1024 * 1024

# what a clerk reads
NOT_ZIP = "不是 Word 文档（.docx）：文件不是 zip 格式"
EMPTY_FILE = "不是 Word 文档（.docx）：文件是空的（0 字节）"
OLE_FILE = (
    "无法读取：这是设置了打开密码的 Word 文档，或旧版 Word 97-2003（.doc）格式。"
    "请在 Word 中取消打开密码，并“另存为”Word 文档（.docx）后再试"
)
# a file of another word processor named .docx: how to have it read
RENAMED = ("请把文件名改为 {suffix} 后再检查（需要安装 LibreOffice），"
           "或在 Word/WPS 中“另存为”Word 文档（.docx）")
DAMAGED = "Word 文档已损坏或不完整（{detail}），请用 Word 重新保存或重新下载后再试"
TOO_BIG_FILE = f"文件过大（超过 {MAX_FILE_BYTES // MB} MB），无法作为 Word 文档读取"


class UnreadableDocx(UnreadableSource):
    """The file cannot be read as a Word document; `str(exc)` is a Chinese message for
    the clerk, saying what is wrong and, where possible, what to do about it."""


Source = str | os.PathLike[str] | bytes | bytearray | memoryview


class DocxPackage:
    """The parts of a .docx, read safely; construction already rejects files that are
    not zips, encrypted, damaged at the directory level or structurally hostile."""

    def __init__(self, source: Source) -> None:
        data = _load(source)
        _check_signature(data)
        _check_directory_size(data)
        self._zip = _open_zip(data)
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnreadableDocx(
                f"Word 文档结构异常：包含的文件数过多（{len(infos)} 个，上限 {MAX_ENTRIES} 个）"
                + HOSTILE
            )
        # OPC part names are case-insensitive; some generators write backslashes
        self._infos = {_normalize(info.filename): info for info in infos}

    @property
    def names(self) -> list[str]:
        """The part names as stored in the zip, in zip order."""
        return [info.filename for info in self._zip.infolist()]

    def has_part(self, name: str) -> bool:
        return _normalize(name) in self._infos

    def part(self, name: str) -> bytes:
        """The uncompressed bytes of one part, refusing zip bombs before inflating."""
        info = self._infos.get(_normalize(name))
        if info is None:
            raise UnreadableDocx(f"Word 文档中缺少“{name}”部分")
        _check_declared_size(info)
        return _read_entry(self._zip, info)

    def main_document_name(self) -> str:
        """The main document part: normally word/document.xml, but found through
        _rels/.rels as OPC says, since some tools name it differently."""
        target = self._related_main_document()
        other_office_file = target is not None and target.lower().startswith(("xl/", "ppt/"))
        if target is not None and self.has_part(target) and not other_office_file:
            return target
        if self.has_part(MAIN_DOCUMENT):
            return MAIN_DOCUMENT
        raise UnreadableDocx(self._missing_document_message())

    def document_xml(self) -> bytes:
        return self.part(self.main_document_name())

    def _related_main_document(self) -> str | None:
        if not self.has_part("_rels/.rels"):
            return None
        try:
            root = parse_xml(self.part("_rels/.rels"))
        except UnreadableDocx:
            return None
        for rel in root.iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
            kind = rel.get("Type", "")
            if kind.endswith("/officeDocument") and rel.get("TargetMode") != "External":
                return rel.get("Target", "").lstrip("/").removeprefix("./") or None
        return None

    def _missing_document_message(self) -> str:
        if self.has_part("xl/workbook.xml"):
            return "这是 Excel 表格文件，不是 Word 文档（.docx）"
        if self.has_part("ppt/presentation.xml"):
            return "这是 PowerPoint 演示文稿，不是 Word 文档（.docx）"
        if self.has_part("content.xml") and self.has_part("mimetype"):
            return (f"这是 OpenDocument 文档（.odt），不是 Word 文档（.docx）：{RENAMED}"
                    .format(suffix=".odt"))
        return f"不是有效的 Word 文档：缺少正文部分（{MAIN_DOCUMENT}）"


def read_part(source: Source, name: str = MAIN_DOCUMENT) -> bytes:
    """One part of a .docx. The default asks for the main document, which is looked up
    through the package relationships (it is word/document.xml in practice)."""
    package = DocxPackage(source)
    if name == MAIN_DOCUMENT:
        return package.document_xml()
    return package.part(name)


def _load(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = read_bounded(source, MAX_FILE_BYTES, "Word 文档", UnreadableDocx)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableDocx(TOO_BIG_FILE)
    return data


def _check_signature(data: bytes) -> None:
    if not data:
        raise UnreadableDocx(EMPTY_FILE)
    if data.startswith(OLE_MAGIC):
        raise UnreadableDocx(OLE_FILE)


def _check_directory_size(data: bytes) -> None:
    """zipfile parses the whole central directory into objects before we can count
    entries; bounding the directory's declared size first keeps that cheap."""
    size = _central_directory_size(data)
    if size is not None and size > MAX_DIRECTORY_BYTES:
        raise UnreadableDocx(
            f"Word 文档结构异常：文件目录过大（超过 {MAX_DIRECTORY_BYTES // MB} MB）" + HOSTILE
        )


def _central_directory_size(data: bytes) -> int | None:
    """The central directory size from the end record (zip64 aware), or None when there
    is no end record, in which case zipfile reports the damage itself."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) - end < 22:
        return None
    size: int = struct.unpack_from("<L", data, end + 12)[0]
    if size != 0xFFFFFFFF:
        return size
    record = end - 20 - 56  # zip64 end record, right before the zip64 locator
    if record < 0 or data[record : record + 4] != b"PK\x06\x06":
        return None
    zip64_size: int = struct.unpack_from("<Q", data, record + 40)[0]
    return zip64_size


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        if data.startswith(b"PK"):
            raise UnreadableDocx(DAMAGED.format(detail="zip 结构无法读取")) from None
        if data.lstrip()[:5] == b"{\\rtf":
            raise UnreadableDocx(f"这是 RTF 文档，不是 Word 文档（.docx）：{RENAMED}"
                                 .format(suffix=".rtf")) from None
        raise UnreadableDocx(NOT_ZIP) from None
    except (ValueError, EOFError, OSError, struct.error, NotImplementedError):
        raise UnreadableDocx(DAMAGED.format(detail="zip 结构无法读取")) from None


def _normalize(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def _check_declared_size(info: zipfile.ZipInfo) -> None:
    """Refuses from the zip directory alone, before a byte is inflated."""
    if info.flag_bits & 0x1:
        raise UnreadableDocx(f"Word 文档中的“{info.filename}”已加密，无法读取")
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableDocx(_too_big_part(info.filename))
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise UnreadableDocx(
                f"Word 文档中的“{info.filename}”压缩比异常（约 {ratio:.0f}:1），"
                "疑似“压缩炸弹”" + HOSTILE
            )


def _too_big_part(name: str) -> str:
    return f"Word 文档中的“{name}”解压后过大（超过 {MAX_PART_BYTES // MB} MB）" + HOSTILE


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as stream:
            return _read_limited(stream, MAX_PART_BYTES, info.filename)
    except zipfile.BadZipFile:
        raise UnreadableDocx(DAMAGED.format(detail=f"“{info.filename}”数据校验失败")) from None
    except NotImplementedError:
        raise UnreadableDocx(
            f"Word 文档中的“{info.filename}”使用了不支持的压缩方式，"
            "请用 Word 重新另存为 .docx 后再试"
        ) from None
    except (zlib.error, EOFError, OSError, ValueError, struct.error):
        raise UnreadableDocx(DAMAGED.format(detail=f"“{info.filename}”无法解压")) from None


def _read_limited(stream: IO[bytes], limit: int, name: str) -> bytes:
    """Inflates in chunks and stops one chunk past the limit, whatever the header
    claimed, so memory use stays bounded even if a zip lies about sizes."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise UnreadableDocx(_too_big_part(name))
        chunks.append(chunk)
    return b"".join(chunks)


# XML

_parsers = threading.local()


def _parser() -> etree.XMLParser:
    """One parser per thread: lxml parsers must not be shared between threads."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            remove_blank_text=False,
        )
        _parsers.parser = parser
    return parser


class _DocInfo(Protocol):
    """What parse_xml reads of a tree's DocInfo: lxml-stubs lack `doctype` and have
    `internalDTD` never None."""

    doctype: str
    internalDTD: etree.DTD | None


def parse_xml(data: bytes) -> etree._Element:
    """The root element of an XML part. Word never writes a DOCTYPE, so any DTD is
    refused outright rather than parsed: no entity is ever expanded or fetched."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnreadableDocx(_DOCTYPE_REFUSED)
    try:
        root: etree._Element = etree.fromstring(data, _parser())  # no parser target
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocx(_malformed(exc)) from None
    except ValueError:
        raise UnreadableDocx("Word 文档内容已损坏：XML 无法解析") from None
    docinfo = cast(_DocInfo, root.getroottree().docinfo)
    # the byte scan above misses UTF-16 parts; the parsed tree tells about those
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnreadableDocx(_DOCTYPE_REFUSED)
    return root


_DOCTYPE_REFUSED = "Word 文档内容包含不允许的 DTD/实体声明（<!DOCTYPE>）" + HOSTILE


def _malformed(exc: etree.XMLSyntaxError) -> str:
    if "Excessive depth" in str(exc):  # libxml2's nesting limit (huge_tree is off)
        return "Word 文档中的内容嵌套过深（表格套表格数百层），超出可检查的范围" + HOSTILE
    line = exc.lineno if exc.lineno else None
    where = f"（第 {line} 行）" if line else ""
    return f"Word 文档内容已损坏：XML 格式错误{where}，请用 Word 重新保存后再试"
