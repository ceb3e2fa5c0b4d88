"""`nianbao rules`: what each rule id in a check's findings means, read from the form
files (R, X, P … with their messages) and from the code that defines the others (S, L,
C1, X0, T1), so that the list cannot drift from what the check reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields

import click

from nianbao.cli.base import Command, command
from nianbao.cli.i18n import N_, _
from nianbao.spec.form import FORM_VERSIONS

ERROR_WORD, WARNING_WORD = N_("错误"), N_("警告")

# The rules the code defines (their ids are imported from where they are defined; the
# meanings are said here, as the findings' own messages are made case by case).
STRUCTURE_MEANING = N_("报告缺少应有的部分、表格、行或列，或表格没有数据行")
LABEL_MEANING = N_("标题或表格标签与正式格式的写法不同（已按正式标签读取）")
SUSPECT_MEANING = N_("可能填错的格：几项总计都不相加，且都经过这一格，改为所示数值即全部相加")
FIT_MEANING = N_("所给的上年报告不是本机关上一年度的报告，未作跨年度比较")


def code_rules() -> list[tuple[str, str, str]]:
    """(id, severity, meaning) of the rules defined in code, for every form alike."""
    from nianbao.checking.report import FIT
    from nianbao.checking.tables import SUSPECT
    from nianbao.reading.model import LABEL, STRUCTURE
    from nianbao.report.drafts import DRAFT_RULE, draft_marks, draft_message
    from nianbao.spec.findings import ERROR, WARNING

    draft = _("正文{message}").format(message=draft_message("或".join(draft_marks())))
    return [(STRUCTURE, ERROR, _(STRUCTURE_MEANING)), (LABEL, WARNING, _(LABEL_MEANING)),
            (SUSPECT, WARNING, _(SUSPECT_MEANING)), (FIT, WARNING, _(FIT_MEANING)),
            (DRAFT_RULE, WARNING, draft)]


def form_rules(version: str) -> Iterator[tuple[str, str, str]]:
    """(id, severity, meaning) of every rule of one form file, in the file's order:
    every field of the `Form` that holds rules (tables, across years, prose, …)."""
    from nianbao.spec.findings import ERROR, WARNING
    from nianbao.spec.form import load_form
    from nianbao.spec.rules import BalanceRule, Rule, SumRule, TypeRule

    form = load_form(version)
    for field in fields(form):
        value = getattr(form, field.name)
        if not isinstance(value, tuple):
            continue
        if field.name == "prose":  # the file's order is the order rules take a number in
            value = tuple(sorted(value, key=lambda rule: int(rule.id.lstrip("P"))))
        for rule in value:
            if isinstance(rule, Rule):
                strict = isinstance(rule, (SumRule, BalanceRule, TypeRule))
                severity = getattr(rule, "severity", ERROR if strict else WARNING)
                yield rule.id, severity, re.sub(r"\{\w+\}", "…", rule.message)


@click.command(cls=Command)
@click.option("--form", "version", type=click.Choice(FORM_VERSIONS),
              help=N_("只列出这一格式的规则（默认列出全部格式）。"))
@command
def rules(version: str | None) -> None:
    """列出检查所用的全部规则：规则编号、错误或警告、含义。

    check 和 render 的每条结果都标有规则编号，如 [R3.1]、[X1]、[C1]。
    表格与跨年度、正文的规则取自格式文件（config/forms/），其余为各格式通用。

    \b
    例：nianbao rules
        nianbao rules --form 2021
    """
    from nianbao.spec.findings import ERROR
    from nianbao.spec.form import load_form

    def line(rule_id: str, severity: str, meaning: str) -> str:
        word = _(ERROR_WORD) if severity == ERROR else _(WARNING_WORD)
        return f"  {rule_id:<5} {word}  {meaning}"

    for each in [version] if version else list(FORM_VERSIONS):
        form = load_form(each)
        click.echo(_("{version} 格式（{notice}）").format(version=each, notice=form.notice))
        for rule in form_rules(each):
            click.echo(line(*rule))
        click.echo()
    click.echo(_("各格式通用"))
    for rule in code_rules():
        click.echo(line(*rule))
