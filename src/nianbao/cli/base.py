"""What every command shares: click classes that speak the clerk's language, the
translation of the help texts, and one place that turns errors into lines and exit
codes."""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click

from nianbao.cli.i18n import N_, _, click_text, speaking
from nianbao.cli.layout import HelpFormatter, paragraph_lines
from nianbao.errors import NianbaoError, os_reason

HELP = N_("显示本帮助后退出。")
OPTIONS_METAVAR = N_("[选项]")
SUBCOMMAND_METAVAR = N_("命令 [参数]...")
# the attributes of commands, parameters and number types that hold text a clerk reads
_TEXTS = ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar", "metavar",
          "show_default", "name")


class Context(click.Context):
    formatter_class = HelpFormatter


class Command(click.Command):
    """A command whose usage line says [选项] and whose --help is explained in Chinese."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translated_help(super().get_help_option(ctx))

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self, limit)


class Group(Command, click.Group):
    """A group of commands, each a `Command`, its help and usage in Chinese as theirs."""

    command_class = Command
    group_class = type  # subgroups are of this class too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)


class Main(Group):
    """The `nianbao` command: every run speaks the language the locale asks for, help
    texts, click's messages and ours alike (see `nianbao.cli.i18n`)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with speaking():
            localize(self)
            return super().main(*args, **kwargs)


def short_help(command: click.Command, limit: int) -> str:
    """A command's line in its group's list: the first sentence of its help (click
    cuts at a full stop followed by a space, which Chinese does not write)."""
    if command.short_help or not command.help:
        return click.Command.get_short_help_str(command, limit)
    first = paragraph_lines(command.help, 10_000)[0]
    return re.split(r"(?<=[。；])|(?<=\.)\s", " ".join(first), maxsplit=1)[0].rstrip("。；")


def _translated_help(option: click.Option | None) -> click.Option | None:
    """click makes the --help option once and caches it; its text is set each time."""
    if option is not None:
        option.help = _(HELP)
    return option


class Integer(click.types.IntParamType):
    """A whole number, named in Chinese in click's message ('x' 不是有效的整数)."""

    name = N_("整数")


class IntegerRange(click.IntRange):
    """A whole number in a range, named like `Integer`."""

    name = N_("整数")


def localize(command: click.Command) -> None:
    """Give every text of a command tree (help, metavars, defaults shown, the names of
    number and path types) in the active language. click fixes these texts when the
    commands are defined, at import; the msgids (the texts as the code writes them) are
    kept on each object the first time, so that every run translates afresh."""
    for thing in _things(command):
        msgids: dict[str, str] = thing.__dict__.setdefault("_msgids", {
            attr: inspect.cleandoc(value) if attr == "help" else value
            for attr in _TEXTS
            if isinstance(value := getattr(thing, attr, None), str)
            and (attr != "name" or isinstance(thing, click.ParamType))})
        translate = click_text if isinstance(thing, click.Path) else _
        for attr, msgid in msgids.items():
            setattr(thing, attr, translate(msgid))


def _things(command: click.Command) -> Iterator[Any]:
    """A command, its parameters and their number types, its subcommands', in order."""
    yield command
    for param in command.params:
        yield param
        if isinstance(param.type, (Integer, IntegerRange, click.Path)):
            yield param.type
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _things(sub)


def fail(lines: list[str], code: int) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def os_error_line(exc: OSError) -> str:
    """An operating-system error as a clerk's line: the file, and what is wrong in
    Chinese (the OS's own English words never reach a clerk). Reading or writing alike:
    the reason says which it was (文件不存在, 没有权限, 磁盘已满 …)."""
    files = [str(f) for f in (exc.filename, exc.filename2) if f]
    reason = os_reason(exc, _)
    return f"{' → '.join(files)}: {reason}" if files else reason


@contextmanager
def clerk_errors() -> Iterator[None]:
    """Turn the library's exceptions into messages and exit codes."""
    try:
        yield
    except NianbaoError as exc:
        fail(exc.lines(), exc.exit_code)
    except BrokenPipeError:
        raise  # the reader has gone (nianbao rules | head): click ends quietly
    except OSError as exc:
        fail([os_error_line(exc)], 2)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A command's body, run under `clerk_errors`."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with clerk_errors():
            return fn(*args, **kwargs)

    return wrapper


def expect_suffix(output: Path, suffixes: tuple[str, ...], what: str) -> None:
    """An output is what its name says: a .docx is a Word document, a .yaml a data file
    (a Word file called 年报.pdf is a trap for whoever opens it)."""
    if output.suffix.lower() not in suffixes:
        from nianbao.errors import Unusable

        message = _("{output}: 写出的是{what}，文件名应以 {suffixes} 结尾；未写出文件")
        shown = _(what)
        before = message.partition("{what}")[0][-1:]
        if before and not before.isascii() and shown[:1].isascii() and shown[:1].isalnum():
            # a space between Chinese and a Latin word: 写出的是 Word 文档, but 写出的是网页
            shown = " " + shown
        raise Unusable(message.format(output=output, what=shown,
                                      suffixes=_(" 或 ").join(suffixes)))


def yaml_suffixes() -> tuple[str, ...]:
    from nianbao.datafile.yamlfile import YAML_SUFFIXES

    return YAML_SUFFIXES


def data_suffixes() -> tuple[str, ...]:
    """What a data file may be called: YAML, or a 填报表 workbook (.xlsx)."""
    from nianbao.datafile.formats import DATA_SUFFIXES

    return DATA_SUFFIXES


FILE = N_("文件")
FOLDER = N_("文件夹")
OFFICES_OPTION = click.option(
    "--offices", "offices", multiple=True, metavar=FOLDER,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("先在此文件夹中查找机关信息文件；默认在数据文件所在文件夹及其上级的 "
            "config/offices 中查找，再在当前文件夹的 config/offices 中查找。"))
