"""Opening untrusted .docx files: every kind of bad file ends in UnreadableDocx with
a Chinese message, quickly and with bounded memory; XML entities are never expanded."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.sources.docx import DocxPackage, UnreadableDocx, parse_xml, read_body, read_part
from nianbao.sources.docx import package as package_module

MB = 1024 * 1024
BODY = "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"


@pytest.fixture(scope="module")
def zeros_bomb() -> bytes:
    """A .docx whose document.xml is 100 MB of zeros, about 100 KB compressed,
    written in 1 MB chunks so building it stays light."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            chunk = bytes(MB)
            for _ in range(100):
                part.write(chunk)
    return buffer.getvalue()


def patch_entry(data: bytes, name: bytes, offset_local: int, offset_central: int,
                fmt: str, value: int) -> bytes:
    """Rewrites one field of an entry's local and central headers, as a forger would."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while out[local + 30 : local + 30 + len(name)] != name:
        local = out.find(b"PK\x03\x04", local + 4)
    struct.pack_into(fmt, out, local + offset_local, value)
    central = out.find(b"PK\x01\x02")
    while out[central + 46 : central + 46 + len(name)] != name:
        central = out.find(b"PK\x01\x02", central + 4)
    struct.pack_into(fmt, out, central + offset_central, value)
    return bytes(out)


# good files


def test_reads_parts_from_bytes_and_path(
    make_document: Callable, make_docx: Callable, tmp_path: Path
) -> None:
    data = make_docx(make_document(BODY))
    path = tmp_path / "报告.docx"
    path.write_bytes(data)
    package = DocxPackage(path)
    assert "word/document.xml" in package.names
    assert package.document_xml() == make_document(BODY)
    assert read_part(data) == read_part(path) == make_document(BODY)
    assert read_part(str(path), "_rels/.rels").startswith(b"<?xml")
    assert package.part("WORD/Document.xml") == make_document(BODY)  # OPC names ignore case


def test_main_document_found_through_relationships(
    make_document: Callable, make_docx: Callable
) -> None:
    data = make_docx(make_document(BODY), name="word/document2.xml")
    assert DocxPackage(data).main_document_name() == "word/document2.xml"
    assert read_part(data) == make_document(BODY)


def test_missing_part_is_reported(make_document: Callable, make_docx: Callable) -> None:
    package = DocxPackage(make_docx(make_document(BODY)))
    with pytest.raises(UnreadableDocx, match=r"word/styles\.xml"):
        package.part("word/styles.xml")


# not a .docx


def test_not_a_zip() -> None:
    with pytest.raises(UnreadableDocx) as caught:
        DocxPackage(b"%PDF-1.7 this is not a zip at all")
    assert str(caught.value) == "不是 Word 文档（.docx）：文件不是 zip 格式"


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocx, match="空"):
        DocxPackage(b"")
    with pytest.raises(UnreadableDocx, match="找不到文件"):
        DocxPackage(tmp_path / "无.docx")
    with pytest.raises(UnreadableDocx, match="文件夹"):
        DocxPackage(tmp_path)


def test_truncated_zip(make_document: Callable, make_docx: Callable) -> None:
    data = make_docx(make_document(BODY * 50))
    for cut in (len(data) // 2, len(data) - 10, 30):
        with pytest.raises(UnreadableDocx, match="损坏或不完整"):
            read_part(data[:cut])


def test_damaged_entry_data(make_document: Callable, make_docx: Callable) -> None:
    data = bytearray(make_docx(make_document(BODY * 50)))
    start = data.find(b"word/document.xml") + len(b"word/document.xml")
    data[start + 40 : start + 60] = bytes(20)  # inside the deflated stream
    with pytest.raises(UnreadableDocx, match="损坏或不完整"):
        read_part(bytes(data))


def test_encrypted_or_legacy_word_file() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)
    with pytest.raises(UnreadableDocx) as caught:
        DocxPackage(ole)
    message = str(caught.value)
    assert "密码" in message and ".doc" in message and ".docx" in message


def test_zip_without_document(make_docx: Callable) -> None:
    with pytest.raises(UnreadableDocx, match="缺少正文部分"):
        read_part(make_docx(None))
    with pytest.raises(UnreadableDocx, match="Excel"):
        DocxPackage(make_docx(None, extra={"xl/workbook.xml": b"<workbook/>"})).document_xml()
    with pytest.raises(UnreadableDocx, match="Excel"):
        read_part(make_docx(b"<workbook/>", name="xl/workbook.xml"))


def test_encrypted_zip_entry(make_document: Callable, make_docx: Callable) -> None:
    data = make_docx(make_document(BODY))
    forged = patch_entry(data, b"word/document.xml", 6, 8, "<H", 0x1)
    with pytest.raises(UnreadableDocx, match="已加密"):
        read_part(forged)


def test_unsupported_compression(make_document: Callable, make_docx: Callable) -> None:
    data = make_docx(make_document(BODY))
    forged = patch_entry(data, b"word/document.xml", 8, 10, "<H", 99)
    with pytest.raises(UnreadableDocx, match="压缩方式"):
        read_part(forged)


# hostile zips


def test_zip_bomb_refused_quickly(zeros_bomb: bytes) -> None:
    assert len(zeros_bomb) < 1 * MB
    started = time.perf_counter()
    with pytest.raises(UnreadableDocx, match="过大"):
        read_part(zeros_bomb)
    assert time.perf_counter() - started < 0.5


def test_high_compression_ratio_refused(make_document: Callable) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(10 * MB))  # ratio about 1000:1
    with pytest.raises(UnreadableDocx, match="压缩比异常"):
        read_part(buffer.getvalue())


def test_lying_size_header_cannot_inflate(zeros_bomb: bytes) -> None:
    """The headers claim 1000 bytes; inflation stops there and the data is refused."""
    forged = patch_entry(zeros_bomb, b"word/document.xml", 22, 24, "<L", 1000)
    started = time.perf_counter()
    with pytest.raises(UnreadableDocx, match="损坏或不完整"):
        read_part(forged)
    assert time.perf_counter() - started < 0.5


def test_streaming_limit_whatever_the_header_says() -> None:
    stream = io.BytesIO(bytes(3 * package_module.CHUNK_BYTES))
    with pytest.raises(UnreadableDocx, match="过大"):
        package_module._read_limited(stream, 2 * package_module.CHUNK_BYTES, "word/document.xml")
    assert package_module._read_limited(io.BytesIO(b"abc"), 3, "x") == b"abc"


def test_too_many_entries(
    make_document: Callable, make_docx: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_docx(make_document(BODY), extra={f"media/{i}.png": b"" for i in range(20)})
    monkeypatch.setattr(package_module, "MAX_ENTRIES", 10)
    with pytest.raises(UnreadableDocx, match="文件数过多"):
        DocxPackage(data)


def test_huge_central_directory_refused_before_parsing(
    make_document: Callable, make_docx: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make_docx(make_document(BODY), extra={f"media/{i}.png": b"" for i in range(50)})
    monkeypatch.setattr(package_module, "MAX_DIRECTORY_BYTES", 1024)
    with pytest.raises(UnreadableDocx, match="目录过大"):
        DocxPackage(data)


def test_file_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "大.docx"
    path.write_bytes(b"PK" + bytes(5000))
    monkeypatch.setattr(package_module, "MAX_FILE_BYTES", 4096)
    with pytest.raises(UnreadableDocx, match="文件过大"):
        DocxPackage(path)


# hostile XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"""


