"""Labels compared the way a clerk sees them, wherever a label is matched: data-file
keys, the cells of a Word table, a web page, copied text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def normalize_label(label: str) -> str:
    """Full/half width alike, spaces ignored, curly and straight quotes alike."""
    text = unicodedata.normalize("NFKC", str(label))
    return re.sub(r"\s+", "", text).replace("“", '"').replace("”", '"')
