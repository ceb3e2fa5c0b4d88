"""The editor's tables as HTML, built here rather than in the template: the three
tables are some 280 cells, and Django's template engine took most of an editor page's
time to loop over them (benchmarks/web.py). A table's markup is compiled once per form
(`_compiled`: the fixed markup, and the data cells between it), so that a page only
fills in its ~200 values, findings and comments. Every text and attribute is escaped;
the markup is the one the template drew (webpage.draw_table's structure, an input per
typed cell)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from nianbao.web.checks import Item
from nianbao.web.editorspec import editor_spec
from nianbao.web.payload import MAX_CELL


def _attributes(**given: Any) -> str:
    """ name="value" pairs, escaped; None and False left out, True as the bare name."""
    out = []
    for name, value in given.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        out.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return "".join(out)


def _span(cell: dict[str, Any]) -> dict[str, Any]:
    return {"rowspan": cell.get("rowspan") if (cell.get("rowspan") or 1) > 1 else None,
            "colspan": cell.get("colspan") if (cell.get("colspan") or 1) > 1 else None}


@dataclass(frozen=True)
class _DataCell:
    """A data cell's markup around what a page puts in it: the value, whether it is
    described by findings, whether one of them is an error, the comments."""

    cid: str
    derived: bool
    opening: str  # <td …> with the kind's class
    invalid_opening: str  # the same, marked invalid
    field: str  # <input … value=" or <output …  (what comes before the value)

    def html(self, value: str, items: Sequence[Item], comments: Sequence[Mapping[str, Any]]
             ) -> str:
        error = any(item.severity == "error" for item in items)
        described = f' aria-describedby="f-{self.cid}"' if items else ""
        if self.derived:
            field = f"{self.field}{described}>{escape(value)}</output>"
        else:
            invalid = ' aria-invalid="true"' if items and error else ""
            field = f'{self.field}{escape(value)}"{described}{invalid}>'
        opening = self.invalid_opening if error else self.opening
        return f"{opening}{field}{self._notes(items, comments)}</td>"

    def _notes(self, items: Sequence[Item], comments: Sequence[Mapping[str, Any]]) -> str:
        """The findings at the cell (always there, hidden when none: the browser fills
        it) and the compiling body's comments on it."""
        text = "；".join(escape(item.message) for item in items)
        hidden = "" if items else " hidden"
        html = f'<span class="finding" id="f-{self.cid}"{hidden}>{text}</span>'
        if comments:
            said = "；".join(f"{escape(c['text'])}（第{escape(c['version'])}版）"
                            for c in comments)
            html += f'<span class="comment" id="c-{self.cid}">审核意见：{said}</span>'
        return html


def _data_cell(cell: dict[str, Any]) -> _DataCell:
    cid, kind = cell["cell"], "total" if cell["derived"] else "typed"
    place = {"data_top": cell["top"], "data_left": cell["left"],
             "colspan": _span(cell)["colspan"]}
    if cell["derived"]:
        field = f"<output{_attributes(id=f'in-{cid}', data_cell=cid, aria_label=cell['name'])}"
    else:
        named = _attributes(id=f"in-{cid}", name=cid, data_cell=cid, aria_label=cell["name"],
                            inputmode="decimal", autocomplete="off", maxlength=MAX_CELL)
        field = f'<input{named} value="'
    return _DataCell(cid, cell["derived"], f"<td{_attributes(class_=kind, **place)}>",
                     f"<td{_attributes(class_=f'{kind} invalid', **place)}>", field)


def _fixed_cell(cell: dict[str, Any]) -> str:
    text = escape(cell.get("text", ""))
    if cell.get("tag") == "th":
        return f"<th{_attributes(scope=cell.get('scope') or None, **_span(cell))}>{text}</th>"
    return f"<td{_attributes(class_='note', **_span(cell))}>{text}</td>"


Compiled = tuple["str | _DataCell", ...]


@cache
def _compiled(version: str, table_id: str) -> Compiled:
    """A table's <thead>/<tbody> groups as fixed markup and data cells in order."""
    table = next(t for t in editor_spec(version)["tables"] if t["id"] == table_id)
    parts: list[str | _DataCell] = []
    for group in table["groups"]:
        tag = "thead" if group["tag"] == "thead" else "tbody"
        parts.append(f"<{tag}>\n")
        for number, row in enumerate(group["rows"]):
            parts.append("\n<tr>" if number else "<tr>")
            parts += [_data_cell(c) if "cell" in c else _fixed_cell(c) for c in row]
            parts.append("</tr>")
        parts.append(f"\n</{tag}>")
    merged: list[str | _DataCell] = []  # neighbouring fixed markup as one string
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)


def table_body(version: str, table_id: str, values: Mapping[str, str],
               found: Mapping[str, Sequence[Item]],
               comments: Mapping[str, Sequence[Mapping[str, Any]]]) -> SafeString:
    """A table of the editor with a page's values (cell id → text as shown), findings
    and comments (by form field)."""
    out = []
    for part in _compiled(version, table_id):
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(part.html(values.get(part.cid, ""), found.get(part.cid, ()),
                                 comments.get(part.cid, ())))
    return mark_safe("".join(out))  # every value escaped above
