"""`nianbao serve` as a user starts it: provisioned with `nianbao admin`, a real server
(waitress) on a free port, the login page in Chinese, a real login with its CSRF token
and cookies, then stopped as a service manager stops it (SIGTERM), cleanly."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO

GOOD = "一个足够长的密码-2024"
CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def nianbao(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **CHINESE})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server ended: {server.communicate()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered on port {port} within {seconds} s")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is the answer, to be looked at


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    data = tmp_path / "data"
    office = nianbao("admin", "--data", str(data), "add-office",
                     str(REPO / "config" / "offices" / "pingtan.yaml"))
    assert office.returncode == 0, office.stderr
    user = nianbao("admin", "--data", str(data), "add-user", "张三", "--office", "pingtan",
                   "--password-stdin", stdin=GOOD + "\n")
    assert user.returncode == 0, user.stderr
    yield from _serving(data)


def _serving(data: Path, *options: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`nianbao serve` of the data folder on a free port, until the test ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--data", str(data), "--port", str(port),
         "--threads", "2", *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, **CHINESE})
    try:
        wait_for(port, process)
        yield process, port
    finally:
        workers = _children(process.pid) if process.poll() is None else set()
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
        for worker in filter(_alive, workers):  # they would stop by themselves, later
            os.kill(worker, signal.SIGKILL)


def test_the_server_serves_a_login_and_stops_cleanly(
        server: tuple[subprocess.Popen[str], int]) -> None:
    process, port = server
    base = f"http://127.0.0.1:{port}"
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies),
                                         NoRedirects())
    with opener.open(f"{base}/login/", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Server"] == "waitress"
        assert response.headers["X-Frame-Options"] == "DENY"
        page = response.read().decode("utf-8")
    assert "登录年报工作台" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None and any(c.name == "csrftoken" for c in cookies)

    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": "张三",
                                   "password": GOOD}).encode()
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(urllib.request.Request(f"{base}/login/", data=form), timeout=30)
    assert redirected.value.code == 302 and redirected.value.headers["Location"] == "/"
    assert any(c.name == "sessionid" for c in cookies)
    with pytest.raises(urllib.error.HTTPError) as home:  # a clerk's home: the office
        opener.open(f"{base}/", timeout=30)
    assert home.value.code == 302 and home.value.headers["Location"] == "/o/pingtan/"
    with opener.open(f"{base}/o/pingtan/", timeout=30) as office:
        assert office.status == 200 and "平潭" in office.read().decode("utf-8")

    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.splitlines() == [f"年报工作台已启动：http://127.0.0.1:{port}/（按 Ctrl+C 停止）"]
    assert "Traceback" not in err


def test_ctrl_c_ends_it_cleanly(server: tuple[subprocess.Popen[str], int]) -> None:
    process, _ = server
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err and "KeyboardInterrupt" not in err


def test_a_port_in_use_is_said_so(server: tuple[subprocess.Popen[str], int],
                                  tmp_path: Path) -> None:
    _, port = server
    result = nianbao("serve", "--data", str(tmp_path / "other"), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"端口 {port} 已被其他程序占用；请用 --port 换一个端口"]


# --- several worker processes on one port ------------------------------------------------


def _state(pid: int) -> tuple[str, int] | None:
    """A process's state letter and parent (Linux's /proc), None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    state = _state(pid)
    return state is not None and state[0] != "Z"


def _children(pid: int) -> set[int]:
    """The living processes whose parent is `pid`."""
    found = set()
    for folder in Path("/proc").glob("[0-9]*"):
        state = _state(int(folder.name))
        if state is not None and state[1] == pid and state[0] != "Z":
            found.add(int(folder.name))
    return found


def _until(condition: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"not within {seconds} s")


def _login_page(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30) as response:
        return int(response.status)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    if not Path("/proc/self/stat").exists() or not hasattr(os, "fork"):
        pytest.skip("needs fork and /proc (Linux)")
    yield from _serving(tmp_path / "data", "--workers", "2")


def test_workers_share_one_port_and_one_that_dies_is_started_again(
        workers: tuple[subprocess.Popen[str], int]) -> None:
    process, port = workers
    first = _until(lambda: (found := _children(process.pid)) and len(found) == 2 and found)
    assert all(_login_page(port) == 200 for _ in range(20))
    gone = min(first)
    os.kill(gone, signal.SIGKILL)  # a worker lost (the kernel's OOM killer, say)
    again = _until(lambda: (found := _children(process.pid)) and len(found) == 2
                   and gone not in found and found)
    assert again - first and _login_page(port) == 200
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.splitlines() == [
        f"年报工作台已启动：http://127.0.0.1:{port}/，2 个工作进程（按 Ctrl+C 停止）"]
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in again)


def test_workers_stop_when_the_server_is_killed(
        workers: tuple[subprocess.Popen[str], int]) -> None:
    """SIGKILL leaves nobody to stop the workers: they see it and stop, freeing the
    port for the server started again."""
    process, port = workers
    children = _until(lambda: (found := _children(process.pid)) and len(found) == 2 and found)
    process.kill()
    process.communicate(timeout=30)
    _until(lambda: not any(_alive(pid) for pid in children), seconds=30)
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_ctrl_c_ends_the_workers_cleanly(workers: tuple[subprocess.Popen[str], int]) -> None:
    process, _ = workers
    children = _until(lambda: (found := _children(process.pid)) and len(found) == 2 and found)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in err and "KeyboardInterrupt" not in err
    assert not any(_alive(pid) for pid in children)


def test_the_server_warms_up_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the server does before its port opens: each form's Word template compiled (what
    the first download would wait a second for), and nothing written where the server
    was started."""
    from nianbao.resources import template_path
    from nianbao.spec.form import FORM_VERSIONS
    from nianbao.web.server import _warm
    from nianbao.writing import document

    document._compiled.cache_clear()
    monkeypatch.chdir(tmp_path)
    _warm()
    assert list(tmp_path.iterdir()) == []
    compiled = {document.compiled_template(None, v) for v in FORM_VERSIONS}
    assert document._compiled.cache_info().misses == len(FORM_VERSIONS) == len(compiled)
    assert {c.path for c in compiled} == {template_path(v).resolve() for v in FORM_VERSIONS}
