"""Loading YAML typed by hand, keeping the line of every key so errors can name it.

Safe by construction: PyYAML's safe scalar constructors (no Python objects), no
aliases (a data file never needs them, and they are how "billion laughs" files
explode), nesting bounded, duplicate keys refused instead of silently keeping the last
one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from nianbao.datafile.slips import find_slips
from nianbao.errors import Problem, ProblemList, os_reason

MAX_YAML_BYTES = 5 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")  # data files and office profiles


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that remembers the line of each item (1-based)."""

    line: int = 0
    lines: list[int]


# libyaml's parser where PyYAML has it (an order of magnitude faster: it matters to a
# batch of thousands of data files), PyYAML's own otherwise; safe constructors in both.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32  # a data file nests four deep; libyaml's composer recursed until it crashed
_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_SCALAR_TAGS = {_STR, _INT} | {f"tag:yaml.org,2002:{name}"
                               for name in ("null", "bool", "float", "timestamp")}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_SHORT = 32  # scalars up to this length have their implicit tag remembered
_resolved: dict[tuple[str, Any], str] = {}


def read_text(path: Path) -> str:
    """A hand-typed text file as str: UTF-8 (with or without BOM), bounded in size."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ProblemList([Problem(path, None, "", f"文件过大（{size} 字节），不是数据文件")],
                              usable=False)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProblemList([Problem(path, None, "", "文件不存在")], usable=False) from None
    except IsADirectoryError:
        raise ProblemList([Problem(path, None, "", "这是文件夹，不是数据文件")],
                          usable=False) from None
    except OSError as exc:
        raise ProblemList([Problem(path, None, "", f"无法读取：{os_reason(exc)}")],
                          usable=False) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemList([Problem(path, line, "", "文件不是 UTF-8 编码（可能是 GBK），"
                                   "请用记事本“另存为 UTF-8”后再试")]) from None


def parse_yaml(text: str) -> Any:
    """YAML text into LineDict/LineList values (raises PyYAML's errors).

    Built straight from the parser's events rather than PyYAML's composed nodes: no
    recursion (so no depth can crash it), an alias refused the moment it is seen (a
    "billion laughs" file costs nothing), and half the time of composing and then
    constructing."""
    loader = _LOADER(text)
    try:
        return _Builder(loader).document()
    finally:
        loader.dispose()


class _Builder:
    """One document's values, built from a loader's events."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.open: list[LineDict | LineList] = []  # the collections being filled
        self.keys: list[tuple[Any, int] | None] = []  # each open mapping's pending key

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            return None
        loader.get_event()  # document start
        event = loader.get_event()
        root = _scalar(loader, event) if type(event) is ScalarEvent else self.start(event)
        while self.open:
            event = loader.get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                self.open.pop()
                self.keys.pop()
            else:
                depth = len(self.open) - 1  # before a new collection opens
                value = _scalar(loader, event) if kind is ScalarEvent else self.start(event)
                self.add(depth, value, event.start_mark)
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent):
            raise ComposerError("expected a single document in the stream", None,
                                "but found another document", loader.peek_event().start_mark)
        return root

    def start(self, event: Any) -> LineDict | LineList:
        """The collection an event starts, empty; it is filled by the events to come."""
        if type(event) is AliasEvent:
            # types-PyYAML: an event's mark may be libyaml's, an error's only PyYAML's
            raise ConstructorError(None, None, "不允许使用 YAML 别名（*名称）",
                                   event.start_mark)  # type: ignore[arg-type]
        if event.tag not in _COLLECTION_TAGS:
            raise _unsupported(event.tag, event.start_mark)
        if len(self.open) >= MAX_DEPTH:
            raise ConstructorError(None, None, f"嵌套超过 {MAX_DEPTH} 层", event.start_mark)
        collection: LineDict | LineList
        if type(event) is MappingStartEvent:
            collection = LineDict()
            collection.lines = {}
        else:
            collection = LineList()
            collection.lines = []
        collection.line = event.start_mark.line + 1
        self.open.append(collection)
        self.keys.append(None)
        return collection

    def add(self, depth: int, value: Any, mark: Any) -> None:
        """Put a value into the open collection at `depth`: as an item, a key, or the
        value of the pending key."""
        parent, line = self.open[depth], mark.line + 1
        if type(parent) is LineList:
            parent.append(value)
            parent.lines.append(line)
            return
        pending = self.keys[depth]
        if pending is not None:
            parent[pending[0]] = value
            parent.lines[pending[0]] = pending[1]
            self.keys[depth] = None
        elif not isinstance(value, (str, int)):
            raise ConstructorError(None, None, "键必须是文字", mark)
        elif value in parent:
            raise ConstructorError(None, None, f"重复的键 “{value}”", mark)
        else:
            self.keys[depth] = (value, line)


