"""The editor's tables as HTML, built here rather than in the template: the three
tables are some 250 cells, and Django's template engine took most of an editor page's
time to loop over them (benchmarks/web.py). Every text and attribute is escaped; the
markup is the one the template drew (webpage.draw_table's structure, an input per typed
cell)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


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


def _notes(cell: dict[str, Any]) -> str:
    """The findings at a cell (always there, hidden when none: the browser fills it) and
    the compiling body's comments on it."""
    items = cell.get("items") or []
    text = "；".join(escape(item.message) for item in items)
    html = f"<span{_attributes(class_='finding', id=cell['id'], hidden=not items)}>{text}</span>"
    comments = cell.get("comments") or []
    if comments:
        said = "；".join(f"{escape(c['text'])}（第{escape(c['version'])}版）" for c in comments)
        noted = _attributes(class_="comment", id=cell["comment_id"])
        html += f"<span{noted}>审核意见：{said}</span>"
    return html


def _data_cell(cell: dict[str, Any]) -> str:
    items = bool(cell.get("items"))
    kind = "total" if cell["derived"] else "typed"
    classes = f"{kind} invalid" if cell.get("error") else kind
    cid, name = cell["cell"], cell["name"]
    described = cell["id"] if items else None
    if cell["derived"]:
        shown = _attributes(id=f"in-{cid}", data_cell=cid, aria_label=name,
                            aria_describedby=described)
        field = f"<output{shown}>{escape(cell['value'])}</output>"
    else:
        invalid = "true" if items and cell.get("error") else None
        typed = _attributes(id=f"in-{cid}", name=cid, data_cell=cid, aria_label=name,
                            inputmode="decimal", autocomplete="off", value=cell["value"],
                            aria_describedby=described, aria_invalid=invalid)
        field = f"<input{typed}>"
    attributes = _attributes(class_=classes, data_top=cell["top"], data_left=cell["left"],
                             colspan=_span(cell)["colspan"])
    return f"<td{attributes}>{field}{_notes(cell)}</td>"


def _cell(cell: dict[str, Any]) -> str:
    text = escape(cell.get("text", ""))
    if cell.get("tag") == "th":
        return f"<th{_attributes(scope=cell.get('scope') or None, **_span(cell))}>{text}</th>"
    if "cell" in cell:
        return _data_cell(cell)
    return f"<td{_attributes(class_='note', **_span(cell))}>{text}</td>"


def table_body(groups: list[dict[str, Any]]) -> SafeString:
    """A table's <thead>/<tbody> groups, their rows and cells."""
    parts = []
    for group in groups:
        tag = "thead" if group["tag"] == "thead" else "tbody"
        rows = "\n".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>"
                         for row in group["rows"])
        parts.append(f"<{tag}>\n{rows}\n</{tag}>")
    return mark_safe("".join(parts))  # every value escaped above
