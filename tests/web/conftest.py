"""Fixtures of the workspace's tests: two offices with a clerk each, the compiling
body's admin, and the 2021 report of 平潭 as its first version (Django's test database,
through pytest-django)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from helpers import EXAMPLES, REPO

from nianbao import api
from nianbao.datafile.profiles import load_office

PASSWORD = "正确的密码-2024"
# a postgresql:// URL: the suite's database is a test database on that server instead of
# SQLite (tests/web/test_postgresql.py runs the whole suite so); a server a test starts
# as a process keeps its own SQLite data folder
TEST_DATABASE = "NIANBAO_TEST_DATABASE"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    url = os.environ.get(TEST_DATABASE)
    if url:
        from django.conf import settings
        from django.db import connections

        from nianbao.web.settings import database_settings

        settings.DATABASES["default"] = database_settings(url)
        connections.__dict__.pop("settings", None)  # read again, with Django's defaults
        connections.close_all()
        if hasattr(connections._connections, "default"):  # made on SQLite already
            del connections["default"]


@pytest.fixture
def offices(db: Any) -> dict[str, Any]:
    from nianbao.web.models import Office

    found = {}
    for name in ("pingtan", "jingdezhen-taoci"):
        profile = load_office(REPO / "config" / "offices" / f"{name}.yaml")
        found[name] = Office.objects.create(id=name, **Office.fields_of(profile))
    return found


def _user(name: str, office: Any = None, *, admin: bool = False) -> User:
    from nianbao.web.models import Member

    user = User.objects.create_user(name, password=PASSWORD, is_staff=admin)
    Member.objects.create(user=user, office=office)
    return user


@pytest.fixture
def clerk(offices: dict[str, Any]) -> User:
    """平潭's clerk."""
    return _user("pingtan-clerk", offices["pingtan"])


@pytest.fixture
def other_clerk(offices: dict[str, Any]) -> User:
    """景德镇's clerk: must never see 平潭's reports."""
    return _user("jingdezhen-clerk", offices["jingdezhen-taoci"])


@pytest.fixture
def admin_user(offices: dict[str, Any]) -> User:
    """The compiling body's: sees every office."""
    return _user("compiler", admin=True)


@pytest.fixture
def report(clerk: User, offices: dict[str, Any]) -> Any:
    """平潭's 2021 report, as examples/pingtan-2021.yaml has it, version 1."""
    from nianbao.web import store
    from nianbao.web.payload import payload_of

    loaded = api.load_report(EXAMPLES / "pingtan-2021.yaml")
    return store.create(offices["pingtan"], 2021, clerk, payload_of(loaded), "导入")


@pytest.fixture
def clerk_client(client: Client, clerk: User) -> Client:
    client.force_login(clerk)
    return client


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """A fast hasher for the accounts the tests make (the workspace itself uses Django's
    PBKDF2 at full strength; a server a test starts as a process does too)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_data(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A data folder of the test's own (cached PDFs, LibreOffice's profiles), never the
    checkout's ./nianbao-data."""
    settings.DATA = tmp_path_factory.mktemp("data")
