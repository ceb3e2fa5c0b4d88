"""Hand-typed YAML: the values PyYAML's safe loader would give, every key's line, and
a clear refusal of what a data file never needs (aliases, tags, deep nesting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from nianbao.datafile.yamlfile import LineDict, LineList, load_yaml, parse_yaml
from nianbao.errors import ProblemList

_KEYS = st.one_of(st.text(min_size=1, max_size=8), st.integers(0, 10**6))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                     st.text(max_size=20), st.floats(allow_nan=False),
                     st.dates())
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=20)


@given(_VALUES, st.sampled_from([False, True, None]))
def test_values_are_those_of_pyyaml_safe_load(value: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow)
    assert parse_yaml(text) == yaml.safe_load(text)


def test_every_key_and_item_keeps_its_line() -> None:
    text = ("# comment\n"
            "year: 2021\n"
            "text:\n"
            "  overview:\n"
            "    - 第一段\n"
            "    - standard: opening\n"
            "表三: {自然人: 1,\n"
            "  其他: 2}\n")
    data = parse_yaml(text)
    assert isinstance(data, LineDict) and data.line == 2
    assert data.lines == {"year": 2, "text": 3, "表三": 7}
    overview = data["text"]["overview"]
    assert isinstance(overview, LineList) and overview.lines == [5, 6]
    assert overview[1].line == 6 and overview[1].lines == {"standard": 6}
    assert data["表三"].lines == {"自然人": 7, "其他": 8}


def _problem(tmp_path: Path, text: str) -> str:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_yaml(path)
    [problem] = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(("text", "message"), [
    ("a: &x 1\nb: *x\n", "data.yaml:2: YAML 格式错误：不允许使用 YAML 别名（*名称）"),
    ("a: *nowhere\n", "data.yaml:1: YAML 格式错误：不允许使用 YAML 别名"),
    ("a: 1\n---\nb: 2\n", "data.yaml:2: YAML 格式错误：只能有一个文档（不要用“---”分成几段）"),
    ("a: 1\nb: 2\na: 3\n", "data.yaml:3: YAML 格式错误：重复的键 “a”"),
    ("? [1, 2]\n: x\n", "data.yaml:1: YAML 格式错误：键必须是文字"),
    ("a: !!python/object/apply:os.system [ls]\n",
     "data.yaml:1: YAML 格式错误：不支持的 YAML 标签 “!!python/object/apply:os.system”"),
    ("a: !!binary aGk=\n", "data.yaml:1: YAML 格式错误：不支持的 YAML 标签 “!!binary”"),
    ("a:\n  <<: {b: 1}\n", "data.yaml:2: YAML 格式错误：不支持的 YAML 标签 “!!merge”"),
])
def test_what_a_data_file_never_needs_is_refused_at_its_line(
        tmp_path: Path, text: str, message: str) -> None:
    assert _problem(tmp_path, text).startswith(str(tmp_path / message))


@pytest.mark.parametrize("depth", [33, 2_000, 200_000])
def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path, depth: int) -> None:
    """libyaml's composer recursed per level: 2,000 levels were a RecursionError and
    100,000 a segmentation fault."""
    text = "a: " + "[" * depth + "]" * depth + "\n"
    assert "嵌套超过 32 层" in _problem(tmp_path, text)


def test_block_nesting_as_deep_as_allowed_is_read() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(31)) + " " * 31 + "k31: 1\n"
    node = parse_yaml(text)
    for i in range(32):
        node = node[f"k{i}"]
    assert node == 1
