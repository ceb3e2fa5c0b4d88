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
OPTIONAL_FIELDS = {"email": "电子邮箱", "postcode": "邮编", "website": "网站"}
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
