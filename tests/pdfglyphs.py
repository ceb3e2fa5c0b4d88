"""Which glyphs a PDF draws Chinese text with: Simplified-Chinese shapes or others.

pdffonts cannot tell. The Noto CJK collections (fonts-noto-cjk) keep one glyph table for
their Japanese, Korean, Simplified- and Traditional-Chinese faces, named
"NotoSerifCJKjp-…" in all of them: a PDF drawn with the SC face lists "jp" fonts. The
faces differ in which glyph each character maps to (复, 关, 直 … have one glyph per
region). So: read the glyph id each character is drawn with from the PDF, and compare
it with the SC face's character map in the installed font file.

Works on LibreOffice's PDFs, which embed these fonts as Type 1 subsets whose glyphs are
named "cid<glyph id>", with a ToUnicode map, in uncompressed object dictionaries.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from functools import cache
from pathlib import Path


def drawn_glyphs(pdf: Path) -> dict[str, dict[str, int]]:
    """Per embedded CJK font (its name without the subset tag): character → glyph id."""
    objects = {int(m.group(1)): m.group(2) for m in
               re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf.read_bytes(), re.S)}
    fonts: dict[str, dict[str, int]] = {}
    for body in objects.values():
        font = re.search(rb"/Type/Font/Subtype/Type1/BaseFont/\w+\+([^\s/]+)", body)
        if not font:
            continue
        descriptor = objects[_ref(body, b"FontDescriptor")]
        program = _stream(objects[_ref(descriptor, b"FontFile")]).decode("latin-1")
        glyphs = {int(c): int(g) for c, g in re.findall(r"dup (\d+) /cid(\d+) put", program)}
        chars = _to_unicode(_stream(objects[_ref(body, b"ToUnicode")]).decode("latin-1"))
        drawn = fonts.setdefault(font.group(1).decode(), {})
        drawn.update({chars[c]: g for c, g in glyphs.items() if c in chars})
    return fonts


def not_simplified(font: str, drawn: dict[str, int]) -> tuple[str, int]:
    """(characters drawn with another region's glyph, how many characters could tell)
    for a font named like NotoSerifCJKjp-Regular-Ideographs."""
    style = re.match(r"(Noto\w+CJK)[a-z]{2}-(\w+?)(?:-|$)", font)
    assert style, font
    file, index = _installed(f"{style.group(1)}sc-{style.group(2)}")
    cmaps = _collection_cmaps(file)
    simplified = cmaps[index]
    telling = [ch for ch in drawn if len({cmap.get(ord(ch)) for cmap in cmaps}) > 1]
    wrong = "".join(ch for ch in telling if simplified.get(ord(ch)) != drawn[ch])
    return wrong, len(telling)


def _ref(body: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb"\d? (\d+) 0 R", body).group(1))  # type: ignore[union-attr]


def _stream(body: bytes) -> bytes:
    start = re.search(rb"stream\r?\n", body).end()  # type: ignore[union-attr]
    return zlib.decompressobj().decompress(body[start:])


def _to_unicode(cmap: str) -> dict[int, str]:
    chars = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            chars[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, text in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for code in range(int(first, 16), int(last, 16) + 1):
                chars[code] = chr(int(text, 16) + code - int(first, 16))
    return chars


@cache
def _installed(postscript_name: str) -> tuple[Path, int]:
    """The font file and face index of an installed face."""
    listed = subprocess.run(["fc-list", "-f", "%{file}|%{index}|%{postscriptname}\n"],
                            capture_output=True, text=True, check=True).stdout
    for line in listed.splitlines():
        file, index, name = line.split("|")
        if name == postscript_name:
            return Path(file), int(index)
    raise LookupError(f"{postscript_name} is not installed")


@cache
def _collection_cmaps(path: Path) -> list[dict[int, int]]:
    """Character → glyph id of every face of a .ttc (cmap format 12 subtables)."""
    data = path.read_bytes()
    assert data[:4] == b"ttcf", path
    (count,) = struct.unpack_from(">I", data, 8)
    return [_cmap(data, offset) for offset in struct.unpack_from(f">{count}I", data, 12)]


def _cmap(data: bytes, face: int) -> dict[int, int]:
    (tables,) = struct.unpack_from(">H", data, face + 4)
    records = (struct.unpack_from(">4sII", data, face + 12 + 16 * i) for i in range(tables))
    start = next(offset for tag, _, offset in records if tag == b"cmap")
    (subtables,) = struct.unpack_from(">H", data, start + 2)
    for i in range(subtables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, start + 4 + 8 * i)
        sub = start + offset
        if (platform, encoding) in ((3, 10), (0, 4)) and data[sub:sub + 2] == b"\x00\x0c":
            (groups,) = struct.unpack_from(">I", data, sub + 12)
            cmap = {}
            for g in range(groups):
                first, last, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * g)
                cmap.update((c, glyph + c - first) for c in range(first, last + 1))
            return cmap
    raise ValueError("no format 12 cmap")
