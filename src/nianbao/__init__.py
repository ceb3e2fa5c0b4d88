"""nianbao (年报): the annual report on government information disclosure
(政府信息公开工作年度报告) in the official format of 国办公开办函〔2021〕30号.

The library behind the `nianbao` command, usable from Python:

    from nianbao import load_report, compiled_template, render_report
    report = load_report(Path("2024.yaml"))
    docx_bytes = render_report(report, compiled_template(None, report.form.version))
"""

__version__ = "0.1.0"

from nianbao.datafile.reader import blank_report, dump_report, load_report
from nianbao.spec.form import form_for_year, load_form
from nianbao.jobs.render import compiled_template, render_report

__all__ = [
    "blank_report",
    "compiled_template",
    "dump_report",
    "form_for_year",
    "load_form",
    "load_report",
    "render_report",
]
