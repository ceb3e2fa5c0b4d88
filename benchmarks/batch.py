"""Batch speed: N varied data files rendered, read back and checked by `nianbao batch`,
on one core and on all cores, against plain docxtpl on the same template in the same
run (a fresh DocxTemplate per report, render, save), with peak memory.

    python benchmarks/batch.py [--reports 1000] [--docxtpl 50]

Memory is measured as the peak resident size of each worker process; run with
--reports 1000 and --reports 10000 to see that it does not grow with the batch.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from nianbao.batch import run_batch
from nianbao.datafile import dump_report, load_report
from nianbao.filler import render_context
from nianbao.resources import template_path
from nianbao.rules import derive

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
                        handled = derive(form, tid, typed)[("results_total", column.id)]
                        typed[("received", column.id)] = handled + typed[
                            ("carried_forward", column.id)]
            base.tables[tid] = derive(form, tid, typed)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--docxtpl", type=int, default=50, help="reports for plain docxtpl")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    make_data_files(folder, args.reports)
    cores = os.cpu_count() or 1
    one, n = time_batch(folder, 1)  # in this process
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    many, _ = time_batch(folder, cores)  # in worker processes, ended and waited for
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    plain = time_docxtpl(folder, args.docxtpl)
    print(f"{n} reports: load + render + read back + check + write, per report")
    print(f"  nianbao batch, 1 process        {one / n * 1000:8.2f} ms   ({one:6.1f} s in all)")
    print(f"  nianbao batch, {cores} processes      {many / n * 1000:8.2f} ms   "
          f"({many:6.1f} s in all)")
    print(f"  plain docxtpl (render + save)   {plain * 1000:8.2f} ms   ({args.docxtpl} reports)")
    print(f"  plain docxtpl / nianbao 1 proc  {plain / (one / n):8.1f} x")
    print(f"  peak resident memory: 1 process {own_peak:6.1f} MiB, "
          f"largest worker {worker_peak:6.1f} MiB")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
