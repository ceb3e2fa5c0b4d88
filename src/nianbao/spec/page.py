"""The printed page of GB/T 9704-2012 (format.md §8), stated once: the Word template
sets it in twips, the web page's print style in millimetres and points, both from here.
Also the names of the template's styles, as a clerk sees them in Word's style list (the
reader knows nianbao's title by its style).
"""

from __future__ import annotations

TWIPS_PER_MM = 1440 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # twips: A4
# 版心 156 × 225 mm inside these margins (twips as Word writes them for 37/28/26/35 mm)
MARGINS = {"top": 2098, "left": 1588, "right": 1474, "bottom": 1984}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]  # twips
LINE_PITCH = 579  # twips: 22 lines of 3号 text per page (28.95 pt)
ROW_HEIGHT = 420  # twips (7.4 mm): the least height of a table row
CELL_MARGIN = 28  # twips (0.05 cm) left and right in a table cell: 5 digits fit in 620
FOOTER_DISTANCE_MM = 28 - 7  # the page number 7 mm below the 版心

# sizes in points: 3号 body and headings, 2号 title, 4号 page numbers, 五号 table text
BODY_SIZE, TITLE_SIZE, FOOTER_SIZE, TABLE_SIZE = 16, 22, 14, 10.5
TITLE_LINE = 35  # points: the title's own line height

# The official font names: offices' Windows and WPS machines have them (format.md §8).
BODY_FONT, HEI, KAI, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
TITLE_FONT = "方正小标宋简体"
LATIN_FONT = "Times New Roman"

STYLE_TITLE, STYLE_H1, STYLE_BODY = "年报标题", "年报一级标题", "年报正文"
STYLE_LEAD, STYLE_SIGNATURE = "年报小标题", "年报落款"
STYLE_LAST = "年报末部分正文"  # 六's paragraphs: kept on the page of the signature
STYLE_CELL, STYLE_HEADER_CELL, STYLE_FOOTER = "年报表格", "年报表头", "年报页码"


def mm(twips: int) -> int:
    """A length in whole millimetres."""
    return round(twips / TWIPS_PER_MM)


def points(twips: int) -> float:
    return twips / 20


def print_margins_css() -> str:
    """The margins of an @page rule: top right bottom left."""
    return " ".join(f"{mm(MARGINS[side])}mm" for side in ("top", "right", "bottom", "left"))
