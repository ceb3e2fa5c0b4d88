"""The 填报表: a report's data as an Excel/WPS workbook (openpyxl), written for a clerk to
fill in (`write.py`) and read back by its labels into the raw structure a YAML data file
parses to (`read.py`), so the one data-file reader validates both; `layout.py` is the
contract between the two."""
