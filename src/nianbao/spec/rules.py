"""Consistency rules (勾稽关系) of the form, as equations over cells, and the findings
they produce.

A `sum` or `balance` rule of the form file expands to one `Equation` per row or per
column. The same equations serve three callers: the data-file reader derives the
totals a clerk need not type, the checker reports cells that break them, and the form
marks the derived cells so the data file and template know them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nianbao.spec.form import Form, Table

CellKey = tuple[str, str]  # (row id, column id)
Value = int | Decimal | str | None  # None: a blank cell; str: text that is not a number
TableValues = dict[CellKey, Value]


@dataclass(frozen=True)
class Equation:
    """Σ left = Σ right over the cells of one table; for a sum, left is the total."""

    rule: str
    table: str
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    derives: bool = False


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a report, said the way a clerk reads the printed form."""

    rule: str
    severity: str  # error | warning
    table: str
    row: str
    column: str
    expected: str | None
    found: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "severity": self.severity, "table": self.table,
            "row": self.row, "column": self.column, "expected": self.expected,
            "found": self.found, "message": self.message,
        }


def _rows_of(table: Table, spec: Any) -> list[str]:
    if isinstance(spec, dict):  # {leaves_of: group id, except: [...]}
        group = _find_node(table.row_tree, spec["leaves_of"])
        return [n.id for n in group.leaves() if n.id not in spec.get("except", ())]
    return list(spec)


def _find_node(tree: Iterable[Any], node_id: str) -> Any:
    for node in tree:
        if node.id == node_id:
            return node
        found = _find_node(node.children, node_id)
        if found is not None:
            return found
    return None


def _expand(table: Table, rule_id: str, spec: Mapping[str, Any]) -> Iterator[Equation]:
    kind, each = spec["kind"], spec["each"]
    if kind == "sum" and each == "row":
        for prefix in [f"{g}." for g in spec.get("groups", ())] or [""]:
            for row in table.rows:
                target = (row.id, prefix + spec["target"])
                parts = tuple((row.id, prefix + p) for p in spec["parts"])
                yield Equation(rule_id, table.id, (target,), parts, spec.get("derives", False))
    elif kind == "sum" and each == "column":
        parts_rows = _rows_of(table, spec["parts"])
        for column in table.columns:
            yield Equation(rule_id, table.id, ((spec["target"], column.id),),
                           tuple((r, column.id) for r in parts_rows), spec.get("derives", False))
    elif kind == "balance":
        for column in table.columns:
            yield Equation(rule_id, table.id, tuple((r, column.id) for r in spec["left"]),
                           tuple((r, column.id) for r in spec["right"]))
    else:
        raise ValueError(f"unknown rule {rule_id}: {kind}/{each}")


def equations(form: Form, table_id: str) -> tuple[Equation, ...]:
    """Every equation the form's rules impose on one table (expanded once per form)."""
    key = (form.version, table_id)
    if key not in _EQUATIONS:
        table = form.tables[table_id]
        _EQUATIONS[key] = tuple(
            eq
            for rule in form.rules
            if rule.kind in ("sum", "balance") and rule.spec["table"] == table_id
            for eq in _expand(table, rule.id, rule.spec)
        )
    return _EQUATIONS[key]


_EQUATIONS: dict[tuple[str, str], tuple[Equation, ...]] = {}


def derived_cells(form: Form, table_id: str) -> frozenset[CellKey]:
    return frozenset(eq.left[0] for eq in equations(form, table_id) if eq.derives)


def derive(form: Form, table_id: str, values: TableValues) -> TableValues:
    """Fill the derived cells from the typed ones (totals are computed, never typed)."""
    out = dict(values)
    pending = [eq for eq in equations(form, table_id) if eq.derives]
    while pending:
        waiting = []
        for eq in pending:
            parts = [out.get(k) for k in eq.right]
            if all(isinstance(v, int) for v in parts):
                out[eq.left[0]] = sum(parts)  # type: ignore[arg-type]
            else:
                waiting.append(eq)
        if len(waiting) == len(pending):  # parts missing: leave those totals blank
            break
        pending = waiting
    return out