def test_billion_laughs_refused(make_docx: Callable) -> None:
    started = time.perf_counter()
    with pytest.raises(UnreadableDocx, match="DOCTYPE"):
        read_body(read_part(make_docx(BILLION_LAUGHS)))
    assert time.perf_counter() - started < 0.5


def test_xxe_refused_and_file_never_read() -> None:
    with pytest.raises(UnreadableDocx, match="DOCTYPE") as caught:
        read_body(XXE)
    assert "root:" not in str(caught.value)


def utf16(document: bytes) -> bytes:
    text = document.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    return text.encode("utf-16")


def test_utf16_doctype_refused_after_parse() -> None:
    """UTF-16 hides the DOCTYPE from the byte scan; the parsed tree still tells."""
    with pytest.raises(UnreadableDocx, match="DOCTYPE") as caught:
        parse_xml(utf16(XXE))
    assert "root:" not in str(caught.value)
    started = time.perf_counter()
    with pytest.raises(UnreadableDocx):  # libxml2's own amplification limit, or ours
        parse_xml(utf16(BILLION_LAUGHS))
    assert time.perf_counter() - started < 0.5


def test_entities_are_not_expanded_by_the_parser() -> None:
    """Belt and braces: even without the DOCTYPE check the parser would not expand."""
    root = package_module.etree.fromstring(XXE, package_module._parser())
    assert "root:" not in "".join(root.itertext())


def test_malformed_xml() -> None:
    with pytest.raises(UnreadableDocx, match="XML 格式错误"):
        parse_xml(b"<w:document xmlns:w='x'><w:body></w:document>")
    with pytest.raises(UnreadableDocx, match="XML"):
        parse_xml(b"")


# anything at all: a result or UnreadableDocx, never another exception

@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_damaged_files_only_ever_raise_unreadable(
    data: st.DataObject, make_document: Callable, make_docx: Callable
) -> None:
    body = (
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合计'
        '</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:tcPr>'
        "<w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>" + BODY
    )
    original = bytearray(make_docx(make_document(body)))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(original)))
    try:
        read_body(DocxPackage(bytes(original[:cut])).document_xml())
    except UnreadableDocx as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(markup=st.text(alphabet='<>/="w:ptrcblgidSanMeVvxs 合计', max_size=80))
def test_odd_markup_only_ever_raises_unreadable(markup: str, make_document: Callable) -> None:
    try:
        read_body(make_document(markup))
    except UnreadableDocx as exc:
        assert str(exc)
