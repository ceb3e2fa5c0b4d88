"""The workspace under faults, as a real server (`nianbao serve`, a subprocess,
provisioned with `nianbao admin`) meets them:

- killed with SIGKILL in the middle of saves (three writers: two clerks in the editor,
  a program through the API), then restarted on the same data folder: every
  acknowledged save is there with its value, and no version is half-written (each has
  all of its form's typed cells; a report's version is its newest version's number);
- the database briefly unavailable (the SQLite file's folder gone for a moment):
  requests fail with a Chinese 503 (a page, or JSON for the API), then succeed again,
  nothing lost;
- a full disk while a download is made (PDF conversion writes temporary files; TMPDIR
  on a tiny tmpfs that is full): a clear Chinese message, 507.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from editorform import editor_form
from helpers import EXAMPLES, REPO

from nianbao.spec.form import load_form
from nianbao.web.payload import typed_cells

PASSWORD = "正确的密码-2024"
CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
REPORTS = {("pingtan", 2021): "pingtan-2021.yaml",
           ("jingdezhen-taoci", 2023): "jingdezhen-2023.yaml"}
CELL = "t2:rules:issued"  # the cell the clerks change
API_LINE = re.compile(r"(行政许可: \{本年处理决定数量: )(\d+)(\})")  # the cell the program changes
API_CELL = ("t2", "licensing", "decisions")


def _nianbao(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "nianbao", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **CHINESE})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Workspace:
    data: Path
    port: int
    token: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nianbao", "serve", "--data", str(self.data), "--port",
             str(self.port), "--threads", "4"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env={**os.environ, **CHINESE, **self.env})
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/login/", timeout=2)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise AssertionError("the server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """平潭 (a clerk, and the program of an admin token) and 景德镇 (a clerk), each
    with one report put through the API; the server not started yet."""
    data = tmp_path / "data"
    for office in ("pingtan", "jingdezhen-taoci"):
        _nianbao("admin", "--data", str(data), "add-office",
                 str(REPO / "config" / "offices" / f"{office}.yaml"))
    for name, where in [("clerk-p", ["--office", "pingtan"]),
                        ("clerk-j", ["--office", "jingdezhen-taoci"]), ("admin", ["--admin"])]:
        _nianbao("admin", "--data", str(data), "add-user", name, *where, "--password-stdin",
                 stdin=PASSWORD + "\n")
    token = _nianbao("admin", "--data", str(data), "token", "admin").strip().split()[-1]
    space = Workspace(data, _free_port(), token)
    space.start()
    for (office, year), example in REPORTS.items():
        made = httpx.put(f"{space.url}/api/reports/{office}/{year}",
                         content=(EXAMPLES / example).read_bytes(), timeout=60,
                         headers={**_bearer(token), "If-None-Match": "*",
                                  "Content-Type": "application/x-yaml"})
        assert made.status_code == 201, made.text
    try:
        yield space
    finally:
        space.stop()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _logged_in(space: Workspace, name: str) -> httpx.Client:
    client = httpx.Client(base_url=space.url, timeout=30)
    page = client.get("/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    done = client.post("/login/", data={"csrfmiddlewaretoken": token.group(1),
                                        "username": name, "password": PASSWORD})
    assert done.status_code == 302, done.text
    return client


@dataclass(frozen=True)
class Ack:
    """A save the server acknowledged: this version of this report holds this value."""

    office: str
    year: int
    number: int
    cell: tuple[str, str, str]
    value: str


def _clerk_saves(space: Workspace, name: str, office: str, year: int, acks: list[Ack],
                 stop: threading.Event, lock: threading.Lock) -> None:
    """Open the editor, change one cell, save with the version loaded as base; after a
    409 reload and try again. Ends at `stop` or when the server is gone."""
    table, row, column = CELL.split(":")
    try:
        client = _logged_in(space, name)
        value = 100
        while not stop.is_set():
            form = editor_form(client.get(f"/o/{office}/{year}/").text)
            value += 1
            base = int(form["base"])
            saved = client.post(f"/o/{office}/{year}/", data={**form, CELL: str(value)})
            if saved.status_code == 302:
                with lock:
                    acks.append(Ack(office, year, base + 1, (table, row, column), str(value)))
            else:
                assert saved.status_code == 409, saved.text[:500]
    except httpx.TransportError:
        return  # the server was killed


def _program_saves(space: Workspace, acks: list[Ack], stop: threading.Event,
                   lock: threading.Lock) -> None:
    """The API's GET, one value changed, PUT with If-Match; a 409 fetches again."""
    url = f"{space.url}/api/reports/pingtan/2021"
    value = 5000
    try:
        with httpx.Client(headers=_bearer(space.token), timeout=30) as client:
            while not stop.is_set():
                got = client.get(url)
                assert got.status_code == 200, got.text
                value += 1
                body = API_LINE.sub(rf"\g<1>{value}\g<3>", got.text)
                put = client.put(url, content=body.encode("utf-8"),
                                 headers={"If-Match": got.headers["ETag"],
                                          "Content-Type": "application/x-yaml"})
                if put.status_code == 200:
                    with lock:
                        acks.append(Ack("pingtan", 2021, put.json()["version"], API_CELL,
                                        str(value)))
                else:
                    assert put.status_code == 409, put.text
    except httpx.TransportError:
        return


