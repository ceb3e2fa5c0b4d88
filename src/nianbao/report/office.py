"""The office that publishes a report: shared by all its years and data files."""

from __future__ import annotations

from dataclasses import dataclass

# key in a profile -> label a clerk reads
PROFILE_FIELDS = {
    "name": "机关全称",
    "contact_unit": "联系单位",
    "phone": "联系电话",
    "address": "联系地址",
    "signature": "落款署名",
}
# `category`: which deadline of 条例 第四十九条 the office's report has (the values and
# the default, 部门, are the deadline rule's in config/forms/)
OPTIONAL_FIELDS = {"email": "电子邮箱", "postcode": "邮编", "website": "网站",
                   "category": "机关类别：部门或本级政府"}
ALL_FIELDS = PROFILE_FIELDS | OPTIONAL_FIELDS


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    contact_unit: str
    phone: str
    address: str
    signature: str
    email: str = ""
    postcode: str = ""
    website: str = ""
    category: str = ""  # "" is the deadline rule's default (部门)
