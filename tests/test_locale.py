"""The command's languages: Chinese texts in the code are the msgids of the English
catalog, click's English messages have Chinese in the click catalog, and the .po
reader reads what GNU msgfmt compiles (where msgfmt is installed)."""

from __future__ import annotations

import ast
import inspect
import io
import shutil
import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import click
import pytest
from helpers import REPO

from nianbao import errors
from nianbao.cli import main
from nianbao.cli.i18n import LOCALE_DIR, PoTranslations, catalog, wants_english
from nianbao.report.office import ALL_FIELDS

CLI = REPO / "src" / "nianbao" / "cli"
CLICK = Path(click.__file__).parent


def literal_msgids(files: list[Path], functions: set[str]) -> set[str]:
    """The string literals given to these functions (`_`, `N_`, `ngettext` …)."""
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in functions:
                found |= {arg.value for arg in node.args[:1]
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return found


def _commands(command: click.Command) -> list[click.Command]:
    subs = command.commands.values() if isinstance(command, click.Group) else []
    return [command, *(c for sub in subs for c in _commands(sub))]


def our_msgids() -> set[str]:
    """Every text of ours a clerk can see through the catalog: the literals marked in
    the command's code, each command's help, the operating-system reasons."""
    found = literal_msgids(sorted(CLI.glob("*.py")), {"_", "N_"})
    for command in _commands(main):
        found.add(inspect.cleandoc(command.__dict__.get("_msgids", {}).get("help")
                                   or command.help or ""))
    found |= set(errors.OS_REASONS.values()) | {errors.OS_UNKNOWN}
    return found - {""}


def test_every_text_of_ours_has_its_english() -> None:
    english = catalog("en", "nianbao").messages()
    missing = sorted(our_msgids() - set(english))
    assert not missing, "\n".join(missing)


def test_the_english_catalog_has_nothing_stale() -> None:
    english = catalog("en", "nianbao").messages()
    assert not set(english) - our_msgids()


def test_every_message_of_click_has_its_chinese() -> None:
    """A click upgrade that adds a message fails here, not in front of a clerk."""
    found = literal_msgids(sorted(CLICK.glob("*.py")), {"_", "ngettext"}) | {"required"}
    chinese = catalog("zh_CN", "click").messages()
    keys = {key if isinstance(key, str) else key[0] for key in chinese}
    assert not sorted(found - keys)


def test_the_profile_fields_explain_themselves_in_chinese() -> None:
    """The profile fields' options are named by the labels of report/office.py."""
    office_new = main.commands["office"].commands["new"]  # type: ignore[attr-defined]
    helps = {param.name: param.help for param in office_new.params}
    for key, label in ALL_FIELDS.items():
        assert helps[key] is not None and helps[key].startswith(label)


@pytest.mark.parametrize(("environ", "english"), [
    ({}, False), ({"LANG": "C.UTF-8"}, False), ({"LANG": "POSIX"}, False),
    ({"LANG": "zh_CN.UTF-8"}, False), ({"LANG": "en_US.UTF-8"}, True),
    ({"LANG": "en_GB"}, True), ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, True),
    ({"LC_MESSAGES": "en_US.UTF-8"}, True), ({"LANGUAGE": "en:zh", "LANG": "zh_CN"}, True),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US"}, False), ({"LANGUAGE": "fr:en"}, True),
    ({"LANG": "fr_FR.UTF-8"}, False),
])
def test_the_locale_asks_for_english_or_not(environ: dict[str, str], english: bool) -> None:
    assert wants_english(environ) is english


@pytest.mark.parametrize("po", sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")),
                         ids=lambda p: p.parent.parent.name + "/" + p.name)
def test_the_reader_reads_what_msgfmt_compiles(po: Path, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    mo = tmp_path / "out.mo"
    subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True, timeout=60)
    gnu = GNUTranslations(io.BytesIO(mo.read_bytes()))
    ours = PoTranslations(io.BytesIO(po.read_bytes()))
    theirs = {k: v for k, v in gnu._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert dict(ours.messages()) == theirs


def test_the_reader_leaves_fuzzy_and_untranslated_entries_out() -> None:
    po = ('msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=n != 1;\\n"\n\n'
          '#, fuzzy\nmsgid "甲"\nmsgstr "A"\n\nmsgid "乙"\nmsgstr ""\n\n'
          'msgid "丙\\t"\n"续"\nmsgstr "C\\t"\n"\\"more\\""\n\n'
          'msgid "{n} 件"\nmsgid_plural "{n} 件"\nmsgstr[0] "{n} case"\nmsgstr[1] "{n} cases"\n')
    catalog_ = PoTranslations(io.BytesIO(po.encode()))
    assert catalog_.gettext("甲") == "甲" and catalog_.gettext("乙") == "乙"
    assert catalog_.gettext("丙\t续") == 'C\t"more"'
    assert [catalog_.ngettext("{n} 件", "{n} 件", n) for n in (1, 2)] == ["{n} case", "{n} cases"]


def test_english_reaches_the_clerk_with_an_english_locale(tmp_path: Path) -> None:
    """A whole process, as a clerk's terminal starts it: help and errors in English."""
    import os

    env = {**os.environ, "LANG": "en_US.UTF-8", "LANGUAGE": "", "LC_ALL": "",
           "LC_MESSAGES": ""}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "nianbao", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)

    helped = run("--help")
    assert helped.returncode == 0
    assert "Usage:" in helped.stdout and "Options:" in helped.stdout
    assert "Render the report" in helped.stdout
    render_help = run("render", "--help").stdout
    assert "Example:" in render_help and "[OPTIONS] DATA_FILE" in render_help
    missing = run("render")
    assert missing.returncode == 2
    assert "Error: Missing argument 'DATA_FILE'." in missing.stderr
    wrong = run("new", "--office", "x", "--year", "20x4", "-o", "x.yaml")
    assert wrong.returncode == 2 and "'20x4' is not a valid integer." in wrong.stderr
    gone = run("render", "x.yaml", "-o", "x.pdf")
    assert gone.returncode == 2 and "must end in .docx" in gone.stderr
