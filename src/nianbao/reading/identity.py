"""Whose report a document is, and of which year: what the title, the 统计期限 sentence,
the signature and the date say (import fills a data file with it; check tells whether
last year's report given with --previous is the one before this)."""

from __future__ import annotations

import datetime as dt
import re

from nianbao.reading.model import ReadReport

TITLE_TAIL = re.compile(r"\s*(\d{4})\s*年度?\s*政府信息公开(?:工作)?(?:年度)?报告\s*$")
_PERIOD = re.compile(r"统计期限(?:为|是)?自?\s*(\d{4})\s*年")
_DATE = re.compile(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def report_year(read: ReadReport) -> int | None:
    """The report year: from the title or the 统计期限, else the year before the date."""
    for text in [read.title, *(p for ps in read.text.values() for p in ps)]:
        match = _PERIOD.search(text) or TITLE_TAIL.search(text)
        if match:
            return int(match.group(1))
    date = report_date(read)
    return date.year - 1 if date else None


def report_date(read: ReadReport) -> dt.date | None:
    """The 成文日期 under the signature."""
    match = _DATE.match(read.date)
    try:
        return dt.date(*map(int, match.groups())) if match else None
    except ValueError:
        return None


def office_name(read: ReadReport) -> str:
    """The office: the title before its year, else the signature ("" when neither)."""
    match = TITLE_TAIL.search(read.title)
    name = read.title[: match.start()].strip() if match else ""
    return name or read.signature
