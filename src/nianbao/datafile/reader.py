"""Reading the data file of one office and year into a `Report`.

Every problem of the file is collected before it stops, each with the file, the line and
the official label, in Chinese, so a clerk fixes a data file in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.datafile.profiles import find_profile, load_office, office_from
from nianbao.datafile.settings import field_label, settings
from nianbao.datafile.workbook.layout import SUFFIXES as WORKBOOK_SUFFIXES
from nianbao.datafile.yamlfile import LineDict, LineList, read_yaml
from nianbao.errors import Problem, ProblemList
from nianbao.report.model import Paragraph, Report
from nianbao.report.office import Office
from nianbao.report.prose import standard_ids, standard_label
from nianbao.spec.findings import ERROR, wrong_cell
from nianbao.spec.form import FORM_VERSIONS, Form, form_for_year, load_form, report_years
from nianbao.spec.labels import normalize_label
from nianbao.spec.rules import BalanceRule, Equation, TableValues, is_number, total
from nianbao.spec.tables import CellKey, KeyTree, Table
from nianbao.spec.values import MAX_COUNT, Value, coerce, format_value, type_problem, unprintable

MAX_PARAGRAPH_CHARS = 20_000
# a number typed with a unit after it (after NFKC): 236件, 12.5万元
_WITH_UNIT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(件|个|条|次|项|份|篇|人|家|元|万元|亿元)\s*$")
_NOTHING = {"-", "--", "—", "——", "–", "/", "\\", "无", "没有", "空"}  # typed for "none": 0
_SEPARATED = re.compile(r"\d[,，]\d")
_COLUMN_UNIT = re.compile(r"[（(](?:单位[:：])?\s*(元|万元|亿元)\s*[）)]")


def _leaves(tree: KeyTree) -> Iterator[CellKey]:
    for sub in tree.values():
        if isinstance(sub, tuple):
            yield sub
        else:
            yield from _leaves(sub)


class _Reader:
    """Reads one data file, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, offices: list[Path], raw: LineDict | None = None) -> None:
        self.path = path
        self.offices = offices
        self.given = raw  # a raw structure made elsewhere (the web workspace's editor)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # slips read as what they unambiguously mean
        # cells with a problem, as the rules see them so that a blank or wrong cell does
        # not hide the sums and balances of its row and column: the number typed (236件:
        # 236; -1), or 0 for a blank or a word, as the form says (没有的填 0)
        self.stand_ins: TableValues = {}  # of the table being read
        # stand-ins 0 for a blank or a word: their problem's index, and what they are
        self.zeroed: dict[CellKey, tuple[int, str]] = {}
        self.lines: dict[tuple[str, str], int] = {}  # (table id, row id) -> line
        self.office_path: Path | None = None

    def problem(self, line: int | None, label: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, label, message))

    def warning(self, line: int | None, label: str, message: str) -> None:
        self.warnings.append(Problem(self.path, line, label, f"警告：{message}"))

    def number(self, given: Any, type_: str, line: int | None,
               labelled: Callable[[], str]) -> tuple[Value, bool]:
        """A number cell as typed, and whether it is good. Full-width digits (１２８２)
        are read, with a warning: the digits are the ones typed, only their width
        differs. A unit after the number (236件) is an error, never dropped silently:
        a column in 万元 typed in 元 would be off by 10,000. `labelled` gives the cell's
        official label, made only for a message (some 170 cells a data file)."""
        value = coerce(given)
        problem = type_problem(type_, value)
        if problem is None and isinstance(given, str) and type_ != "money_text" \
                and _SEPARATED.search(given):
            plain = format_value(value)  # quoted, so YAML kept it whole: '4,521'
            problem = f"数字中不要用千位分隔符：填写的是 “{given}”，应为 {plain}"
        if problem is None:
            if isinstance(given, str) and not given.strip().isascii():
                self.warning(line, labelled(), f"全角数字“{given.strip()}”已按 "
                             f"{format_value(value)} 读取，请改为半角数字")
            return value, True
        label = labelled()
        typed = unicodedata.normalize("NFKC", given) if isinstance(given, str) else ""
        unit = _WITH_UNIT.match(typed)
        if unit and type_ != "money_text":
            value = coerce(unit[1])
            column = _COLUMN_UNIT.search(label)
            if column and column[1] != unit[2]:
                problem = (f"本栏单位是{column[1]}，填写的是 “{given}”：请换算为{column[1]}后"
                           "只填数字")
            else:
                problem = f"数字后不要写单位，填写的是 “{given}”，应为 {unit[1]}"
        elif typed.strip() in _NOTHING:
            problem = f"没有发生的填 0，填写的是 “{given}”"
        self.problem(line, label, problem)
        return value, False

    def parse(self) -> tuple[Any, list[Problem]]:
        """The file's raw structure: a YAML data file's, or a 填报表 workbook's (the
        same keys and nesting, cells named by sheet and address instead of lines), or
        the one given."""
        if self.given is not None:
            return self.given, []
        if self.path.suffix.lower() in WORKBOOK_SUFFIXES:
            from nianbao.datafile.workbook.read import read_workbook

            return read_workbook(self.path)
        return read_yaml(self.path)

    def read(self) -> Report:
        raw, slips = self.parse()
        self.problems += slips
        if not isinstance(raw, LineDict):
            raise ProblemList([Problem(self.path, None, "", "不是数据文件：应为“键: 值”的列表")])
        table_keys = {t.key for v in FORM_VERSIONS for t in load_form(v).tables.values()}
        self.canonical(raw, [*settings()["fields"], *sorted(table_keys)])
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
                      tables=tables, fees=fees, title=title, office_ref=office.id
                      if isinstance(raw["office"], LineDict) else str(raw["office"]),
                      source=self.path, office_source=self.office_path)

    def field_label(self, key: str) -> str:
        return field_label(key)

    def canonical(self, raw: LineDict, known: list[str]) -> None:
        """Keys typed with a space before or after them (`year　:`, `"year ":`) or in
        full-width letters read as the key they are, with a warning; table labels are
        matched the same way (normalize_label) by `match_keys`."""
        by_norm = {normalize_label(k): k for k in known}
        for key in list(raw):
            name = by_norm.get(normalize_label(key)) if isinstance(key, str) else None
            if key in known or name is None or name in raw:
                continue
            self.warning(raw.lines[key], name, f"“{key}”有多余的空格或全角字符，已按 “{name}” 读取")
            raw[name] = raw.pop(key)
            raw.lines[name] = raw.lines.pop(key)

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
        if isinstance(version, str) and not version.isascii() \
                and unicodedata.normalize("NFKC", version).strip() in FORM_VERSIONS:
            self.warning(raw.lines["form"], self.field_label("form"),
                         f"全角数字“{version}”已按 {unicodedata.normalize('NFKC', version)} "
                         "读取，请改为半角数字")
            version = unicodedata.normalize("NFKC", version).strip()
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
        if isinstance(year, str) and unicodedata.normalize("NFKC", year).strip().isdigit():
            year = int(unicodedata.normalize("NFKC", year))
            self.warning(raw.lines["year"], self.field_label("year"),
                         f"全角数字“{raw['year']}”已按 {year} 读取，请改为半角数字")
        if isinstance(year, bool) or not isinstance(year, int) or year not in years:
            self.problem(raw.lines["year"], self.field_label("year"),
                         f"应为四位年份（{years[0]}–{years[-1]}），如 2024，填写的是 “{year}”")
            return None
        return year

    def office(self, raw: LineDict) -> Office | None:
        ref = raw.get("office")
        if isinstance(ref, LineDict):  # a workbook carries its office's profile
            fields = LineDict((k, v) for k, v in ref.items() if k != "id")
            fields.line, fields.lines = ref.line, {k: ref.lines[k] for k in fields}
            try:
                return office_from(fields, self.path, str(ref.get("id") or self.path.stem))
            except ProblemList as exc:
                self.problems.extend(exc.problems)
                return None
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
        self.canonical(body, keys)
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
        self.canonical(given, list(by_label))
        for label in given:
            key = by_label.get(label)
            if key is None:
                self.unknown(given, label, list(by_label))
                continue
            named = f"{spec['key']} “{label}”"  # two fees: no cost to name them first
            value, good = self.number(given[label], spec["fields"][key]["type"],
                                      given.lines[label], lambda: named)  # noqa: B023
            if good:
                assert isinstance(value, (int, Decimal))  # the fees are counts and amounts
                fees[key] = value
        return fees

    def table(self, raw: LineDict, form: Form, table: Table) -> TableValues:
        values: TableValues = {}
        given_derived: dict[CellKey, tuple[Any, int]] = {}
        self.stand_ins, self.zeroed = {}, {}
        if table.key not in raw:
            self.problem(raw.line, table.key, "缺少此表")
            return values
        self.walk(table, table.key_tree, raw[table.key], raw.lines[table.key], [table.key],
                  values, given_derived)
        full = form.derive(table.id, values)
        inputs = {**self.stand_ins, **values}  # the rules see every cell the clerk typed
        checked = form.derive(table.id, inputs)
        for cell, (given, line) in given_derived.items():
            computed = checked.get(cell)
            if computed is not None and given != computed:
                note = self.stand_in_note(form, table, inputs, _cell_probe(cell))
                self.problem(line, table.describe(*cell),
                             f"与计算结果不一致：填写 {format_value(given)}，"
                             f"按各项合计应为 {format_value(computed)}（总计可以不填）{note}")
        self.balance(form, table, inputs, checked)
        return full

    def balance(self, form: Form, table: Table, inputs: TableValues,
                values: TableValues) -> None:
        """Rules a clerk's numbers must satisfy beyond the totals (R3.3, the printed
        勾稽 note), reported at the line of the row they name. A blank cell that is
        itself the one to blame gets what it should hold on its own line."""
        messages = {rule.id: rule.message for rule in form.equation_rules
                    if isinstance(rule, BalanceRule)}
        for eq in form.equations(table.id):
            if eq.rule not in messages or table.is_derived(*eq.blamed):
                continue  # a total the clerk did not type: its typed columns say it
            violation = eq.violation(values)
            if violation and violation[0] in self.zeroed:
                index = self.zeroed[violation[0]][0]
                blank = self.problems[index]
                self.problems[index] = dataclasses.replace(
                    blank, message=f"{blank.message}；按勾稽关系应为 {format_value(violation[1])}")
            elif violation:
                finding = wrong_cell(eq.rule, ERROR, table, *violation, messages[eq.rule])
                note = self.stand_in_note(form, table, inputs, _sides_probe(eq))
                self.problem(self.lines.get((table.id, eq.blamed[0])), "", finding.message + note)

    def stand_in_note(self, form: Form, table: Table, inputs: TableValues,
                      probe: Callable[[TableValues], Any]) -> str:
        """Which blank or wrong cells a failing sum or balance was computed with, and as
        what: the clerk fixing those may find it fixed too. A cell is named when a change
        of it changes what `probe` finds."""
        if not self.stand_ins:
            return ""
        before = probe(form.derive(table.id, inputs))
        named = []
        for cell, value in self.stand_ins.items():
            assert is_number(value)
            if probe(form.derive(table.id, {**inputs, cell: value + 1})) != before:
                shown = f"{self.zeroed[cell][1]}，按 0" if cell in self.zeroed else \
                    f"按填写的 {format_value(value)}"
                named.append(f"{table.describe(*cell)} {shown}")
        return f"；其中 {'、'.join(named)} 计算" if named else ""

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
        self.lines.setdefault((table.id, cell[0]), line)
        value, good = self.number(given, table.column(cell[1]).type, line,
                                  lambda: table.describe(*cell))
        if not good:
            if table.is_derived(*cell):
                return  # a typed total with a problem: its parts are checked as they are
            if not isinstance(value, int) or not -MAX_COUNT <= value <= MAX_COUNT:
                value = 0
                what = "空白" if given is None else "填写有误"
                self.zeroed[cell] = (len(self.problems) - 1, what)
            self.stand_ins[cell] = value
        elif table.is_derived(*cell):
            given_derived[cell] = (value, line)
        else:
            values[cell] = value


def _cell_probe(cell: CellKey) -> Callable[[TableValues], Any]:
    return lambda values: values.get(cell)


def _sides_probe(eq: Equation) -> Callable[[TableValues], Any]:
    return lambda values: (total(values.get(k) for k in eq.left),
                           total(values.get(k) for k in eq.right))


def load_report(path: Path, offices: list[Path] | None = None,
                warnings: list[Problem] | None = None) -> Report:
    """Read and validate a data file; raises ProblemList with every problem found.
    `warnings` receives the slips read as what they unambiguously mean (全角数字)."""
    reader = _Reader(Path(path), offices or [])
    try:
        return reader.read()
    finally:
        if warnings is not None:
            warnings += reader.warnings




def read_raw(raw: LineDict, source: Path, warnings: list[Problem] | None = None) -> Report:
    """Validate a data file's raw structure made elsewhere, as `load_report` does a
    file's: the web workspace builds it from what a clerk typed in its form (the same
    keys and nesting; each value's `line` is where the form shows it, and `source`
    names the report). Raises ProblemList with every problem found."""
    reader = _Reader(Path(source), [], raw)
    try:
        return reader.read()
    finally:
        if warnings is not None:
            warnings += reader.warnings
