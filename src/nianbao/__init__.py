"""nianbao (年报): the annual report on government information disclosure
(政府信息公开工作年度报告) in the official format of 国办公开办函〔2021〕30号.

The library behind the `nianbao` command. Its calls are in `nianbao.api`, also
reachable from here (imported on first use, so that `import nianbao.sources.docx`
loads neither the template machinery nor Jinja):

    from nianbao import load_report, render_docx
    report = load_report(Path("2024.yaml"))
    docx_bytes = render_docx(report)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # import_module, not `from nianbao import api`: that would ask this function for
    # `api` again before the submodule exists
    api = importlib.import_module("nianbao.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")
