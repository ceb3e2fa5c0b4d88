"""A clerk's usage mistakes, for every command: each is one Chinese message (file
names, values and option names aside), the usage line where click has one, exit code
2 and no traceback; every command's help is Chinese, with a worked example."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from nianbao.cli import main
from nianbao.cli.base import os_error_line
from nianbao.cli.layout import columns, paragraph_lines
from nianbao.errors import os_reason

# Latin words a Chinese message may hold: the program and its commands, formats, file
# kinds, programs
ALLOWED = {"nianbao", "json", "yaml", "yml", "docx", "doc", "wps", "odt", "rtf", "html", "htm",
           "txt", "pdf", "PDF", "text", "Word", "LibreOffice", "config", "offices", "forms",
           "templates", "summary", "csv", "office", "pingtan", "sudo", "apt", "get", "install",
           "JSON", "Excel", "WPS", "xlsx", "Windows",  # product names a clerk knows
           "SQLite", "postgresql", "Ctrl", "pip", "web",  # the web workspace's
           "NIANBAO", "DATABASE", "URL",  # an environment variable's name
           "workspace", "user", "UTF", "GBK", "CSV"}  # admin dump's file, add-users' CSV


def _names(group: click.Group) -> set[str]:
    """The names of a group's commands and subcommands, in their parts (add-office)."""
    found = set()
    for name, command in group.commands.items():
        found |= set(name.split("-"))
        if isinstance(command, click.Group):
            found |= _names(command)
    return found


COMMAND_NAMES = _names(main)  # type: ignore[arg-type]
CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def run(args: list[str], **kwargs: object) -> Result:
    return CliRunner().invoke(main, args, prog_name="nianbao", env=CHINESE, **kwargs)


def english_words(output: str, args: list[str]) -> list[str]:
    """The words of three or more Latin letters in a message that are not a file name
    or value the clerk typed, an option's name, or one of ALLOWED."""
    text = output
    for arg in sorted(args, key=len, reverse=True):
        if not arg.startswith("-"):
            text = text.replace(arg, " ")
    text = re.sub(r"--?[A-Za-z][A-Za-z-]*", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED | COMMAND_NAMES]


MISTAKES = [
    # (arguments, a Chinese phrase the message must hold)
    (["render"], "缺少参数 '数据文件'"),
    (["render", "--bogus", "pingtan-2021.yaml"], "没有选项 '--bogus'"),
    (["render", "missing.yaml"], "missing.yaml: 文件不存在"),
    (["render", "."], "是文件夹，这里应为文件"),
    (["render", "pingtan-2021.yaml", "-o", "年报.pdf"], "文件名应以 .docx 结尾"),
    (["render", "pingtan-2021.yaml", "--html", "--pdf"], "不能与 --template 或 --pdf 同时使用"),
    (["render", "pingtan-2021.yaml", "--template", "."], "是文件夹，这里应为文件"),
    (["render", "pingtan-2021.yaml", "-o"], "后面要写值"),
    (["new"], "缺少选项 '--year'"),
    (["new", "--year", "2024", "-o", "x.xlsx"], "请用 --office 指定机关"),
    (["new", "--office", "pingtan", "-o", "x.yaml"], "缺少选项 '--year'"),
    (["new", "--office", "pingtan", "--year", "abc", "-o", "x.yaml"], "'abc' 不是有效的整数"),
    (["new", "--office", "pingtan", "--year", "1999", "-o", "x.yaml"], "报告年度应在"),
    (["new", "--office", "nothere", "--year", "2024", "-o", "x.yaml"], "找不到机关信息"),
    (["new", "--office", "config/offices/missing.yaml", "--year", "2024", "-o", "x.yaml"],
     "文件或文件夹不存在"),
    (["new", "--office", "pingtan", "--year", "2024", "-o", "x.yaml", "--form", "2030"],
     "'2030' 不是可选的值"),
    (["new", "--office", "pingtan", "--year", "2024", "-o", "x.docx"], "文件名应以 .yaml"),
    (["check"], "缺少参数 '报告文件'"),
    (["check", "x.docx", "--format", "xml"], "'xml' 不是可选的值"),
    (["check", "missing.docx"], "找不到文件"),
    (["check", "pingtan-2021.yaml", "--previous", "."], "是文件夹，这里应为文件"),
    (["import"], "缺少参数 '报告文件'"),
    (["import", ".", "-o", "x.yaml"], "是文件夹，这里应为文件"),
    (["import", "missing.docx", "-o", "x.yaml"], "找不到文件"),
    (["rollover", "pingtan-2021.yaml"], "缺少选项 '-o' / '--output'"),
    (["rollover", "missing.yaml", "-o", "x.yaml"], "文件不存在"),
    (["batch"], "缺少参数 '文件夹'"),
    (["batch", ".", "-o", "out", "-j", "0"], "0 不在范围"),
    (["batch", ".", "-o", "out", "-j", "abc"], "'abc' 不是有效的整数"),
    (["batch", "nothere", "-o", "out"], "文件夹 'nothere' 不存在"),
    (["batch", "pingtan-2021.yaml", "-o", "out"], "是文件，这里应为文件夹"),
    (["aggregate", "pingtan-2021.yaml", "-o", "x.yaml"], "缺少选项 '--office'"),
    (["aggregate", "-o", "x.yaml", "--office", "pingtan"], "缺少参数"),
    (["pdf"], "缺少参数 '报告文件'"),
    (["pdf", "missing.docx"], "文件不存在"),
    (["office"], "命令"),
    (["office", "new"], "缺少必填项：--name（机关全称）"),
    (["office", "new", "--bogus"], "没有选项 '--bogus'"),
    (["office", "remove"], "没有命令 'remove'"),
    (["rules", "--form", "1999"], "'1999' 不是可选的值"),
    (["frobnicate"], "没有命令 'frobnicate'"),
    (["rendr", "x.yaml"], "是不是要写 'render'"),
    (["build-templates", "-o", "pingtan-2021.yaml"], "是文件，这里应为文件夹"),
    (["--bogus"], "没有选项 '--bogus'"),
    (["serve", "--port", "abc"], "'abc' 不是有效的整数"),
    (["serve", "--port", "70000"], "70000 不在范围"),
    (["serve", "--threads", "0"], "0 不在范围"),
    (["serve", "--data", "pingtan-2021.yaml"], "是文件，这里应为文件夹"),
    (["admin"], "命令"),
    (["admin", "remove"], "没有命令 'remove'"),
    (["admin", "add-office"], "缺少参数 '文件'"),
    (["admin", "add-office", "missing.yaml"], "missing.yaml: 文件不存在"),
    (["admin", "add-user", "张三", "--password-stdin"], "请用 --office 指定用户所属的机关"),
    (["admin", "add-user", "张三", "--office", "pingtan", "--admin"], "二者选一"),
    (["admin", "token"], "缺少参数 '用户名'"),
    (["admin", "import-offices"], "缺少参数 '文件夹'"),
    (["admin", "import-offices", "nowhere"], "nowhere: 文件夹不存在"),
    (["admin", "add-users"], "缺少参数 '文件'"),
    (["admin", "add-users", "missing.csv"], "missing.csv: 文件不存在"),
    (["admin", "add-users", "pingtan-2021.yaml", "-o", "pingtan-2021.yaml"], "文件已存在，未覆盖"),
    (["admin", "dump"], "缺少参数 '文件夹'"),
    (["admin", "load"], "缺少参数 '文件夹'"),
    (["admin", "load", "nowhere"], "workspace.json: 文件不存在"),
]


