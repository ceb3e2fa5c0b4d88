"""`nianbao serve` and `nianbao admin`: the web workspace (年报工作台) started, and its
offices, users and API tokens made from a script. Django is imported when one of them
runs, never by `nianbao --help` or the other commands (it is an extra: nianbao[web])."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from nianbao.cli.base import FILE, FOLDER, Command, Group, IntegerRange, command, fail
from nianbao.cli.i18n import N_, _

DATA = Path("nianbao-data")
DATABASE_VARIABLE = "NIANBAO_DATABASE_URL"
NOT_INSTALLED = N_("需要安装网页工作台：pip install 'nianbao[web]'")
DATA_OPTION = click.option(
    "--data", metavar=FOLDER, type=click.Path(file_okay=False, path_type=Path), default=DATA,
    show_default=False,
    help=N_("数据文件夹：数据库文件和密钥存放在这里（默认：当前文件夹中的 nianbao-data，"
            "没有时新建）。"))
DATABASE_OPTION = click.option(
    "--database", metavar=N_("数据库地址"), envvar=DATABASE_VARIABLE, show_envvar=False,
    help=N_("多人共用的数据库服务器：postgresql://用户:密码@主机:端口/库名（也可写在环境变量 "
            "NIANBAO_DATABASE_URL 中）；默认使用数据文件夹中的 SQLite 数据库。"))


def _django() -> None:
    """Django is there, or the clerk is told what to install (exit code 2)."""
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        fail([_(NOT_INSTALLED)], 2)


def _set_up(data: Path, database: str | None) -> None:
    """Django set up for the data folder, its database at this release's schema. In a
    process where Django is set up already (the tests'), that set-up is used as it is."""
    _django()
    from django.apps import apps

    if apps.ready:
        return
    from nianbao.web import configure, migrate

    _prepare(data)
    try:
        configure(data, database)
    except ValueError as exc:  # a database URL of another kind
        fail([str(exc)], 2)
    _database_errors(migrate)


def _prepare(data: Path) -> None:
    """The data folder exists (made if not; click has refused a file of its name)."""
    data.mkdir(parents=True, exist_ok=True)


def _database_errors(run: Callable[[], Any]) -> Any:
    """A database that cannot be reached or read is one line, exit code 2."""
    from django.db import DatabaseError

    try:
        return run()
    except DatabaseError as exc:
        fail([_("无法使用数据库：{reason}").format(reason=str(exc).strip().splitlines()[0]
                                                   if str(exc).strip() else type(exc).__name__)],
             2)


@click.command("serve", cls=Command)
@DATA_OPTION
@click.option("--host", metavar=N_("地址"), default="127.0.0.1", show_default=False,
              help=N_("在哪个网络地址上接受访问（默认 127.0.0.1，只有本机可访问；"
                      "0.0.0.0 为本机的全部地址，供内网其他电脑访问）。"))
@click.option("--port", metavar=N_("端口"), type=IntegerRange(1, 65535), default=8000,
              show_default=False, help=N_("端口号（默认 8000）。"))
@click.option("--threads", metavar=N_("个数"), type=IntegerRange(1, 256), default=8,
              show_default=False, help=N_("每个工作进程同时处理的请求数（默认 8）。"))
@click.option("--workers", metavar=N_("个数"), type=IntegerRange(1, 64), default=1,
              show_default=False,
              help=N_("工作进程数（默认 1）。一个进程只用一个处理器核心；多人共用的服务器"
                      "可设为处理器的核心数（在 Windows 上只能为 1）。"))
@DATABASE_OPTION
@command
def serve(data: Path, host: str, port: int, threads: int, workers: int,
          database: str | None) -> None:
    """启动年报工作台（网页），在浏览器中填写、检查和下载年报。

    首次启动时新建数据文件夹和数据库，每次启动时把数据库升级到本版本。
    先用 nianbao admin 添加机关和用户，再在浏览器中打开显示的地址登录。
    按 Ctrl+C 停止。

    \b
    例：nianbao admin add-office config/offices/pingtan.yaml
        nianbao admin add-user 张三 --office pingtan --password-stdin
        nianbao serve
        nianbao serve --data 年报数据 --host 0.0.0.0 --port 8080
        nianbao serve --host 0.0.0.0 --workers 2
    """
    _django()
    from nianbao.web.server import WorkersFailed
    from nianbao.web.server import serve as run

    if workers > 1 and not hasattr(os, "fork"):
        fail([_("在 Windows 上只能用 1 个工作进程：请去掉 --workers")], 2)
    _prepare(data)
    try:
        _database_errors(lambda: run(data, host, port, threads, database, workers))
    except ValueError as exc:  # a database URL of another kind
        fail([str(exc)], 2)
    except WorkersFailed as exc:
        fail([str(exc)], 1)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            fail([_("端口 {port} 已被其他程序占用；请用 --port 换一个端口").format(port=port)], 2)
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            fail([_("无法在 {host}:{port} 上接受访问：本机没有这个地址，或无权使用这个端口")
                  .format(host=host, port=port)], 2)
        raise


@click.group("admin", cls=Group)
@DATA_OPTION
@DATABASE_OPTION
@click.pass_context
def admin(ctx: click.Context, data: Path, database: str | None) -> None:
    """管理年报工作台：添加机关、用户和接口令牌，导出和导入（可写入脚本）。

    机关和用户存放在数据文件夹的数据库中，与 nianbao serve 所用的相同。

    \b
    例：nianbao admin add-office config/offices/pingtan.yaml
        nianbao admin add-user 张三 --office pingtan --password-stdin < 密码.txt
        nianbao admin add-user 政务公开办 --admin
        nianbao admin token 张三
        nianbao admin --data 年报数据 add-office config/offices/pingtan.yaml
        nianbao admin import-offices config/offices/
        nianbao admin add-users 用户.csv -o 密码.csv
        nianbao admin dump 备份/
    """
    ctx.obj = (data, database)


def _admin_set_up(ctx: click.Context) -> None:
    data, database = ctx.find_object(tuple) or (DATA, None)
    _set_up(data, database)


@admin.command("add-office", cls=Command)
@click.argument("profile", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@command
def add_office(ctx: click.Context, profile: Path) -> None:
    """添加机关（或更新已有机关的信息），机关信息取自机关信息文件。

    机关代号即文件名（不含 .yaml），与数据文件中 office: 后面写的相同。

    \b
    例：nianbao admin add-office config/offices/pingtan.yaml
    """
    if not profile.is_file():  # before the data folder is made for nothing
        fail([_("{profile}: 文件不存在").format(profile=profile)], 2)
    _admin_set_up(ctx)
    from nianbao.web.provision import add_office as add

    office, created = _database_errors(lambda: add(profile))
    message = _("已添加机关 {id}（{name}）") if created else _("已更新机关 {id}（{name}）")
    click.echo(message.format(id=office.id, name=office.name))


@admin.command("add-user", cls=Command)
@click.argument("name", metavar=N_("用户名"))
@click.option("--office", "office_id", metavar=N_("机关代号"),
              help=N_("用户所属的机关（机关信息文件名，如 pingtan）；只能查看和填写本机关的年报。"))
@click.option("--admin", "is_admin", is_flag=True,
              help=N_("用户为管理员（政务公开办），可查看和填写全部机关的年报。"))
@click.option("--password-stdin", "password_stdin", is_flag=True,
              help=N_("从标准输入读取密码（一行），不在命令行中写出密码。"))
@click.pass_context
@command
def add_user(ctx: click.Context, name: str, office_id: str | None, is_admin: bool,
             password_stdin: bool) -> None:
    """添加用户：某个机关的用户（--office），或管理员（--admin）。

    密码至少 10 个字符，不能太常见，不能全是数字。不带 --password-stdin 时在终端中输入密码。

    \b
    例：nianbao admin add-user 张三 --office pingtan --password-stdin < 密码.txt
        nianbao admin add-user 政务公开办 --admin          （在终端中输入密码）
    """
    if is_admin == (office_id is not None):
        raise click.UsageError(_("请用 --office 指定用户所属的机关，或用 --admin 指定为管理员，"
                                 "二者选一"))
    password = _password(password_stdin)
    _admin_set_up(ctx)
    from nianbao.web.provision import add_user as add

    user = _database_errors(lambda: add(name, password, office_id, is_admin))
    if is_admin:
        click.echo(_("已添加管理员 {name}").format(name=user.get_username()))
    else:
        click.echo(_("已添加用户 {name}（机关 {office}）").format(name=user.get_username(),
                                                              office=office_id))


def _password(from_stdin: bool) -> str:
    """The password: one line of standard input, or typed twice in a terminal."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise click.UsageError(_("请用 --password-stdin 从标准输入给出密码"))
    return str(click.prompt(_("密码"), hide_input=True, confirmation_prompt=_("再输入一次密码"),
                            prompt_suffix=_("：")))


@admin.command("token", cls=Command)
@click.argument("name", metavar=N_("用户名"))
@click.pass_context
@command
def token(ctx: click.Context, name: str) -> None:
    """生成用户的接口令牌（供程序调用工作台的接口），输出在标准输出上。

    令牌只显示这一次，数据库中只保存它的摘要；丢失后再生成一个即可。
    令牌的权限与该用户相同。

    \b
    例：nianbao admin token 张三
    """
    _admin_set_up(ctx)
    from nianbao.web.provision import new_token

    click.echo(_database_errors(lambda: new_token(name)))
    click.echo(_("令牌只显示这一次，请妥善保存"), err=True)  # stdout: the token alone


@admin.command("import-offices", cls=Command)
@click.argument("folder", metavar=FOLDER, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@command
def import_offices(ctx: click.Context, folder: Path) -> None:
    """添加（或更新）文件夹中全部机关信息文件（*.yaml）中的机关。

    机关代号即文件名。有问题的文件逐条列出问题，不导入，其余照常导入（此时退出码为 1）。

    \b
    例：nianbao admin import-offices config/offices/
        nianbao admin --data 年报数据 import-offices 各单位机关信息/
    """
    if not folder.is_dir():  # before the data folder is made for nothing
        fail([_("{folder}: 文件夹不存在").format(folder=folder)], 2)
    _admin_set_up(ctx)
    from nianbao.web.provision import import_offices as run

    done = _database_errors(lambda: run(folder))
    if not (done.added or done.updated or done.refused):
        fail([_("{folder}: 没有找到机关信息文件（.yaml）").format(folder=folder)], 2)
    for lines in done.refused.values():
        for line in lines:
            click.echo(line, err=True)
    click.echo(_("机关：新增 {added} 个、更新 {updated} 个").format(
        added=len(done.added), updated=len(done.updated)))
    if done.refused:
        fail([_("{count} 个机关信息文件有问题，未导入（见上）").format(count=len(done.refused))], 1)


@admin.command("add-users", cls=Command)
@click.argument("users", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", metavar=FILE, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("写出密码的文件（默认：用户列表旁的“<文件名>-密码.csv”）。"))
@click.option("--force", is_flag=True, help=N_("密码文件已存在时覆盖它（默认不覆盖）。"))
@click.pass_context
@command
def add_users(ctx: click.Context, users: Path, output: Path | None, force: bool) -> None:
    """按用户列表（CSV）添加机关的用户，为每人生成随机密码。

    CSV 的第一行为列名“机关,用户名”（或 office,user），以后每行一个用户；
    Excel、WPS 另存的 CSV（UTF-8 或 GBK 编码）均可。有一行有问题就一个也不添加，
    逐行列出问题。密码只写这一次，写在密码文件中（只有本人可读），请分发后妥善保管。

    \b
    例：nianbao admin add-users 用户.csv
        nianbao admin add-users 用户.csv -o 密码.csv
    """
    from nianbao.errors import OutputExists

    if not users.is_file():
        fail([_("{users}: 文件不存在").format(users=users)], 2)
    target = output or users.with_name(f"{users.stem}-密码.csv")
    if target.exists() and not force:
        raise OutputExists(target)
    _admin_set_up(ctx)
    from nianbao.web.provision import add_users as add
    from nianbao.web.provision import passwords_csv, read_users, write_secret

    found = _database_errors(lambda: read_users(users))
    _database_errors(lambda: add(found, lambda: write_secret(target, passwords_csv(found),
                                                             force=force)))
    click.echo(_("已添加 {count} 个用户；密码在 {file} 中（只有这一份，请分发给各用户后妥善"
                 "保管或删除）").format(count=len(found), file=target))


@admin.command("dump", cls=Command)
@click.argument("folder", metavar=FOLDER, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@command
def dump(ctx: click.Context, folder: Path) -> None:
    """把工作台导出到一个新的（或空的）文件夹：可备份、迁移，也可直接批量生成。

    文件夹中有各机关的机关信息（config/offices/）、各年报最新版本的数据文件
    （<机关>/<机关>-<年度>.yaml，nianbao batch 可直接生成），以及全部历史
    workspace.json（机关、用户及其密码摘要、每个版本、记录；只有本人可读），
    供 nianbao admin load 导入。

    \b
    例：nianbao admin dump 备份/2025-01-31
        nianbao batch 备份/2025-01-31 -o 年报/
    """
    _admin_set_up(ctx)
    from nianbao.web.dump import dump as run

    done = _database_errors(lambda: run(folder))
    for line in done.skipped:
        click.echo(line, err=True)
    click.echo(_("已导出 {offices} 个机关、{reports} 份年报（{versions} 个版本）到 {folder}")
               .format(offices=done.offices, reports=done.reports, versions=done.versions,
                       folder=folder))


@admin.command("load", cls=Command)
@click.argument("folder", metavar=FOLDER, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@command
def load(ctx: click.Context, folder: Path) -> None:
    """把 nianbao admin dump 导出的文件夹导入到空的工作台（新的数据文件夹或数据库）。

    读取其中的 workspace.json，全部导入或（有问题时）一概不导入；用户可用原来的密码登录。

    \b
    例：nianbao admin --data 新数据 load 备份/2025-01-31
    """
    if not (folder / "workspace.json").is_file():
        fail([_("{file}: 文件不存在（应为 nianbao admin dump 导出的文件夹）").format(
            file=folder / "workspace.json")], 2)
    _admin_set_up(ctx)
    from nianbao.web.dump import load as run

    done = _database_errors(lambda: run(folder))
    click.echo(_("已导入 {offices} 个机关、{users} 个用户、{reports} 份年报（{versions} 个版本）")
               .format(offices=done.offices, users=done.users, reports=done.reports,
                       versions=done.versions))


COMMANDS = (serve, admin)
