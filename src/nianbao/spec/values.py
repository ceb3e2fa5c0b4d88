"""Values a clerk types: what a number in a table may be, how it is printed, how it is
read back; which characters a printed text may hold.

Types come from the form file: count (integer ≥ 0), signed (integer), amount (decimal
≥ 0, e.g. 万元), money_text (decimal ≥ 0 with an optional unit, e.g. 251000元).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

Value = int | Decimal | str | None  # None: a blank cell; str: text that is not a number

# A count above this is a typing error, not a year of government work.
MAX_COUNT = 10**9
MAX_AMOUNT = Decimal(10) ** 15
_MONEY_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(元|万元|亿元)?$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
# control characters (Cc), lone surrogates (Cs), private-use characters (Co) and the
# non-characters U+FFFE/U+FFFF: they do not print, and XML 1.0 cannot carry most of them
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff"
                          "\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def unprintable(text: str) -> str | None:
    """What is wrong with a text that is to be printed, if it holds a character that
    does not print (and could not be written into the document's XML)."""
    bad = _UNPRINTABLE.search(text)
    return f"含有不可打印的控制字符（U+{ord(bad.group()):04X}），请删除" if bad else None


def format_value(value: Value) -> str:
    """The text printed in a cell: integers as digits, decimals without exponent."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def parse_cell_text(text: str) -> Value:
    """Read a printed cell: full-width digits and spaces tolerated; blank is None;
    anything that is not a number ("—", "-", "无") stays text so it can be reported."""
    normalized = unicodedata.normalize("NFKC", text)
    normalized = re.sub(r"\s+", "", normalized).replace(",", "")
    if not normalized:
        return None
    if re.fullmatch(r"[+-]?\d+", normalized):
        return int(normalized)
    if _DECIMAL.match(normalized):
        return Decimal(normalized)
    return text.strip()


def type_problem(type_: str, value: Value) -> str | None:
    """Why a value does not fit a column's type, in Chinese; None when it fits."""
    if value is None:
        return "空白（没有数字的格应填 0）"
    if type_ in ("count", "signed"):
        if not isinstance(value, int):
            return f"应为整数，填写的是 “{format_value(value)}”"
        if type_ == "count" and value < 0:
            return f"件数不能为负数（{value}）"
        if abs(value) > MAX_COUNT:
            return f"数值过大（{value}）"
        return None
    if type_ == "amount":
        if not isinstance(value, (int, Decimal)):
            return f"应为数字（可带小数），填写的是 “{value}”"
        if value < 0:
            return f"金额不能为负数（{format_value(value)}）"
        if value > MAX_AMOUNT:
            return f"数值过大（{format_value(value)}）"
        return None
    if type_ == "money_text":
        if isinstance(value, (int, Decimal)):
            return None if value >= 0 else f"金额不能为负数（{format_value(value)}）"
        if _MONEY_TEXT.match(unicodedata.normalize("NFKC", value).replace(",", "")):
            return None
        return f"应为金额（如 251000 或 251000元），填写的是 “{value}”"
    raise ValueError(type_)


def coerce(value: object) -> Value:
    """A value as typed in YAML, made into a cell value (floats become exact decimals)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        return parse_cell_text(value)
    if value is None or isinstance(value, int):
        return value
    return str(value)
