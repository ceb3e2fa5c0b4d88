"""Draft marks: a text still marked 【待填写】 or 【待更新】 is a draft."""

from __future__ import annotations

from nianbao.report.drafts import DRAFT_RULE, draft_marks, draft_message, marks_in


def test_the_two_marks_come_from_the_settings() -> None:
    assert draft_marks() == ("【待填写】", "【待更新】")
    assert DRAFT_RULE == "T1"


def test_marks_in_a_text() -> None:
    assert marks_in("【待更新】去年的段落。【待填写】") == ["【待填写】", "【待更新】"]
    assert marks_in("本年度未收到政府信息公开申请。") == []
    assert marks_in("待填写") == []  # the word alone is no mark
    assert marks_in("") == []


def test_what_a_clerk_is_told() -> None:
    assert draft_message("【待填写】") == "仍标有“【待填写】”，是草稿，发布前请修改"
