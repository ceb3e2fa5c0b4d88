"""`nianbao office new` writes a profile the reader reads back (from options, or asked
field by field in a terminal), never over an existing one without --force; `nianbao
new --office` takes a profile's name as a data file's `office:` does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

import nianbao.cli.offices as office_command
from nianbao.cli import main
from nianbao.datafile.profiles import load_office
from nianbao.report.office import ALL_FIELDS, PROFILE_FIELDS

CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
VALUES = {"name": "某县人民政府办公室", "contact_unit": "某县政务公开办", "phone": "0591-1234567",
          "address": "某县人民路1号", "signature": "某县人民政府办公室", "email": "gk@example.cn"}


def run(args: list[str], **kwargs: object) -> Result:
    return CliRunner().invoke(main, args, prog_name="nianbao", env=CHINESE, **kwargs)


def options(values: dict[str, str]) -> list[str]:
    return [arg for key, value in values.items() for arg in ("--" + key.replace("_", "-"), value)]


def test_a_profile_from_options_reads_back(workdir: Path) -> None:
    result = run(["office", "new", "mouxian", *options(VALUES)])
    assert result.exit_code == 0, result.output
    path = workdir / "config" / "offices" / "mouxian.yaml"
    assert "mouxian.yaml" in result.output and "office: mouxian" in result.output
    office = load_office(path)
    assert office.id == "mouxian"
    assert {key: getattr(office, key) for key in VALUES} == VALUES
    assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) <= set(ALL_FIELDS)


def test_the_name_defaults_to_the_full_name(workdir: Path) -> None:
    assert run(["office", "new", *options(VALUES)]).exit_code == 0
    assert load_office(workdir / "config" / "offices" / "某县人民政府办公室.yaml").phone \
        == VALUES["phone"]


def test_an_existing_profile_is_kept_without_force(workdir: Path) -> None:
    before = (workdir / "config" / "offices" / "pingtan.yaml").read_bytes()
    result = run(["office", "new", "pingtan", *options(VALUES)])
    assert result.exit_code == 2
    assert "文件已存在，未覆盖（确需覆盖请加 --force）" in result.output
    assert (workdir / "config" / "offices" / "pingtan.yaml").read_bytes() == before
    assert run(["office", "new", "pingtan", *options(VALUES), "--force"]).exit_code == 0
    assert load_office(workdir / "config" / "offices" / "pingtan.yaml").name == VALUES["name"]


def test_missing_fields_are_all_named_and_nothing_is_written(workdir: Path) -> None:
    result = run(["office", "new", "mouxian", "--name", "某县"])
    assert result.exit_code == 2
    for key, label in PROFILE_FIELDS.items():
        if key != "name":
            assert f"--{key.replace('_', '-')}（{label}）" in result.output
    assert not (workdir / "config" / "offices" / "mouxian.yaml").exists()


def test_a_value_the_reader_refuses_is_refused_before_writing(workdir: Path) -> None:
    result = run(["office", "new", "mouxian", *options({**VALUES, "phone": "0591\x07"})])
    assert result.exit_code == 2, result.output
    assert "phone（联系电话）" in result.output
    assert not (workdir / "config" / "offices" / "mouxian.yaml").exists()


def test_in_a_terminal_it_asks_for_each_field(workdir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office_command, "_interactive", lambda: True)
    answers = [VALUES.get(key, "") for key in ALL_FIELDS]
    result = run(["office", "new", "mouxian"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    for label in ALL_FIELDS.values():
        assert label in result.output  # each asked by its Chinese label
    office = load_office(workdir / "config" / "offices" / "mouxian.yaml")
    assert (office.name, office.email, office.website) == (VALUES["name"], VALUES["email"], "")


def test_given_options_are_not_asked_again(workdir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office_command, "_interactive", lambda: True)
    given = {k: v for k, v in VALUES.items() if k in PROFILE_FIELDS}
    result = run(["office", "new", "mouxian", *options(given)], input="\n" * len(ALL_FIELDS))
    assert result.exit_code == 0, result.output
    assert PROFILE_FIELDS["phone"] not in result.output


def test_new_takes_a_profile_by_name(workdir: Path) -> None:
    assert run(["office", "new", "mouxian", *options(VALUES)]).exit_code == 0
    result = run(["new", "--office", "mouxian", "--year", "2024", "-o", "2024.yaml"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((workdir / "2024.yaml").read_text(encoding="utf-8"))
    assert data["office"] == "mouxian"
    rendered = run(["render", "2024.yaml", "-o", "2024.docx"])
    assert rendered.exit_code == 0, rendered.output
    assert f"已生成 2024.docx（{VALUES['name']}2024年度" in rendered.output


def test_new_finds_a_named_profile_above_the_data_file(workdir: Path) -> None:
    (workdir / "2024").mkdir()
    result = run(["new", "--office", "pingtan", "--year", "2024", "-o", "2024/p.yaml"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((workdir / "2024" / "p.yaml").read_text(encoding="utf-8"))
    assert data["office"] == "pingtan"


def test_new_still_takes_a_path(workdir: Path) -> None:
    result = run(["new", "--office", "config/offices/pingtan.yaml", "--year", "2024",
                  "-o", "2024.yaml"])
    assert result.exit_code == 0, result.output


def test_the_two_new_commands_explain_themselves(workdir: Path) -> None:
    office_new = run(["office", "new", "--help"]).output
    data_new = run(["new", "--help"]).output
    assert "用法： nianbao office new [选项] [名称]" in office_new
    assert "新建机关信息文件" in office_new and "--contact-unit" in office_new
    assert "用法： nianbao new [选项]" in data_new and "新建空白数据文件" in data_new
    assert "nianbao office new" in data_new  # points to where a profile comes from


def test_a_first_profile_makes_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["office", "new", "a/b", *options(VALUES)])
    assert result.exit_code == 0, result.output
    assert load_office(tmp_path / "config" / "offices" / "ab.yaml").name == VALUES["name"]
    made = run(["new", "--office", "ab", "--year", "2024", "-o", "2024.yaml"])
    assert made.exit_code == 0, made.output
