"""Fixtures of the docx reader's tests: the markup builders of `wordxml`, so each test
states exactly the markup it is about, as python-docx's own tests do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from wordxml import document_xml, docx_bytes, first_grid, layout

from nianbao.sources.docx import Grid


@pytest.fixture(scope="session")
def make_document() -> Callable[..., bytes]:
    return document_xml


@pytest.fixture(scope="session")
def make_docx() -> Callable[..., bytes]:
    return docx_bytes


@pytest.fixture(scope="session")
def read_grid() -> Callable[..., Grid]:
    return first_grid


@pytest.fixture(scope="session")
def grid_layout() -> Callable[[Grid], list[list[tuple[str, tuple[int, int], int, int]]]]:
    return layout
