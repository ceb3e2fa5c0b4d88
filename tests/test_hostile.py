"""Hostile and broken input (issue #7): every case of the corpus (tests/hostile.py) gets
its exit code and one clear Chinese line, within bounded time and memory, never a
traceback, never an output file, never a stray temporary file."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile import REPO, Case, corpus

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space a run may use
TIME_LIMIT = 60  # seconds
# Runs `nianbao ARGS` and, at exit, writes the process's own peak resident memory
# (VmHWM of /proc: wait4's ru_maxrss would count the parent's pages at fork time).
LAUNCHER = """
import atexit, sys
path = sys.argv[1]
def peak():
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(l.split()[1] for l in status if l.startswith("VmHWM")))
atexit.register(peak)
sys.argv = ["nianbao", *sys.argv[2:]]
from nianbao.cli import main
main()
"""


@dataclass
class Outcome:
    exit_code: int
    output: str
    seconds: float
    peak_mib: float


def run_case(case: Case, folder: Path) -> Outcome:
    """Run the nianbao command of a case in its own process, with memory capped."""
    shutil.copytree(REPO / "config" / "offices", folder / "config" / "offices")
    case.make(folder)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    peak_file = folder / "peak.kb"
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(peak_file), *case.args],
                               cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=limit)
    timer = threading.Timer(TIME_LIMIT, process.kill)
    timer.start()
    try:
        output, _ = process.communicate()
    finally:
        timer.cancel()
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    peak_file.unlink(missing_ok=True)
    return Outcome(process.returncode, output.decode("utf-8", "replace"),
                   time.perf_counter() - start, peak)


@pytest.mark.parametrize("case", corpus(), ids=lambda c: c.name)
def test_bad_input_is_rejected_cleanly(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path)
    assert outcome.exit_code == case.exit_code, outcome.output
    assert case.message in outcome.output
    assert "Traceback" not in outcome.output and "Error:" not in outcome.output
    if case.exit_code:
        assert not (tmp_path / "out.docx").exists() and not (tmp_path / "out.yaml").exists()
    assert not list(tmp_path.rglob(".nianbao-*")), "a temporary file was left behind"
    assert outcome.seconds < TIME_LIMIT


def test_corpus_covers_issue_7() -> None:
    names = " ".join(c.name for c in corpus())
    for kind in ("syntax", "tab", "BOM", "GBK", "empty", "negative", "fractional", "huge",
                 "boolean", "duplicate", "laughs", "control", "long", "not a zip", "truncated",
                 "encrypted", "zip bomb", "entity", "XXE", "document.xml", "without tables",
                 "rows", "nested", "html", "malformed", "__mro__", "globals"):
        assert kind in names, kind


REPORTS = 300


def _interrupted_batch(tmp_path: Path, signal_number: int) -> tuple[Path, Path]:
    """A batch of 300 reports killed after its first outputs appear (enough that a
    fast batch is still running when the signal comes)."""
    import signal

    folder = tmp_path / "in"
    shutil.copytree(REPO / "config" / "offices", folder / "config" / "offices")
    for i in range(REPORTS):
        shutil.copy(REPO / "examples" / "pingtan-2021.yaml", folder / f"office-{i:03d}.yaml")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "nianbao", "batch", str(folder), "-o",
                                str(out), "-j", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*.docx"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal_number if signal_number else signal.SIGKILL)
    process.wait(timeout=30)
    return folder, out


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_killed_batch_leaves_no_partial_report_and_reruns(tmp_path: Path,
                                                          signal_name: str) -> None:
    import signal
    import zipfile

    folder, out = _interrupted_batch(tmp_path, getattr(signal, signal_name))
    written = list(out.glob("*.docx"))
    assert 0 < len(written) < REPORTS
    for report in written:  # whatever has its final name is whole
        with zipfile.ZipFile(report) as package:
            assert package.testzip() is None
    result = subprocess.run([sys.executable, "-m", "nianbao", "batch", str(folder), "-o",
                             str(out), "-j", "2"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"跳过 {len(written)}" in result.stdout
    assert len(list(out.glob("*.docx"))) == REPORTS
    assert not list(out.glob(".nianbao-*"))
