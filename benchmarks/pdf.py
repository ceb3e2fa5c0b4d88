"""Checking a folder of published PDF reports: `nianbao check` per report on one and on
two processes, beside plain pdfplumber table extraction of the same files (the usual
way to get tables out of a PDF, and the library nianbao's reader first used) in the
same run; and `nianbao check FILE.pdf` as a command, beside the same for its .docx.

    python benchmarks/pdf.py [--reports 100]

The folder holds the two examples rendered by nianbao and printed by LibreOffice (7
and 6 pages) and table 三 drawn by reportlab over two pages (tests/pdfmake.py), copied
round to `--reports` files. Needs LibreOffice, reportlab and pdfplumber (test extras).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_ms, print_figures

from nianbao.datafile.reader import load_report
from nianbao.jobs.check import check_files
from nianbao.sources.libreoffice import find_soffice, run_soffice
from nianbao.writing.document import compiled_template, render_report

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = ("pingtan-2021", "jingdezhen-2023")


def make_folder(folder: Path, count: int) -> list[Path]:
    """`count` PDF reports in `folder` (the printed examples and a drawn table 三)."""
    sys.path.insert(0, str(REPO / "tests"))
    import pdfmake

    documents = []
    for name in EXAMPLES:
        report = load_report(REPO / "examples" / f"{name}.yaml")
        path = folder / f"{name}.docx"
        path.write_bytes(render_report(report, compiled_template(None, report.form.version)))
        documents.append(path)
    error = run_soffice(find_soffice(), documents, "pdf", folder / "profile", folder)
    if error:
        sys.exit(error)
    pdfmake.report_pdf(folder / "drawn.pdf")
    sources = [folder / f"{name}.pdf" for name in EXAMPLES] + [folder / "drawn.pdf"]
    reports = folder / "reports"
    reports.mkdir()
    paths = []
    for i in range(count):
        path = reports / f"{i:04d}-{sources[i % len(sources)].name}"
        shutil.copyfile(sources[i % len(sources)], path)
        paths.append(path)
    return paths


def per_report(fn: object, paths: list[Path]) -> float:
    """Wall time of `fn(paths)` over the whole folder, in ms per report."""
    start = time.perf_counter()
    fn(paths)  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000 / len(paths)


def check(jobs: int) -> object:
    def run(paths: list[Path]) -> None:
        results = list(check_files(paths, jobs=jobs))
        assert all(r.unusable is None for r in results)

    return run


def pdfplumber_tables(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()


def command_ms(args: list[str], repeat: int) -> float:
    return median_ms(lambda: subprocess.run(args, check=False, capture_output=True), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        paths = make_folder(folder, args.reports)
        check(1)(paths[:3])  # warm: imports, forms
        figures = {
            "nianbao check, 1 process": per_report(check(1), paths),
            "nianbao check, 2 processes": per_report(check(2), paths),
            "pdfplumber extract_tables, 1 process": per_report(pdfplumber_tables, paths),
        }
        print_figures(f"wall time per report, a folder of {args.reports} PDF reports:",
                      figures, "pdfplumber extract_tables, 1 process",
                      "nianbao check, 1 process")
        one, two = figures["nianbao check, 1 process"], figures["nianbao check, 2 processes"]
        print(f"  1 process / 2 processes: {one / two:.1f} x")
        nianbao = str(Path(sys.executable).with_name("nianbao"))
        commands = {
            "nianbao check pingtan-2021.pdf (7 pages)": command_ms(
                [nianbao, "check", str(folder / "pingtan-2021.pdf")], 7),
            "nianbao check pingtan-2021.docx": command_ms(
                [nianbao, "check", str(folder / "pingtan-2021.docx")], 7),
        }
        print_figures("one report checked as a command (its own process, median of 7):",
                      commands, "nianbao check pingtan-2021.pdf (7 pages)",
                      "nianbao check pingtan-2021.docx")


if __name__ == "__main__":
    main()