def _database(space: Workspace) -> sqlite3.Connection:
    return sqlite3.connect(space.data / "nianbao.sqlite3")


def test_acknowledged_saves_survive_a_sigkill_and_no_report_is_half_written(
        workspace: Workspace) -> None:
    acks: list[Ack] = []
    stop, lock = threading.Event(), threading.Lock()
    writers = [threading.Thread(target=_clerk_saves, args=(workspace, "clerk-p", "pingtan",
                                                           2021, acks, stop, lock)),
               threading.Thread(target=_clerk_saves, args=(workspace, "clerk-j",
                                                           "jingdezhen-taoci", 2023, acks,
                                                           stop, lock)),
               threading.Thread(target=_program_saves, args=(workspace, acks, stop, lock))]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 90

    def under_way() -> bool:
        """Saves acknowledged, some of every writer's (the clerk of 平潭 races the
        program on one report, and may lose a few rounds to its 409s first)."""
        with lock:
            return len(acks) >= 15 and len({(a.office, a.cell) for a in acks}) == 3

    while not under_way() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workspace.process is not None
    workspace.process.send_signal(signal.SIGKILL)  # in the middle of the saves
    workspace.process.wait(timeout=30)
    stop.set()
    for writer in writers:
        writer.join(timeout=60)
    with lock:
        acknowledged = list(acks)
    assert len(acknowledged) >= 15
    assert {(a.office, a.cell) for a in acknowledged} == {
        ("pingtan", ("t2", "rules", "issued")), ("jingdezhen-taoci", ("t2", "rules", "issued")),
        ("pingtan", API_CELL)}, "every writer had saves acknowledged"

    workspace.start()  # on the same data folder
    assert httpx.get(f"{workspace.url}/login/", timeout=30).status_code == 200
    with _database(workspace) as db:
        for ack in acknowledged:
            found = db.execute(
                "SELECT c.text FROM workspace_cell c JOIN workspace_version v ON"
                " c.version_id = v.id JOIN workspace_report r ON v.report_id = r.id"
                " WHERE r.office_id = ? AND"
                " r.year = ? AND v.number = ? AND c.\"table\" = ? AND c.row = ? AND"
                " c.\"column\" = ?", (ack.office, ack.year, ack.number, *ack.cell)).fetchall()
            assert found == [(ack.value,)], ack
        typed = {form: len(typed_cells(load_form(form))) for form in ("2019", "2021")}
        versions = db.execute(
            "SELECT v.id, v.form, (SELECT count(*) FROM workspace_cell c WHERE c.version_id"
            " = v.id) FROM workspace_version v").fetchall()
        assert len(versions) >= len(acknowledged) + len(REPORTS)
        for version_id, form, cells in versions:
            assert cells == typed[form], f"version {version_id}: {cells} cells of {typed[form]}"
        paragraphs = db.execute(
            "SELECT count(*) FROM workspace_version v WHERE NOT EXISTS (SELECT 1 FROM"
            " workspace_paragraph p WHERE p.version_id = v.id)").fetchone()
        assert paragraphs == (0,), "every version has its prose"
        reports = db.execute(
            "SELECT r.office_id, r.year, r.version, max(v.number), count(v.id) FROM"
            " workspace_report r JOIN workspace_version v ON v.report_id = r.id"
            " GROUP BY r.id").fetchall()
    for office, year, current, newest, count in reports:
        assert current == newest == count, (office, year, current, newest, count)
        got = httpx.get(f"{workspace.url}/api/reports/{office}/{year}", timeout=30,
                        headers=_bearer(workspace.token))
        assert got.status_code == 200 and got.headers["ETag"] == f'"{current}"'
    # and the workspace takes saves again, on from the newest version
    client = _logged_in(workspace, "clerk-p")
    form = editor_form(client.get("/o/pingtan/2021/").text)
    assert client.post("/o/pingtan/2021/", data={**form, CELL: "7"}).status_code == 302
    assert "已保存第" in client.get("/o/pingtan/2021/").text


