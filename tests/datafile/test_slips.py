"""Typing slips of a Chinese keyboard in a data file: each is one Chinese line at its own
line saying what was typed and what to type instead, and every other problem of the
file is still reported in the same run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nianbao.datafile import yamlfile
from nianbao.datafile.reader import load_report
from nianbao.datafile.slips import find_slips
from nianbao.errors import Problem, ProblemList
from nianbao.spec.values import format_value

Edits = list[tuple[str, str]]


def _write(workdir: Path, edits: Edits) -> Path:
    path = workdir / "pingtan-2021.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _problems(path: Path) -> list[str]:
    with pytest.raises(ProblemList) as caught:
        load_report(path)
    return caught.value.lines()


PUNISH = "行政处罚: {本年处理决定数量: 1282}"
STRONG = "    行政强制: {本年处理决定数量: 42}"
REVIEW = "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0}"
FEE_AMOUNT = "{本年收费金额（单位：万元）: 24252.311082}"
PARAGRAPH = "    - 2021年，无收取信息处理费情况。"
TITLE = "title: 平潭综合实验区2021年度政府信息公开工作年度报告"
NAME = "平潭综合实验区2021年度政府信息公开工作年度报告"
BLANK = "空白（没有数字的格应填 0）"
CARRIED = "四、结转下年度继续办理: {自然人: "
DISCLOSED = "（一）予以公开: {自然人: 27, 商业企业: "
FULL_WIDTH = "警告：全角数字“{}”已按 {} 读取，请改为半角数字"
COLON = "冒号应为半角“:”加一个空格：填写的是 “{0}：”，应为 “{0}: ”"
MARKER = "段落应以半角“- ”（减号加空格）开头，填写的是 “{}”"
QUOTES = "引号不配对：开头是{}，结尾是{}；请两头都用半角引号，或都删去"

# (what the clerk typed, [(text of the line named, the line printed after "file:line: ")])
CORPUS: dict[str, tuple[Edits, list[tuple[str, str]]]] = {
    "full-width colon in {…}": (
        [(PUNISH, "行政处罚: {本年处理决定数量：1282}")],
        [("行政处罚:", COLON.format("本年处理决定数量"))]),
    "full-width colon after a key": (
        [("    " + PUNISH, "    行政处罚:\n      本年处理决定数量：1282")],
        [("本年处理决定数量：", COLON.format("本年处理决定数量"))]),
    "full-width colon after year": (
        [("year: 2021", "year：2021")], [("year：", COLON.format("year"))]),
    "full-width colon in the fees": (
        [("  发出收费通知件数: 0", "  发出收费通知件数：0")],
        [("发出收费通知件数", COLON.format("发出收费通知件数"))]),
    "full-width colon after standard": (
        [(PARAGRAPH, "    - standard：fees")], [("standard：", COLON.format("standard"))]),
    "full-width spaces as indentation": (
        [(STRONG, "　　行政强制: {本年处理决定数量: 42}")],
        [("行政强制", "缩进中有全角空格“　”，请改为半角空格")]),
    "a full-width space among the indentation": (
        [(STRONG, "  　行政强制: {本年处理决定数量: 42}")],
        [("行政强制", "缩进中有全角空格“　”，请改为半角空格")]),
    "a tab as indentation": (
        [(STRONG, "\t行政强制: {本年处理决定数量: 42}")],
        [("行政强制", "不能用 Tab 缩进，请改用空格")]),
    "thousands separator in {…}": (
        [(PUNISH, "行政处罚: {本年处理决定数量: 1,282}")],
        [("行政处罚:", "数字中不要用千位分隔符：填写的是 “1,282”，应为 1282")]),
    "full-width thousands separator": (
        [(PUNISH, "行政处罚: {本年处理决定数量: 1，282}")],
        [("行政处罚:", "数字中不要用千位分隔符：填写的是 “1，282”，应为 1282")]),
    "thousands separator after a key": (
        [("    " + PUNISH, "    行政处罚:\n      本年处理决定数量: 1,282")],
        [("本年处理决定数量: 1,282", "数字中不要用千位分隔符：填写的是 “1,282”，应为 1282")]),
    "unit after a count": (
        [(PUNISH, "行政处罚: {本年处理决定数量: 1282件}")],
        [("行政处罚:", "表二 “行政处罚” “本年处理决定数量”："
                      "数字后不要写单位，填写的是 “1282件”，应为 1282")]),
    "the column's unit after an amount": (
        [(FEE_AMOUNT, "{本年收费金额（单位：万元）: 24252.311082万元}")],
        [("行政事业性收费", "表二 “行政事业性收费” “本年收费金额（单位：万元）”："
                          "数字后不要写单位，填写的是 “24252.311082万元”，应为 24252.311082")]),
    "another unit than the column's": (
        [(FEE_AMOUNT, "{本年收费金额（单位：万元）: 242523110元}")],
        [("行政事业性收费", "表二 “行政事业性收费” “本年收费金额（单位：万元）”："
                          "本栏单位是万元，填写的是 “242523110元”：请换算为万元后只填数字")]),
    "unit after the fee amount": (
        [("  实际收取金额（元）: 0", "  实际收取金额（元）: 0元")],
        [("实际收取金额", "信息处理费 “实际收取金额（元）”："
                        "数字后不要写单位，填写的是 “0元”，应为 0")]),
    "· as list marker": ([(PARAGRAPH, "    · 2021年，无收取信息处理费情况。")],
                         [("无收取信息处理费", MARKER.format("·"))]),
    "• as list marker": ([(PARAGRAPH, "    •2021年，无收取信息处理费情况。")],
                         [("无收取信息处理费", MARKER.format("•"))]),
    "full-width minus as list marker": ([(PARAGRAPH, "    － 2021年，无收取信息处理费情况。")],
                                        [("无收取信息处理费", MARKER.format("－"))]),
    "no space after the list marker": (
        [(PARAGRAPH, "    -2021年，无收取信息处理费情况。")],
        [("无收取信息处理费", "“-”后应有一个空格：段落以“- ”（减号加空格）开头")]),
    "full-width minus in a count": (
        [(REVIEW, "行政复议: {结果维持: －1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0}")],
        [("行政复议:", "表四 “行政复议/结果维持”：件数不能为负数（-1）")]),
    "a dash for none": (
        [(REVIEW, "行政复议: {结果维持: 1, 结果纠正: －, 其他结果: 2, 尚未审结: 0}")],
        [("行政复议:", "表四 “行政复议/结果纠正”：没有发生的填 0，填写的是 “－”")]),
    "Chinese comma in {…}": (
        [(REVIEW, "行政复议: {结果维持: 1， 结果纠正: 0，其他结果: 2, 尚未审结: 0}")],
        [("行政复议:", "花括号中各项之间应用半角逗号“,”，填写的是全角“，”（本行共 2 处）")]),
    "full-width braces": (
        [(REVIEW, "行政复议: ｛结果维持: 1, 结果纠正: 0, 其他结果: 2, 尚未审结: 0｝")],
        [("行政复议:", "括号应为半角“{ }”或“[ ]”，填写的是全角“｛｝”")]),
    "quote opened “ closed \"": ([(TITLE, f"title: “{NAME}\"")],
                                 [("title:", QUOTES.format("全角引号 “", '半角引号 "'))]),
    "quote opened \" closed ”": ([(TITLE, f"title: \"{NAME}”")],
                                 [("title:", QUOTES.format('半角引号 "', "全角引号 ”"))]),
}


@pytest.mark.parametrize("case", CORPUS)
def test_a_slip_is_one_line_saying_what_to_type(workdir: Path, case: str) -> None:
    edits, expected = CORPUS[case]
    path = _write(workdir, edits)
    problems = _problems(path)
    assert problems == [f"{path}:{_line_of(path, needle)}: {text}" for needle, text in expected]
    assert not [line for line in problems if _english(line.replace(str(path), ""))]


def test_every_slip_and_every_other_problem_in_one_run(workdir: Path) -> None:
    path = _write(workdir, [
        (TITLE, f"title: “{NAME}\""),
        (PARAGRAPH, "    · 2021年，无收取信息处理费情况。"),
        ("行政许可: {本年处理决定数量: 2293}", "行政许可: {本年处理决定数量: 2,293}"),
        (PUNISH, "行政处罚: {本年处理决定数量：1282}"),
        (STRONG, "　　行政强制: {本年处理决定数量: 42}"),
        ("1.本机关不掌握相关政府信息: {自然人: 22,", "1.本机关不掌握相关政府信息: {自然人: ,"),
        (CARRIED + "1,", CARRIED + "7,"),
        (REVIEW, "行政复议: {结果维持: 1， 结果纠正: 0, 其他结果: 2, 尚未审结: 0}"),
    ])

    def at(needle: str, text: str) -> str:
        return f"{path}:{_line_of(path, needle)}: {text}"

    assert _problems(path) == [
        at("title:", QUOTES.format("全角引号 “", '半角引号 "')),
        at("无收取信息处理费", MARKER.format("·")),
        at("行政许可", "数字中不要用千位分隔符：填写的是 “2,293”，应为 2293"),
        at("行政处罚", COLON.format("本年处理决定数量")),
        at("行政强制", "缩进中有全角空格“　”，请改为半角空格"),
        at("行政复议: {", "花括号中各项之间应用半角逗号“,”，填写的是全角“，”"),
        at("1.本机关不掌握", f"表三 “1.本机关不掌握相关政府信息” “自然人”：{BLANK}"),
        # the blank cell does not hide its column's balance: both lines, in one run
        at("四、结转下年度", "表三 “四、结转下年度继续办理” “自然人”：应为 23，实为 7"
                       "（第一项加第二项之和应等于第三项加第四项之和（本列数据的勾稽关系））"
                       "；其中 表三 “1.本机关不掌握相关政府信息” “自然人” 空白，按 0 计算"),
    ]


def test_a_blank_cell_that_is_the_one_to_blame_says_what_it_should_hold(workdir: Path) -> None:
    path = _write(workdir, [(CARRIED + "1,", CARRIED + ",")])
    assert _problems(path) == [f"{path}:{_line_of(path, '四、结转下年度')}: "
                               "表三 “四、结转下年度继续办理” “自然人”："
                               "空白（没有数字的格应填 0）；按勾稽关系应为 1"]


def test_a_blank_cell_does_not_hide_a_typed_total_that_disagrees(workdir: Path) -> None:
    path = _write(workdir, [(DISCLOSED + "0,", DISCLOSED + ","),
                            ("法律服务机构: 0, 其他: 1}", "法律服务机构: 0, 其他: 1, 总计: 33}")])
    line = _line_of(path, "（一）予以公开")
    assert _problems(path) == [
        f"{path}:{line}: 表三 “（一）予以公开” “商业企业”：空白（没有数字的格应填 0）",
        f"{path}:{line}: 表三 “（一）予以公开” “总计”：与计算结果不一致：填写 33，按各项合计应为 30"
        "（总计可以不填）；其中 表三 “（一）予以公开” “商业企业” 空白，按 0 计算"]


@pytest.mark.parametrize(("edits", "warned"), [
    ([(PUNISH, "行政处罚: {本年处理决定数量: １２８２}")],
     ["表二 “行政处罚” “本年处理决定数量”：" + FULL_WIDTH.format("１２８２", 1282)]),
    ([("year: 2021", "year: ２０２１")],
     ["year（报告年度）：" + FULL_WIDTH.format("２０２１", 2021)]),
    ([("form: '2021'", "form: '２０２１'")],
     ["form（表格格式）：" + FULL_WIDTH.format("２０２１", 2021)]),
    ([("1.属于国家秘密:", "１.属于国家秘密:"), ("{结果维持: 1,", "{结果维持　: 1,"),
      ("其他结果: 2,", '"其他结果 ": 2,'), ("date: 2022-01-28", "date: ２０２２-01-28")],
     []),  # labels and dates are compared as a clerk sees them: width and spaces aside
])
def test_slips_read_as_what_they_unambiguously_mean(workdir: Path, edits: Edits,
                                                     warned: list[str]) -> None:
    path = _write(workdir, edits)
    found: list[Problem] = []
    report = load_report(path, warnings=found)
    assert report.tables["t2"][("penalty", "decisions")] == 1282
    assert (report.year, report.form.version) == (2021, "2021")
    assert report.tables["t4"][("-", "review.total")] == 3
    assert [f"{p.label}：{p.message}" for p in found] == warned
    assert all(p.line == _line_of(path, "２") for p in found)


def test_keys_typed_with_spaces_are_read_as_the_key_with_a_warning(workdir: Path) -> None:
    path = _write(workdir, [("year: 2021", '"year ": 2021'), ("  overview:", "  overview　:"),
                            ("  发出收费通知件数: 0", "  发出收费通知件数　: 0")])
    found: list[Problem] = []
    report = load_report(path, warnings=found)
    assert report.year == 2021 and len(report.text["overview"]) == 6
    assert [str(p) for p in found] == [
        f"{path}:8: year：警告：“year ”有多余的空格或全角字符，已按 “year” 读取",
        f"{path}:{_line_of(path, 'overview')}: overview：警告：“overview　”有多余的空格或全角字符，"
        "已按 “overview” 读取",
        f"{path}:{_line_of(path, '发出收费')}: 发出收费通知件数："
        "警告：“发出收费通知件数　”有多余的空格或全角字符，已按 “发出收费通知件数” 读取"]


@pytest.mark.parametrize("name", ["pingtan-2021.yaml", "jingdezhen-2023.yaml"])
def test_prose_and_labels_are_never_taken_for_slips(workdir: Path, name: str) -> None:
    """Paragraphs keep their full-width colons, commas and quotes; labels their
    （单位：万元）."""
    text = (workdir / name).read_text(encoding="utf-8")
    prose = ("  overview:\n    - （二）改进措施：一是丰富，二是“加强”。\n"
             "    - 2021年“十四五”：收到4,521件。\n")
    assert find_slips(text) == (text, [])
    assert find_slips(prose) == (prose, [])


# Broken YAML of every kind a clerk can produce, for the messages libyaml and PyYAML give
BROKEN = ["a: b: c\n", "a:\n  b: 1\n c: 2\n", "a: [1, 2\n", "a: {b: 1\n", "a: 'x\n", 'a: "x\n',
          "a: @x\n", "- a\nb: 1\n", "a: 1\n- b\n", "a: 1\n---\nb: 2\n", "%YAML 1.1\n%YAML 1.1\n",
          "%FOO bar\n---\na: 1\n", "a: !<tag:x\n", "a: !x!y 1\n", "a: &\n", "a: *\n", 'a: "\\q"\n',
          'a: "\\x4"\n', "a: |0\n  x\n", "a: |x\n  x\n", "a: 'x'y\n", "? a\n? b\n: c\n: d\n",
          "a:\n  - 1\n  b: 2\n", "{a: 1}}\n", "a: 1\n\tb: 2\n", "a: [1,, 2]\n", "a: {,}\n",
          "a: 1 #x\nb\n", "a: \"x\n---\ny\"\n", "a: x\n...\nb: y\n", "- - - a\n  - b\n - c\n",
          "a: }\n", "a: {b: [}\n", ": a\n", "[\n", "a: b\n c: d\n", "\x00a: 1\n", "a: *x\n",
          "a: &x 1\nb: *x\n", "a: !!python/name:os.system\n"]
# what a message may hold in Latin letters: YAML's own tokens and what the clerk typed
_ALLOWED = {"YAML", "Tab", "UTF", "GBK"}


def _english(line: str) -> list[str]:
    shown = re.sub(r"“[^”]*”", "", line.split(": ", 1)[1])  # quoted: as the clerk typed it
    return [w for w in re.findall("[A-Za-z]{2,}", shown) if w not in _ALLOWED]


@pytest.mark.parametrize("loader", ["libyaml", "pyyaml"])
def test_no_message_is_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  loader: str) -> None:
    if loader == "pyyaml":
        monkeypatch.setattr(yamlfile, "_LOADER", yaml.SafeLoader)
    path = tmp_path / "data.yaml"
    for text in BROKEN:
        path.write_text(text, encoding="utf-8")
        try:
            yamlfile.load_yaml(path)
            continue  # PyYAML only warns of an unknown %FOO directive
        except ProblemList as caught:
            lines = caught.lines()
        for line in lines:
            assert "YAML 格式错误" in line or "Tab" in line, (text, line)
            assert not _english(line), (text, line)


# libyaml's scanner and parser problems (yaml/_yaml.*.so), each with the context
# libyaml gives it, and PyYAML's own where its wording differs
LIBYAML = [
    ("block sequence entries are not allowed in this context", ""),
    ("control characters are not allowed", ""), ("could not find expected ':'", ""),
    ("did not find URI escaped octet", "while parsing a tag"),
    ("did not find expected '!'", "while scanning a tag"),
    ("did not find expected ',' or ']'", ""), ("did not find expected ',' or '}'", ""),
    ("did not find expected '-' indicator", ""), ("did not find expected <document start>", ""),
    ("did not find expected alphabetic or numeric character", "while scanning an anchor"),
    ("did not find expected comment or line break", "while scanning a block scalar"),
    ("did not find expected digit or '.' character", "while scanning a %YAML directive"),
    ("did not find expected hexdecimal number", "while parsing a quoted scalar"),
    ("did not find expected key", "while parsing a block mapping"),
    ("did not find expected node content", "while parsing a flow node"),
    ("did not find expected tag URI", "while parsing a tag"),
    ("did not find expected whitespace", "while scanning a tag"),
    ("did not find expected whitespace or line break", "while scanning a directive"),
    ("found a tab character that violates indentation", ""),
    ("found an indentation indicator equal to 0", "while scanning a block scalar"),
    ("found character that cannot start any token", "while scanning for the next token"),
    ("found duplicate %YAML directive", ""), ("found incompatible YAML document", ""),
    ("found invalid Unicode character escape code", "while parsing a quoted scalar"),
    ("found undefined tag handle", "while parsing a node"), ("found unexpected ':'", ""),
    ("found unexpected document indicator", "while scanning a quoted scalar"),
    ("found unexpected end of stream", "while scanning a quoted scalar"),
    ("found unknown escape character", "while parsing a quoted scalar"),
    ("invalid leading UTF-8 octet", ""), ("mapping keys are not allowed in this context", ""),
    ("mapping values are not allowed in this context", ""),
    ("exceeded maximum nesting depth", ""), ("input is too long", ""),
    ("expected <block end>, but found '<block mapping start>'", "while parsing a block mapping"),
    ("found character '@' that cannot start any token", "while scanning for the next token"),
    ("expected ',' or '}', but got '<scalar>'", "while parsing a flow mapping"),
    ("expected the node content, but found ','", "while parsing a flow node"),
    ("expected alphabetic or numeric character, but found '\\n'", "while scanning an alias"),
    ("mapping values are not allowed here", ""),
    ("expected chomping or indentation indicators, but found 'x'", "while scanning a block scalar"),
]


@pytest.mark.parametrize(("problem", "context"), LIBYAML)
def test_every_libyaml_reason_is_told_in_chinese(problem: str, context: str) -> None:
    reason = yamlfile._yaml_reason(problem, context, "", None)
    assert re.search("[\u4e00-\u9fff]", reason) and not _english(f": {reason}"), reason
    assert reason != yamlfile._GENERIC, problem


def test_values_shown_in_messages_are_printed_as_numbers() -> None:
    assert format_value(1282) == "1282"  # the 应为 of a slip is a number the clerk can type


def test_text_over_several_lines_is_the_clerks_and_a_slip_after_it_is_found() -> None:
    text = ("text:\n"
            "  overview:\n"
            "    - |\n"
            "      收到：70\n"
            "      · 一是，“加强\"\n"
            "    - 第一段很长\n"
            "      继续：100\n"
            "title: 年度报告\n"
            "  　下一行：1,000\n"
            "year：2021\n")
    fixed, slips = find_slips(text)
    assert [(s.line, s.message) for s in slips] == [(10, COLON.format("year"))]
    assert fixed == text.replace("year：", "year: ")


def test_a_quoted_number_with_separators_is_named_too(workdir: Path) -> None:
    path = _write(workdir, [(PUNISH, "行政处罚: {本年处理决定数量: '1,282'}")])
    line = _line_of(path, "行政处罚:")
    assert _problems(path) == [f"{path}:{line}: 表二 “行政处罚” “本年处理决定数量”："
                               "数字中不要用千位分隔符：填写的是 “1,282”，应为 1282"]


def test_a_slip_in_an_office_profile_is_named_too(tmp_path: Path) -> None:
    path = tmp_path / "office.yaml"
    path.write_text("name：平潭综合实验区\n", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        yamlfile.load_yaml(path)
    assert caught.value.lines() == [f"{path}:1: {COLON.format('name')}"]