def _scalar(loader: Any, event: ScalarEvent) -> Any:
    """A scalar's value, as PyYAML's safe constructor makes it."""
    tag, value = event.tag, event.value
    if tag is None or tag == "!":
        tag = _resolve(loader, value, event.implicit)
    if tag == _STR:
        return value
    if tag == _INT and value.isascii() and value.isdigit() and value[0] != "0":
        return int(value)
    if tag not in _SCALAR_TAGS:
        raise _unsupported(tag, event.start_mark)
    # types-PyYAML: an event's marks may be libyaml's, a node's only PyYAML's
    node = ScalarNode(tag, value, event.start_mark, event.end_mark,  # type: ignore[arg-type]
                      event.style)
    try:
        return loader.yaml_constructors[tag](loader, node)
    except (ValueError, OverflowError):  # 2022-02-30: no date; the reader names it as typed
        return value


def _unsupported(tag: str, mark: Any) -> ConstructorError:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return ConstructorError(None, None, f"不支持的 YAML 标签 “{shown}”，请删除", mark)


def _resolve(loader: Any, value: str, implicit: Any) -> str:
    """The implicit tag of a plain scalar (str, int, bool…). PyYAML matches regexes on
    every call; a batch sees the same labels and small numbers thousands of times."""
    if len(value) > _SHORT:
        resolved: str = loader.resolve(ScalarNode, value, implicit)
        return resolved
    tag = _resolved.get((value, implicit))
    if tag is None:
        if len(_resolved) > 10_000:
            _resolved.clear()
        tag = _resolved[value, implicit] = loader.resolve(ScalarNode, value, implicit)
    return tag


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into LineDict/LineList values; errors become Problems (a typing
    slip too: an office profile has no reader to go on with)."""
    value, slips = read_yaml(path)
    if slips:
        raise ProblemList(slips)
    return value


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """A hand-typed YAML file's values and its typing slips (slips.py), each an error at
    its line; the values are those of the text with the slips corrected, so a reader
    can go on and report every other problem of the file in the same run. A YAML error
    left after the corrections raises, without a second line for a slip it follows."""
    text = read_text(path)
    repaired, found = find_slips(text)
    slips = [Problem(path, s.line, "", s.message) for s in found]
    try:
        return parse_yaml(repaired), slips
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        said = _yaml_reason(exc.problem or str(exc), exc.context or "", repaired, mark)
        reason = f"YAML 格式错误：{said}"
        problem = Problem(path, line, "", reason)
    except yaml.reader.ReaderError as exc:
        line = repaired[: exc.position].count("\n") + 1
        reason = f"含有不允许的控制字符（U+{exc.character:04X}），请删除"
        problem = Problem(path, line, "", f"YAML 格式错误：{reason}")
    except yaml.YAMLError:
        line = None
        problem = Problem(path, None, "", f"YAML 格式错误：{_GENERIC}")
    if line is not None and any(isinstance(s.line, int) and abs(line - s.line) <= 1
                                for s in slips):
        raise ProblemList(slips) from None  # the YAML error is the slip's echo
    raise ProblemList([*slips, problem]) from None


_GENERIC = "这一行的写法无法识别，请对照示例检查冒号（半角“: ”）、缩进（半角空格）、引号和括号"
# PyYAML's and libyaml's wording of a problem -> what a clerk is told; first match wins
_REASONS = {
    "could not find expected ':'": "缺少半角冒号“:”（键与值之间应为“: ”）",
    "expected ':'": "缺少半角冒号“:”（键与值之间应为“: ”）",
    "mapping values are not allowed": "这里不能出现冒号（值中含“: ”时请加引号）",
    "found unexpected ':'": "这里不能出现冒号（值中含“:”时请加引号）",
    "mapping keys are not allowed": "这里不能出现“?”（以“?”开头的值请加引号）",
    "block sequence entries are not allowed": "这里不能出现“- ”（段落应另起一行，以“- ”开头）",
    "cannot start any token": "有不能出现在这里的字符（以 @ ` 等开头的值请加引号）",
    "found undefined alias": "不允许使用 YAML 别名",
    "anchor": "以“&”或“*”开头的值请加引号（不允许使用 YAML 锚点和别名）",
    "alias": "以“&”或“*”开头的值请加引号（不允许使用 YAML 锚点和别名）",
    "but found another document": "只能有一个文档（不要用“---”分成几段）",
    "document start": "这里有多余的内容（括号多了，或缩进不一致）",
    "DOCUMENT-": "这里有多余的内容（括号多了，或缩进不一致）",
    "STREAM-END": "这里有多余的内容（括号多了，或缩进不一致）",
    "document indicator": "行首的“---”或“...”不能写在引号中间",
    "document separator": "行首的“---”或“...”不能写在引号中间",
    "expected <block end>, but found": "缩进不一致",
    "did not find expected key": "缩进不一致或缺少“-”",
    "did not find expected '-' indicator": "缩进不一致或缺少“-”",
    "did not find expected ',' or ']'": "方括号“[”未闭合",
    "expected ',' or ']'": "方括号“[”未闭合",
    "did not find expected ',' or '}'": "花括号“{”未闭合",
    "expected ',' or '}'": "花括号“{”未闭合",
    "node content": "这里缺少值（检查逗号、冒号和括号）",
    "expected SCALAR": "这里缺少值（检查逗号、冒号和括号）",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "escape": "双引号中有无效的转义字符（\\），请改用单引号或删去“\\”",
    "hexadecimal": "双引号中有无效的转义字符（\\），请改用单引号或删去“\\”",
    "hexdecimal": "双引号中有无效的转义字符（\\），请改用单引号或删去“\\”",
    "control characters are not allowed": "含有不允许的控制字符",
    "invalid Unicode character": "含有不允许的控制字符",
    "unacceptable character": "含有不允许的控制字符",
    "UTF-": "文件不是 UTF-8 编码（可能是 GBK），请用记事本“另存为 UTF-8”后再试",
    "octet": "文件不是 UTF-8 编码（可能是 GBK），请用记事本“另存为 UTF-8”后再试",
    "input is too long": "文件过大，不是数据文件",
    "tag": "以“!”开头的值请加引号（不支持 YAML 标签）",
    "'!'": "以“!”开头的值请加引号（不支持 YAML 标签）",
    "URI": "以“!”开头的值请加引号（不支持 YAML 标签）",
    "directive": "以“%”开头的行不是数据（请删去，或给值加引号）",
    "incompatible": "以“%”开头的行不是数据（请删去，或给值加引号）",
    "version number": "以“%”开头的行不是数据（请删去，或给值加引号）",
    "block scalar": "“|”或“>”之后的写法有误（段落请直接写在“- ”后面）",
    "indentation indicator": "“|”或“>”之后的写法有误（段落请直接写在“- ”后面）",
    "chomping": "“|”或“>”之后的写法有误（段落请直接写在“- ”后面）",
    "comment or line break": "这里应换行，或以空格加“#”开始注释",
    "whitespace": "这里应有空格或换行（“: ”“- ”“#”前后要有空格）",
    "expected ' '": "这里应有空格或换行（“: ”“- ”“#”前后要有空格）",
    # libyaml 0.2.6's scanner has a depth limit of its own, which fires on its lookahead
    # before the builder's; the clerk reads the same line either way
    "exceeded maximum nesting depth": f"嵌套超过 {MAX_DEPTH} 层",
}


def _yaml_reason(problem: str, context: str, text: str, mark: Any) -> str:
    """A YAML error's reason in Chinese. The builder's own reasons are Chinese already;
    PyYAML's and libyaml's are English (a context, "while scanning an anchor", says
    what was being read) and are never shown as they are."""
    if re.search("[\u4e00-\u9fff]", problem):
        return problem  # the builder's own
    problem = f"{problem} ({context})"
    if (mark is not None and _char_at(text, mark) == "\t") or "tab" in problem:
        return "不能用 Tab 缩进，请改用空格"
    for english, chinese in _REASONS.items():
        if english in problem:
            return chinese
    return problem if not re.search("[A-Za-z]{2,}", problem) else _GENERIC


def _char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        char: str = lines[mark.line][mark.column]
        return char
    return ""
