"""`nianbao rules` lists every rule id a check can report, with its meaning, read from
the form files and from the code that defines the others."""

from __future__ import annotations

from click.testing import CliRunner

from nianbao.checking.report import FIT
from nianbao.checking.tables import SUSPECT
from nianbao.cli import main
from nianbao.reading.model import LABEL, STRUCTURE
from nianbao.report.drafts import DRAFT_RULE
from nianbao.spec.form import FORM_VERSIONS, load_form

CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def _lines(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["rules", *args], prog_name="nianbao", env=CHINESE)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_every_rule_of_every_form_is_listed_with_its_message() -> None:
    lines = _lines()
    for version in FORM_VERSIONS:
        form = load_form(version)
        start = lines.index(f"{version} 格式（{form.notice}）")
        end = lines.index("", start)
        listed = lines[start + 1:end]
        rules = [*form.rules, *form.across_years, *form.prose]
        for rule in rules:
            assert any(line.split()[0] == rule.id for line in listed), rule.id
            if "{" not in rule.message:
                assert any(line.endswith(rule.message) for line in listed), rule.message


def test_the_rules_of_the_code_are_listed_in_chinese() -> None:
    lines = _lines()
    common = lines[lines.index("各格式通用") + 1:]
    assert [line.split()[0] for line in common] == [STRUCTURE, LABEL, SUSPECT, FIT, DRAFT_RULE]
    assert all(line.split()[1] in ("错误", "警告") for line in common)
    assert "【待填写】" in common[-1]


def test_one_form_only() -> None:
    lines = _lines("--form", "2019")
    assert lines[0].startswith("2019 格式") and not any(line.startswith("2021") for line in lines)


def test_severities() -> None:
    lines = {line.split()[0]: line.split()[1] for line in _lines("--form", "2021")
             if line.startswith("  ")}
    found = (lines["R3.1"], lines["X1"], lines["X2"], lines["P1"])
    assert found == ("错误", "错误", "警告", "警告")
