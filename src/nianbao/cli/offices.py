"""`nianbao office new`: an office profile (机关信息) written from options, or asked for
field by field in a terminal, with the fields of `nianbao.report.office` (whatever they
are: a field added there is an option and a question here)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from nianbao.cli.base import (
    FILE,
    Command,
    Group,
    command,
    expect_suffix,
    yaml_suffixes,
)
from nianbao.cli.i18n import N_, _
from nianbao.cli.layout import COLON
from nianbao.report.office import ALL_FIELDS, PROFILE_FIELDS

REQUIRED = N_("（必填）")
OPTIONAL = N_("（可不填）")


@click.group(cls=Group)
def office() -> None:
    """机关信息文件（config/offices/<名称>.yaml）。

    机关信息即机关全称、联系方式和落款。同一机关各年度的数据文件共用一份机关信息，
    数据文件中写 office: <名称>。

    \b
    例：nianbao office new pingtan
    """


def _option(key: str) -> str:
    return "--" + key.replace("_", "-")


def _field_options(fn: click.decorators.FC) -> click.decorators.FC:
    """One option per field of a profile, named for its key, explained by its label."""
    for key, label in reversed(ALL_FIELDS.items()):
        mark = REQUIRED if key in PROFILE_FIELDS else OPTIONAL
        fn = click.option(_option(key), key, metavar=N_("文字"), help=label + mark)(fn)
    return fn


@office.command("new", cls=Command)
@click.argument("profile", metavar=N_("[名称]"), required=False)
@_field_options
@click.option("-o", "--output", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("要写出的文件（默认：当前文件夹中的 config/offices/<名称>.yaml）。"))
@click.option("--force", is_flag=True, help=N_("已有同名机关信息文件时覆盖它（默认不覆盖）。"))
@command
def new_office(profile: str | None, output: Path | None, force: bool, **values: str | None) -> None:
    """新建机关信息文件，供数据文件引用。

    写入机关全称、联系单位、电话、地址、落款等。
    名称是数据文件中 office: 后面写的名字，也是文件名（默认由机关全称得出）。
    在终端中运行而缺少某项时，逐项提问；否则缺少必填项即报错，不写出文件。

    \b
    例：nianbao office new pingtan --name 平潭综合实验区管理委员会 \\
          --contact-unit 平潭综合实验区党政办公室 --phone 0591-12345678 \\
          --address 平潭综合实验区金井湾片区 --signature 平潭综合实验区管理委员会
        nianbao office new          （在终端中逐项提问）
        nianbao new --office pingtan --year 2024 -o 2024.yaml
    """
    from nianbao.datafile.profiles import dump_office, profile_name
    from nianbao.writing.output import write_atomic

    fields = _complete({key: (value or "").strip() for key, value in values.items()})
    name = profile_name(profile or fields["name"])
    target = output or Path("config") / "offices" / f"{name}.yaml"
    expect_suffix(target, yaml_suffixes(), N_("机关信息文件"))
    text = dump_office(fields)
    _validate(text, target)
    write_atomic(target, text.encode("utf-8"), force=force)
    click.echo(_("已生成机关信息 {target}；数据文件中写 office: {name} 即可引用").format(
        target=target, name=target.stem))


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer questions."""
    return sys.stdin.isatty()


def _complete(fields: dict[str, str]) -> dict[str, str]:
    """Ask for each field not given when a person can answer; else every required
    field missing is a usage error, all named at once."""
    if _interactive():
        for key, label in ALL_FIELDS.items():
            if not fields.get(key):
                required = key in PROFILE_FIELDS
                fields[key] = click.prompt(label + _(REQUIRED if required else OPTIONAL),
                                           default=None if required else "",
                                           show_default=False, prompt_suffix=_(COLON)).strip()
    missing = [f"{_option(key)}（{label}）" for key, label in PROFILE_FIELDS.items()
               if not fields.get(key)]
    if missing:
        raise click.UsageError(_("缺少必填项：{missing}").format(missing="、".join(missing)))
    return fields


def _validate(text: str, target: Path) -> None:
    """Every problem the profile reader would find, found before anything is written
    (the written file is the one the reader reads)."""
    from nianbao.datafile.profiles import load_office
    from nianbao.errors import Problem, ProblemList

    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / "office.yaml"
        trial.write_text(text, encoding="utf-8")
        try:
            load_office(trial)
        except ProblemList as exc:
            raise ProblemList([Problem(target, None, p.label, p.message)
                               for p in exc.problems], usable=False) from None
