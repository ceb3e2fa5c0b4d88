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
    line: int | None
    label: str  # the official label (or key) the problem is about; "" for the whole file
    message: str  # in Chinese

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        label = f"{self.label}：" if self.label else ""
        return f"{where}: {label}{self.message}"


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
