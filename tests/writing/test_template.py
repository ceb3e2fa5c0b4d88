"""The built-in Word templates: built from the form, each table with the official merge
areas (`Table.areas`, the same the web page uses), labels as text, data cells as
placeholders by template path; the shipped templates are the ones the builder makes."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pytest
from helpers import paragraphs, tables
from lxml import etree

from nianbao.resources import template_path
from nianbao.spec.form import load_form
from nianbao.writing.template import build_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache  # python-docx takes seconds to lay out the tables: once per form
def _built(version: str) -> bytes:
    buffer = io.BytesIO()
    build_template(load_form(version)).save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_each_table_has_the_official_merge_areas(version: str) -> None:
    form = load_form(version)
    grids = tables(_built(version))
    assert len(grids) == 3
    for grid, table in zip(grids, form.tables.values(), strict=True):
        expected = {(a.top, a.left, a.row_span, a.col_span,
                     a.text if a.cell is None else
                     "{{ " + ".".join((table.id, *table.cell_path(*a.cell))) + " }}")
                    for a in table.areas()}
        assert {(*c.origin, c.row_span, c.col_span, c.text) for c in grid.origins()} == expected
        assert (grid.height, grid.width) == table.grid_size


def test_the_prose_is_the_headings_around_placeholders() -> None:
    texts = paragraphs(_built("2021"))
    assert texts[0] == "{{ title }}"
    assert [t for t in texts if t[0] in "一二三四五六"] == [
        s.heading for s in load_form("2021").sections]
    assert texts[-2:] == ["{{ signature }}", "{{ date }}"]


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_the_shipped_templates_are_what_the_builder_makes(version: str) -> None:
    built, shipped = _built(version), template_path(version).read_bytes()
    assert paragraphs(built) == paragraphs(shipped)
    assert [[(c.text, c.origin, c.row_span, c.col_span) for row in g.rows for c in row]
            for g in tables(built)] == \
        [[(c.text, c.origin, c.row_span, c.col_span) for row in g.rows for c in row]
         for g in tables(shipped)]


def _xml(part: str, version: str = "2021") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(_built(version))) as package:
        return etree.fromstring(package.read(part))


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_rows_are_kept_whole_and_groups_together(version: str) -> None:
    """What the printed page shows (tests/writing/test_pages.py) comes from these: no
    row splits over two pages; every row of a 第二十条 group of table 二 but its last,
    the column header of tables 三 and 四, and every row of an inner merged label of
    table 三 but its last, keep with the next row."""
    body = _xml("word/document.xml", version)
    form = load_form(version)
    for grid, table in zip(body.iter(W + "tbl"), form.tables.values(), strict=True):
        rows = grid.findall(W + "tr")
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
        kept = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in row.iter(W + "p"))
                for row in rows]
        assert not any(p.find(f"{W}pPr/{W}keepNext") is not None
                       for row, keep in zip(rows, kept, strict=True) if not keep
                       for p in row.iter(W + "p"))  # a row is kept whole or not at all
        ends = {a.bottom for a in table.areas() if a.role == "row" and a.row_span > 1
                and a.left > 0} | {len(rows) - 1}
        if table.header_rows:
            assert kept[:table.header_rows] == [True] * table.header_rows
        starts = [a.top for a in table.areas() if a.role == "group"]
        for first, end in zip(starts, [*starts[1:], len(rows)], strict=False):
            assert kept[first:end] == [True] * (end - 1 - first) + [False]
        assert all(not kept[end] for end in ends)


def test_page_numbers_are_inset_in_characters_and_in_twips() -> None:
    """Word reads w:rightChars, LibreOffice w:right: both say one 4号 character."""
    for part, side in (("word/footer1.xml", "right"), ("word/footer2.xml", "left")):
        ind = _xml(part).find(f"{W}p/{W}pPr/{W}ind")
        assert ind is not None
        assert (ind.get(f"{W}{side}Chars"), ind.get(f"{W}{side}")) == ("100", "280")


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_the_shipped_templates_have_the_built_parts(version: str) -> None:
    with zipfile.ZipFile(io.BytesIO(_built(version))) as built, \
            zipfile.ZipFile(template_path(version)) as shipped:
        assert sorted(built.namelist()) == sorted(shipped.namelist())
        for name in ("word/document.xml", "word/footer1.xml", "word/footer2.xml",
                     "word/styles.xml", "docProps/app.xml", "[Content_Types].xml"):
            assert built.read(name) == shipped.read(name), name
