"""Typing slips of a Chinese keyboard in a hand-typed data file, found before YAML.

A clerk typing with a Chinese input method gets full-width punctuation where YAML
wants half-width: `：` after a key, `，` between the items of `{…}`, `｛｝［］`, a
full-width space or a Tab in the indentation, `·` or `－` where a paragraph's `- `
belongs, `4,521` (which YAML splits into two items), a quote opened `“` and closed `"`.
YAML reads these as something else (an unknown key, a missing item, an error at the
next line, in English); here each is named at its own line, with what was typed and
what to type instead.

Every slip found here is an error: it changes what YAML reads, so nianbao never
guesses past it. But the text is also repaired in memory, the slip corrected, so the
rest of the file is read and every other problem is reported in the same run.
Only lines a slip cannot be legitimate on are touched: prose (list items) keeps its
full-width colons and commas, labels keep theirs inside brackets（单位：万元）.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DIGITS = "0-9０-９"
_DIGIT = re.compile(f"[{_DIGITS}]")
# a number with thousands separators, as a value (after a key's colon; the colon slips
# are corrected first)
_THOUSANDS = re.compile(f"(?<=:)(\\s+)([-－+]?[{_DIGITS}]{{1,3}}(?:[,，][{_DIGITS}]{{3}})+)"
                        f"(?=\\s*(?:[,，}}｝\\]］#]|$))")
# what may follow a key's full-width colon for it to be a key: nothing, a collection,
# a number (perhaps with a unit), or any value after an ASCII key (year, office …)
_KEY_VALUE = re.compile(f"^(?:[{{｛\\[［].*|[-－+]?[{_DIGITS}][{_DIGITS},，.．]*\\s*\\S{{0,3}})?$")
_ASCII_KEY = re.compile(r"^[A-Za-z_]\w*$")
_MARKERS = "·•・－—–∙‧"  # typed where a paragraph's "- " belongs
# what every slip has in it somewhere on its line
_SUSPECT = re.compile(f"[：，｛｝［］\"'“”‘’\t\u3000{_MARKERS}]"
                      f"|[{_DIGITS}][,，][{_DIGITS}]|^\\s*-\\S")
_FULL_WIDTH = re.compile("[：，｛｝［］]")
_NOT_PROSE = ("{", "｛", "standard")  # list items that are not paragraphs
_OPEN, _CLOSE = "（(", "）)"
_FULL_BRACKETS = str.maketrans("｛｝［］", "{}[]")
_QUOTE_PAIRS = {('"', "”"), ("“", '"'), ("'", "’"), ("‘", "'"), ('"', "’"), ("'", "”")}


@dataclass(frozen=True)
class Slip:
    line: int  # 1-based
    message: str  # in Chinese: what was typed, what to type instead


def find_slips(text: str) -> tuple[str, list[Slip]]:
    """The text with every typing slip corrected, and the slips, one per kind and line.
    The lines of a block scalar (after `|` or `>`) and the continuation lines of a
    value that goes on over several lines are the clerk's text, and left as they are."""
    lines = text.split("\n")
    slips: list[Slip] = []
    owner: tuple[int, str] | None = None  # the last line that is a line of its own
    for number, line in enumerate(lines):
        spaced = line.lstrip(" ")
        if not spaced.strip() or spaced.lstrip("\t\u3000").startswith("#"):
            continue
        width = len(line) - len(spaced) if spaced[0] not in "\t\u3000" else _width(line)
        if owner is not None and width > owner[0] and _text_goes_on(owner[1].strip()):
            continue  # it continues the text of the line above
        if _SUSPECT.search(line):  # most lines hold nothing a slip is made of: fast
            line, messages = _line_slips(line, lines, number)
            lines[number] = line
            slips += [Slip(number + 1, message) for message in messages]
        owner = (width, line)
    return "\n".join(lines), slips


def _text_goes_on(content: str) -> bool:
    """Whether the value of a line may go on over the lines below, indented deeper: a
    block scalar (`|`, `>`), or plain text after `- ` or `key: `."""
    body = content.split(" #", 1)[0].rstrip()
    if body[-1:] in ("}", "]", ":", ""):
        return False  # the usual lines: a row in {…}, a key opening what is below
    if body.startswith("- "):
        value = body[2:].strip()
    else:
        key_end = re.search(r":\s+", body)
        value = body[key_end.end():].strip() if key_end else ""
    if not value:
        return False
    return re.fullmatch(r"[|>][-+0-9]*", value) is not None or value[0] not in "{[｛［\"'&*!|>"


def _width(line: str) -> int:
    """How far a line is indented as an editor shows it (a full-width space is two)."""
    indent = line[: len(line) - len(line.lstrip(" \t\u3000"))]
    return sum(2 if c == "\u3000" else 4 if c == "\t" else 1 for c in indent)


def _line_slips(line: str, lines: list[str], number: int) -> tuple[str, list[str]]:
    stripped = line.lstrip(" \t\u3000")
    if not stripped.strip() or stripped.startswith("#"):
        return line, []
    messages: list[str] = []
    indent = line[: len(line) - len(stripped)]
    if "\t" in indent or "\u3000" in indent:
        messages.append("不能用 Tab 缩进，请改用空格" if "\t" in indent
                        else "缩进中有全角空格“　”，请改为半角空格")
        indent = " " * _indent_width(indent, lines, number)
    content = stripped
    if content[0] in _MARKERS or re.match(r"-[^\s\-]", content):
        marker = content[0]
        messages.append("“-”后应有一个空格：段落以“- ”（减号加空格）开头" if marker == "-"
                        else f"段落应以半角“- ”（减号加空格）开头，填写的是 “{marker}”")
        content = "- " + content[1:].lstrip(" \u3000")
    if re.search("[\"'“”‘’]", content):
        content, found = _quotes(content)
        messages += found
    if content.startswith("- ") and not content[2:].lstrip().startswith(_NOT_PROSE):
        return indent + content, messages  # a paragraph: its punctuation is the clerk's
    if _FULL_WIDTH.search(content):
        content, found = _punctuation(content)
        messages += found
    content, found = _thousands(content)
    return indent + content, messages + found


