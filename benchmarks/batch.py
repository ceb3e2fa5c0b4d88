"""Batch speed: N varied data files rendered, read back and checked by `nianbao batch`,
on one core and on all cores, against plain docxtpl on the same template in the same
run (a fresh DocxTemplate per report, render, save), with peak memory.

    python benchmarks/batch.py [--reports 1000] [--docxtpl 50]

Also times `nianbao batch` as a command in its own process, with the peak private
memory of the command and of its workers (Linux /proc); run with --reports 1000 and
--reports 10000 to see that a worker's memory does not grow with the batch.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from nianbao.datafile.reader import load_report
from nianbao.datafile.writer import dump_report
from nianbao.jobs.batch import run_batch
from nianbao.resources import template_path
from nianbao.writing.document import compiled_template, render_report
from nianbao.writing.filler import render_context

REPO = Path(__file__).resolve().parent.parent


def make_data_files(folder: Path, count: int, seed: int = 1) -> None:
    """`count` data files of the example office with random, consistent numbers."""
    shutil.copytree(REPO / "config" / "offices", folder / "config" / "offices")
    base = load_report(REPO / "examples" / "pingtan-2021.yaml")
    form, rng = base.form, random.Random(seed)
    for i in range(count):
        for tid, table in form.tables.items():
            typed = {c.key: (rng.randint(0, 300) if c.column.type != "amount"
                             else base.tables[tid][c.key])
                     for c in table.cells() if not table.is_derived(*c.key)}
            if tid == "t3":
                for column in table.columns:
                    if not table.is_derived("received", column.id):
                        typed[("carried_over", column.id)] = 0
                        handled = form.derive(tid, typed)[("results_total", column.id)]
                        typed[("received", column.id)] = handled + typed[
                            ("carried_forward", column.id)]
            base.tables[tid] = form.derive(tid, typed)
        (folder / f"office-{i:05d}.yaml").write_text(dump_report(base), encoding="utf-8")


def time_batch(folder: Path, jobs: int) -> tuple[float, int]:
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    rows = list(run_batch(folder, out, jobs))
    elapsed = time.perf_counter() - start
    assert all(r.status == "ok" for r in rows), [r.messages for r in rows if r.status != "ok"]
    shutil.rmtree(out)
    return elapsed, len(rows)


def time_docxtpl(folder: Path, count: int) -> float:
    reports = [load_report(p) for p in sorted(folder.glob("*.yaml"))[:count]]
    path = str(template_path("2021"))
    start = time.perf_counter()
    for report in reports:
        doc = DocxTemplate(path)
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
        doc.render(render_context(report), jinja_env=env, autoescape=True)
        doc.save(io.BytesIO())
    return (time.perf_counter() - start) / len(reports)


def time_render_and_check(folder: Path, count: int) -> float:
    """Render + read back + check alone (the batch's fast path), per report."""
    reports = [load_report(p) for p in sorted(folder.glob("*.yaml"))[:count]]
    template = compiled_template(None, reports[0].form.version)
    render_report(reports[0], template, fast=True)  # prepared once per process
    start = time.perf_counter()
    for report in reports:
        render_report(report, template, fast=True)
    return (time.perf_counter() - start) / len(reports)


def time_command(folder: Path, jobs: int) -> tuple[float, dict[str, float]]:
    """`nianbao batch` as a clerk runs it, in its own process (start-up, summary and
    all): wall time, and the peak private memory (MiB) of the command and of its
    largest worker, sampled from /proc. Private, not resident: a forked worker's
    resident size counts the pages it shares with the command."""
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    command = subprocess.Popen([sys.executable, "-m", "nianbao", "batch", str(folder), "-o",
                                str(out), "-j", str(jobs)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    peaks = {"command": 0.0, "worker": 0.0}
    while command.poll() is None:
        for pid, parent in _processes():
            role = "command" if pid == command.pid else "worker" if parent == command.pid \
                else None
            if role:
                peaks[role] = max(peaks[role], _private_mib(pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    assert command.returncode == 0
    shutil.rmtree(out)
    return elapsed, peaks


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except (OSError, ValueError):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        found.append((int(entry.name), int(fields["PPid"])))
    return found


def _private_mib(pid: int) -> float:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    return sum(int(line.split()[1]) for line in rollup.splitlines()
               if line.startswith(("Private_Clean:", "Private_Dirty:"))) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--docxtpl", type=int, default=50, help="reports for plain docxtpl")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    make_data_files(folder, args.reports)
    cores = os.cpu_count() or 1
    command, peaks = time_command(folder, cores)
    one, n = time_batch(folder, 1)  # in this process
    many, _ = time_batch(folder, cores)
    plain = time_docxtpl(folder, args.docxtpl)
    checked = time_render_and_check(folder, min(n, 1000))
    print(f"render + read back + check, 1 process  {checked * 1000:8.2f} ms per report "
          f"(target: 3 ms)")
    print(f"{n} reports: load + render + read back + check + write, per report")
    print(f"  run_batch, 1 process            {one / n * 1000:8.2f} ms   ({one:6.2f} s in all)")
    print(f"  run_batch, {cores} processes          {many / n * 1000:8.2f} ms   "
          f"({many:6.2f} s in all; target for 1,000 on 2 cores: 5 s)")
    print(f"  nianbao batch -j {cores} (command)    {command / n * 1000:8.2f} ms   "
          f"({command:6.2f} s in all, with start-up and summary)")
    print(f"  plain docxtpl (render + save)   {plain * 1000:8.2f} ms   ({args.docxtpl} reports)")
    print(f"  plain docxtpl / nianbao 1 proc  {plain / (one / n):8.1f} x")
    print(f"  peak private memory: largest worker {peaks['worker']:6.1f} MiB, "
          f"the command {peaks['command']:6.1f} MiB (it keeps the summary's rows; "
          "compare --reports 1000 with 10000)")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
