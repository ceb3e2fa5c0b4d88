"""nianbao as installed: the package carries its forms, standard paragraphs and
templates, and the `nianbao` command works from any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, REPO, tables, texts

import nianbao
from nianbao.resources import config_path, data_root, template_path


def test_data_travels_with_the_package() -> None:
    package = Path(nianbao.__file__).resolve().parent
    if REPO / "src" in package.parents:
        pytest.skip("an editable install reads config/ from the checkout")
    assert data_root() == package / "_data"
    assert config_path("forms", "2021.yaml").is_file()
    assert template_path("2019").is_file()


def test_command_works_from_any_folder(tmp_path: Path) -> None:
    # the script of this interpreter's environment (a venv not activated is not on PATH)
    beside = Path(sys.executable).parent / "nianbao"
    command = str(beside) if beside.is_file() else shutil.which("nianbao")
    if command is None:
        pytest.skip("the console script is not installed")
    out = tmp_path / "seed.docx"
    result = subprocess.run([command, "render", str(EXAMPLES / "jingdezhen-2023.yaml"),
                             "-o", str(out)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert texts(tables(out)[2])[3] == ["0"] * 15


def test_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "nianbao", "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "render" in result.stdout and "check" in result.stdout and "new" in result.stdout


def _quick_start() -> str:
    """The README's first command, as a clerk's IT copies it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert block.startswith("python3 -m venv .venv && "), block
    return block


def _system_python() -> str:
    """Debian's own Python where it refuses global installs (PEP 668), else this one."""
    debian = Path("/usr/bin/python3")
    if debian.is_file() and list(Path("/usr/lib").glob("python3*/EXTERNALLY-MANAGED")):
        return str(debian)
    return sys.executable


def _fresh_checkout(tmp_path: Path) -> Path:
    """The files git tracks, copied as a clean clone would have them."""
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    checkout = tmp_path / "nianbao"
    for name in listed.stdout.splitlines():
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    return checkout


def test_the_readme_quick_start_works_as_written(tmp_path: Path) -> None:
    """On a machine whose pip refuses to install (PEP 668), the README's first command
    still installs nianbao and renders the seed example: it makes its own venv."""
    checkout = _fresh_checkout(tmp_path)
    command = _quick_start().replace("python3 -m venv", f"{_system_python()} -m venv", 1)
    result = subprocess.run(command, shell=True, cwd=checkout, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已生成 jingdezhen-2023.docx" in result.stdout
    assert texts(tables(checkout / "jingdezhen-2023.docx")[2])[3] == ["0"] * 15


def _workspace_command() -> str:
    """The README's command that installs and starts the web workspace."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## 年报工作台", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert block.startswith("python3 -m venv .venv && ") and block.endswith("nianbao serve")
    return block


def test_the_readme_workspace_command_starts_the_workspace(tmp_path: Path) -> None:
    """The README's web command on a fresh checkout: installs nianbao[web], adds the
    office and the user, starts the server; the user can log in and reaches the office."""
    import http.cookiejar
    import os
    import re
    import signal
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    checkout = _fresh_checkout(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    block = _workspace_command()
    password = re.search(r"printf '%s\\n' '([^']+)'", block)
    user = re.search(r"add-user (\S+) ", block)
    assert password and user
    command = block.replace("python3 -m venv", f"{_system_python()} -m venv", 1) + \
        f" --port {port}"
    # the output to a file: a pipe nobody reads fills up and stops the server mid-write
    log = tmp_path / "workspace.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, shell=True, cwd=checkout, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 900
        while True:
            try:
                page = urllib.request.urlopen(f"{url}/login/", timeout=5).read().decode()
                break
            except urllib.error.HTTPError as answer:  # it started, and answers wrongly
                pytest.fail(f"{answer.code}: {log.read_text(errors='replace')[-3000:]}")
            except OSError:
                said = log.read_text(errors="replace")[-3000:]
                assert server.poll() is None, said
                assert time.monotonic() < deadline, f"the workspace did not start: {said}"
                time.sleep(1)
        assert "登录" in page
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{url}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], "username": user[1],
                                       "password": password[1]}).encode()
        answer = opener.open(urllib.request.Request(f"{url}/login/", data=form,
                                                    headers={"Referer": f"{url}/login/"}))
        assert answer.geturl().endswith("/o/pingtan/")
        assert "平潭综合实验区" in answer.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
