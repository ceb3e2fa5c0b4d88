"""The official report format, read from `config/forms/<version>.yaml`.

A `Form` is the sections, the tables (`nianbao.spec.tables`) and the typed rules
(`nianbao.spec.rules`) of one format notice, and the report years it applies to. Nothing
here knows a label: every label comes from the form file.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

from nianbao.resources import read_config
from nianbao.spec.prose import (
    LeftoverRule,
    ProseRule,
    applies,
    build_leftover_rule,
    build_prose_rule,
)
from nianbao.spec.rules import (
    AcrossYearRule,
    BalanceRule,
    DateRule,
    DeadlineRule,
    Equation,
    Rule,
    SumRule,
    TableValues,
    TypeRule,
    build_date_rule,
    build_rule,
    cell_ref,
    derive,
)
from nianbao.spec.tables import CellKey, Table, build_table

FORM_VERSIONS = ("2021", "2019")  # newest first: a tie in `classify` goes to the newer
LAST_YEAR = 2100  # report years run from the first form's first year to this
PLACED = 3  # labels a table of a document must share with a table of the form to be it


@dataclass(frozen=True)
class Section:
    id: str
    numeral: str
    heading: str
    keywords: tuple[str, ...]
    table: str | None


@dataclass(frozen=True)
class Form:
    version: str
    title: str
    notice: str  # the format notice, quoted by the standard opening paragraph
    first_year: int | None
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...] = ()
    across_years: tuple[AcrossYearRule, ...] = ()  # X1–X3: this report against last year's
    prose: tuple[ProseRule, ...] = ()  # P1–P30: what the text says against the cells
    summary: tuple[tuple[str, CellKey], ...] = ()  # (table id, cell): a report in brief
    equations_of: dict[str, tuple[Equation, ...]] = field(default_factory=dict, compare=False)
    dates: tuple[DateRule, ...] = ()  # D1, D2: the 成文日期 against the year and the deadline
    leftovers: tuple[LeftoverRule, ...] = ()  # Y1–Y3: last year's text in this year's report
    comparing: tuple[str, ...] = ()  # words of a clause comparing with last year

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def covers(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year)

    @cached_property
    def type_rules(self) -> tuple[TypeRule, ...]:
        return tuple(r for r in self.rules if isinstance(r, TypeRule))

    @cached_property
    def equation_rules(self) -> tuple[SumRule | BalanceRule, ...]:
        return tuple(r for r in self.rules if isinstance(r, (SumRule, BalanceRule)))

    def equations(self, table_id: str) -> tuple[Equation, ...]:
        """Every equation the rules impose on one table, in the order of the rules."""
        return self.equations_of[table_id]

    def derive(self, table_id: str, values: TableValues) -> TableValues:
        """The table with its derived cells (totals) computed from the typed ones."""
        return derive(self.equations_of[table_id], values)

    def rederive(self, table_id: str, values: TableValues) -> TableValues:
        """The typed cells as given, every derived cell dropped and computed again:
        a total that came from elsewhere (an imported report, a sum) is never kept."""
        return self.derive(table_id, self.tables[table_id].typed(values))


def _replace_nodes(tree: list[dict[str, Any]], replacements: dict[str, Any]) -> None:
    for i, node in enumerate(tree):
        if node.get("id") in replacements:
            tree[i] = replacements[node["id"]]
        elif "rows" in node:
            _replace_nodes(node["rows"], replacements)


def _raw_form(version: str) -> dict[str, Any]:
    raw: dict[str, Any] = read_config("forms", f"{version}.yaml")
    if "extends" not in raw:
        return raw
    merged = copy.deepcopy(_raw_form(raw["extends"]))
    merged["tables"].update(raw.get("tables", {}))
    for table_id, replacements in raw.get("replace", {}).items():
        _replace_nodes(merged["tables"][table_id]["rows"], replacements)
    for key in ("version", "years", "notice"):
        merged[key] = raw[key]
    return merged


@cache
def load_form(version: str) -> Form:
    """The form of a version ("2021" or "2019"), parsed once per process."""
    if version not in FORM_VERSIONS:
        raise KeyError(version)
    raw = _raw_form(version)
    sections = tuple(
        Section(s["id"], s["numeral"], s["heading"], tuple(s["keywords"]), s.get("table"))
        for s in raw["sections"])
    section_of = {s.table: s.id for s in sections if s.table}
    tables = {tid: build_table(tid, t, section_of[tid]) for tid, t in raw["tables"].items()}
    rules = tuple(build_rule(r, tables) for r in raw["rules"])
    equations = {tid: tuple(eq for rule in rules if isinstance(rule, (SumRule, BalanceRule))
                            and rule.table == tid for eq in rule.equations(table))
                 for tid, table in tables.items()}
    # derived cells are the targets of the form's own deriving sums
    tables = {tid: replace(table, derived=frozenset(eq.left[0] for eq in equations[tid]
                                                    if eq.derives))
              for tid, table in tables.items()}
    years = raw.get("years", {})
    across = tuple(build_rule(r, tables) for r in raw.get("across_years", ()))
    return Form(str(raw["version"]), raw["title"], raw["notice"], years.get("from"),
                years.get("to"), sections, tables, rules,
                tuple(r for r in across if isinstance(r, AcrossYearRule)),
                tuple(build_prose_rule(r, tables) for r in raw.get("prose", ())
                      if applies(r, str(raw["version"]))),
                tuple(cell_ref(ref, tables) for ref in raw.get("summary", ())), equations,
                tuple(build_date_rule(r) for r in raw.get("dates", ())),
                tuple(build_leftover_rule(r) for r in raw.get("leftovers", ())),
                tuple(raw.get("comparing", ())))


def forms() -> tuple[Form, ...]:
    return tuple(load_form(version) for version in FORM_VERSIONS)


def office_categories() -> tuple[str, ...]:
    """What an office profile's `category` may say: the kinds of publishing body the
    forms' deadline rules know (部门, 本级政府), in the order the form file gives them."""
    found = [d.category for form in forms() for rule in form.dates
             if isinstance(rule, DeadlineRule) for d in rule.deadlines]
    return tuple(dict.fromkeys(found))


def report_years() -> range:
    """The report years nianbao has a form for."""
    first = min(f.first_year for f in forms() if f.first_year is not None)
    return range(first, LAST_YEAR + 1)


def form_for_year(year: int) -> Form:
    """The form a report year must use (2019 tables for 2019–2020, 2021 tables from 2021)."""
    for form in forms():
        if form.covers(year):
            return form
    raise ValueError(year)


def classify(found: Iterable[frozenset[str] | set[str]]) -> tuple[Form, list[tuple[int, str]]]:
    """Which form the tables of a document follow, and which of them is which table:
    (index in `found`, table id). `found` holds each table's texts, normalised. The
    form is the one whose labels the tables share most; a table is placed where it
    shares at least `PLACED` labels."""
    found = list(found)
    best = max(forms(), key=lambda form: sum(
        len(texts & table.labels) for texts in found for table in form.tables.values()))
    placed = []
    for index, texts in enumerate(found):
        scores = {tid: len(texts & table.labels) for tid, table in best.tables.items()}
        tid = max(scores, key=lambda k: scores[k])
        if scores[tid] >= PLACED:
            placed.append((index, tid))
    return best, placed
