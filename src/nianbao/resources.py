"""Where the official forms, standard paragraphs, office profiles and templates live.

A wheel carries `config/` and `templates/` inside the package (as `nianbao/_data/...`);
a source checkout or an editable install reads them from the repository top level.
Both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder that holds `config/` and `templates/`."""
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "config").is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "config").is_dir():
        return checkout
    raise FileNotFoundError("nianbao is installed without its config/ folder")


def config_path(*parts: str) -> Path:
    return data_root().joinpath("config", *parts)


@cache
def read_config(*parts: str) -> Any:
    """A file of config/, parsed once per process (libyaml's parser where PyYAML has it:
    the forms are read by every batch worker as it starts). Callers only read it."""
    import yaml  # here, not at the top: `nianbao --help` reads no config

    with config_path(*parts).open(encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def template_path(form_version: str) -> Path:
    """The Word template shipped for a form version."""
    return data_root() / "templates" / f"annual-report-{form_version}.docx"
