"""The printed page of GB/T 9704-2012, stated once for the template and the web page."""

from __future__ import annotations

from nianbao.spec.page import LINE_PITCH, MARGINS, TEXT_WIDTH, mm, points, print_margins_css


def test_the_text_block_is_156_mm_wide_inside_the_official_margins() -> None:
    assert mm(TEXT_WIDTH) == 156
    assert {side: mm(twips) for side, twips in MARGINS.items()} == {
        "top": 37, "left": 28, "right": 26, "bottom": 35}
    assert print_margins_css() == "37mm 26mm 35mm 28mm"  # top right bottom left


def test_22_lines_of_body_text_per_page() -> None:
    assert points(LINE_PITCH) == 28.95
    assert mm(22 * LINE_PITCH) <= 225
