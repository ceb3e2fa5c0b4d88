"""`nianbao batch`: the reports of many offices at once, on every core.

Each worker process prepares the templates once and then renders, reads back and
checks one data file after another; one office's bad data is a row of the summary,
never the end of the batch. Outputs already present are kept (re-running a batch that
was interrupted completes the rest), unless `force`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .datafile import load_report
from .filler import TemplateProblem
from .output import OutputExists, remove_stale_temporaries, write_atomic
from .pdf import convert_to_pdf, pdf_path
from .problems import ProblemList
from .render import compiled_template, prose_warnings, render_report, todo_warnings
from .verify import VerificationFailed
from .webpage import render_page
from .yamlfile import YAML_SUFFIXES

SUMMARY_COLUMNS = ("data_file", "office", "status", "errors", "warnings", "output", "messages")
STATUS = {"ok": "已生成", "failed": "失败", "skipped": "已存在，未覆盖"}


@dataclass
class BatchRow:
    """One data file's outcome, as the summary table shows it."""

    data_file: str
    office: str = ""
    status: str = "failed"
    errors: int = 0
    warnings: int = 0
    output: str = ""
    messages: list[str] = field(default_factory=list)


def data_files(folder: Path) -> list[Path]:
    """Every data file under a folder; office profiles (config/) and the batch's own
    output are not data files."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in YAML_SUFFIXES
                  and p.is_file() and "config" not in p.relative_to(folder).parts[:-1])


def _safe_stem(name: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return stem or "report"


def output_names(files: list[Path], folder: Path) -> dict[Path, str]:
    """OUTDIR names, one per data file: its stem, made safe (no separators, no '..');
    stems that collide take their sub-folder path too, so no office overwrites another."""
    stems = {f: _safe_stem(f.stem) for f in files}
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem.lower()] = counts.get(stem.lower(), 0) + 1
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for f in files:
        stem = stems[f]
        if counts[stem.lower()] > 1:
            parts = f.relative_to(folder).with_suffix("").parts
            stem = _safe_stem("-".join(parts))
        candidate, n = stem, 2
        while candidate.lower() in taken:
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate.lower())
        names[f] = candidate + ".docx"
    return names


def render_one(data: Path, output: Path, force: bool, offices: list[Path],
               html: bool = False) -> BatchRow:
    """Render, read back and check one data file (and its web page with `html`); every
    failure becomes the row's messages."""
    row = BatchRow(str(data), output=str(output))
    page = output.with_suffix(".html")
    missing = [t for t in ([output, page] if html else [output]) if force or not t.exists()]
    if not missing:
        row.status = "skipped"
        return row
    try:
        report = load_report(data, offices)
        row.office = report.office.name
        if output in missing:
            document = render_report(report, compiled_template(None, report.form.version),
                                     fast=True)
            write_atomic(output, document, force=force)
        if page in missing:
            write_atomic(page, render_page(report), force=force)
    except ProblemList as exc:
        row.messages = [str(p) for p in exc.problems]
    except VerificationFailed as exc:
        row.messages = ["生成的报告未通过核对：" + f for f in exc.findings]
    except (TemplateProblem, OutputExists, OSError) as exc:
        row.messages = [str(exc) if not isinstance(exc, OutputExists)
                        else f"{output}: 文件已存在，未覆盖"]
    else:
        row.status = "ok"
        warnings = [str(w) for w in todo_warnings(report)]
        warnings += [f.message for f in prose_warnings(report)]
        row.warnings, row.messages = len(warnings), warnings
        return row
    row.errors = len(row.messages)
    return row


def _work(task: tuple[str, str, bool, list[str], bool]) -> BatchRow:
    data, output, force, offices, html = task
    return render_one(Path(data), Path(output), force, [Path(o) for o in offices], html)


def run_batch(folder: Path, out_dir: Path, jobs: int, force: bool = False,
              offices: list[Path] | None = None, html: bool = False) -> Iterator[BatchRow]:
    """Rows as the reports finish (in no fixed order), rendered on `jobs` processes."""
    files = data_files(folder)
    names = output_names(files, folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    tasks = [(str(f), str(out_dir / names[f]), force, [str(o) for o in offices or []], html)
             for f in files]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_work, tasks)
        return
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    with get_context("fork" if os.name == "posix" else "spawn").Pool(jobs) as pool:
        yield from pool.imap_unordered(_work, tasks, chunksize=chunk)


def add_pdfs(rows: list[BatchRow], force: bool) -> None:
    """PDFs of the reports, in as few LibreOffice calls as the pdf module allows; a
    report whose PDF fails becomes a failed row, its .docx kept."""
    documents = [Path(r.output) for r in rows if r.status != "failed"
                 and (force or not pdf_path(Path(r.output)).exists())]
    if not documents:
        return
    result = convert_to_pdf(documents, force=force)
    failed = {str(f.path): f.reason for f in result.failed}
    for row in rows:
        if row.output in failed:
            row.status = "failed"
            row.messages.append(f"未能生成 PDF：{failed[row.output]}")
            row.errors += 1


def summary_csv(rows: list[BatchRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    for row in rows:
        writer.writerow([row.data_file, row.office, STATUS[row.status], row.errors,
                         row.warnings, row.output, "\n".join(row.messages)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def summary_json(rows: list[BatchRow]) -> bytes:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1).encode("utf-8")


def write_summary(out_dir: Path, rows: list[BatchRow]) -> None:
    """summary.csv and summary.json describe the last run: they are replaced each time."""
    write_atomic(out_dir / "summary.csv", summary_csv(rows), force=True)
    write_atomic(out_dir / "summary.json", summary_json(rows), force=True)
