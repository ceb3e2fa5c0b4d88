"""LibreOffice (`soffice --headless`), the one converter nianbao runs: Word 97–2003,
WPS, OpenDocument and RTF reports to .docx for reading, reports to PDF for printing.

Each run gets its own LibreOffice profile, so two runs (or a clerk's open LibreOffice
window) never collide; a run that hangs is killed with its whole process group. The
fontconfig file shipped in config/fontconfig/ maps the official Windows fonts to
Simplified-Chinese faces for LibreOffice only (FONTCONFIG_FILE in its environment).
"""

from __future__ import annotations

import locale
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nianbao.errors import Unusable
from nianbao.resources import config_path

DEBIAN_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"
TIMEOUT_START = 90  # seconds: LibreOffice's start with a fresh profile, on a slow machine
TIMEOUT_PER_FILE = 20  # seconds per report
MAX_CONVERTED_BYTES = 64 * 2**20  # a converted report is far smaller


class SofficeMissing(Unusable):
    """LibreOffice is not installed; the message says what to install."""

    def __init__(self, purpose: str = "生成 PDF") -> None:
        super().__init__(f"未找到 LibreOffice（soffice），无法{purpose}。请先安装 LibreOffice 和"
                         f"中文字体，例如：sudo apt-get install {DEBIAN_PACKAGES}")


def find_soffice(purpose: str = "生成 PDF") -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise SofficeMissing(purpose)


def run_soffice(soffice: str, files: Sequence[Path], target: str, profile: Path,
                outdir: Path) -> str | None:
    """One soffice call converting files to `target` (pdf, docx) into outdir; None when
    it ran to the end, else why not (in Chinese). Absolute paths: a file name starting
    with '-' is not taken for an option."""
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--convert-to", target, "--outdir", str(outdir),
               *(str(f.resolve()) for f in files)]
    timeout = TIMEOUT_START + TIMEOUT_PER_FILE * len(files)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=environment(),
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


def environment() -> dict[str, str]:
    """LibreOffice's environment: the user's, with nianbao's font mapping, and a UTF-8
    locale where the user's cannot be used."""
    return {**os.environ, **_usable_locale(),
            "FONTCONFIG_FILE": str(config_path("fontconfig", "fonts.conf"))}


def _usable_locale() -> dict[str, str]:
    """LC_ALL=C.UTF-8 when the locale the environment names is not installed or not
    UTF-8: LibreOffice turns file names into bytes by the locale, and under one it cannot
    load (LANG=zh_CN.UTF-8 on a server that never generated it) it loses every Chinese
    file name ("source file could not be loaded")."""
    if not hasattr(locale, "nl_langinfo"):  # Windows: file names are not locale bytes
        return {}
    current = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "")
        usable = "utf" in locale.nl_langinfo(locale.CODESET).lower()
    except locale.Error:
        usable = False
    finally:
        locale.setlocale(locale.LC_CTYPE, current)
    return {} if usable else {"LC_ALL": "C.UTF-8"}


def convert_to_docx(path: Path, kind: str) -> bytes:
    """A report in an older or other word-processing format (`kind` names it for the
    clerk) as the bytes of a .docx, converted by LibreOffice in a private folder."""
    soffice = find_soffice(f"读取{kind}")
    with tempfile.TemporaryDirectory(prefix="nianbao-docx-", ignore_cleanup_errors=True) as tmp:
        outdir = Path(tmp) / "out"
        error = run_soffice(soffice, [path], "docx", Path(tmp) / "profile", outdir)
        made = outdir / f"{path.stem}.docx"
        if error or not made.is_file():
            raise Unusable(f"{kind}无法转换为 Word 文档：{error or 'LibreOffice 未能打开此文件'}"
                           "；请在 Word 或 WPS 中打开，“另存为”.docx 后再试")
        if made.stat().st_size > MAX_CONVERTED_BYTES:
            raise Unusable(f"{kind}转换后过大，超出可检查的范围")
        return made.read_bytes()
