"""Upgrades: a database made by the previous release (tests/web/fixtures/, made by
make_workspace_0001.py at migration 0001) is brought to this release's schema as
`nianbao admin` and `nianbao serve` bring it on start, and every office, user, version
and cell is there, unchanged and readable."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES

from nianbao import api
from nianbao.web.payload import payload_of

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import make_workspace_0001 as made  # noqa: E402

CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}

# what a process on the upgraded data folder reads back, through the workspace's code
READ_BACK = """
import json, sys
from nianbao.web import configure
configure(sys.argv[1])
from django.contrib.auth.models import User
from nianbao.web import store
from nianbao.web.models import Office, Report
found = {"offices": {o.id: o.name for o in Office.objects.all()},
         "users": {u.username: [u.check_password(sys.argv[2]), u.is_staff,
                                u.member.office_id] for u in User.objects.all()},
         "reports": {}}
for report in Report.objects.all():
    versions = {}
    for version in report.versions.all():
        payload = store.payload_at(report, version.number)
        model = store.report_model(report, version.number)  # valid, renderable
        versions[version.number] = {"author": version.author.username, "note": version.note,
                                    "cells": payload.cells, "text": payload.text,
                                    "title": model.title}
    found["reports"][f"{report.office_id} {report.year}"] = {
        "version": report.version, "versions": versions,
        "events": list(report.events.values_list("what", flat=True))}
print(json.dumps(found, ensure_ascii=False))
"""


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """The fixture in a data folder, migrated forward by `nianbao admin`."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(FIXTURES / "workspace-0001.sqlite3", data / "nianbao.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "nianbao", "admin", "--data", str(data), "dump",
         str(tmp_path / "dump")], capture_output=True, text=True, timeout=300,
        env={**os.environ, **CHINESE})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("已导出 2 个机关、1 份年报（2 个版本）")
    return data


def test_the_fixture_is_at_the_first_release(tmp_path: Path) -> None:
    with sqlite3.connect(FIXTURES / "workspace-0001.sqlite3") as db:
        applied = [name for (name,) in db.execute(
            "SELECT name FROM django_migrations WHERE app = 'workspace' ORDER BY id")]
    assert applied == ["0001_initial"]


def test_an_upgrade_keeps_every_office_user_version_and_cell(upgraded: Path) -> None:
    with sqlite3.connect(upgraded / "nianbao.sqlite3") as db:
        applied = {name for (name,) in db.execute(
            "SELECT name FROM django_migrations WHERE app = 'workspace'")}
    migrations = Path(__file__).parents[2] / "src" / "nianbao" / "web" / "migrations"
    assert applied == {p.stem for p in migrations.glob("0*.py")}  # all of this release's

    result = subprocess.run([sys.executable, "-c", READ_BACK, str(upgraded), made.PASSWORD],
                            capture_output=True, text=True, timeout=300, check=True)
    found = json.loads(result.stdout)
    assert found["offices"] == {"pingtan": "平潭综合实验区",
                                "jingdezhen-taoci": found["offices"]["jingdezhen-taoci"]}
    assert found["users"] == {"张三": [True, False, "pingtan"],
                              "李四": [True, False, "jingdezhen-taoci"],
                              "政务公开办": [True, True, None]}
    first = payload_of(api.load_report(EXAMPLES / "pingtan-2021.yaml"))
    second = dict(first.cells)
    second[made.changed_cell(first.cells)] = made.CHANGED_TO
    report = found["reports"]["pingtan 2021"]
    assert report["version"] == 2 and report["events"] == ["定稿"]
    one, two = report["versions"]["1"], report["versions"]["2"]
    assert (one["author"], one["note"], two["author"], two["note"]) \
        == ("张三", "第1版", "政务公开办", "第2版")
    assert one["cells"] == first.cells and two["cells"] == second
    assert one["text"] == two["text"] == first.text
    assert one["title"] == first.title
