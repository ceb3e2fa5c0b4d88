"""Print preview: report .docx files to PDF through LibreOffice (`soffice --headless`).

Starting LibreOffice costs seconds, converting a report a fraction of that, so many
files go through one soffice call. Each run gets its own LibreOffice profile, so two
runs (or a clerk's open LibreOffice window) never collide; a caller that converts one
batch after another (the workspace's pool of PDF workers) may pass a profile folder that
no other run uses meanwhile, built once instead of per call. LibreOffice writes into a
private folder; each PDF then takes its place the way every nianbao output does
(`output.write_atomic`): never half-written, never replacing a file without force. A
conversion that fails on a nearly full disk says so, not that the file is damaged.

The reports name Windows fonts (仿宋_GB2312, 黑体 …) that Linux machines lack; the
fontconfig file shipped in config/fontconfig/ maps them to Simplified-Chinese faces for
LibreOffice only (FONTCONFIG_FILE in its environment), leaving the rest of the system
alone.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import OutputExists
from nianbao.sources.libreoffice import environment, find_soffice, run_soffice
from nianbao.writing.output import write_atomic

# The faces fonts.conf maps the official fonts to: without them LibreOffice falls back
# to whatever it finds, boxes included (which pdftotext would not reveal).
MAPPED_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "Liberation Serif")
BATCH_SIZE = 100  # files per soffice call: bounds what one crash or timeout costs
# Below this much free space a failed conversion is put down to the disk: LibreOffice
# itself then says the file is damaged, which sends the clerk looking in the wrong place.
LOW_SPACE = 32 * 2**20


@dataclass(frozen=True)
class Failure:
    path: Path
    reason: str
    disk_full: bool = False  # the reason is a full disk (the server's admin must act)


@dataclass
class PdfResult:
    written: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    missing_fonts: list[str] = field(default_factory=list)


def pdf_path(document: Path) -> Path:
    """Where the PDF of a document goes: beside it, same name."""
    return Path(document).with_suffix(".pdf")


def preflight(documents: Sequence[Path], *, force: bool = False) -> str:
    """Everything that would stop a conversion, checked before anything is written (so
    `render --pdf` fails before writing its .docx): LibreOffice's path, or an exception."""
    soffice = find_soffice()
    if not force:
        for document in documents:
            if pdf_path(document).exists():
                raise OutputExists(pdf_path(document))
    return soffice


def convert_to_pdf(documents: Sequence[Path], *, force: bool = False,
                   profile: Path | None = None) -> PdfResult:
    """Convert documents to PDFs beside them; files that fail are listed, not raised, so
    one broken file does not cost the others their PDF. `profile`: a LibreOffice profile
    folder kept between calls (the caller sees that no two runs share it at once);
    without it, a fresh one per call."""
    documents = list(dict.fromkeys(Path(d) for d in documents))  # a file named twice: once
    soffice = preflight(documents, force=force)
    result = PdfResult(missing_fonts=missing_fonts())
    usable = []
    for document in documents:
        problem = _unusable(document)
        if problem:
            result.failed.append(Failure(document, problem))
        else:
            usable.append(document)
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-", ignore_cleanup_errors=True) as tmp:
        profile = profile or Path(tmp) / "profile"
        for number, batch in enumerate(_batches(usable)):
            outdir = Path(tmp) / f"out{number}"
            error = run_soffice(soffice, batch, "pdf", profile, outdir)
            for document in batch:
                made = outdir / f"{document.stem}.pdf"
                if error or not _is_complete_pdf(made):
                    result.failed.append(_failure(document, error or _NOT_CONVERTED,
                                                  [outdir, pdf_path(document).parent]))
                    continue
                write_atomic(pdf_path(document), made.read_bytes(), force=force)
                result.written.append(pdf_path(document))
    return result


_NOT_CONVERTED = "LibreOffice 未能打开或转换此文件（文件已损坏，或不是 Word 文档？）"


def _failure(document: Path, reason: str, folders: list[Path]) -> Failure:
    """A failed conversion, put down to a full disk when one of the folders it writes
    to is nearly full (LibreOffice would have the clerk believe the file is damaged)."""
    for folder in folders:
        free = _free_space(folder)
        if free is not None and free < LOW_SPACE:
            return Failure(document, f"磁盘空间不足（{folder} 所在磁盘仅剩 {free // 1024} KB），"
                                     "LibreOffice 无法写出 PDF；请清理磁盘后再试", disk_full=True)
    return Failure(document, reason)


def _free_space(folder: Path) -> int | None:
    """Free bytes on the disk of a folder (or of its nearest existing parent: LibreOffice
    may not have made its output folder); None when that cannot be told."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free
            except OSError:
                return None
    return None


def _unusable(document: Path) -> str | None:
    if not document.is_file():
        return "文件不存在"
    if document.suffix.lower() == ".pdf":
        return "已是 PDF 文件"
    return None


def _batches(documents: list[Path]) -> Iterator[list[Path]]:
    """Groups for one soffice call each. LibreOffice names its output after the input's
    name alone, so two inputs with the same name never share a call."""
    pending = list(documents)
    while pending:
        batch: list[Path] = []
        names: set[str] = set()
        for document in list(pending):
            if len(batch) < BATCH_SIZE and document.stem.casefold() not in names:
                batch.append(document)
                names.add(document.stem.casefold())
                pending.remove(document)
        yield batch


def _is_complete_pdf(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size < 16:
        return False
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def missing_fonts() -> list[str]:
    """The mapped faces that are not installed (nothing known without fc-list), so the
    clerk learns why a PDF shows other fonts or boxes."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        listed = subprocess.run([fc_list, ":", "family"], capture_output=True, timeout=60,
                                env=environment(), check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    installed = {name.strip() for line in listed.decode("utf-8", "replace").splitlines()
                 for name in line.split(",")}
    return [family for family in MAPPED_FAMILIES if family not in installed]
