"""The one error hierarchy: everything that can stop a command, with its exit code and
the Chinese lines a clerk reads.

Every layer raises a subclass of `NianbaoError`; the command line prints `lines()` and
exits with `exit_code` in one place, so a new error cannot leak a traceback or pick an
exit code of its own. Exit code 1: the data are wrong or a check failed; 2: the input
is unusable (not a report, not readable, an output that exists, a missing program).

`ProblemList` carries the problems of a clerk's file, collected and reported together
(one line each: file, line, label, message), so a data file is fixed in one pass.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DATA = 1  # exit code: wrong data, failed checks
UNUSABLE = 2  # exit code: unusable input or usage


class NianbaoError(Exception):
    """Base of every error nianbao raises for a clerk to read."""

    exit_code = UNUSABLE

    def lines(self) -> list[str]:
        """What the clerk reads, one line per problem, in Chinese."""
        return [str(self)]


@dataclass(frozen=True)
class Problem:
    file: Path | str
    line: int | str | None  # a data file's line, or a workbook's cell: 表三!D7
    label: str  # the official label (or key) the problem is about; "" for the whole file
    message: str  # in Chinese

    def __str__(self) -> str:
        return f"{self.file}:{self.within}" if self.line else f"{self.file}: {self.within}"

    @property
    def within(self) -> str:
        """The problem without its file (for a line under the file's name): where in the
        file, the label, the message."""
        label = f"{self.label}：" if self.label else ""
        return f"{self.line}: {label}{self.message}" if self.line else f"{label}{self.message}"


class ProblemList(NianbaoError):
    """Problems of a clerk's file; `usable=False` marks input that is not what it claims
    to be (exit code 2), otherwise the data are wrong (exit code 1)."""

    def __init__(self, problems: list[Problem], *, usable: bool = True) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.usable = usable

    @property
    def exit_code(self) -> int:  # type: ignore[override]  # read-only here, by `usable`
        return DATA if self.usable else UNUSABLE

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class Unusable(NianbaoError):
    """A file that cannot be read as what it should be (a report, a template, a PDF
    tool's output); `str(exc)` is the Chinese message, saying what to do where it can."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class OutputExists(NianbaoError, FileExistsError):
    """An output file is there already: nianbao never replaces one without --force."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: 文件已存在，未覆盖（确需覆盖请加 --force）"


class VerificationFailed(NianbaoError):
    """A rendered document did not read back as the report it was rendered from."""

    exit_code = DATA

    def __init__(self, path: Path | str, findings: list[str]) -> None:
        super().__init__("\n".join(findings))
        self.path = path
        self.findings = findings

    def lines(self) -> list[str]:
        return [f"{self.path}: 生成的报告未通过核对，未写出文件：{f}" for f in self.findings]


# What an operating-system error means, by errno, in the words a clerk reads (the OS's
# own `strerror` is English, or in the language of the machine's locale). By name: not
# every system has every errno (Windows has no EDQUOT).
_OS_REASONS = {
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有权限（不允许读写，或正被其他程序打开）",
    "EPERM": "没有权限（不允许读写，或正被其他程序打开）",
    "EISDIR": "这是文件夹，不是文件",
    "ENOTDIR": "路径中有一项不是文件夹",
    "ENOSPC": "磁盘已满",
    "EDQUOT": "磁盘已满（超出配额）",
    "EROFS": "磁盘或文件夹只能读取，不能写入",
    "EEXIST": "文件已存在",
    "ENOTEMPTY": "文件夹不是空的",
    "ENAMETOOLONG": "文件名太长",
    "EBUSY": "文件正被其他程序使用",
    "ETXTBSY": "文件正被其他程序使用",
    "EIO": "读写磁盘时出错（磁盘或网络位置可能有问题）",
    "EMFILE": "同时打开的文件太多",
    "ENFILE": "同时打开的文件太多",
    "EXDEV": "不能跨磁盘移动文件",
    "EINVAL": "文件名或路径无效",
    "ELOOP": "路径中的链接太多（可能循环链接）",
}
OS_REASONS = {getattr(errno, name): text for name, text in _OS_REASONS.items()
              if hasattr(errno, name)}
OS_UNKNOWN = "操作系统报告错误（错误号 {errno}）"


def os_reason(exc: OSError, translate: Callable[[str], str] = str) -> str:
    """What an OSError means, in Chinese (or through `translate`, whose msgids these
    are): the one place an errno becomes words, for reads and writes alike."""
    reason = OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return translate(reason) if reason else translate(OS_UNKNOWN).format(errno=exc.errno)
