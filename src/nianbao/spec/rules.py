"""The consistency rules (勾稽关系) of the form, one class per kind, and the equations
they impose on cells.

A `SumRule` (a total is the sum of its parts, per row or per column) or a
`BalanceRule` (Σ left = Σ right, per column: the printed 勾稽 note of table 三) expands
to one `Equation` per row or column. The same equations serve every caller: the
data-file reader derives the totals a clerk need not type and reports a clerk's numbers
that do not balance, the checker reports cells that break them, rollover balances a
draft. Across-year rules (`CarryRule`, `StockRule`, `RollforwardRule`) say what this
year's cell should be given last year's report, once, for the checker and for rollover.
The prose rules are in `nianbao.spec.prose`. `DateYearRule` and
`DeadlineRule` (D1, D2) tie the 成文日期 to the report year and to the deadline of
条例 第四十九条.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from nianbao.spec.tables import CellKey, Table
from nianbao.spec.values import Value

Number = int | Decimal
TableValues = dict[CellKey, Value]


def is_number(value: object) -> TypeGuard[Number]:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def total(values: Iterable[Value]) -> Number | None:
    """The sum of values that are all numbers; None when one is not (blank or text)."""
    result: Number = 0
    for value in values:
        if not is_number(value):
            return None
        result += value
    return result


@dataclass(frozen=True)
class Equation:
    """Σ left = Σ right over the cells of one table. A sum's left is its total; a
    balance's (R3.3) last right term is the cell that balances the others."""

    rule: str
    table: str
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    derives: bool = False
    balance: bool = False

    @property
    def blamed(self) -> CellKey:
        """The cell that is named when the equation fails, and that rollover fills."""
        return self.right[-1] if self.balance else self.left[0]

    def expected(self, values: TableValues) -> Number | None:
        """What the blamed cell must hold for the equation to be true, from the other
        cells (None when one of them is not a number)."""
        blamed = self.blamed
        others = total(values.get(k) for k in self.right if k != blamed)
        if not self.balance:
            return others
        left = total(values.get(k) for k in self.left)
        return None if left is None or others is None else left - others

    def fixed(self, cell: CellKey, values: TableValues) -> Number | None:
        """What `cell` would have to hold for the equation to be true, the other cells as
        they are (None when one of them is not a number)."""
        left = total(values.get(k) for k in self.left)
        right = total(values.get(k) for k in self.right)
        found = values.get(cell)
        if left is None or right is None or not is_number(found):
            return None
        return found - (left - right) if cell in self.left else found + (left - right)

    def violation(self, values: TableValues) -> tuple[CellKey, Number, Number] | None:
        """(blamed cell, expected, found) when every cell is a number and the equation
        does not hold."""
        found = values.get(self.blamed)
        expected = self.expected(values)
        if expected is None or not is_number(found) or expected == found:
            return None
        return self.blamed, expected, found


@dataclass(frozen=True)
class Rule:
    id: str
    message: str


@dataclass(frozen=True)
class TypeRule(Rule):
    """Every cell of these tables holds a value of its column's type (R2.1, R3.4)."""

    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class SumRule(Rule):
    """target = Σ parts, for every row (parts are columns; `groups` prefix them) or for
    every column (parts are rows). `derives`: the target is computed, never typed."""

    table: str = ""
    each: str = "row"
    target: str = ""
    parts: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    derives: bool = False

    def equations(self, table: Table) -> Iterator[Equation]:
        if self.each == "column":
            for column in table.columns:
                yield Equation(self.id, table.id, ((self.target, column.id),),
                               tuple((r, column.id) for r in self.parts), self.derives)
            return
        for prefix in [f"{g}." for g in self.groups] or [""]:
            for row in table.rows:
                yield Equation(self.id, table.id, ((row.id, prefix + self.target),),
                               tuple((row.id, prefix + p) for p in self.parts), self.derives)


@dataclass(frozen=True)
class BalanceRule(Rule):
    """Σ left rows = Σ right rows, for every column."""

    table: str = ""
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()

    def equations(self, table: Table) -> Iterator[Equation]:
        for column in table.columns:
            yield Equation(self.id, table.id, tuple((r, column.id) for r in self.left),
                           tuple((r, column.id) for r in self.right), balance=True)


@dataclass(frozen=True)
class AcrossYearRule(Rule):
    """This year's report against last year's (X1–X3): each of this year's cells it
    names should equal the sum of terms taken from both reports."""

    table: str = ""
    severity: str = "error"
    forms: tuple[str, ...] = ()  # both reports must be of one of these forms (table 二 changed)
    draft_note: str = ""  # what rollover says beside a row it filled by this rule

    def applies(self, this_version: str, last_version: str) -> bool:
        return not self.forms or (this_version in self.forms and last_version in self.forms)

    def expectations(self, table: Table, this: TableValues, last: TableValues
                     ) -> Iterator[tuple[CellKey, list[Value]]]:
        """(this year's cell, the terms whose sum it should be)."""
        raise NotImplementedError


@dataclass(frozen=True)
class CarryRule(AcrossYearRule):
    """X1: this[this_row][col] = last[last_row][col], every column."""

    this_row: str = ""
    last_row: str = ""

    def expectations(self, table: Table, this: TableValues, last: TableValues
                     ) -> Iterator[tuple[CellKey, list[Value]]]:
        for column in table.columns:
            yield (self.this_row, column.id), [last.get((self.last_row, column.id))]


