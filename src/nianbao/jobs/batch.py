"""`nianbao batch`: the reports of many offices at once, on every core.

Each worker process prepares the templates once and then renders, reads back and
checks one data file after another; one office's bad data is a row of the summary,
never the end of the batch. Outputs already present are kept (re-running a batch that
was interrupted completes the rest), unless `force`.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from nianbao.datafile.yamlfile import YAML_SUFFIXES
from nianbao.errors import NianbaoError
from nianbao.jobs.render import Outputs, Rendered, render_one, write
from nianbao.writing.output import remove_stale_temporaries, write_atomic
from nianbao.writing.pdf import convert_to_pdf, pdf_path

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


Task = tuple[str, str, bool, list[str], bool]  # data file, output, force, offices, html


def _render(data: Path, output: Path, force: bool, offices: list[Path], html: bool
            ) -> tuple[BatchRow, Rendered | None]:
    """A data file's documents, checked, ready to be written (none when it failed or
    its outputs are there already): the one pipeline of `nianbao render`, with the fast
    read-back."""
    row = BatchRow(str(data), output=str(output))
    page = output.with_suffix(".html")
    missing = [t for t in ([output, page] if html else [output]) if force or not t.exists()]
    if not missing:
        row.status = "skipped"
        return row, None
    outputs = Outputs(docx=output if output in missing else None,
                      html=page if page in missing else None, fast=True)
    try:
        rendered = render_one(data, outputs, offices)
    except NianbaoError as exc:
        return _failed(row, exc.lines()), None
    except OSError as exc:
        return _failed(row, [f"{exc.filename or data}: 无法读取：{exc.strerror}"]), None
    row.office = rendered.report.office.name
    row.status = "ok"
    row.warnings, row.messages = len(rendered.warnings), rendered.warnings
    return row, rendered


def _write(row: BatchRow, rendered: Rendered | None, force: bool) -> BatchRow:
    """Give a row's documents their names (each written whole, or not at all)."""
    if rendered is None:
        return row
    try:
        write(rendered, force=force)
    except NianbaoError as exc:
        return _failed(row, exc.lines())
    except OSError as exc:
        return _failed(row, [f"{exc.filename or row.output}: 无法写入：{exc.strerror or exc}"])
    return row


def _failed(row: BatchRow, messages: list[str]) -> BatchRow:
    row.status, row.messages = "failed", messages
    row.errors, row.warnings = len(messages), 0
    return row


def _work(chunk: list[Task]) -> list[BatchRow]:
    """Render a chunk of data files in this process. Writing a file waits for the disk
    (fsync), not for the CPU, so a thread writes each document while the next one is
    rendered; a row is final once its documents have their names."""
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending = []
        for data, output, force, offices, html in chunk:
            row, rendered = _render(Path(data), Path(output), force,
                                    [Path(o) for o in offices], html)
            pending.append(writer.submit(_write, row, rendered, force))
        return [future.result() for future in pending]


def run_batch(folder: Path, out_dir: Path, jobs: int, force: bool = False,
              offices: list[Path] | None = None, html: bool = False) -> Iterator[BatchRow]:
    """Rows as the reports finish (in no fixed order), rendered on `jobs` processes."""
    files = data_files(folder)
    names = output_names(files, folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    tasks: list[Task] = [(str(f), str(out_dir / names[f]), force,
                          [str(o) for o in offices or []], html) for f in files]
    size = max(1, min(16, len(tasks) // (max(jobs, 1) * 8)))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    if jobs <= 1 or len(tasks) <= 1:
        for rows in map(_work, chunks):
            yield from rows
        return
    # the rendering machinery is imported before the workers fork, so that its memory
    # is shared with them instead of copied into each (the command imports it lazily)
    importlib.import_module("nianbao.writing.document")
    importlib.import_module("nianbao.writing.webpage")
    with get_context("fork" if os.name == "posix" else "spawn").Pool(jobs) as pool:
        for rows in pool.imap_unordered(_work, chunks):
            yield from rows


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
