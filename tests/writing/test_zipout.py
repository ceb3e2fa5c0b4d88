"""The package writer: parts compressed once are copied into a plain ZIP archive that
any unzip reads back exactly."""

from __future__ import annotations

import io
import zipfile

from nianbao.writing.zipout import CompressedPart, write_package


def test_the_archive_reads_back_part_by_part_in_order() -> None:
    when = (2024, 1, 5, 13, 45, 58)
    parts = [CompressedPart.of("[Content_Types].xml", b"<Types/>", when),
             CompressedPart.of("word/document.xml", "正文".encode() * 1000, when, level=1),
             CompressedPart.of("word/空.xml", b"", when)]
    with zipfile.ZipFile(io.BytesIO(write_package(parts))) as archive:
        assert archive.testzip() is None  # every CRC holds
        assert archive.namelist() == ["[Content_Types].xml", "word/document.xml", "word/空.xml"]
        assert archive.read("word/document.xml") == "正文".encode() * 1000
        assert archive.read("word/空.xml") == b""
        info = archive.getinfo("word/document.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size < info.file_size
        assert info.date_time == when  # DOS time: even seconds


def test_dates_before_1980_are_written_as_1980() -> None:
    part = CompressedPart.of("a.xml", b"x", (1970, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(write_package([part]))) as archive:
        assert archive.getinfo("a.xml").date_time[0] == 1980


def test_an_empty_archive() -> None:
    with zipfile.ZipFile(io.BytesIO(write_package([]))) as archive:
        assert archive.namelist() == []
