"""The cells of a table, read from its grid by the labels the form prints: the column
tree in the header (as many parents as distinguish a column: table 四's three 总计),
row labels on the left, table 二's title rows naming the group. Tolerates what clerks
produce: spaces inside labels (总  计), line breaks in cells, a table split in two with
the header repeated, extra rows (a warning, never read), a group of table 二 with no
header row (read in the official column order when its cells are exactly as many as
its columns, with a warning). A row printed as one of the `variants` its form file
declares is read as that row, with a warning naming both labels; a group label printed
as a data row in place of its rows (the 2019 form's one （六）其他处理 in a 2021 table
三) is one structure error naming it and the rows expected, never read into them."""

from __future__ import annotations

from nianbao.reading.model import LABEL, STRUCTURE, ReadReport
from nianbao.sources.blocks import Grid
from nianbao.spec.findings import ERROR, WARNING
from nianbao.spec.labels import normalize_label as _norm
from nianbao.spec.rules import TableValues
from nianbao.spec.tables import Column, Group, Row, Table
from nianbao.spec.values import parse_cell_text


def read_table(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    """The values of a table: one of title-row groups group by group, any other under
    its column header."""
    return _read_titled_groups(report, table, grid) if table.groups else \
        _read_headed(report, table, grid)


def _origin_text(grid: Grid, r: int, c: int) -> str:
    cell = grid.rows[r][c]
    return "" if cell.missing else cell.text


def _label_matches(text: str, label: str) -> bool:
    return bool(text) and _norm(text) == _norm(label)


def note_variant(report: ReadReport, table: Table, printed: str, label: str) -> None:
    """A label that matched only after normalising (brackets, spaces) is a warning."""
    if printed.strip() != label:
        report.finding(LABEL, WARNING, table.key, label, "",
                       f"{table.key}中的“{printed.strip()}”与正式格式的“{label}”写法不同",
                       label, printed.strip())


def _column_path(grid: Grid, header_rows: int, c: int) -> list[str]:
    path: list[str] = []
    for r in range(header_rows):
        text = _norm(_origin_text(grid, r, c))
        if text and (not path or path[-1] != text):
            path.append(text)
    return path


def _locate_columns(report: ReadReport, table: Table, grid: Grid, header_rows: int,
                    first: int) -> dict[str, int]:
    """Grid column of each data column: its own label at the bottom of the header, and
    as many of its parents' labels above it as distinguish it (表四's three 总计)."""
    paths = {c: _column_path(grid, header_rows, c) for c in range(first, grid.width)}
    located: dict[str, int] = {}
    for column in table.columns:
        candidates = [(sum(_norm(p) in path for p in column.path[:-1]), -c, c)
                      for c, path in paths.items()
                      if path and path[-1] == _norm(column.label) and c not in located.values()]
        if candidates:
            located[column.id] = max(candidates)[2]
        else:
            report.finding(STRUCTURE, ERROR, table.key, "", column.full_label,
                           f"{table.key}缺少“{column.full_label}”列")
    return located


def _row_label(grid: Grid, r: int, first_data: int) -> str:
    labels = [_origin_text(grid, r, c) for c in range(first_data)]
    labels = [t for t in labels if t.strip()]
    return labels[-1] if labels else ""


def _store(report: ReadReport, table: Table, values: TableValues, row: Row, column: Column,
           grid: Grid, r: int, c: int) -> None:
    cell = grid.rows[r][c]
    if cell.missing:
        values[(row.id, column.id)] = None
        return
    values[(row.id, column.id)] = parse_cell_text(cell.text)
    if cell.source is not None:
        report.sources[(table.id, row.id, column.id)] = cell.source


def _header_height(grid: Grid, table: Table) -> int:
    """Rows above the first row that is not a header: the first row holding a row label,
    or, where the table's one row has no label (table 四), the first holding a number."""
    labels = set(table.rows_by_label)
    for r in range(grid.height):
        texts = [_origin_text(grid, r, c) for c in range(grid.width)]
        if labels and any(_norm(t) in labels for t in texts if t):
            return r
        if not labels and any(not isinstance(parse_cell_text(t), str) for t in texts):
            return r
    return grid.height


def _read_headed(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    """A table under a column header: its rows by their labels, or its one unlabelled
    row right below the header."""
    head = _header_height(grid, table)
    first = _first_data_column(table, grid, head)
    located = _locate_columns(report, table, grid, head, first)
    if any(r.label for r in table.rows):
        return _read_rows(report, table, grid, head, first, located)
    values: TableValues = {}
    if head >= grid.height:
        report.finding(STRUCTURE, ERROR, table.key, "", "", f"{table.key}没有数据行")
        return values
    for column in table.columns:
        if column.id in located:
            _store(report, table, values, table.rows[0], column, grid, head, located[column.id])
    return values


def _read_rows(report: ReadReport, table: Table, grid: Grid, head: int, first: int,
               located: dict[str, int]) -> TableValues:
    values: TableValues = {}
    read_rows: set[str] = set()
    by_label = table.rows_by_label  # official labels and the form's variants
    merged: dict[str, str] = {}  # a group label printed as a data row -> as printed
    header_texts = [[_norm(_origin_text(grid, r, c)) for c in range(grid.width)]
                    for r in range(head)]
    for r in range(head, grid.height):
        texts = [_norm(_origin_text(grid, r, c)) for c in range(grid.width)]
        if texts in header_texts:  # a repeated header (table split over pages)
            continue
        label = _row_label(grid, r, first)
        row = by_label.get(_norm(label))
        if row is None:
            if _norm(label) in table.row_groups:
                merged.setdefault(_norm(label), label.strip())
                continue
            if any(texts):
                report.finding(LABEL, WARNING, table.key, label, "",
                               f"{table.key}中有正式格式之外的行“{label}”，未读取")
            continue
        if row.id in read_rows:  # the first of two rows with one label counts
            continue
        read_rows.add(row.id)
        note_variant(report, table, label, row.label)
        for column in table.columns:
            if column.id in located:
                _store(report, table, values, row, column, grid, r, located[column.id])
    named = _merged_rows(report, table, merged, read_rows)
    missing_rows(report, table, values, named)
    return values


def _merged_rows(report: ReadReport, table: Table, merged: dict[str, str],
                 read_rows: set[str]) -> set[str]:
    """A group label of the form printed as one data row (a 2019 table 三's （六）其他处理
    in a 2021 report): its numbers cannot be split into the form's rows, so it is one
    structure error naming the row and the rows expected, never read as those rows. The
    ids of the rows it names; a group whose rows are there too is an extra row."""
    named: set[str] = set()
    for key, printed in merged.items():
        label, rows = table.row_groups[key]
        if any(row.id in read_rows for row in rows):
            report.finding(LABEL, WARNING, table.key, printed, "",
                           f"{table.key}中有正式格式之外的行“{printed}”，未读取")
            continue
        expected = "”“".join(row.label for row in rows)
        report.finding(STRUCTURE, ERROR, table.key, label, "",
                       f"{table.key}中的“{printed}”只有一行，正式格式（{report.form.version}年版）"
                       f"在其下分为“{expected}”{len(rows)}行，无法拆分，未读取",
                       expected, printed)
        named |= {row.id for row in rows}
    return named


def _first_data_column(table: Table, grid: Grid, head: int) -> int:
    """The first grid column that holds a data column's label in the header."""
    leaf_labels = {_norm(c.label) for c in table.columns}
    for c in range(grid.width):
        path = _column_path(grid, head, c)
        if path and path[-1] in leaf_labels:
            return c
    return 0


def missing_rows(report: ReadReport, table: Table, values: TableValues,
                 named: set[str] | frozenset[str] = frozenset()) -> None:
    """A structure error for each row not read (`named`: rows another error names)."""
    read_rows = {row_id for row_id, _ in values}
    for row in table.rows:
        if row.id not in read_rows and row.id not in named:
            report.finding(STRUCTURE, ERROR, table.key, row.label, "",
                           f"{table.key}缺少“{row.full_label}”行")


def _by_position(grid: Grid, r: int, group: Group) -> dict[str, int]:
    """A group's columns in a row read without a header row (a small table under its
    title with only data rows): the row's value cells in the official order, when there
    are exactly as many as the group has columns; otherwise none, and the cells are
    reported missing rather than guessed."""
    cells = [c for c in range(1, grid.width) if grid.rows[r][c].is_origin]
    if len(cells) != len(group.columns):
        return {}
    return {_norm(column.label): c for column, c in zip(group.columns, cells, strict=True)}


def _read_titled_groups(report: ReadReport, table: Table, grid: Grid) -> TableValues:
    """Table 二: title rows name the group, 信息内容 rows name the columns; a group
    with no header row of its own is read by the official column order (warned)."""
    values: TableValues = {}
    group = None
    columns: dict[str, int] = {}
    groups = {_norm(g.label): g for g in table.groups}
    unheaded: set[str] = set()  # groups read without a header row of their own
    for r in range(grid.height):
        texts = [_origin_text(grid, r, c) for c in range(grid.width)]
        first = _norm(texts[0]) if texts else ""
        if first in groups:
            group, columns = groups[first], {}
            note_variant(report, table, texts[0], group.label)
            continue
        if _label_matches(texts[0], table.row_header):
            columns = {_norm(t): c for c, t in enumerate(texts) if c > 0 and t.strip()
                       and grid.rows[r][c].is_origin}
            if group is None or not all(_norm(col.label) in columns for col in group.columns):
                group = next((g for g in table.groups
                              if all(_norm(col.label) in columns for col in g.columns)), group)
            continue
        row = table.rows_by_label.get(first) if first else None
        if row is None or group is None or row.group != group.id:
            if any(t.strip() for t in texts):
                report.finding(LABEL, WARNING, table.key, texts[0].strip(), "",
                               f"{table.key}中有正式格式之外的行“{texts[0].strip()}”，未读取")
            continue
        note_variant(report, table, texts[0], row.label)
        at = columns or _by_position(grid, r, group)
        if at is not columns and at and group.id not in unheaded:
            unheaded.add(group.id)
            report.finding(LABEL, WARNING, table.key, group.label, "",
                           f"{table.key}的“{group.label}”没有“{table.row_header}”表头行，"
                           "按正式格式的列序读取")
        for column in group.columns:
            c = at.get(_norm(column.label))
            if c is None:
                continue
            _store(report, table, values, row, column, grid, r, c)
    for row in table.rows:
        for column in table.columns_of(row):
            if (row.id, column.id) not in values:
                report.finding(STRUCTURE, ERROR, table.key, row.label, column.label,
                               f"{table.key}缺少“{row.label}”的“{column.label}”")
    return values