@pytest.mark.parametrize(("args", "phrase"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_usage_mistake_is_one_chinese_message(workdir: Path, args: list[str],
                                                phrase: str) -> None:
    result = run(args)
    assert result.exit_code == 2, result.output
    assert phrase in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not english_words(result.output, args), result.output


def test_the_corpus_covers_every_command() -> None:
    named = {args[0] for args, _ in MISTAKES}
    assert set(main.commands) <= named  # type: ignore[attr-defined]


def _all_commands(group: click.Group, path: list[str]) -> list[list[str]]:
    found = []
    for name, command in group.commands.items():
        found.append([*path, name])
        if isinstance(command, click.Group):
            found += _all_commands(command, [*path, name])
    return found


HELPS = [[], *_all_commands(main, [])]


@pytest.mark.parametrize("path", HELPS, ids=[" ".join(p) or "nianbao" for p in HELPS])
def test_every_help_is_chinese_with_an_example(workdir: Path, path: list[str]) -> None:
    result = run([*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("用法：") and "选项：" in result.output
    assert not english_words(result.output, []), english_words(result.output, [])
    assert "例：" in result.output or "从去年的报告开始" in result.output
    width = max(columns(line) for line in result.output.splitlines())
    assert width <= 80, result.output


def test_check_help_points_to_the_rules() -> None:
    assert "nianbao rules" in run(["check", "--help"]).output


def test_help_lines_are_wrapped_by_their_columns() -> None:
    """Chinese joins without spaces, wraps between characters, and never begins a line
    with a comma; a \\b paragraph is kept as written."""
    text = "甲乙丙丁戊己庚辛，壬癸\n子丑寅卯。\n\n\b\n例：nianbao a\n    nianbao b"
    first, example = paragraph_lines(text, 16)
    assert first == ["甲乙丙丁戊己庚", "辛，壬癸子丑寅", "卯。"]
    assert paragraph_lines("甲乙丙丁戊（己庚", 12) == [["甲乙丙丁戊", "（己庚"]]
    assert example == ["例：nianbao a", "    nianbao b"]


@pytest.mark.parametrize(("code", "reason"), [
    (errno.ENOENT, "文件或文件夹不存在"), (errno.EACCES, "没有权限"), (errno.EPERM, "没有权限"),
    (errno.EISDIR, "是文件夹"), (errno.ENOSPC, "磁盘已满"), (errno.ENOTDIR, "不是文件夹"),
    (errno.EROFS, "只能读取"), (12345, "错误号 12345"),
])
def test_an_os_error_is_said_in_chinese(code: int, reason: str) -> None:
    exc = OSError(code, "Some English words", "报告.docx")
    assert reason in os_reason(exc)
    line = os_error_line(exc)
    assert line.startswith("报告.docx: ") and reason in line and "English" not in line


def test_a_disk_full_while_writing_is_said_so(workdir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The OS's error reaches the clerk as the file and what is wrong, in Chinese, not
    as 无法写入 for every error, and never as its English strerror."""
    import nianbao.writing.output as output

    def full(path: Path, data: bytes, force: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(output, "write_atomic", full)
    result = run(["new", "--office", "pingtan", "--year", "2024", "-o", "2024.yaml"])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["2024.yaml: 磁盘已满"]


def test_a_missing_profile_is_a_missing_file_not_a_write(workdir: Path) -> None:
    result = run(["aggregate", "pingtan-2021.yaml", "--office", "config/offices/无.yaml",
                  "-o", "x.yaml"])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["config/offices/无.yaml: 文件或文件夹不存在"]
