"""The `nianbao` command: a thin layer over the library, for clerks.

Every problem a clerk can cause is reported in Chinese, one line each, without a
traceback: exit code 1 for wrong data or failed checks, 2 for unusable input or usage.
With an English locale (LANG=en_US.UTF-8 …) the command's own texts are in English
(`nianbao.cli.i18n`).
"""

from __future__ import annotations

import click

from nianbao import __version__
from nianbao.cli.base import Main
from nianbao.cli.commands import COMMANDS
from nianbao.cli.i18n import N_
from nianbao.cli.offices import office
from nianbao.cli.rulelist import rules
from nianbao.cli.web import COMMANDS as WEB_COMMANDS


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao", message="%(prog)s %(version)s",
                      help=N_("显示版本号后退出。"))
def main() -> None:
    """nianbao（年报）：由数据文件生成正式格式的《政府信息公开工作年度报告》，并逐格检查任何年报。

    \b
    从去年的报告开始：  nianbao import 2023年报.docx -o 2023.yaml
                        nianbao rollover 2023.yaml -o 2024.yaml
    或新建空白数据文件：nianbao office new pingtan
                        nianbao new --office pingtan --year 2024 -o 2024.yaml
    生成年报：          nianbao render 2024.yaml -o 2024.docx [--pdf | --html]
    检查任何年报：      nianbao check 2024.docx --previous 2023.docx
    规则编号的含义：    nianbao rules
    一次处理多个单位：  nianbao batch 各单位数据/ -o 输出/
    在浏览器中填写：    nianbao serve（年报工作台；先用 nianbao admin 添加用户）

    每个命令的用法：nianbao <命令> --help
    """


for _command in (*COMMANDS, office, rules, *WEB_COMMANDS):
    main.add_command(_command)
