"""Chinese prose cut for the prose rules: sentences and clauses with their offsets in
the paragraph, and the numbers in them — 75, ７５ (full-width), 1,234, 33.9, 十二,
一百零五 — with their values.

Offsets always count in the paragraph as given, so a finding can point at its words:
the full-width digits are mapped one character to one (never NFKC, which may change
a text's length).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

_WIDE = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")
_SENTENCE_ENDS = "。；;！？!?\n"
_CLAUSE_ENDS = _SENTENCE_ENDS + "，,：:"
_DIGITS = "零〇一二两三四五六七八九"
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
# A Chinese numeral is a number only before a counting word, an amount or a percent sign:
# 一是, 统一 and 十分 are words.
_NUMBER = re.compile(
    rf"(?P<arabic>[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?)"
    rf"|(?P<chinese>[{_DIGITS}十][{_DIGITS}十百千万]*)(?=\s*(?:件|起|宗|个|元|万元|%|％))")


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: Decimal


@dataclass(frozen=True)
class Clause:
    """Text between clause marks (，；。：), with its start in the paragraph and the
    sentence it belongs to (the sentence's start, for words earlier in it)."""

    start: int
    text: str
    sentence_start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def plain(text: str) -> str:
    """The text with full-width digits, point, percent and comma as ASCII, same length."""
    return text.translate(_WIDE)


def chinese_value(numeral: str) -> int | None:
    """十二 → 12, 二十三 → 23, 一百零五 → 105, 两 → 2, 一〇五 → 105; None when it is no
    well-formed numeral."""
    if all(c in _DIGITS for c in numeral):  # digit by digit: 一〇五
        return int("".join(str(_digit(c)) for c in numeral))
    total, section, digit = 0, 0, None
    for char in numeral:
        if char in _POWERS:
            power = _POWERS[char]
            if power == 10_000:
                total, section = (total + section + (digit or 0)) * power, 0
            else:
                section += (1 if digit is None else digit) * power
            digit = None
        elif digit not in (None, 0):
            return None  # two digits with no power between: not a numeral
        else:
            digit = _digit(char)
    return total + section + (digit or 0)


def _digit(char: str) -> int:
    return 2 if char == "两" else 0 if char in "零〇" else "一二三四五六七八九".index(char) + 1


def numbers(text: str) -> list[Number]:
    """Every number of a (plain) text, in order."""
    found = []
    for match in _NUMBER.finditer(text):
        if match.group("arabic"):
            value: Decimal | None = Decimal(match.group("arabic").replace(",", ""))
        else:
            whole = chinese_value(match.group("chinese"))
            value = None if whole is None else Decimal(whole)
        if value is not None:
            found.append(Number(match.start(), match.end(), value))
    return found


def masked(text: str, found: list[Number], this: Number | None) -> str:
    """The text with `this` number's characters as "#" and every other number's as "@",
    the length kept: a pattern finds its number by "#" and never reaches across "@"."""
    chars = list(text)
    for number in found:
        mark = "#" if number == this else "@"
        chars[number.start:number.end] = mark * (number.end - number.start)
    return "".join(chars)


_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def _pieces(text: str, ends: str, offset: int = 0) -> Iterator[tuple[int, str]]:
    """(start, piece) of a text cut at these characters (a comma of 1,234 is none)."""
    start = 0
    separators = {m.start() for m in _THOUSANDS.finditer(text)}
    for i, char in enumerate(text):
        if char in ends and i not in separators:
            yield offset + start, text[start:i]
            start = i + 1
    yield offset + start, text[start:]


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(start, sentence) of a paragraph, leading and trailing spaces trimmed off."""
    for start, sentence in _pieces(text, _SENTENCE_ENDS):
        stripped = sentence.lstrip()
        if stripped.strip():
            yield start + len(sentence) - len(stripped), stripped.rstrip()


def clauses(text: str) -> Iterator[Clause]:
    """Every clause of a paragraph, with its sentence's start."""
    for sentence_start, sentence in sentences(text):
        for start, clause in _pieces(sentence, _CLAUSE_ENDS, sentence_start):
            stripped = clause.lstrip()
            if stripped.strip():
                yield Clause(start + len(clause) - len(stripped), stripped.rstrip(),
                             sentence_start)