def test_the_database_briefly_unavailable_is_said_in_chinese_and_nothing_is_lost(
        workspace: Workspace) -> None:
    client = _logged_in(workspace, "clerk-p")
    form = editor_form(client.get("/o/pingtan/2021/").text)
    assert form["base"] == "1"
    away = workspace.data.with_name("data-away")
    workspace.data.rename(away)  # the database's folder gone (a mount dropped) ...
    try:
        refused = client.post("/o/pingtan/2021/", data={**form, CELL: "9"})
        page = client.get("/o/pingtan/2021/")
        api = httpx.get(f"{workspace.url}/api/reports/pingtan/2021", timeout=30,
                        headers=_bearer(workspace.token))
    finally:
        away.rename(workspace.data)  # ... and back
    assert refused.status_code == 503
    assert "数据库暂时无法使用" in refused.text and "请稍后再试" in refused.text
    assert refused.headers["Retry-After"] == "5"
    assert refused.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "<script" not in refused.text and "style=" not in refused.text
    assert page.status_code == 503 and "数据库暂时无法使用" in page.text
    assert api.status_code == 503 and "数据库暂时无法使用" in api.json()["error"]

    saved = client.post("/o/pingtan/2021/", data={**form, CELL: "9"})  # tried again
    assert saved.status_code == 302
    assert "已保存第2版" in client.get("/o/pingtan/2021/").text
    with _database(workspace) as db:
        assert db.execute("SELECT count(*) FROM workspace_version").fetchone() == (3,)


def _tiny_tmpfs(folder: Path) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not Path("/usr/bin/soffice").exists() and not Path(
    "/usr/bin/libreoffice").exists(), reason="需要 LibreOffice（PDF 下载才写临时文件）")
def test_a_full_disk_when_a_pdf_is_made_is_a_clear_message(workspace: Workspace,
                                                           tmp_path: Path) -> None:
    tiny = tmp_path / "tiny"
    if not _tiny_tmpfs(tiny):
        pytest.skip("cannot mount a tmpfs here (not root); the in-process test covers it")
    try:
        filler = os.open(tiny / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:  # the disk full
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            # two pages left: Python's probe of TMPDIR passes (a full one it would skip
            # for /tmp), the .docx written before LibreOffice runs does not fit
            os.ftruncate(filler, max(os.fstat(filler).st_size - 8192, 0))
            os.close(filler)
        workspace.stop()
        workspace.env = {"TMPDIR": str(tiny)}
        workspace.start()
        client = _logged_in(workspace, "clerk-p")
        full = client.get("/o/pingtan/2021/download.pdf")
        assert full.status_code == 507, full.text[-1500:]
        assert "服务器磁盘已满" in full.text and "政务公开办" in full.text
        docx = client.get("/o/pingtan/2021/download.docx")  # made in memory: still served
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
    finally:
        workspace.stop()
        subprocess.run(["umount", str(tiny)], check=False)


def test_a_full_disk_and_a_lost_database_in_process(clerk_client: Any, report: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The middleware itself, where no tmpfs can be mounted: the writer of the PDF's
    temporary folder out of space, and a database error raised in a view."""
    import tempfile

    from django.db import OperationalError

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", full)
    monkeypatch.setattr("nianbao.writing.pdf.find_soffice", lambda: "/usr/bin/soffice")
    answer = clerk_client.get("/o/pingtan/2021/download.pdf")
    assert answer.status_code == 507
    assert "服务器磁盘已满" in answer.content.decode()

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("nianbao.web.scope.report_for", down)
    answer = clerk_client.get("/o/pingtan/2021/")
    assert answer.status_code == 503 and "数据库暂时无法使用" in answer.content.decode()
