"""Labels compared the way a clerk sees them, wherever a label is matched: data-file
keys, the cells of a Word table, a web page, copied text; and how a body's name ends."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def normalize_label(label: str) -> str:
    """Full/half width alike, spaces ignored, curly and straight quotes alike."""
    text = unicodedata.normalize("NFKC", str(label))
    return re.sub(r"\s+", "", text).replace("“", '"').replace("”", '"')


# how the name of a publishing body ends (an organ, or a place): where a title set on
# two lines breaks, and how the reader knows a title's first line is a name
NAME_ENDS = ("管理委员会", "委员会", "人民政府", "办公室", "办公厅", "局", "厅", "委", "办",
             "中心", "院", "署", "会", "区", "县", "市", "省", "州", "盟", "旗")
