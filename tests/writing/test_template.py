"""The built-in Word templates: built from the form, each table with the official merge
areas (`Table.areas`, the same the web page uses), labels as text, data cells as
placeholders by template path; the shipped templates are the ones the builder makes."""

from __future__ import annotations

import io
from functools import cache

import pytest
from helpers import paragraphs, tables

from nianbao.resources import template_path
from nianbao.spec.form import load_form
from nianbao.writing.template import build_template


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
