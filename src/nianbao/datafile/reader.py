"""Reading the data file of one office and year into a `Report`.

Every problem of the file is collected before it stops, each with the file, the line and
the official label, in Chinese, so a clerk fixes a data file in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.datafile.profiles import find_profile, load_office
from nianbao.datafile.settings import field_label, settings
from nianbao.datafile.yamlfile import LineDict, LineList, load_yaml
from nianbao.errors import Problem, ProblemList
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.report.prose import standard_ids, standard_label
from nianbao.spec.findings import ERROR, wrong_cell
from nianbao.spec.form import FORM_VERSIONS, Form, form_for_year, load_form, report_years
from nianbao.spec.labels import normalize_label
from nianbao.spec.rules import BalanceRule, TableValues
from nianbao.spec.tables import CellKey, KeyTree, Table
from nianbao.spec.values import coerce, format_value, type_problem, unprintable

MAX_PARAGRAPH_CHARS = 20_000


def _leaves(tree: KeyTree) -> Iterator[CellKey]:
    for sub in tree.values():
        if isinstance(sub, tuple):
            yield sub
        else:
            yield from _leaves(sub)


class _Reader:
    """Reads one data file, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, offices: list[Path]) -> None:
        self.path = path
        self.offices = offices
        self.problems: list[Problem] = []
        self.lines: dict[tuple[str, str], int] = {}  # (table id, row id) -> line
        self.office_path: Path | None = None

    def problem(self, line: int | None, label: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, label, message))

    def read(self) -> Report:
        raw = load_yaml(self.path)
        if not isinstance(raw, LineDict):
            raise ProblemList([Problem(self.path, None, "", "不是数据文件：应为“键: 值”的列表")])
        form = self.form(raw)
        self.unknown_keys(raw, form)
        year = self.year(raw)
        office = self.office(raw)
        date = self.date(raw)
        title = self.optional_text(raw, "title")
        text = self.text(raw, form)
        fees = self.fees(raw)
        tables = {tid: self.table(raw, form, table) for tid, table in form.tables.items()}
        if self.problems or office is None or year is None or date is None:
            raise ProblemList(self.problems)
        return Report(form=form, office=office, year=year, date=date, text=text,
                      tables=tables, fees=fees, title=title, office_ref=str(raw["office"]),
                      source=self.path, office_source=self.office_path)

    def field_label(self, key: str) -> str:
        return field_label(key)

    def unknown_keys(self, raw: LineDict, form: Form) -> None:
        known = list(settings()["fields"]) + [t.key for t in form.tables.values()]
        for key in raw:
            if key not in known:
                self.unknown(raw, key, known)

    def unknown(self, raw: LineDict, key: Any, known: list[str]) -> None:
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
        hint = f"，是否应为“{close[0]}”？" if close else f"；可用的有：{'、'.join(known)}"
        self.problem(raw.lines[key], str(key), f"未知的项{hint}")

    def form(self, raw: LineDict) -> Form:
        version = raw.get("form")
        year: Any = raw.get("year")  # as typed: year() reports one that is no report year
        if version is None:
            return form_for_year(year) if year in report_years() else load_form(FORM_VERSIONS[0])
        if str(version) not in FORM_VERSIONS:
            self.problem(raw.lines["form"], self.field_label("form"),
                         f"应为 {' 或 '.join(FORM_VERSIONS)}，填写的是 “{version}”")
            return load_form(FORM_VERSIONS[0])
        form = load_form(str(version))
        if isinstance(year, int) and not form.covers(year):
            self.problem(raw.lines["form"], self.field_label("form"),
                         f"{year}年度应使用 {form_for_year(year).version} 格式的表格"
                         if year in report_years() else "与报告年度不符")
        return form

    def year(self, raw: LineDict) -> int | None:
        if "year" not in raw:
            self.problem(raw.line, self.field_label("year"), "缺少此项")
            return None
        year = raw["year"]
        years = report_years()
        if isinstance(year, bool) or not isinstance(year, int) or year not in years:
            self.problem(raw.lines["year"], self.field_label("year"),
                         f"应为四位年份（{years[0]}–{years[-1]}），如 2024，填写的是 “{year}”")
            return None
        return year

    def office(self, raw: LineDict) -> Office | None:
        ref = raw.get("office")
        if not isinstance(ref, str) or not ref.strip():
            line = raw.lines.get("office", raw.line)
            self.problem(line, self.field_label("office"), "缺少机关信息文件名")
            return None
        path = find_profile(ref.strip(), self.path, self.offices)
        if path is None:
            self.problem(raw.lines["office"], self.field_label("office"),
                         f"找不到机关信息文件 “{ref}”（应在 config/offices/{ref}.yaml）")
            return None
        self.office_path = path
        try:
            return load_office(path)
        except ProblemList as exc:
            self.problems.extend(exc.problems)
            return None

    def date(self, raw: LineDict) -> dt.date | None:
        value = raw.get("date")
        line = raw.lines.get("date", raw.line)
        if value is None:
            self.problem(line, self.field_label("date"), "缺少成文日期，如 2025-01-20")
            return None
        if isinstance(value, dt.date):
            return value
        match = re.fullmatch(r"\s*(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?\s*",
                             unicodedata.normalize("NFKC", str(value)))
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                pass
        self.problem(line, self.field_label("date"), f"日期无效：“{value}”，应如 2025-01-20")
        return None

    def optional_text(self, raw: LineDict, key: str) -> str | None:
        if raw.get(key) is None:
            return None
        return self.clean_text(raw[key], raw.lines[key], self.field_label(key))

    def clean_text(self, value: Any, line: int | None, label: str) -> str | None:
        if not isinstance(value, (str, int, Decimal, float)) or isinstance(value, bool):
            self.problem(line, label, "应为一段文字")
            return None
        text = "".join(part.strip() for part in str(value).splitlines())
        problem = unprintable(text)
        if problem:
            self.problem(line, label, problem)
            return None
        if len(text) > MAX_PARAGRAPH_CHARS:
            self.problem(line, label, f"段落过长（{len(text)} 字），请分段")
            return None
        if not text:
            self.problem(line, label, "段落为空")
            return None
        return text

    def text(self, raw: LineDict, form: Form) -> dict[str, list[Paragraph]]:
        keys = ["preamble"] + [s.id for s in form.sections]
        text: dict[str, list[Paragraph]] = {k: [] for k in keys}
        body = raw.get("text")
        if body is None:
            self.problem(raw.lines.get("text", raw.line), self.field_label("text"), "缺少正文")
            return text
        if not isinstance(body, LineDict):
            self.problem(raw.lines["text"], self.field_label("text"), "应为各部分的段落列表")
            return text
        for key in body:
            if key not in keys:
                self.unknown(body, key, keys)
        for key in keys:
            label = self.section_label(form, key)
            items = body.get(key)
            if items is None:
                continue
            if not isinstance(items, LineList):
                self.problem(body.lines[key], label, "应为段落列表（每段以“- ”开头）")
                continue
            for item, line in zip(items, items.lines, strict=True):
                paragraph = self.paragraph(item, line, label)
                if paragraph:
                    text[key].append(paragraph)
        return text

    def section_label(self, form: Form, key: str) -> str:
        if key == "preamble":
            return f"preamble（{settings()['preamble']['label']}）"
        return f"{key}（{form.section(key).heading}）"

    def paragraph(self, item: Any, line: int, label: str) -> Paragraph | None:
        if isinstance(item, LineDict):
            ids = standard_ids()
            if list(item) != ["standard"] or item["standard"] not in ids:
                self.problem(line, label, "标准段落应写作“- standard: 名称”，名称为："
                             + "、".join(f"{i}（{standard_label(i)}）" for i in ids))
                return None
            return Paragraph(standard=item["standard"], line=line)
        text = self.clean_text(item, line, label)
        return Paragraph(text=text, line=line) if text else None

    def fees(self, raw: LineDict) -> dict[str, int | Decimal]:
        spec = settings()["fees"]
        fees: dict[str, int | Decimal] = {key: 0 for key in spec["fields"]}
        given = raw.get("fees")
        if given is None:
            return fees
        if not isinstance(given, LineDict):
            self.problem(raw.lines["fees"], self.field_label("fees"), "应为“项目: 数字”的列表")
            return fees
        by_label = {f["label"]: key for key, f in spec["fields"].items()}
        for label in given:
            key = by_label.get(label)
            if key is None:
                self.unknown(given, label, list(by_label))
                continue
            value = coerce(given[label])
            problem = type_problem(spec["fields"][key]["type"], value)
            if problem:
                self.problem(given.lines[label], f"{spec['key']} “{label}”", problem)
            else:
                assert isinstance(value, (int, Decimal))  # the fees are counts and amounts
                fees[key] = value
        return fees

    def table(self, raw: LineDict, form: Form, table: Table) -> TableValues:
        values: TableValues = {}
        given_derived: dict[CellKey, tuple[Any, int]] = {}
        if table.key not in raw:
            self.problem(raw.line, table.key, "缺少此表")
            return values
        self.walk(table, table.key_tree, raw[table.key], raw.lines[table.key], [table.key],
                  values, given_derived)
        full = form.derive(table.id, values)
        for cell, (given, line) in given_derived.items():
            computed = full.get(cell)
            if computed is not None and given != computed:
                self.problem(line, table.describe(*cell),
                             f"与计算结果不一致：填写 {format_value(given)}，"
                             f"按各项合计应为 {format_value(computed)}（总计可以不填）")
        self.balance(form, table, full)
        return full

    def balance(self, form: Form, table: Table, values: TableValues) -> None:
        """Rules a clerk's numbers must satisfy beyond the totals (R3.3, the printed
        勾稽 note), reported at the line of the row they name."""
        messages = {rule.id: rule.message for rule in form.equation_rules
                    if isinstance(rule, BalanceRule)}
        for eq in form.equations(table.id):
            if eq.rule not in messages or table.is_derived(*eq.blamed):
                continue  # a total the clerk did not type: its typed columns say it
            violation = eq.violation(values)
            if violation:
                finding = wrong_cell(eq.rule, ERROR, table, *violation, messages[eq.rule])
                self.problem(self.lines.get((table.id, eq.blamed[0])), "", finding.message)

    def walk(self, table: Table, tree: KeyTree, raw: Any, line: int, path: list[str],
             values: TableValues, given_derived: dict[CellKey, tuple[Any, int]]) -> None:
        if not isinstance(raw, LineDict):
            self.problem(line, " > ".join(path), "应为“标签: 值”的列表，"
                         f"包含：{'、'.join(tree)}")
            return
        matched = self.match_keys(tree, raw, path)
        for label, sub in tree.items():
            if label not in matched:
                cells = [sub] if isinstance(sub, tuple) else list(_leaves(sub))
                if not all(table.is_derived(*c) for c in cells):
                    self.problem(line, " > ".join([*path, label]), "缺少此项（没有的填 0）")
                continue
            key = matched[label]
            if isinstance(sub, tuple):
                self.cell(table, sub, raw[key], raw.lines[key], values, given_derived)
            else:
                self.walk(table, sub, raw[key], raw.lines[key], [*path, label], values,
                          given_derived)

    def match_keys(self, tree: KeyTree, raw: LineDict, path: list[str]) -> dict[str, Any]:
        by_norm: dict[str, str] = {}
        matched: dict[str, Any] = {}
        for key in raw:
            label = key if key in tree else None  # as printed: most keys are
            if label is None:
                by_norm = by_norm or {normalize_label(label): label for label in tree}
                label = by_norm.get(normalize_label(key))
            if label is None:
                self.unknown(raw, key, list(tree))
            elif label in matched:
                self.problem(raw.lines[key], " > ".join([*path, label]), "重复填写")
            else:
                matched[label] = key
        return matched

    def cell(self, table: Table, cell: CellKey, given: Any, line: int, values: TableValues,
             given_derived: dict[CellKey, tuple[Any, int]]) -> None:
        value = coerce(given)
        self.lines.setdefault((table.id, cell[0]), line)
        problem = type_problem(table.column(cell[1]).type, value)
        if problem:
            self.problem(line, table.describe(*cell), problem)
        elif table.is_derived(*cell):
            given_derived[cell] = (value, line)
        else:
            values[cell] = value


def load_report(path: Path, offices: list[Path] | None = None) -> Report:
    """Read and validate a data file; raises ProblemList with every problem found."""
    return _Reader(Path(path), offices or []).read()


