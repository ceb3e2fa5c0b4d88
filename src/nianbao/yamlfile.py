"""Loading YAML typed by hand, keeping the line of every key so errors can name it.

Safe by construction: PyYAML's SafeLoader (no Python objects), no anchors or aliases
(a data file never needs them, and they are how "billion laughs" files explode),
duplicate keys refused instead of silently keeping the last one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode

from .problems import Problem, ProblemList

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
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    def construct_line_mapping(self, node: MappingNode) -> LineDict:
        mapping = LineDict()
        mapping.line, mapping.lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                raise ConstructorError(None, None, "键必须是文字", key_node.start_mark)
            if key in mapping:
                raise ConstructorError(None, None, f"重复的键 “{key}”", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_line_sequence(self, node: SequenceNode) -> LineList:
        items = LineList(self.construct_object(child, deep=True) for child in node.value)
        items.line = node.start_mark.line + 1
        items.lines = [child.start_mark.line + 1 for child in node.value]
        return items


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_line_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_line_sequence)


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
        raise ProblemList([Problem(path, None, "", f"无法读取：{exc.strerror}")],
                          usable=False) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemList([Problem(path, line, "", "文件不是 UTF-8 编码（可能是 GBK），"
                                   "请用记事本“另存为 UTF-8”后再试")]) from None


def _refuse_aliases(root: Node) -> None:
    """A node reached twice is an alias (*name): refused before anything is built, so a
    "billion laughs" file costs one walk over the nodes it really has."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ConstructorError(None, None, "不允许使用 YAML 别名（*名称）", node.start_mark)
        seen.add(id(node))
        if isinstance(node, MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value


def parse_yaml(text: str) -> Any:
    """YAML text into LineDict/LineList values (raises PyYAML's errors)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into LineDict/LineList values; errors become Problems."""
    text = read_text(path)
    try:
        return parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"YAML 格式错误：{_yaml_reason(exc.problem or str(exc), text, mark)}"
        raise ProblemList([Problem(path, line, "", reason)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        reason = f"含有不允许的控制字符（U+{exc.character:04X}），请删除"
        raise ProblemList([Problem(path, line, "", f"YAML 格式错误：{reason}")]) from None
    except yaml.YAMLError as exc:
        raise ProblemList([Problem(path, None, "", f"YAML 格式错误：{exc}")]) from None


# PyYAML's and libyaml's wording of a problem -> what a clerk is told
_REASONS = {
    "could not find expected ':'": "缺少冒号“:”",
    "mapping values are not allowed": "这里不能出现冒号（值中含“: ”时请加引号）",
    "found character that cannot start any token": "有不能出现在这里的字符"
                                                   "（以 @ ` 等开头的值请加引号）",
    "found undefined alias": "不允许使用 YAML 别名",
    "expected <block end>, but found": "缩进不一致",
    "did not find expected key": "缩进不一致或缺少“-”",
    "did not find expected '-' indicator": "缩进不一致或缺少“-”",
    "did not find expected ',' or ']'": "方括号“[”未闭合",
    "did not find expected ',' or '}'": "花括号“{”未闭合",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found unknown escape character": "双引号中有无效的转义字符（\\）",
    "control characters are not allowed": "含有不允许的控制字符",
}


def _yaml_reason(problem: str, text: str, mark: Any) -> str:
    if (mark is not None and _char_at(text, mark) == "\t") or "tab" in problem:
        return "不能用 Tab 缩进，请改用空格"
    for english, chinese in _REASONS.items():
        if english in problem:
            return chinese
    return problem


def _char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""
