"""Writing a .docx package fast: parts that never change are compressed once and their
bytes copied into every document; only rendered parts are compressed per document.

Python's zipfile has no way to copy already-compressed data, and re-compressing the
template's styles, fonts and settings was most of the time of a render. The format
written here is plain ZIP (APPNOTE 6.3.x, no ZIP64: a report is far below 4 GiB).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DEFLATED = 8
_VERSION = 20
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class CompressedPart:
    name: bytes
    data: bytes  # raw deflate stream
    crc: int
    size: int
    dos_time: int
    dos_date: int

    @classmethod
    def of(cls, name: str, content: bytes, date_time: tuple[int, ...], level: int = 6
           ) -> CompressedPart:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = compressor.compress(content) + compressor.flush()
        year, month, day, hour, minute, second = date_time
        dos_time = hour << 11 | minute << 5 | second // 2
        dos_date = (max(year, 1980) - 1980) << 9 | month << 5 | day
        return cls(name.encode("utf-8"), data, zlib.crc32(content), len(content), dos_time,
                   dos_date)


def write_package(parts: list[CompressedPart]) -> bytes:
    """A zip archive of the given parts, in order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        header = _LOCAL.pack(0x04034B50, _VERSION, _UTF8_NAME, _DEFLATED, part.dos_time,
                             part.dos_date, part.crc, len(part.data), part.size, len(part.name), 0)
        chunks += [header, part.name, part.data]
        central.append(_CENTRAL.pack(
            0x02014B50, _VERSION, _VERSION, _UTF8_NAME, _DEFLATED, part.dos_time, part.dos_date,
            part.crc, len(part.data), part.size, len(part.name), 0, 0, 0, 0, 0, offset)
            + part.name)
        offset += len(header) + len(part.name) + len(part.data)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
