"""Provisioning: the functions on the test database, and `nianbao admin` as a user runs
it — a process on a data folder of its own, each mistake one Chinese line and its exit
code (1: wrong data, 2: unusable input or usage), never a traceback."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from helpers import REPO

from nianbao.datafile.profiles import load_office
from nianbao.errors import ProblemList
from nianbao.web import provision
from nianbao.web.models import ApiToken, Member, Office

PINGTAN = REPO / "config" / "offices" / "pingtan.yaml"
GOOD = "一个足够长的密码-2024"
CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


# the functions, on the tests' database

@pytest.mark.django_db
def test_an_office_from_its_profile_then_updated(tmp_path: Path) -> None:
    office, created = provision.add_office(PINGTAN)
    assert created and office.id == "pingtan"
    assert office.name == load_office(PINGTAN).name
    changed = tmp_path / "pingtan.yaml"
    changed.write_text(PINGTAN.read_text(encoding="utf-8").replace(
        load_office(PINGTAN).phone, "0591-00000000"), encoding="utf-8")
    office, created = provision.add_office(changed)
    assert not created and office.phone == "0591-00000000"
    assert Office.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_profile_names_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 某机关\n", encoding="utf-8")
    with pytest.raises(ProblemList) as caught:
        provision.add_office(bad)
    assert any("缺少此项" in line for line in caught.value.lines())
    assert not Office.objects.exists()


@pytest.mark.django_db
def test_users_of_an_office_and_of_the_compiling_body(offices: dict[str, Any]) -> None:
    clerk = provision.add_user("张三", GOOD, office_id="pingtan")
    assert clerk.check_password(GOOD) and not clerk.is_staff
    assert Member.objects.get(user=clerk).office_id == "pingtan"
    admin = provision.add_user("政务公开办", GOOD, admin=True)
    assert admin.is_staff and Member.objects.get(user=admin).office is None


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "password", "office", "admin", "phrase"), [
    ("张三", GOOD, "nowhere", False, "没有机关“nowhere”；已有的机关：jingdezhen-taoci、pingtan"),
    ("pingtan-clerk", GOOD, "pingtan", False, "用户“pingtan-clerk”已存在"),
    ("李四", "short", "pingtan", False, "密码：太短，至少要 10 个字符。"),
    ("李四", "1234567890123", "pingtan", False, "密码只包含数字"),
    ("李四", "password123", "pingtan", False, "太常见"),
    ("李四", "", "pingtan", False, "密码不能为空"),
    ("a b", GOOD, "pingtan", False, "用户名“a b”"),
    ("李四", GOOD, None, False, "二者选一"),
    ("李四", GOOD, "pingtan", True, "二者选一"),
])
def test_a_user_refused_says_why(clerk: User, name: str, password: str, office: str | None,
                                 admin: bool, phrase: str) -> None:
    with pytest.raises(provision.Refused) as caught:
        provision.add_user(name, password, office_id=office, admin=admin)
    assert any(phrase in line for line in caught.value.lines()), caught.value.lines()
    assert caught.value.exit_code == 1
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_token_is_kept_as_its_digest_only(clerk: User) -> None:
    token = provision.new_token("pingtan-clerk")
    assert len(token) >= 40 and token != provision.new_token("pingtan-clerk")
    digests = set(ApiToken.objects.filter(user=clerk).values_list("digest", flat=True))
    assert hashlib.sha256(token.encode()).hexdigest() in digests
    assert token not in digests and len(digests) == 2
    with pytest.raises(provision.Refused, match="没有用户“无人”"):
        provision.new_token("无人")


# `nianbao admin`, as a user runs it

def nianbao(*args: str, data: Path | None = None, stdin: str = "",
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    folder = ["--data", str(data)] if data is not None else []
    command = [sys.executable, "-m", "nianbao", *args[:1], *folder, *args[1:]]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ, **CHINESE})


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.splitlines()


def test_admin_provisions_a_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "年报数据"
    result = nianbao("admin", "add-office", str(PINGTAN), data=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "已添加机关 pingtan（平潭综合实验区）\n"
    assert (data / "nianbao.sqlite3").is_file() and (data / "secret.key").is_file()
    again = nianbao("admin", "add-office", str(PINGTAN), data=data)
    assert again.returncode == 0 and again.stdout.startswith("已更新机关 pingtan")

    clerk = nianbao("admin", "add-user", "张三", "--office", "pingtan", "--password-stdin",
                    data=data, stdin=GOOD + "\n")
    assert clerk.returncode == 0, clerk.stderr
    assert clerk.stdout == "已添加用户 张三（机关 pingtan）\n"
    admin = nianbao("admin", "add-user", "政务公开办", "--admin", "--password-stdin",
                    data=data, stdin=GOOD + "\n")
    assert admin.returncode == 0 and admin.stdout == "已添加管理员 政务公开办\n", admin.stderr

    token = nianbao("admin", "token", "张三", data=data)
    assert token.returncode == 0, token.stderr
    printed = token.stdout.strip()
    assert len(token.stdout.splitlines()) == 1 and len(printed) >= 40
    assert lines(token) == ["令牌只显示这一次，请妥善保存"]
    with sqlite3.connect(data / "nianbao.sqlite3") as db:
        rows = db.execute(
            "SELECT t.digest, u.username, u.is_staff, m.office_id FROM workspace_apitoken t "
            "JOIN auth_user u ON u.id = t.user_id JOIN workspace_member m ON m.user_id = u.id"
        ).fetchall()
        users = dict(db.execute("SELECT username, is_staff FROM auth_user").fetchall())
        hashed = db.execute("SELECT password FROM auth_user WHERE username = '张三'").fetchone()
    assert rows == [(hashlib.sha256(printed.encode()).hexdigest(), "张三", 0, "pingtan")]
    assert users == {"张三": 0, "政务公开办": 1}
    assert GOOD not in hashed[0]


def test_admin_uses_the_default_data_folder(tmp_path: Path) -> None:
    result = nianbao("admin", "add-office", str(PINGTAN), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nianbao-data" / "nianbao.sqlite3").is_file()


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with 平潭 and its clerk 张三."""
    data = tmp_path_factory.mktemp("admin") / "data"
    assert nianbao("admin", "add-office", str(PINGTAN), data=data).returncode == 0
    assert nianbao("admin", "add-user", "张三", "--office", "pingtan", "--password-stdin",
                   data=data, stdin=GOOD + "\n").returncode == 0
    return data


