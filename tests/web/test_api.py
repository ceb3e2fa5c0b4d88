"""The HTTP API against the command line: the same .docx as `nianbao render`, the same
JSON as `nianbao check --format json`, the same problem lines; tokens only (a session
cookie is not enough), the pages' scope (404 outside it), no lost update (If-Match)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from helpers import EXAMPLES, REPO
from hostile import _zip_bomb

from nianbao.cli import main
from nianbao.web.apiauth import digest

YAML = "application/x-yaml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
URL = "/api/reports/pingtan/2021"
EXAMPLE = (EXAMPLES / "pingtan-2021.yaml").read_text(encoding="utf-8")
TOKENS = {"pingtan-clerk": "token-of-pingtan-clerk-0123456789",
          "jingdezhen-clerk": "token-of-jingdezhen-clerk-0123456789",
          "compiler": "token-of-the-compiling-body-0123456789"}


def _token(user: User) -> dict[str, str]:
    from nianbao.web.models import ApiToken

    token = TOKENS[user.username]
    ApiToken.objects.get_or_create(user=user, digest=digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def clerk_auth(clerk: User) -> dict[str, str]:
    return _token(clerk)


@pytest.fixture
def other_auth(other_clerk: User) -> dict[str, str]:
    return _token(other_clerk)


def _cli(folder: Path, *args: str) -> Any:
    """`nianbao …` run in a folder holding config/offices/ as the repository has it."""
    offices = folder / "config" / "offices"
    if not offices.exists():
        shutil.copytree(REPO / "config" / "offices", offices)
    here = Path.cwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(here)


def _put(client: Client, auth: dict[str, str], body: str, url: str = URL,
         **headers: str) -> Any:
    return client.put(url, body.encode("utf-8"), content_type=YAML, **auth, **headers)


# --- authentication ----------------------------------------------------------------------

def test_no_token_no_answer(client: Client, report: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 401
    assert "令牌" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_refused(client: Client, report: Any, clerk_auth: Any) -> None:
    for header in ("Bearer not-the-token", "Basic cGluZ3RhbjpwYXNz", "Bearer", "Token x"):
        response = client.get(URL, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert "invalid_token" in response["WWW-Authenticate"] or header == "Bearer"


def test_a_session_cookie_is_not_enough(client: Client, clerk: User, report: Any) -> None:
    """Logged in to the workspace in this browser: the API still wants a token (and so
    a forged cross-site request gets nowhere, without any CSRF token)."""
    client.force_login(clerk)
    assert client.get(URL).status_code == 401
    assert client.post("/api/render", EXAMPLE, content_type=YAML).status_code == 401
    assert _put(client, {}, EXAMPLE, HTTP_IF_MATCH='"1"').status_code == 401


def test_token_scheme_and_inactive_users(client: Client, clerk: User, report: Any) -> None:
    auth = _token(clerk)
    token = auth["HTTP_AUTHORIZATION"].split()[1]
    assert client.get(URL, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    clerk.is_active = False
    clerk.save()
    assert client.get(URL, **auth).status_code == 401


def test_a_csrf_enforcing_client_may_call_it(report: Any, clerk_auth: Any) -> None:
    """Token requests need no CSRF token: no cookie carries them."""
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/api/render", EXAMPLE, content_type=YAML, **clerk_auth).status_code \
        == 200


# --- GET and PUT of a report ---------------------------------------------------------------

def test_get_gives_the_data_file_with_an_etag(client: Client, report: Any,
                                              clerk_auth: Any, tmp_path: Path) -> None:
    from nianbao import api

    response = client.get(URL, **clerk_auth)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-yaml; charset=utf-8"
    assert response["ETag"] == '"1"'
    text = response.content.decode("utf-8")
    assert text == api.dump_report(api.load_report(EXAMPLES / "pingtan-2021.yaml"))
    assert client.get(URL, HTTP_IF_NONE_MATCH='"1"', **clerk_auth).status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"0", W/"1"', **clerk_auth).status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"7"', **clerk_auth).status_code == 200


def test_put_makes_a_version_and_a_stale_put_is_refused(
        client: Client, report: Any, clerk_auth: Any, admin_user: User) -> None:
    edited = EXAMPLE.replace("行政强制: {本年处理决定数量: 42}", "行政强制: {本年处理决定数量: 43}")
    response = _put(client, clerk_auth, edited, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    assert client.get(URL, **clerk_auth)["ETag"] == '"2"'
    assert "43" in client.get(URL, **clerk_auth).content.decode()
    report.refresh_from_db()
    assert report.version == 2
    assert report.versions.get(number=2).note == "接口上传"

    # the compiling body's admin, still on version 1: refused, told what changed
    stale = _put(client, _token(admin_user), EXAMPLE, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"] == 2
    assert any("行政强制" in line and "42 → 43" in line for line in body["changes"])
    assert "error" in body
    report.refresh_from_db()
    assert report.version == 2


def test_put_wants_if_match(client: Client, report: Any, clerk_auth: Any) -> None:
    response = _put(client, clerk_auth, EXAMPLE)
    assert response.status_code == 428
    assert "If-Match" in response.json()["error"]
    assert _put(client, clerk_auth, EXAMPLE, HTTP_IF_MATCH="*").status_code == 428


def test_bad_data_lists_what_the_cli_prints(client: Client, report: Any, clerk_auth: Any,
                                            tmp_path: Path) -> None:
    bad = EXAMPLE.replace("行政处罚: {本年处理决定数量: 1282}", "行政处罚: {本年处理决定数量: -5}")
    (tmp_path / "data.yaml").write_text(bad, encoding="utf-8")
    cli = _cli(tmp_path, "render", "data.yaml", "-o", "data.docx")
    assert cli.exit_code == 1
    printed = cli.stderr.splitlines()
    assert printed and all(line.startswith("data.yaml:") for line in printed)

    response = _put(client, clerk_auth, bad, HTTP_IF_MATCH='"1"')
    assert response.status_code == 422
    body = response.json()
    assert body["lines"] == printed
    assert any(p["label"] and p["line"] and p["message"] for p in body["problems"])
    report.refresh_from_db()
    assert report.version == 1

    rendered = client.post("/api/render", bad, content_type=YAML, **clerk_auth)
    assert rendered.status_code == 422
    assert rendered.json()["lines"] == printed


def test_outside_the_scope_is_not_found(client: Client, report: Any, other_auth: Any) -> None:
    """景德镇's clerk learns nothing of 平潭's reports, and changes none."""
    assert client.get(URL, **other_auth).status_code == 404
    assert _put(client, other_auth, EXAMPLE, HTTP_IF_MATCH='"1"').status_code == 404
    assert _put(client, other_auth, EXAMPLE.replace("year: 2021", "year: 2022"),
                "/api/reports/pingtan/2022", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get("/api/reports/nowhere/2021", **other_auth).status_code == 404
    report.refresh_from_db()
    assert report.version == 1


def test_the_data_file_must_be_of_the_address(client: Client, report: Any, clerk_auth: Any,
                                              offices: Any) -> None:
    other = _put(client, clerk_auth, EXAMPLE.replace("office: pingtan", "office: jingdezhen-taoci"),
                 HTTP_IF_MATCH='"1"')
    assert other.status_code == 422
    [problem] = other.json()["problems"]
    assert problem["label"].startswith("office") and "jingdezhen-taoci" in problem["message"]
    assert problem["line"] == 7

    year = _put(client, clerk_auth, EXAMPLE.replace("year: 2021", "year: 2022"),
                HTTP_IF_MATCH='"1"')
    assert year.status_code == 422
    [problem] = year.json()["problems"]
    assert problem["label"].startswith("year") and "2022" in problem["message"]
    report.refresh_from_db()
    assert report.version == 1


def test_put_if_none_match_star_creates(client: Client, report: Any, clerk_auth: Any) -> None:
    body = EXAMPLE.replace("year: 2021", "year: 2022").replace("date: 2022-01-28",
                                                                "date: 2023-01-20")
    url = "/api/reports/pingtan/2022"
    assert _put(client, clerk_auth, body, url, HTTP_IF_MATCH='"1"').status_code == 404
    assert client.get(url, **clerk_auth).status_code == 404
    made = _put(client, clerk_auth, body, url, HTTP_IF_NONE_MATCH="*")
    assert made.status_code == 201, made.content
    assert made.json()["version"] == 1 and made["ETag"] == '"1"'
    assert client.get(url, **clerk_auth).status_code == 200
    assert _put(client, clerk_auth, body, url, HTTP_IF_NONE_MATCH="*").status_code == 412


# --- POST /api/render and /api/check -------------------------------------------------------

def test_render_is_the_cli_render(client: Client, report: Any, clerk_auth: Any,
                                  tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text(EXAMPLE, encoding="utf-8")
    cli = _cli(tmp_path, "render", "data.yaml", "-o", "data.docx")
    assert cli.exit_code == 0, cli.output

    response = client.post("/api/render", EXAMPLE.encode("utf-8"), content_type=YAML,
                           **clerk_auth)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    assert response.content == (tmp_path / "data.docx").read_bytes()


def test_render_wants_an_office_in_scope(client: Client, offices: Any, clerk_auth: Any,
                                         other_auth: Any) -> None:
    response = client.post("/api/render", EXAMPLE, content_type=YAML, **other_auth)
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["label"].startswith("office") and "pingtan" in problem["message"]
    for ref in ("nowhere", "../../../etc/passwd.yaml", "/etc/hosts.yaml",
                "{name: 平潭综合实验区管委会}"):
        body = EXAMPLE.replace("office: pingtan", f"office: {ref}")
        response = client.post("/api/render", body, content_type=YAML, **clerk_auth)
        assert response.status_code == 422, ref
        assert response.json()["problems"][0]["label"].startswith("office"), ref


def test_render_wants_a_data_file(client: Client, offices: Any, clerk_auth: Any) -> None:
    response = client.post("/api/render", {"data": EXAMPLE}, **clerk_auth)  # a form
    assert response.status_code == 415
    assert client.post("/api/render", EXAMPLE, content_type="text/yaml; charset=gbk",
                       **clerk_auth).status_code == 415
    assert client.get("/api/render", **clerk_auth).status_code == 405
    broken = client.post("/api/render", "office: [", content_type=YAML, **clerk_auth)
    assert broken.status_code == 422
    assert "YAML" in broken.json()["lines"][0]


def test_check_is_the_cli_check(client: Client, offices: Any, clerk_auth: Any,
                                tmp_path: Path) -> None:
    (tmp_path / "pingtan-2021.yaml").write_text(EXAMPLE, encoding="utf-8")
    rendered = _cli(tmp_path, "render", "pingtan-2021.yaml", "-o", "pingtan-2021.docx")
    assert rendered.exit_code == 0
    for name in ("pingtan-2021.docx", "pingtan-2021.yaml"):
        cli = _cli(tmp_path, "check", name, "--format", "json")
        expected = json.loads(cli.stdout)
        response = client.post(f"/api/check?name={name}", (tmp_path / name).read_bytes(),
                               content_type="application/octet-stream", **clerk_auth)
        assert response.status_code == 200, name
        assert response.json() == expected, name


def test_check_wants_a_file_name(client: Client, offices: Any, clerk_auth: Any) -> None:
    assert client.post("/api/check", b"x", content_type="application/octet-stream",
                       **clerk_auth).status_code == 415
    assert client.post("/api/check?name=report.exe", b"x",
                       content_type="application/octet-stream", **clerk_auth).status_code == 415
    response = client.post("/api/check", b"not a report\n", content_type="text/plain",
                           HTTP_X_FILENAME="report.txt", **clerk_auth)
    assert response.status_code == 422
    assert response.json()["file"] == "report.txt" and response.json()["unusable"]


def test_too_big_is_refused(client: Client, report: Any, clerk_auth: Any) -> None:
    from nianbao.web.views.api import MAX_BODY

    big = b"#" * (MAX_BODY + 1)
    assert client.post("/api/render", big, content_type=YAML, **clerk_auth).status_code == 413
    assert client.post("/api/check?name=big.docx", big, content_type="application/octet-stream",
                       **clerk_auth).status_code == 413
    assert client.put(URL, big, content_type=YAML, HTTP_IF_MATCH='"1"',
                      **clerk_auth).status_code == 413


def test_a_zip_bomb_is_unusable_and_the_server_answers(client: Client, report: Any,
                                                       clerk_auth: Any) -> None:
    response = client.post("/api/check?name=bomb.docx", _zip_bomb(),
                           content_type="application/octet-stream", **clerk_auth)
    assert response.status_code == 422
    assert "已拒绝读取" in response.json()["unusable"]
    assert client.get(URL, **clerk_auth).status_code == 200


def test_temporary_files_are_removed(client: Client, report: Any, clerk_auth: Any,
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    bad = EXAMPLE.replace("行政处罚: {本年处理决定数量: 1282}", "行政处罚: {本年处理决定数量: -5}")
    for body, status in ((EXAMPLE, 200), (bad, 422), ("#" * (6 * 1024 * 1024), 413)):
        assert client.post("/api/render", body, content_type=YAML,
                           **clerk_auth).status_code == status
        assert client.post("/api/check?name=x.yaml", body, content_type=YAML,
                           **clerk_auth).status_code in (200, 413)
    assert _put(client, clerk_auth, bad, HTTP_IF_MATCH='"1"').status_code == 422
    assert list(temporary.iterdir()) == []


def test_the_admin_sees_every_office_and_head_works(client: Client, report: Any,
                                                    admin_user: User) -> None:
    auth = _token(admin_user)
    response = client.head(URL, **auth)
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert client.get(URL, **auth).status_code == 200


def test_a_version_with_data_problems_is_422(client: Client, report: Any, clerk: User,
                                             clerk_auth: Any) -> None:
    """The editor saves whatever was typed (findings never block a save): such a
    version is no data file, and GET says why."""
    from nianbao.web import store

    payload = store.payload_at(report, 1)
    cell = next(c for c in payload.cells if c.startswith("t3:"))
    payload.cells[cell] = "-5"
    store.save(report, clerk, payload, 1)
    response = client.get(URL, **clerk_auth)
    assert response.status_code == 422
    assert response.json()["problems"] and response.json()["lines"]


def test_a_token_nianbao_admin_made(client: Client, report: Any, clerk: User) -> None:
    from nianbao.web.provision import new_token

    token = new_token(clerk.username)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
