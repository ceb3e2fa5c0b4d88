"""Time to check one report .docx: nianbao's reader and rules against reading the same
tables through python-docx's table API (the usual way, and the baseline of issue #3).

    python benchmarks/check.py [--reports N]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import zipfile
from pathlib import Path

import docx
from timing import median_ms, print_figures

from nianbao.checking.tables import table_findings
from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_file
from nianbao.reading.document import read_document_xml
from nianbao.sources.docx.body import read_body
from nianbao.writing.document import compiled_template

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "pingtan-2021.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    args = parser.parse_args()
    report = load_report(EXAMPLE)
    document = compiled_template(None, "2021").render(report)
    path = Path(tempfile.mkdtemp()) / "report.docx"
    path.write_bytes(document)
    xml = zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml")
    read = read_document_xml(xml)

    def python_docx_tables() -> None:
        for table in docx.Document(io.BytesIO(document)).tables:
            for row in table.rows:
                [cell.text for cell in row.cells]

    figures = {
        "nianbao check (whole file)": median_ms(lambda: check_file(path), args.reports),
        "  of which: XML to blocks and grids": median_ms(lambda: read_body(xml), args.reports),
        "  of which: blocks to report": median_ms(lambda: read_document_xml(xml), args.reports),
        "  of which: table rules": median_ms(lambda: table_findings(read.form, read.tables),
                                              args.reports),
        "python-docx: open + read table cells": median_ms(python_docx_tables, args.reports),
    }
    print_figures(f"median time per report, {args.reports} reports ({EXAMPLE.name} rendered):",
                  figures, "python-docx: open + read table cells", "nianbao check (whole file)")

if __name__ == "__main__":
    main()
