"""Help laid out for a terminal that shows Chinese: click measures text in characters
and joins a paragraph's lines with spaces, right for English only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import click

from nianbao.cli.i18n import N_, _

COLON = N_("：")


class HelpFormatter(click.HelpFormatter):
    """Help laid out by the columns characters take on a terminal: a Chinese character
    takes two (click counts one, so its columns did not line up and its lines ran past
    the edge); lines of Chinese are joined without a space and broken between any two
    characters; headings end in the colon of the language (选项：, Options:)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{_(COLON)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        paragraphs = ["\n".join(indent + line for line in lines)
                      for lines in paragraph_lines(text, width)]
        self.write("\n\n".join(paragraphs) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((columns(first) for first, _second in rows), default=0), col_max)
        first_col += col_spacing
        margin = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            lines = [line for lines in paragraph_lines(second, max(
                self.width - first_col - 2, 10)) for line in lines]
            if not lines:
                self.write("\n")
                continue
            if columns(first) <= first_col - col_spacing:
                self.write(" " * (first_col - columns(first)))
            else:
                self.write("\n" + margin)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(margin + line + "\n")


NO_START = set("，。、；：？！）》」』”’…")  # Chinese punctuation that never begins a line
NO_END = set("（《「『“‘")  # nor ends one


def columns(text: str) -> int:
    """How many terminal columns a text takes (wide and full-width characters two)."""
    return sum(2 if _wide(c) else 1 for c in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def paragraph_lines(text: str, width: int) -> list[list[str]]:
    """A help text's paragraphs, each as its lines: one after click's `\\b` line as
    written, any other joined (without a space between Chinese characters) and
    wrapped to `width` columns."""
    result = []
    for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            result.append(lines[1:])
            continue
        joined = ""
        for line in (line.strip() for line in lines):
            gap = "" if not joined or (_wide(joined[-1]) and _wide(line[:1] or "a")) else " "
            joined += gap + line
        result.append(wrap(joined, width))
    return result


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns, broken at spaces or between wide characters,
    never before a closing mark (，。）…) nor after an opening one (（《“ …): such a mark
    takes the character it belongs to onto the next line. A word longer than a line is
    left whole."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\s+|[^\s\u2e80-\uffff]+|.", text):
        if not line.strip() or columns(line + token.rstrip()) <= width:
            line += token
            continue
        kept, carry = _carry(line, token)
        if kept.strip():
            lines.append(kept.rstrip())
            line = carry + token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _carry(line: str, token: str) -> tuple[str, str]:
    """Where a full line breaks before `token`: (what stays, what moves on)."""
    carry = ""
    if token in NO_START:
        while line and line[-1] in NO_START:
            line, carry = line[:-1], line[-1] + carry
        if line and _wide(line[-1]):
            line, carry = line[:-1], line[-1] + carry
    while line and line[-1] in NO_END:
        line, carry = line[:-1], line[-1] + carry
    return line, carry
