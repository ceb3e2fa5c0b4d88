"""Print preview: report .docx files to PDF through LibreOffice (`soffice --headless`).

Starting LibreOffice costs seconds, converting a report a fraction of that, so many
files go through one soffice call. Each run gets its own LibreOffice profile, so two
runs (or a clerk's open LibreOffice window) never collide. LibreOffice writes into a
private folder; each PDF then takes its place the way every nianbao output does
(`output.write_atomic`): never half-written, never replacing a file without force.

The reports name Windows fonts (仿宋_GB2312, 黑体 …) that Linux machines lack; the
fontconfig file shipped in config/fontconfig/ maps them to Simplified-Chinese faces for
LibreOffice only (FONTCONFIG_FILE in its environment), leaving the rest of the system
alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import OutputExists, Unusable
from nianbao.resources import config_path
from nianbao.writing.output import write_atomic

DEBIAN_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"
# The faces fonts.conf maps the official fonts to: without them LibreOffice falls back
# to whatever it finds, boxes included (which pdftotext would not reveal).
MAPPED_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "Liberation Serif")
BATCH_SIZE = 100  # files per soffice call: bounds what one crash or timeout costs
TIMEOUT_START = 90  # seconds: LibreOffice's start with a fresh profile, on a slow machine
TIMEOUT_PER_FILE = 20  # seconds per report


class SofficeMissing(Unusable):
    """LibreOffice is not installed; the message says what to install."""

    def __init__(self) -> None:
        super().__init__("未找到 LibreOffice（soffice），无法生成 PDF。请先安装 LibreOffice 和"
                         f"中文字体，例如：sudo apt-get install {DEBIAN_PACKAGES}")


@dataclass(frozen=True)
class Failure:
    path: Path
    reason: str


@dataclass
class PdfResult:
    written: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    missing_fonts: list[str] = field(default_factory=list)


def pdf_path(document: Path) -> Path:
    """Where the PDF of a document goes: beside it, same name."""
    return Path(document).with_suffix(".pdf")


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise SofficeMissing


def preflight(documents: Sequence[Path], *, force: bool = False) -> str:
    """Everything that would stop a conversion, checked before anything is written (so
    `render --pdf` fails before writing its .docx): LibreOffice's path, or an exception."""
    soffice = find_soffice()
    if not force:
        for document in documents:
            if pdf_path(document).exists():
                raise OutputExists(pdf_path(document))
    return soffice


def convert_to_pdf(documents: Sequence[Path], *, force: bool = False) -> PdfResult:
    """Convert documents to PDFs beside them; files that fail are listed, not raised, so
    one broken file does not cost the others their PDF."""
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
        profile = Path(tmp) / "profile"
        for number, batch in enumerate(_batches(usable)):
            outdir = Path(tmp) / f"out{number}"
            error = _run_soffice(soffice, batch, profile, outdir)
            for document in batch:
                made = outdir / f"{document.stem}.pdf"
                if error or not _is_complete_pdf(made):
                    result.failed.append(Failure(document, error or _NOT_CONVERTED))
                    continue
                write_atomic(pdf_path(document), made.read_bytes(), force=force)
                result.written.append(pdf_path(document))
    return result


_NOT_CONVERTED = "LibreOffice 未能打开或转换此文件（文件已损坏，或不是 Word 文档？）"


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


def _run_soffice(soffice: str, batch: list[Path], profile: Path, outdir: Path) -> str | None:
    """One soffice call for a batch; None when it ran to the end, else why not (in
    Chinese). Absolute paths: a file name starting with '-' is not taken for an option."""
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
               *(str(d.resolve()) for d in batch)]
    timeout = TIMEOUT_START + TIMEOUT_PER_FILE * len(batch)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=_environment(),
                               start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return f"LibreOffice 在 {timeout} 秒内未完成转换，已中止"
    if process.returncode != 0:
        said = [line for line in stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and "javaldx" not in line]  # javaldx: noise on every run
        return f"LibreOffice 转换失败（退出码 {process.returncode}）{said[-1] if said else ''}"
    return None


def _kill(process: subprocess.Popen[bytes]) -> None:
    """soffice is a launcher: its whole process group goes, not just the launcher."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError):  # no process groups (Windows), or gone
        process.kill()
    process.communicate()


def _environment() -> dict[str, str]:
    """LibreOffice's environment: the user's, with nianbao's font mapping."""
    return {**os.environ, "FONTCONFIG_FILE": str(config_path("fontconfig", "fonts.conf"))}


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
                                env=_environment(), check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    installed = {name.strip() for line in listed.decode("utf-8", "replace").splitlines()
                 for name in line.split(",")}
    return [family for family in MAPPED_FAMILIES if family not in installed]
