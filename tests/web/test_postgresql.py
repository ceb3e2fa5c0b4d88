"""The workspace on PostgreSQL, the shared server's database: the whole workspace suite
run again with its test database on a PostgreSQL server, and `nianbao serve --database`
started as an administrator starts it. CI starts a private cluster (.ci/postgres) and
names it in NIANBAO_TEST_POSTGRES; there, a missing cluster is a failure, not a skip."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO
from servers import nianbao, put_report, serve

POSTGRES = os.environ.get("NIANBAO_TEST_POSTGRES", "")
WEB = Path(__file__).parent
# the modules that start servers of their own on SQLite data folders: nothing to learn
# from running them again
OWN_SERVERS = ["test_browser.py", "test_serve.py", "test_faults.py", "test_postgresql.py"]


@pytest.fixture
def postgres() -> str:
    if not POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI must give a PostgreSQL server (NIANBAO_TEST_POSTGRES, .ci/postgres)")
        pytest.skip("没有 PostgreSQL 服务器（NIANBAO_TEST_POSTGRES，见 .ci/postgres）")
    return POSTGRES


def test_the_workspace_suite_passes_on_postgresql(postgres: str) -> None:
    ignored = [f"--ignore={WEB / name}" for name in OWN_SERVERS]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(WEB), *ignored], cwd=REPO, capture_output=True, text=True,
                          timeout=1800, env={**os.environ, "NIANBAO_TEST_DATABASE": postgres})
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert " passed" in done.stdout.splitlines()[-1]


@pytest.fixture
def database(postgres: str) -> Iterator[str]:
    """A database of its own on the server, dropped after."""
    import psycopg

    name = f"nianbao_serve_{secrets.token_hex(4)}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    yield postgres.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_serve_runs_on_postgresql(database: str, tmp_path: Path) -> None:
    import psycopg

    where = ["--data", str(tmp_path), "--database", database]
    nianbao("admin", *where, "add-office", str(REPO / "config" / "offices" / "pingtan.yaml"))
    nianbao("admin", *where, "add-user", "clerk", "--office", "pingtan", "--password-stdin",
            stdin="正确的密码-2024\n")
    token = nianbao("admin", *where, "token", "clerk").strip().split()[-1]
    server, url = serve(*where)
    try:
        assert put_report(url, token, "pingtan", 2021, EXAMPLES / "pingtan-2021.yaml") == 201
        get = urllib.request.Request(f"{url}/api/reports/pingtan/2021",
                                     headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(get, timeout=60) as answer:
            assert answer.headers["ETag"] == '"1"'
            assert "office: pingtan" in answer.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
    with psycopg.connect(database) as connection:
        versions = connection.execute("SELECT count(*) FROM workspace_version").fetchone()
        cells = connection.execute("SELECT count(*) FROM workspace_cell").fetchone()
    assert versions == (1,) and cells is not None and cells[0] > 150


def test_workers_started_at_once_migrate_one_after_the_other(database: str,
                                                            tmp_path: Path) -> None:
    """Behind a proxy, several `nianbao serve` of one database start together: each
    applies the migrations under the server's advisory lock, none fails on a table the
    other has just made."""
    starts = [subprocess.Popen([sys.executable, "-m", "nianbao", "admin", "--data",
                                str(tmp_path / f"w{i}"), "--database", database,
                                "add-office", str(REPO / "config" / "offices" / "pingtan.yaml")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
              for i in range(3)]
    for start in starts:
        output = start.communicate(timeout=120)[0].decode()
        assert start.returncode == 0, output
