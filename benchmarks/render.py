"""Time to render one report: nianbao's compiled template against plain docxtpl.

Both render the same data into the same template in the same run (this machine is
shared and noisy, so only figures from one run are compared). Plain docxtpl is used as
its documentation shows: a fresh DocxTemplate per report, render, save.

    python benchmarks/render.py [--reports N]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from timing import median_ms, print_figures

from nianbao.datafile.reader import load_report
from nianbao.resources import template_path
from nianbao.writing.document import compiled_template, render_report
from nianbao.writing.filler import render_context
from nianbao.writing.verify import verify_rendered

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "pingtan-2021.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100, help="reports timed per figure")
    args = parser.parse_args()

    report = load_report(EXAMPLE)
    path = template_path(report.form.version)
    template = compiled_template(None, report.form.version)
    document = template.render(report)

    def plain_docxtpl() -> None:
        doc = DocxTemplate(str(path))
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
        doc.render(render_context(report), jinja_env=env, autoescape=True)
        doc.save(io.BytesIO())

    figures = {
        "nianbao render": median_ms(lambda: template.render(report), args.reports),
        "nianbao read-back check": median_ms(lambda: verify_rendered(report, document),
                                              args.reports),
    }
    figures["nianbao render + check"] = figures["nianbao render"] + figures[
        "nianbao read-back check"]
    figures["nianbao render + check, batch"] = median_ms(
        lambda: render_report(report, template, fast=True), args.reports)
    figures["plain docxtpl (render + save)"] = median_ms(plain_docxtpl, max(args.reports // 5, 5))
    print_figures(f"median time per report, {args.reports} reports ({EXAMPLE.name}):",
                  figures, "plain docxtpl (render + save)", "nianbao render")

if __name__ == "__main__":
    main()
