"""Names of the Word template's styles, as a clerk sees them in Word's style list.

The builder creates them; the reader knows nianbao's title by its style. Kept apart
from the builder so that reading a report does not load the template machinery.
"""

STYLE_TITLE, STYLE_H1, STYLE_BODY = "年报标题", "年报一级标题", "年报正文"
STYLE_LEAD, STYLE_SIGNATURE = "年报小标题", "年报落款"
STYLE_LAST = "年报末部分正文"  # 六's paragraphs: kept on the page of the signature
STYLE_CELL, STYLE_HEADER_CELL, STYLE_FOOTER = "年报表格", "年报表头", "年报页码"
