"""Starting the workspace as a user starts it, for the tests that need a real server:
`nianbao admin` and `nianbao serve` as processes, a free port on 127.0.0.1, the wait
until the server answers, a report put through the API."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nianbao(*args: str, stdin: str | None = None) -> str:
    """`nianbao …` as a process; its standard output (it must succeed)."""
    done = subprocess.run([sys.executable, "-m", "nianbao", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def serve(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    """`nianbao serve …` on a free port, once it answers: the process and its address."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", *args,
                                "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2)
            return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"nianbao serve did not start: {output}") from None
            time.sleep(0.3)


def put_report(url: str, token: str, office: str, year: int, data: Path) -> int:
    """A new report of an office and year through the API (If-None-Match: *)."""
    request = urllib.request.Request(
        f"{url}/api/reports/{office}/{year}", method="PUT", data=data.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "If-None-Match": "*",
                 "Content-Type": "application/x-yaml"})
    with urllib.request.urlopen(request, timeout=60) as response:
        status: int = response.status
        return status
