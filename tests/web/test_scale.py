"""Provisioning a city: a folder of profiles, a list of users with passwords written
once, and the workspace dumped to a folder (`nianbao batch` renders it as the workspace
downloads) and loaded back — the commands as an admin runs them, each a process on a
data folder of its own."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.test import Client
from helpers import EXAMPLES, REPO

from nianbao import api
from nianbao.web import dump, store
from nianbao.web.models import Comment, Draft, Event, Office, Report
from nianbao.web.payload import Payload, payload_of
from nianbao.web.provision import PASSWORD_ALPHABET, decode_csv

PROFILES = REPO / "config" / "offices"
PINGTAN = PROFILES / "pingtan.yaml"
PASSWORD = "正确的密码-2024"  # the clerk's, as tests/web/conftest.py makes it
CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def nianbao(*args: str, data: Path | None = None,
            timeout: int = 300) -> subprocess.CompletedProcess[str]:
    folder = ["--data", str(data)] if data is not None else []
    command = [sys.executable, "-m", "nianbao", *args[:1], *folder, *args[1:]]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **CHINESE})


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def profiles(folder: Path, count: int) -> Path:
    """`count` offices like 平潭, each its own id and name (office-001 …)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = PINGTAN.read_text(encoding="utf-8")
    for i in range(1, count + 1):
        (folder / f"office-{i:03}.yaml").write_text(
            text.replace("name: 平潭综合实验区", f"name: 第{i}号机关"), encoding="utf-8")
    return folder


# import-offices