MISTAKES = [
    # (arguments, standard input, exit code, the lines printed)
    (["add-user", "李四", "--office", "nowhere", "--password-stdin"], GOOD, 1,
     ["没有机关“nowhere”；已有的机关：pingtan"]),
    (["add-user", "张三", "--office", "pingtan", "--password-stdin"], GOOD, 1,
     ["用户“张三”已存在"]),
    (["add-user", "李四", "--office", "pingtan", "--password-stdin"], "1234", 1,
     ["密码：太短，至少要 10 个字符。", "密码：这个密码太常见了。", "密码：密码只包含数字。"]),
    (["add-user", "李四", "--office", "pingtan", "--password-stdin"], "", 1, ["密码不能为空"]),
    (["token", "无人"], "", 1, ["没有用户“无人”"]),
    (["add-office", "nowhere.yaml"], "", 2, ["nowhere.yaml: 文件不存在"]),
]


@pytest.mark.parametrize(("args", "stdin", "code", "expected"), MISTAKES,
                         ids=[" ".join(m[0]) + f" <{m[1]}" for m in MISTAKES])
def test_an_admin_mistake_is_one_chinese_line_each(provisioned: Path, args: list[str],
                                                   stdin: str, code: int,
                                                   expected: list[str]) -> None:
    result = nianbao("admin", *args, data=provisioned, stdin=stdin)
    assert result.returncode == code, result.stderr
    assert lines(result) == expected
    assert result.stdout == ""


def test_a_bad_profile_is_its_problem_lines(provisioned: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 某机关\nsize: 3\n", encoding="utf-8")
    result = nianbao("admin", "add-office", str(bad), data=provisioned)
    assert result.returncode == 1
    found = lines(result)
    assert len(found) == 5 and all(line.startswith(f"{bad}:") for line in found), found
    assert "size：未知的键" in found[0] and "缺少此项" in found[1]


@pytest.mark.parametrize(("args", "phrase"), [
    (["add-user", "李四", "--password-stdin"], "请用 --office 指定用户所属的机关，或用 --admin"),
    (["add-user", "李四", "--office", "pingtan", "--admin"], "二者选一"),
    (["add-user", "李四", "--office", "pingtan"], "请用 --password-stdin 从标准输入给出密码"),
    (["remove"], "没有命令 'remove'"),
])
def test_an_admin_usage_mistake_exits_2(tmp_path: Path, args: list[str], phrase: str) -> None:
    data = tmp_path / "data"
    result = nianbao("admin", *args, data=data)
    assert result.returncode == 2 and phrase in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not data.exists()  # nothing made for a command that was not run


def test_a_data_folder_that_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "data"
    file.write_text("", encoding="utf-8")
    result = nianbao("admin", "token", "张三", data=file)
    assert result.returncode == 2 and "是文件，这里应为文件夹" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_url_of_another_kind(tmp_path: Path) -> None:
    result = nianbao("admin", "--database", "mysql://x@y/z", "token", "张三",
                     data=tmp_path / "data")
    assert result.returncode == 2
    assert lines(result) == ["不支持的数据库地址：mysql://（应为 postgresql://…）"]


def test_without_django_it_says_what_to_install(tmp_path: Path) -> None:
    """As where nianbao is installed without its [web] extra."""
    blocked = ("import sys; sys.modules['django'] = None; sys.argv[0] = 'nianbao'; "
               "from nianbao.cli import main; main()")
    for args in (["serve"], ["admin", "token", "张三"]):
        result = subprocess.run([sys.executable, "-c", blocked, *args], capture_output=True,
                                text=True, timeout=60, cwd=tmp_path,
                                env={**os.environ, **CHINESE})
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == ["需要安装网页工作台：pip install 'nianbao[web]'"]
    assert not (tmp_path / "nianbao-data").exists()


def test_help_loads_no_django(tmp_path: Path) -> None:
    """`nianbao --help` and `nianbao admin --help` start without Django."""
    for args in (["--help"], ["admin", "--help"], ["serve", "--help"]):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "nianbao", *args],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert result.returncode == 0
        assert not re.search(r"\|\s+(django|waitress)\b", result.stderr)
        assert re.search(r"\|\s+nianbao\.cli\.web\b", result.stderr)  # the check can see
