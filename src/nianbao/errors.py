"""Problems with a clerk's input, collected and reported together, one line each.

A `ProblemList` is raised once all problems of a file are known, so a clerk fixes a
data file in one pass instead of one error per run. `usable=False` marks input that
is not what it claims to be (exit code 2); otherwise the data is wrong (exit code 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


class ProblemList(Exception):
    def __init__(self, problems: list[Problem], *, usable: bool = True) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.usable = usable

    @property
    def exit_code(self) -> int:
        return 1 if self.usable else 2