def test_a_folder_of_profiles_is_imported_then_updated(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", profiles(tmp_path / "offices", 3)
    assert ok(nianbao("admin", "import-offices", str(folder), data=data)) \
        == "机关：新增 3 个、更新 0 个\n"
    (folder / "pingtan.yaml").write_bytes(PINGTAN.read_bytes())
    assert ok(nianbao("admin", "import-offices", str(folder), data=data)) \
        == "机关：新增 1 个、更新 3 个\n"


def test_a_bad_profile_among_good_ones_is_named_and_left_out(tmp_path: Path) -> None:
    data, folder = tmp_path / "data", profiles(tmp_path / "offices", 2)
    bad = folder / "bad.yaml"
    bad.write_text("name: 某机关\nsize: 3\n", encoding="utf-8")
    result = nianbao("admin", "import-offices", str(folder), data=data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout == "机关：新增 2 个、更新 0 个\n"
    found = result.stderr.splitlines()
    assert found[-1] == "1 个机关信息文件有问题，未导入（见上）"
    assert all(line.startswith(f"{bad}:") for line in found[:-1]) and len(found) == 6, found
    assert f"{bad}:2: size：未知的键" in found[0]
    dumped = tmp_path / "dump"
    ok(nianbao("admin", "dump", str(dumped), data=data))
    history = json.loads((dumped / "workspace.json").read_text(encoding="utf-8"))
    assert [o["id"] for o in history["offices"]] == ["office-001", "office-002"]


def test_a_folder_without_profiles(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = nianbao("admin", "import-offices", str(tmp_path / "empty"), data=tmp_path / "d")
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'empty'}: 没有找到机关信息文件（.yaml）\n"
    result = nianbao("admin", "import-offices", str(tmp_path / "nowhere"), data=tmp_path / "e")
    assert result.returncode == 2 and "文件夹不存在" in result.stderr
    assert not (tmp_path / "e").exists()


# add-users

@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with 平潭 and 景德镇."""
    data = tmp_path_factory.mktemp("city") / "data"
    ok(nianbao("admin", "import-offices", str(PROFILES), data=data))
    return data


def read_passwords(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel and WPS open it as UTF-8
    return [line.split(",") for line in decode_csv(data).splitlines()]


def logs_in(data: Path, rows: list[list[str]]) -> list[bool]:
    """Whether each (office, user, password) logs in, and as a user of that office:
    `authenticate()` in a process of the data folder's own."""
    script = (
        "import json, sys\n"
        "from nianbao.web import configure\n"
        "configure(sys.argv[1])\n"
        "from django.contrib.auth import authenticate\n"
        "rows = json.loads(sys.stdin.read())\n"
        "users = [authenticate(username=u, password=p) for _, u, p in rows]\n"
        "print(json.dumps([u is not None and u.member.office_id == o\n"
        "                  for (o, _, _), u in zip(rows, users)]))\n")
    result = subprocess.run([sys.executable, "-c", script, str(data)], input=json.dumps(rows),
                            capture_output=True, text=True, timeout=120, check=True)
    found: list[bool] = json.loads(result.stdout)
    return found


def test_users_from_a_csv_get_passwords_written_once(city: Path, tmp_path: Path) -> None:
    users = tmp_path / "用户.csv"
    users.write_text("机关,用户名\r\npingtan,张三\r\n\r\njingdezhen-taoci,李四\r\n",
                     encoding="utf-8")
    result = nianbao("admin", "add-users", str(users), data=city)
    target = tmp_path / "用户-密码.csv"
    assert ok(result) == (f"已添加 2 个用户；密码在 {target} 中"
                          "（只有这一份，请分发给各用户后妥善保管或删除）\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = read_passwords(target)
    assert rows[0] == ["机关", "用户名", "密码"]
    assert [r[:2] for r in rows[1:]] == [["pingtan", "张三"], ["jingdezhen-taoci", "李四"]]
    for _, _, password in rows[1:]:
        assert len(password) == 14 and set(password) <= set(PASSWORD_ALPHABET + "-")
        assert not set(password) & set("0O1lI")
    assert rows[1][2] != rows[2][2]
    assert logs_in(city, rows[1:]) == [True, True]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".nianbao-")]

    # the file is never overwritten without --force, before anything is done
    more = tmp_path / "more.csv"
    more.write_text("office,user\npingtan,王五\n", encoding="utf-8")
    before = target.read_bytes()
    refused = nianbao("admin", "add-users", str(more), "-o", str(target), data=city)
    assert refused.returncode == 2 and "文件已存在，未覆盖" in refused.stderr, refused.stderr
    assert target.read_bytes() == before
    forced = nianbao("admin", "add-users", str(more), "-o", str(target), "--force", data=city)
    assert ok(forced).startswith("已添加 1 个用户")
    assert [r[1] for r in read_passwords(target)[1:]] == ["王五"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(("encoding", "header"), [
    ("gbk", "机关,用户名"), ("utf-8-sig", "机关,用户名"), ("utf-8-sig", "Office, User")])
def test_a_csv_as_excel_or_wps_saves_it(city: Path, tmp_path: Path, encoding: str,
                                       header: str) -> None:
    name = f"{encoding}-{len(header)}-赵六"
    users = tmp_path / "users.csv"
    users.write_bytes(f"{header}\r\npingtan, {name} \r\n".encode(encoding))
    output = tmp_path / "passwords.csv"
    assert ok(nianbao("admin", "add-users", str(users), "-o", str(output), data=city))
    rows = read_passwords(output)
    assert rows[1][:2] == ["pingtan", name]
    assert logs_in(city, rows[1:]) == [True]


def test_bad_rows_are_named_by_line_and_nothing_is_added(city: Path, tmp_path: Path) -> None:
    users = tmp_path / "users.csv"
    users.write_text("机关,用户名\n"
                     "pingtan,孙七\n"
                     "nowhere,周八\n"
                     "pingtan,孙七\n"
                     "pingtan,\n"
                     ",吴九\n"
                     "pingtan,a b\n"
                     "pingtan,孙十\n", encoding="utf-8")
    result = nianbao("admin", "add-users", str(users), data=city)
    assert result.returncode == 1 and result.stdout == ""
    where = f"{users} 第"
    found = result.stderr.splitlines()
    assert found[:4] == [
        f"{where} 3 行：没有机关“nowhere”",
        f"{where} 4 行：用户“孙七”与第 2 行重复",
        f"{where} 5 行：用户名为空",
        f"{where} 6 行：机关为空",
    ], result.stderr
    assert len(found) == 5 and found[4].startswith(f"{where} 7 行：用户名“a b”：请输入合法的用户名")
    assert not (tmp_path / "users-密码.csv").exists()
    # nothing was added: 孙七 and 孙十 are new still
    users.write_text("机关,用户名\npingtan,孙七\npingtan,孙十\n", encoding="utf-8")
    assert ok(nianbao("admin", "add-users", str(users), data=city)).startswith("已添加 2 个用户")
    again = nianbao("admin", "add-users", str(users), "-o", str(tmp_path / "x.csv"), data=city)
    assert again.returncode == 1
    assert again.stderr.splitlines()[0] == f"{where} 2 行：用户“孙七”已存在"
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(("text", "phrase"), [
    ("name,office\npingtan,x\n", "第 1 行应为列名“机关,用户名”（或 office,user）"),
    ("机关,用户名\n", "没有用户"),
])
def test_a_csv_that_is_no_list_of_users(city: Path, tmp_path: Path, text: str,
                                        phrase: str) -> None:
    users = tmp_path / "users.csv"
    users.write_text(text, encoding="utf-8")
    result = nianbao("admin", "add-users", str(users), data=city)
    assert result.returncode == 1 and phrase in result.stderr, result.stderr


# dump and load

@pytest.fixture
def history(report: Report, clerk: User, admin_user: User) -> Report:
    """平潭's report with a second version, an event, a comment and a draft; the clerk's
    password hashed as the workspace hashes it (the tests' fast hasher is theirs only)."""
    hasher = PBKDF2PasswordHasher()
    clerk.password = hasher.encode(PASSWORD, hasher.salt())
    clerk.save(update_fields=["password"])
    payload = store.payload_at(report, 1)
    payload.cells[next(iter(payload.cells))] = "7"
    store.save(report, clerk, payload, 1)
    Event.objects.create(report=report, user=admin_user, what="定稿")
    Comment.objects.create(report=report, version=2, author=admin_user,
                           target=next(iter(payload.cells)), text="请核对")
    Draft.objects.create(report=report, user=clerk, base=2, payload=payload.as_json())
    return report


@pytest.mark.django_db
def test_dump_then_load_then_dump_is_the_same(history: Report, tmp_path: Path) -> None:
    first = tmp_path / "first"
    done = dump.dump(first)
    assert (done.offices, done.reports, done.versions, done.skipped) == (2, 1, 2, [])
    assert stat.S_IMODE((first / "workspace.json").stat().st_mode) == 0o600
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == ["config/offices/jingdezhen-taoci.yaml", "config/offices/pingtan.yaml",
                     "pingtan/pingtan-2021.yaml", "workspace.json"]
    saved = json.loads((first / "workspace.json").read_text(encoding="utf-8"))
    assert all("pbkdf2" in u["password"] or "md5" in u["password"] for u in saved["users"])
    [kept] = saved["reports"]
    assert [v["number"] for v in kept["versions"]] == [1, 2]
    assert kept["comments"][0]["text"] == "请核对" and kept["drafts"][0]["base"] == 2

    data = tmp_path / "data"
    assert ok(nianbao("admin", "load", str(first), data=data)) \
        == "已导入 2 个机关、2 个用户、1 份年报（2 个版本）\n"
    second = tmp_path / "second"
    ok(nianbao("admin", "dump", str(second), data=data))
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    assert logs_in(data, [["pingtan", "pingtan-clerk", PASSWORD]]) == [True]

    again = nianbao("admin", "load", str(first), data=data)
    assert again.returncode == 1
    assert "只能导入到空的工作台" in again.stderr
    refused = nianbao("admin", "dump", str(second), data=data)
    assert refused.returncode == 1 and "文件夹不是空的" in refused.stderr


def test_a_load_with_a_broken_file_adds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "workspace.json").write_text(json.dumps({
        "format": "nianbao-workspace", "version": 1,
        "offices": [{"id": "pingtan"}], "users": [], "reports": []}), encoding="utf-8")
    result = nianbao("admin", "load", str(folder), data=tmp_path / "data")
    assert result.returncode == 1 and "未导入任何内容" in result.stderr, result.stderr
    empty = tmp_path / "empty"
    ok(nianbao("admin", "dump", str(empty), data=tmp_path / "data"))
    assert json.loads((empty / "workspace.json").read_text(encoding="utf-8"))["offices"] == []


CITY = 300


@pytest.mark.django_db
def test_a_dump_of_a_city_renders_as_the_workspace_downloads(
        client: Client, admin_user: User, tmp_path: Path) -> None:
    """300 offices, one report each: the batch of the dump makes the .docx files the
    workspace's download buttons give, byte for byte."""
    started = time.monotonic()
    template = load_payload()
    profile = {f.name: getattr(Office.objects.get(pk="pingtan"), f.name)
               for f in Office._meta.fields if f.name != "id"}
    Office.objects.bulk_create(Office(id=f"office-{i:03}", **{**profile, "name": f"第{i}号机关"})
                               for i in range(CITY))
    first_cell = next(iter(template.cells))
    for office in Office.objects.filter(id__startswith="office-"):
        payload = load_payload()
        payload.cells[first_cell] = str(int(office.id[-3:]) % 97)
        store.create(office, 2021, admin_user, payload, "导入")
    made = time.monotonic()

    folder = tmp_path / "dump"
    done = dump.dump(folder)
    dumped = time.monotonic()
    assert (done.reports, done.skipped) == (CITY, [])
    output = tmp_path / "out"
    ok(nianbao("batch", str(folder), "-o", str(output), "-j", "2", timeout=600))
    batched = time.monotonic()
    print(f"\n{CITY} offices: made {made - started:.1f} s, dump {dumped - made:.1f} s, "
          f"batch {batched - dumped:.1f} s")

    reports = list(Report.objects.order_by("office_id"))
    assert sorted(p.name for p in output.glob("*.docx")) \
        == sorted(f"{r.office_id}-{r.year}.docx" for r in reports)
    client.force_login(admin_user)
    for report in reports[::60]:
        response = client.get(f"/o/{report.office_id}/{report.year}/download.docx")
        assert response.status_code == 200
        assert f'filename="{report.office_id}-{report.year}.docx"' \
            in response["Content-Disposition"]
        expected = output / f"{report.office_id}-{report.year}.docx"
        assert response.content == expected.read_bytes(), report


def load_payload() -> Payload:
    return payload_of(api.load_report(EXAMPLES / "pingtan-2021.yaml"))
