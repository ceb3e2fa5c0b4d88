"""Labels are compared as a clerk sees them."""

from __future__ import annotations

import pytest

from nianbao.spec.labels import normalize_label


@pytest.mark.parametrize(("variant", "official"), [
    ("(一)予以公开", "（一）予以公开"), ("总  计", "总计"), ("总\n计", "总计"),
    ("3.危及\"三安全一稳定\"", "3.危及“三安全一稳定”"),
    ("第二十条第(五)项", "第二十条第（五）项"),
    ("本年收费金额(单位:万元)", "本年收费金额（单位：万元）"),
    ("１.属于国家秘密", "1.属于国家秘密")])
def test_variants_a_clerk_types_match_the_official_label(variant: str, official: str) -> None:
    assert normalize_label(variant) == normalize_label(official)


def test_different_labels_stay_different() -> None:
    assert normalize_label("结果维持") != normalize_label("结果纠正")
    assert normalize_label("（一）予以公开") != normalize_label("（二）予以公开")
