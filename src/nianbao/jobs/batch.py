"""`nianbao batch`: the reports of many offices at once, on every core.

Each worker process prepares the templates once and then renders, reads back and
checks one data file after another; one office's bad data is a row of the summary,
never the end of the batch. summary.json records what made each output (the content
hashes of its data file, office profile and template, nianbao's version): run again, the
batch makes again what changed and keeps the rest, listed as unchanged with the office
and warnings of the run that made it; an output without a record is kept (a batch that
was interrupted completes the rest). `force` makes everything again.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import io
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from nianbao import __version__
from nianbao.datafile.formats import data_files
from nianbao.errors import NianbaoError, os_reason
from nianbao.jobs.render import Outputs, Rendered, render_one, write
from nianbao.resources import template_path
from nianbao.writing.output import remove_stale_temporaries, write_atomic
from nianbao.writing.pdf import convert_to_pdf, pdf_path

# summary.csv is for the clerk (Excel/WPS): Chinese headings, in the words of
# `nianbao check --summary` and the workspace's review zip; one a BatchRow field:
# data_file, office, status, errors, warnings, output, messages (summary.json's keys)
SUMMARY_HEADINGS = ("数据文件", "机关", "结果", "错误", "警告", "输出文件", "问题")
STATUS = {"ok": "已生成", "failed": "失败", "unchanged": "未变化", "skipped": "已存在，未覆盖"}


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
    made_from: dict[str, str] = field(default_factory=dict)  # see `made_from`


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


Record = dict[str, Any]  # the summary.json row of the run that made an output


@dataclass(frozen=True)
class Task:
    """One data file of a batch, as a worker process gets it."""

    data: Path
    output: Path
    force: bool
    offices: list[Path]
    html: bool
    record: Record | None  # the summary.json row of the run that made its output
    template: Path | None = None  # a clerk's template instead of the built-in one


def _render(task: Task) -> tuple[BatchRow, Rendered | None, bool]:
    """A data file's documents, checked, ready to be written, and whether they replace
    outputs made from older inputs; none when it failed or its outputs are up to date
    (made by nianbao from this data file, profile and template). The one pipeline of
    `nianbao render`, with the fast read-back."""
    data, output, force, record = task.data, task.output, task.force, task.record
    row = BatchRow(str(data), output=str(output))
    targets = [output, output.with_suffix(".html")] if task.html else [output]
    missing = [t for t in targets if force or not t.exists()]
    changed = record is not None and bool(record.get("made_from")) \
        and not _unchanged(data, record, task.template)
    if not missing and not changed:
        return _kept(row, record if record and record.get("made_from") else None), None, False
    if changed:
        missing = targets  # made from older inputs: made again, replacing them
    outputs = Outputs(docx=output if output in missing else None,
                      html=targets[-1] if task.html and targets[-1] in missing else None,
                      template=task.template, fast=True)
    try:
        rendered = render_one(data, outputs, task.offices)
    except NianbaoError as exc:
        return _failed(row, exc.lines(), record), None, False
    except OSError as exc:
        return _failed(row, [f"{exc.filename or data}: 无法读取：{os_reason(exc)}"],
                       record), None, False
    report = rendered.report
    row.office = report.office.name
    row.status = "ok"
    row.warnings, row.messages = len(rendered.warnings), rendered.warnings
    if report.office_source is not None:
        with contextlib.suppress(OSError):  # an input gone meanwhile: made again next time
            row.made_from = made_from(data, report.office_source, report.form.version,
                                      task.template)
    return row, rendered, force or changed


def _kept(row: BatchRow, record: Record | None) -> BatchRow:
    """An output that stays: up to date (its row as the run that made it had it), or
    there without a record of what made it (kept, as nianbao never replaces a file it
    cannot tell it made)."""
    if record is None:
        row.status = "skipped"
        row.messages = ["输出文件已存在，但没有本程序生成它的记录，保留原文件"
                        "（确需重新生成请加 --force）"]
        return row
    row.status, row.office = "unchanged", str(record.get("office", ""))
    row.messages = [str(m) for m in record.get("messages", [])]
    row.warnings, row.made_from = len(row.messages), dict(record.get("made_from", {}))
    return row


def made_from(data: Path, profile: Path, form_version: str,
              template: Path | None = None) -> dict[str, str]:
    """What an output is made from, by content: it is up to date while these are (the
    template named, a clerk's or the built-in one of the form)."""
    used = template or template_path(form_version)
    return {"data": _digest(data), "profile": str(profile), "profile_sha256": _digest(profile),
            "form": form_version, "template": str(template or ""),
            "template_sha256": _digest(used), "nianbao": __version__}


def _unchanged(data: Path, record: Record, template: Path | None) -> bool:
    """Whether the output a record describes is still what the batch would make with
    this template (a row that failed last time is made again: its messages are not the
    output's)."""
    made = record.get("made_from") or {}
    if record.get("status") not in ("ok", "unchanged"):
        return False
    try:
        return bool(made) and made_from(data, Path(made["profile"]), made["form"],
                                        template) == made
    except (KeyError, TypeError, OSError):
        return False


def _digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    """sha256 of a file, once per process while it is unchanged (a template or profile
    is shared by many data files)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _write(row: BatchRow, rendered: Rendered | None, replace: bool) -> BatchRow:
    """Give a row's documents their names (each written whole, or not at all)."""
    if rendered is None:
        return row
    try:
        write(rendered, force=replace)
    except NianbaoError as exc:
        return _failed(row, exc.lines())
    except OSError as exc:
        return _failed(row, [f"{exc.filename or row.output}: 无法写入：{os_reason(exc)}"])
    return row


def _failed(row: BatchRow, messages: list[str], record: Record | None = None) -> BatchRow:
    """A data file that gave no output: its row names none. The office and what made an
    older output of it are kept from the last run, so that the summary still names the
    office and the next run still knows that output is out of date."""
    row.status, row.messages, row.output = "failed", messages, ""
    row.made_from = dict(record.get("made_from") or {}) if record else {}
    row.office = row.office or (str(record.get("office", "")) if record else "")
    row.errors, row.warnings = len(messages), 0
    return row


def _work(chunk: list[Task]) -> list[BatchRow]:
    """Render a chunk of data files in this process. Writing a file waits for the disk
    (fsync), not for the CPU, so a thread writes each document while the next one is
    rendered; a row is final once its documents have their names."""
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending = []
        for task in chunk:
            row, rendered, replace = _render(task)
            pending.append(writer.submit(_write, row, rendered, replace))
        return [future.result() for future in pending]


def run_batch(folder: Path, out_dir: Path, jobs: int, force: bool = False,
              offices: list[Path] | None = None, html: bool = False,
              template: Path | None = None) -> Iterator[BatchRow]:
    """Rows as the reports finish (in no fixed order), rendered on `jobs` processes (with
    `template`, a clerk's Word template for every report)."""
    files = data_files(folder)
    names = output_names(files, folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    records = _records(out_dir)
    tasks = [Task(f, out_dir / names[f], force, list(offices or []), html,
                  records.get(str(f)), template) for f in files]
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
    writer.writerow(SUMMARY_HEADINGS)
    for row in rows:
        writer.writerow([row.data_file, row.office, STATUS[row.status], row.errors,
                         row.warnings, row.output, "\n".join(row.messages)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def summary_json(rows: list[BatchRow]) -> bytes:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1).encode("utf-8")


def _records(out_dir: Path) -> dict[str, Record]:
    """The rows of the last run's summary.json by data file: what made its output."""
    try:
        rows = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(rows, list):
        return {}
    return {row["data_file"]: row for row in rows
            if isinstance(row, dict) and isinstance(row.get("data_file"), str)}


def write_summary(out_dir: Path, rows: list[BatchRow]) -> None:
    """summary.csv and summary.json describe the last run: they are replaced each time."""
    write_atomic(out_dir / "summary.csv", summary_csv(rows), force=True)
    write_atomic(out_dir / "summary.json", summary_json(rows), force=True)
