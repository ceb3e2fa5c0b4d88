"""Writing a `Report` as a data file, in the layout a clerk edits: official labels as
keys beside every number, comments in Chinese, derived cells left out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from nianbao.datafile.settings import settings
from nianbao.report.model import Report
from nianbao.report.prose import standard_label
from nianbao.spec.form import Form
from nianbao.spec.rules import TableValues
from nianbao.spec.tables import KeyTree, Table
from nianbao.spec.values import format_value


def _scalar(value: Any, *, flow: bool = False) -> str:
    """One YAML scalar, quoted only where YAML needs it (`flow`: inside {...})."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_flow_style=True)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    if text.endswith("..."):
        text = text[:-3].rstrip()
    if flow and isinstance(value, str) and re.search(r"[,\[\]{}]", text) \
            and not text.startswith(("'", '"')):
        text = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_style='"').strip()
    return text


def _line(indent: int, key: str, value: str = "", comment: str = "") -> str:
    text = f"{'  ' * indent}{_scalar(key)}:" + (f" {value}" if value else "")
    return f"{text}  # {comment}" if comment else text


def dump_report(report: Report, preface: Sequence[str] = ()) -> str:
    """A data file for the report, in the layout a clerk edits. Derived cells are left
    out: they are computed on every read. `preface`: lines shown as a comment block
    under the header (a 汇总 lists the offices it summed)."""
    s = settings()
    f = s["fields"]
    out = [s["header"], *(f"# {line}" for line in preface), ""]
    out.append(_line(0, "office", _scalar(report.office_ref or report.office.id),
                     f["office"]["comment"]))
    out.append(_line(0, "year", str(report.year), f["year"]["label"]))
    out.append(_line(0, "form", _scalar(report.form.version), f"{f['form']['label']}："
                     f"{f['form']['comment']}"))
    out.append(_line(0, "date", report.date.isoformat(), f"{f['date']['label']}："
                     f"{f['date']['comment']}"))
    if report.title:
        out.append(_line(0, "title", _scalar(report.title), f["title"]["label"]))
    else:
        out.append(f"# title: …  # {f['title']['label']}：{f['title']['comment']}")
    out.append("")
    out.append(_line(0, "text", "", f"{f['text']['label']}：{f['text']['comment']}"))
    for key, paragraphs in report.text.items():
        comment = s["preamble"]["label"] if key == "preamble" else report.form.section(key).heading
        out.append(_line(1, key, "" if paragraphs else "[]", comment))
        for p in paragraphs:
            if p.standard:
                out.append(f"    - {{standard: {p.standard}}}  # 标准段落："
                           f"{standard_label(p.standard)}")
            else:
                out.append(f"    - {_scalar(p.text)}")
    out.append("")
    fee_fields = s["fees"]["fields"]
    out.append(_line(0, "fees", "", f["fees"]["comment"]))
    for key, spec in fee_fields.items():
        out.append(_line(1, spec["label"], format_value(report.fees.get(key, 0))))
    for table in report.form.tables.values():
        out.append("")
        out.extend(_dump_table(report.form, table, report.tables[table.id], report.row_notes))
    return "\n".join(out) + "\n"


def _dump_table(form: Form, table: Table, values: TableValues,
                notes: dict[tuple[str, str], str]) -> list[str]:
    heading = form.section(table.section).heading
    lines = [_line(0, table.key, "", heading + "（各“总计”由程序计算）")]

    def emit(tree: KeyTree, indent: int) -> None:
        for label, sub in tree.items():
            if isinstance(sub, tuple):
                continue
            if all(isinstance(v, tuple) for v in sub.values()):
                cells = [(lab, c) for lab, c in sub.items() if not table.is_derived(*c)]
                if not cells:
                    lines.append(f"{'  ' * indent}# {label}：由程序计算")
                    continue
                flow = ", ".join(f"{_scalar(lab, flow=True)}: {_value(values.get(c))}"
                                 for lab, c in cells)
                row_id = next(iter(sub.values()))[0]
                lines.append(_line(indent, label, "{" + flow + "}",
                                   notes.get((table.id, row_id), "")))
            else:
                lines.append(_line(indent, label))
                emit(sub, indent + 1)

    tree = table.key_tree
    if all(isinstance(v, tuple) for v in tree.values()):  # cells right under the table key
        emit({table.key: tree}, 0)
        return lines[1:]
    emit(tree, 1)
    return lines


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _scalar(value, flow=True)
    return format_value(value)
