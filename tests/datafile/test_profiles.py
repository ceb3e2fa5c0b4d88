"""Office profiles: found by name beside or above a data file, or by path; written with
every key's label; read with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.datafile.profiles import (
    dump_office,
    find_profile,
    is_path_ref,
    load_office,
    profile_name,
)
from nianbao.errors import ProblemList

FIELDS = {"name": "某县人民政府办公室", "contact_unit": "秘书科", "phone": "0591-1234567",
          "address": "某县某路1号", "signature": "某县人民政府办公室", "email": "a@b.cn"}


def test_a_reference_is_a_path_or_a_name() -> None:
    assert is_path_ref("../offices/pingtan.yaml") and is_path_ref("pingtan.yml")
    assert is_path_ref("a/b") and not is_path_ref("pingtan")


def test_profiles_are_found_beside_or_above_the_data_file(tmp_path: Path) -> None:
    offices = tmp_path / "config" / "offices"
    offices.mkdir(parents=True)
    (offices / "county.yaml").write_text(dump_office(FIELDS), encoding="utf-8")
    data = tmp_path / "2024" / "sub" / "report.yaml"
    data.parent.mkdir(parents=True)
    assert find_profile("county", data, []) == offices / "county.yaml"
    assert find_profile("../../config/offices/county.yaml", data, []) == \
        data.parent / "../../config/offices/county.yaml"
    assert find_profile("city", data, []) is None
    assert find_profile("county.yaml", data, [offices]) is None  # a path: beside the file
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "city.yaml").write_text(dump_office(FIELDS), encoding="utf-8")
    assert find_profile("city", data, [other]) == other / "city.yaml"


def test_a_written_profile_reads_back(tmp_path: Path) -> None:
    text = dump_office(FIELDS)
    assert text.splitlines()[1:] == [
        'name: "某县人民政府办公室"  # 机关全称', 'contact_unit: "秘书科"  # 联系单位',
        'phone: "0591-1234567"  # 联系电话', 'address: "某县某路1号"  # 联系地址',
        'signature: "某县人民政府办公室"  # 落款署名', 'email: "a@b.cn"  # 电子邮箱']
    path = tmp_path / "county.yaml"
    path.write_text(text, encoding="utf-8")
    office = load_office(path)
    assert (office.id, office.name, office.email, office.postcode) == (
        "county", "某县人民政府办公室", "a@b.cn", "")


def test_every_problem_of_a_profile_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text('name: "某县"\nphone: ""\nfax: "1"\n', encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_office(path)
    lines = caught.value.lines()
    assert (f"{path}:3: fax：未知的键；可用的键：name（机关全称）、contact_unit（联系单位）、"
            "phone（联系电话）、address（联系地址）、signature（落款署名）、email（电子邮箱）、"
            "postcode（邮编）、website（网站）、category（机关类别：部门或本级政府）") in lines
    assert f"{path}:2: phone（联系电话）：应为非空文字" in lines
    assert sum("缺少此项" in line for line in lines) == 3  # contact_unit, address, signature


def test_a_profile_says_which_deadline_its_reports_have(tmp_path: Path) -> None:
    """`category`: 部门 (the default: 31 January) or 本级政府 (31 March), the deadline
    rule's categories; anything else is named, not silently taken for the default."""
    path = tmp_path / "county.yaml"
    path.write_text(dump_office(FIELDS), encoding="utf-8")
    assert load_office(path).category == ""
    text = dump_office(FIELDS | {"category": "本级政府"})
    assert text.splitlines()[-1] == 'category: "本级政府"  # 机关类别：部门或本级政府'
    path.write_text(text, encoding="utf-8")
    assert load_office(path).category == "本级政府"
    path.write_text(text.replace("本级政府", "县政府"), encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        load_office(path)
    assert caught.value.lines() == [
        f"{path}:8: category（机关类别：部门或本级政府）：“县政府”无效：应为“部门”或“本级政府”"]


def test_profile_names_are_safe_file_names() -> None:
    assert profile_name("某县 人民政府/办公室") == "某县人民政府办公室"
    assert profile_name('..:*?"<>|') == "office"
    assert len(profile_name("很" * 100)) == 60
