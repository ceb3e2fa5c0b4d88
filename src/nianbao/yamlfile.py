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
from yaml.nodes import MappingNode, SequenceNode

from .problems import Problem, ProblemList

MAX_YAML_BYTES = 5 * 1024 * 1024


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that remembers the line of each item (1-based)."""

    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ConstructorError(None, None, "不允许使用 YAML 别名（*名称）", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise ConstructorError(None, None, "不允许使用 YAML 锚点（&名称）", event.start_mark)
        return super().compose_node(parent, index)

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


def load_yaml(path: Path) -> Any:
    """Parse a YAML file into LineDict/LineList values; errors become Problems."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"YAML 格式错误：{_yaml_reason(exc)}"
        raise ProblemList([Problem(path, line, "", reason)]) from None
    except yaml.YAMLError as exc:
        raise ProblemList([Problem(path, None, "", f"YAML 格式错误：{exc}")]) from None


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "\\t" in problem or "tab" in problem:
        return "行首不能用 Tab 缩进，请改用空格"
    translations = {
        "could not find expected ':'": "缺少冒号“:”",
        "mapping values are not allowed here": "这里不能出现冒号（值中含“: ”时请加引号）",
        "found character that cannot start any token": "有不能出现在这里的字符",
        "found undefined alias": "不允许使用 YAML 别名",
        "expected <block end>, but found": "缩进不一致",
        "did not find expected key": "缩进不一致或缺少“-”",
        "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
        "found unknown escape character": "双引号中有无效的转义字符（\\）",
        "control characters are not allowed": "含有不允许的控制字符",
    }
    for english, chinese in translations.items():
        if english in problem:
            return chinese
    return problem or str(exc)
