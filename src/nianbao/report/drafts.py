"""Draft marks: a text that still holds 【待填写】 (to be written: new data files, fields
an import did not find) or 【待更新】 (last year's text kept by rollover) is a draft, and
nobody publishes a draft by mistake. One rule, for render and check alike."""

from __future__ import annotations

from nianbao.resources import read_config

DRAFT_RULE = "T1"


def draft_marks() -> tuple[str, str]:
    """(to be written, to be updated), as config/datafile.yaml names them."""
    settings = read_config("datafile.yaml")
    return settings["todo_marker"], settings["review_marker"]


def marks_in(text: str) -> list[str]:
    """The draft marks a text holds."""
    return [mark for mark in draft_marks() if mark in text]


def draft_message(mark: str) -> str:
    return f"仍标有“{mark}”，是草稿，发布前请修改"
