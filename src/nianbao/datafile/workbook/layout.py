"""The 填报表 workbook's layout, shared by its writer and its reader: the sheets' names
and the fixed labels of the sheets that are not the form's tables. Table sheets are
named by the table's key in the form (表二, 表三, 表四: `Table.key`) and drawn from
`Table.areas()`; every label here that names a data-file field comes from
config/datafile.yaml (`field_label`), so nothing is spelled twice.

说明      how to fill in the workbook, in Chinese (read by no one but the clerk)
机关信息  two columns, 项目 | 内容: the office id (机关信息文件名), the profile's fields
          (`PROFILE_FIELDS`, `OPTIONAL_FIELDS` labels), then 报告年度, 表格格式, 成文日期,
          标题, and the two 信息处理费 fields (config/datafile.yaml `fees`)
表二 …    the form's tables as printed: a title row (the table's section heading), then
          the table from its first row, merged as `Table.areas()` merges it
正文      one paragraph per row under the heading row 部分 | 标准段落 | 内容: 部分 is
          开头段落 or a section heading (一、总体情况 …); 标准段落 the standard
          paragraph's name when the row is one (内容 then shows what it prints, and is
          not read back), empty for the clerk's own text in 内容
"""

from __future__ import annotations

from nianbao.datafile.settings import settings
from nianbao.spec.form import Form

GUIDE = "说明"
OFFICE = "机关信息"
TEXT = "正文"
OFFICE_ID = "机关信息文件名"  # the office's id: its profile's file name, as data files name it
ITEM, CONTENT = "项目", "内容"  # the 机关信息 sheet's heading row
PART, STANDARD = "部分", "标准段落"  # with CONTENT, the 正文 sheet's heading row
SUFFIXES = (".xlsx",)


def parts(form: Form) -> list[tuple[str, str]]:
    """The 正文 sheet's parts in order, (key in the data file's `text`, what 部分 says):
    the preamble (开头段落), then each section by its heading."""
    return [("preamble", settings()["preamble"]["label"]),
            *((section.id, section.heading) for section in form.sections)]
