"""The prose rules of a form file (`prose:` and `leftovers:`): what a number or a
statement in the text says about the tables, and text left over from last year.

A `CountRule` (P1–P5, P8–P26, P29, P30) names a quantity the tables hold by the words reports use
around its number: "共收到政府信息公开申请75件" is P1. Its `patterns` are regular
expressions on one clause in which `{n}` stands for the number (with a counting word)
and `{money}` for an amount of 元 or 万元; they are tried in the form file's order, and
the first rule whose pattern ends at a number takes it. A quantity may legitimately
mean more than one sum of cells (受理 = 一 or 一+二): `means` lists them, and `by` picks
them by a word earlier in the sentence (复议 or 诉讼 for 维持). A `StatementRule` (P6,
P7, P20–P22, P27) is a sentence the cells contradict when one of them is above 0. The
`PercentRule` (P28) checks "占33.9%" against the count before it. `LeftoverRule`s
(Y1–Y3) find last year's text in this year's report.

The cells are named as templates name them (t3.received.total); a row that is a group
of the form (t3.withheld) stands for its data rows; `fees.amount` and `fees.notices`
are the data file's 信息处理费, which a document read back does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nianbao.spec.rules import Rule
from nianbao.spec.tables import CellKey, Table

FEES = "fees"  # the pseudo-table of the data file's 信息处理费: (FEES, (field, ""))
COUNT_WORDS = "件|起|宗|个"
MONEY_WORDS = "万元|元"
# A number in a clause, masked: this number's digits are "#", every other number's "@"
# (so that a pattern's gaps, written [^#@], never reach across another number).
_PLACEHOLDERS = {"{n}": rf"(?P<n>#+)\s*(?:{COUNT_WORDS})",
                 "{money}": rf"(?P<n>#+)\s*(?P<unit>{MONEY_WORDS})",
                 "{pct}": r"(?P<n>#+)\s*[%％]"}

Cell = tuple[str, CellKey]  # (table id, cell), or (FEES, (field, ""))


@dataclass(frozen=True)
class Meaning:
    """One sum of cells a number in the text may stand for, and how a clerk names it
    (表三 “一、本年新收政府信息公开申请数量” “总计” + “二、…” “总计”)."""

    cells: tuple[Cell, ...]
    says: str


@dataclass(frozen=True)
class CountRule(Rule):
    """A number in the text that must equal one of `means` (or, when a word of `by`
    comes before it in its sentence, one of that word's meanings)."""

    label: str = ""  # the quantity in a clerk's words: 收到申请件数
    patterns: tuple[re.Pattern[str], ...] = ()
    means: tuple[Meaning, ...] = ()
    by: tuple[tuple[re.Pattern[str], tuple[Meaning, ...]], ...] = ()
    unless: re.Pattern[str] | None = None  # a clause with these words is about something else
    money: bool = False  # an amount in 元 (万元 converted), not a count


@dataclass(frozen=True)
class StatementRule(Rule):
    """A sentence (`pattern`, in one clause) that any of `cells` above 0 contradicts."""

    pattern: re.Pattern[str] = re.compile("")
    cells: tuple[Cell, ...] = ()
    says: str = ""
    unless: re.Pattern[str] | None = None


@dataclass(frozen=True)
class PercentRule(Rule):
    """"占33.9%" after a count: the count over one of `bases`, to the quoted precision."""

    pattern: re.Pattern[str] = re.compile("")  # group "n": the percentage
    bases: tuple[Meaning, ...] = ()


@dataclass(frozen=True)
class LeftoverRule(Rule):
    """Text kept from last year's report: `period` (the 统计期限 names another year;
    `pattern` has groups "start" and "end"), `opening` (a sentence of `sections` opens
    with last year: `pattern` has group "year"), `repeated` (a paragraph of at least
    `min_length` characters as last year's report has it, unless it holds one of
    `unless`: the contact lines are the same every year)."""

    kind: str = ""
    pattern: re.Pattern[str] | None = None
    sections: tuple[str, ...] = ()
    min_length: int = 0
    unless: re.Pattern[str] | None = None


ProseRule = CountRule | StatementRule | PercentRule


def _words(raw: list[str] | None) -> re.Pattern[str] | None:
    return re.compile("|".join(raw)) if raw else None


def _pattern(source: str) -> re.Pattern[str]:
    for placeholder, regex in _PLACEHOLDERS.items():
        source = source.replace(placeholder, regex)
    return re.compile(source)


def _cells(ref: str, tables: dict[str, Table]) -> tuple[tuple[Cell, ...], str]:
    """The cells a form file's reference names, and how a clerk names them: a data
    row's cell, or a group row's cells (t3.withheld.total: the eight rows of （三）)."""
    table_id, *path = ref.split(".")
    if table_id == FEES:
        return ((FEES, (path[0], "")),), ""
    table = tables[table_id]
    try:
        cell = table.cell_at(tuple(path))
    except KeyError:  # a group row: its label names all its data rows
        row_id, column = path
        return (tuple((table_id, (r, column)) for r in table.rows_under(row_id)),
                f"“{table.node_label(row_id)}”各项 “{table.column_label(column)}”之和")
    return ((table_id, cell),), table.describe(*cell).removeprefix(table.key).strip()


def build_meaning(refs: list[str] | dict[str, Any], tables: dict[str, Table]) -> Meaning:
    """A meaning of a form file: a list of cell references, or {cells, says} where the
    form says it in its own words (the 信息处理费, which no table prints)."""
    if isinstance(refs, dict):
        cells = tuple(c for ref in refs["cells"] for c in _cells(ref, tables)[0])
        return Meaning(cells, refs["says"])
    parts = [_cells(ref, tables) for ref in refs]
    key = tables[refs[0].split(".")[0]].key
    return Meaning(tuple(c for cells, _ in parts for c in cells),
                   key + " " + " + ".join(says for _, says in parts))


def _meanings(raw: list[Any], tables: dict[str, Table]) -> tuple[Meaning, ...]:
    return tuple(build_meaning(refs, tables) for refs in raw)


def build_prose_rule(raw: dict[str, Any], tables: dict[str, Table]) -> ProseRule:
    """A rule of the form file's `prose:`, typed by its `kind` (count, statement,
    percent)."""
    kind, rule_id, message = raw["kind"], raw["id"], raw["message"]
    if kind == "count":
        by = tuple((re.compile(word), _meanings(means, tables))
                   for word, means in (raw.get("by") or {}).items())
        return CountRule(rule_id, message, raw["label"],
                         tuple(_pattern(p) for p in raw["patterns"]),
                         _meanings(raw.get("means") or [], tables), by,
                         _words(raw.get("unless")), bool(raw.get("money")))
    if kind == "statement":
        meaning = build_meaning(raw["cells"], tables)
        return StatementRule(rule_id, message, re.compile(raw["pattern"]), meaning.cells,
                             meaning.says, _words(raw.get("unless")))
    if kind == "percent":
        return PercentRule(rule_id, message, _pattern(raw["pattern"]),
                           _meanings(raw["bases"], tables))
    raise ValueError(f"unknown prose rule {rule_id}: {kind}")


def build_leftover_rule(raw: dict[str, Any]) -> LeftoverRule:
    pattern = raw.get("pattern")
    return LeftoverRule(raw["id"], raw["message"], raw["kind"],
                        re.compile(pattern) if pattern else None,
                        tuple(raw.get("sections", ())), int(raw.get("min_length", 0)),
                        _words(raw.get("unless")))


def applies(raw: dict[str, Any], version: str) -> bool:
    """Whether a prose rule of the form file is one of this form's (`forms`: table 二's
    rows changed in 2021)."""
    return "forms" not in raw or version in raw["forms"]