def _indent_width(indent: str, lines: list[str], number: int) -> int:
    """How far a line with full-width spaces or Tabs is indented, as the clerk saw it:
    the indentation of a neighbouring line that looked the same, else its width."""
    width = _width(indent)
    seen = [len(near) - len(near.lstrip(" ")) for near in lines[max(0, number - 3): number + 4]
            if near.strip() and not near.lstrip(" ").startswith(("\t", "\u3000", "#"))]
    return width if not seen or width in seen else min(seen, key=lambda w: abs(w - width))


def _quotes(content: str) -> tuple[str, list[str]]:
    """A value (or the line) opened with one kind of quote and closed with another."""
    body, comment = _split_comment(content)
    match = re.match(r"^((?:- )?(?:[^:：\"'“‘]+[:：]\s+)?)(\S)(.*)(\S)(\s*)$", body)
    if not match or (match[2], match[4]) not in _QUOTE_PAIRS:
        return content, []
    head, first, middle, last, tail = match.groups()
    message = (f"引号不配对：开头是{_quote_name(first)}，结尾是{_quote_name(last)}；"
               "请两头都用半角引号，或都删去")
    inner = (middle.replace("\\", "\\\\").replace('"', '\\"') if first in "\"“"
             else middle.replace("'", "''"))
    quote = '"' if first in "\"“" else "'"
    return f"{head}{quote}{inner}{quote}{tail}{comment}", [message]


def _quote_name(quote: str) -> str:
    return f"半角引号 {quote}" if quote.isascii() else f"全角引号 {quote}"


def _split_comment(content: str) -> tuple[str, str]:
    match = re.search(r"\s+#", content)
    return (content[: match.start()], content[match.start():]) if match else (content, "")


def _punctuation(content: str) -> tuple[str, list[str]]:
    """Full-width colons after keys, commas and braces inside `{…}`: outside quotes,
    and outside the brackets of a label."""
    out: list[str] = []
    colons, commas, braces = [], 0, ""
    depth = flow = 0
    quote = ""
    key_seen = False  # a mapping indicator ":" (or a slip for one) at this level
    start = 0  # where the current key began
    for i, char in enumerate(content):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'" and (i == 0 or content[i - 1] in " {[,:"):
            quote = char
        elif char == "#" and i and content[i - 1] in " \t":
            out.append(content[i:])
            break
        elif char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif depth:
            pass
        elif char in "{[｛［":
            flow, start = flow + 1, i + 1
            if char in "｛［":
                braces += char
                char = char.translate(_FULL_BRACKETS)
        elif char in "}]｝］":
            flow = max(0, flow - 1)
            if char in "｝］":
                braces += char
                char = char.translate(_FULL_BRACKETS)
        elif char == ":" and (i + 1 == len(content) or content[i + 1] in " \t"):
            key_seen = key_seen or not flow
        elif char == "：" and _is_key_colon(content, start, i, flow, key_seen):
            colons.append(content[start:i].strip(" ,{［｛-"))
            key_seen = key_seen or not flow
            char = ": " if i + 1 < len(content) and content[i + 1] != " " else ":"
        elif char in ",，" and flow:
            start = i + 1
            if char == "，" and not (_digit_at(content, i - 1) and _digit_at(content, i + 1)):
                commas += 1
                char = ","
        out.append(char)
    fixed = "".join(out)
    messages = []
    if colons:
        more = f"（本行共 {len(colons)} 处）" if len(colons) > 1 else ""
        messages.append(f"冒号应为半角“:”加一个空格：填写的是 “{colons[0]}：”，"
                        f"应为 “{colons[0]}: ”{more}")
    if commas:
        messages.append("花括号中各项之间应用半角逗号“,”，填写的是全角“，”"
                        + (f"（本行共 {commas} 处）" if commas > 1 else ""))
    if braces:
        messages.append(f"括号应为半角“{{ }}”或“[ ]”，填写的是全角“{'' .join(braces)}”")
    return fixed, messages


def _digit_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and bool(_DIGIT.match(text[index]))


def _is_key_colon(content: str, start: int, at: int, flow: int, key_seen: bool) -> bool:
    """Whether a full-width colon stands where a key's ":" belongs."""
    if flow:
        return bool(content[start:at].strip())
    if key_seen:
        return False  # in the value: the clerk's text
    key = content[start:at].strip()
    if content.startswith("- "):
        key = key[2:].strip()
    rest = _split_comment(content[at + 1:])[0].strip()
    return bool(key) and (_ASCII_KEY.match(key) is not None or _KEY_VALUE.match(rest) is not None)


def _thousands(content: str) -> tuple[str, list[str]]:
    """A number typed with thousands separators: YAML splits 4,521 in `{…}` into two
    items; and 4,52 or 4.521 would be guesses."""
    found = [m[2] for m in _THOUSANDS.finditer(content)]
    if not found:
        return content, []
    fixed = _THOUSANDS.sub(lambda m: m[1] + re.sub("[,，]", "", m[2]), content)
    typed = found[0]
    plain = unicodedata.normalize("NFKC", re.sub("[,，]", "", typed))
    return fixed, [f"数字中不要用千位分隔符：填写的是 “{typed}”，应为 {plain}"
                   + (f"（本行共 {len(found)} 处）" if len(found) > 1 else "")]