@dataclass(frozen=True)
class StockRule(AcrossYearRule):
    """X2: this[stock] = last[stock] + this[added] − this[removed], per row."""

    rows: tuple[str, ...] = ()
    stock: str = ""
    added: str = ""
    removed: str = ""

    def expectations(self, table: Table, this: TableValues, last: TableValues
                     ) -> Iterator[tuple[CellKey, list[Value]]]:
        for row in self.rows:
            removed = this.get((row, self.removed))
            yield (row, self.stock), [last.get((row, self.stock)), this.get((row, self.added)),
                                      -removed if is_number(removed) else removed]


@dataclass(frozen=True)
class RollforwardRule(AcrossYearRule):
    """X3: this[prior] = last[prior] + last[change], per row."""

    rows: tuple[str, ...] = ()
    prior: str = ""
    change: str = ""

    def expectations(self, table: Table, this: TableValues, last: TableValues
                     ) -> Iterator[tuple[CellKey, list[Value]]]:
        for row in self.rows:
            yield (row, self.prior), [last.get((row, self.prior)), last.get((row, self.change))]


@dataclass(frozen=True)
class DateYearRule(Rule):
    """D1: the report is dated in the year `years_after` its report year (the
    statistics period ends on 31 December; a report is written after it)."""

    years_after: int = 1

    def expected_year(self, year: int) -> int:
        return year + self.years_after


@dataclass(frozen=True)
class Deadline:
    """The last day one kind of publishing body may date its report: month and day of
    the year after the report year; `note` says whose deadline it is, in Chinese."""

    category: str
    month: int
    day: int
    note: str

    def date(self, year: int) -> dt.date:
        return dt.date(year + 1, self.month, self.day)


@dataclass(frozen=True)
class DeadlineRule(Rule):
    """D2: the 成文日期 no later than the deadline of the body that publishes the
    report (a 部门's by 31 January, a 本级政府's compiled report by 31 March); the
    office profile's `category` says which, `default` where it says nothing."""

    deadlines: tuple[Deadline, ...] = ()
    default: str = ""

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(d.category for d in self.deadlines)

    def deadline(self, category: str) -> Deadline:
        by_category = {d.category: d for d in self.deadlines}
        return by_category.get(category) or by_category[self.default]


DateRule = DateYearRule | DeadlineRule


def build_date_rule(raw: dict[str, Any]) -> DateRule:
    """A date rule of a form file: `year` (D1) or `deadline` (D2, its deadlines keyed by
    the office category they apply to)."""
    if raw["kind"] == "year":
        return DateYearRule(raw["id"], raw["message"], raw.get("years_after", 1))
    if raw["kind"] == "deadline":
        deadlines = tuple(Deadline(category, d["month"], d["day"], d["note"])
                          for category, d in raw["deadlines"].items())
        if raw["default"] not in {d.category for d in deadlines}:
            raise ValueError(f"rule {raw['id']}: default {raw['default']} has no deadline")
        return DeadlineRule(raw["id"], raw["message"], deadlines, raw["default"])
    raise ValueError(f"unknown rule {raw['id']}: {raw['kind']}")


_KINDS: dict[str, type[Rule]] = {
    "type": TypeRule, "sum": SumRule, "balance": BalanceRule, "carry": CarryRule,
    "stock": StockRule, "rollforward": RollforwardRule,
}


def build_rule(raw: dict[str, Any], tables: dict[str, Table]) -> Rule:
    """A rule of a form file, typed by its `kind`. Lists become tuples; a sum's parts
    given as {leaves_of: node, except: [...]} become the rows under that node."""
    kind = _KINDS.get(raw["kind"])
    if kind is None:
        raise ValueError(f"unknown rule {raw['id']}: {raw['kind']}")
    fields: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                              for key, value in raw.items() if key != "kind"}
    parts = raw.get("parts")
    if isinstance(parts, dict):
        rows = tables[raw["table"]].rows_under(parts["leaves_of"])
        fields["parts"] = tuple(r for r in rows if r not in parts.get("except", ()))
    return kind(**fields)


def cell_ref(ref: str, tables: dict[str, Table]) -> tuple[str, CellKey]:
    """A cell a form file names by its template path (t3.received.total): (table, cell)."""
    table_id, *path = ref.split(".")
    return table_id, tables[table_id].cell_at(tuple(path))


def derive(equations: Iterable[Equation], values: TableValues) -> TableValues:
    """Fill the derived cells from the typed ones (totals are computed, never typed);
    a total whose parts are not all numbers stays blank."""
    out = dict(values)
    pending = [eq for eq in equations if eq.derives]
    while pending:
        waiting = []
        for eq in pending:
            parts = [out.get(k) for k in eq.right]
            counts = [v for v in parts if isinstance(v, int)]
            if len(counts) == len(parts):  # counts: whole numbers only
                out[eq.left[0]] = sum(counts)
            else:
                waiting.append(eq)
        if len(waiting) == len(pending):  # parts missing: leave those totals blank
            break
        pending = waiting
    return out
