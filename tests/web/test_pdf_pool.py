"""PDF downloads through the pool of LibreOffice workers: the first download is a page
that says the PDF is being made and how many are before it, reloading itself, until the
PDF is there; the same version asked twice is made once; another office's clerk finds
nothing; a failed conversion says why; a PDF another server process claims is not made
again here, unless that process is gone; never more than N conversions at once."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from helpers import EXAMPLES

from nianbao import api
from nianbao.web import pdfqueue, store
from nianbao.web.payload import payload_of

URL = "/o/pingtan/2021/download.pdf"
OTHER_URL = "/o/jingdezhen-taoci/2023/download.pdf"
needs_libreoffice = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
    reason="需要 LibreOffice 和 pdftotext")


@pytest.fixture
def data(settings: Any, tmp_path: Path) -> Path:
    settings.DATA = tmp_path / "data"
    return settings.DATA  # type: ignore[no-any-return]


def _pool(workers: int) -> Iterator[pdfqueue.Pool]:
    made = pdfqueue.Pool(workers)
    before = pdfqueue.replace(made)
    try:
        yield made
    finally:
        made.close()
        pdfqueue.replace(before)


@pytest.fixture
def pool(data: Path) -> Iterator[pdfqueue.Pool]:
    """Two workers, in a data folder of the test's own."""
    yield from _pool(2)


@pytest.fixture
def one_worker(data: Path) -> Iterator[pdfqueue.Pool]:
    yield from _pool(1)


class FakeLibreOffice:
    """The converter, counted: which reports, how many runs at once at most, in which
    profiles; `gate` holds every run until it is set."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()
        self.calls: list[str] = []
        self.profiles: list[Path] = []
        self.now = self.most = 0

    def __call__(self, documents: list[Path], profile: Path) -> list[bytes | Exception]:
        with self.lock:
            self.calls.extend(document.name for document in documents)
            self.profiles.append(profile)
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            assert self.gate.wait(30)
            return [self.fail or b"%PDF-1.7 fake of " + d.read_bytes()[:2] + b"\n%%EOF"
                    for d in documents]
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeLibreOffice:
    made = FakeLibreOffice()
    monkeypatch.setattr(pdfqueue, "convert", made)
    monkeypatch.setattr("nianbao.writing.pdf.find_soffice", lambda: "/usr/bin/soffice")
    return made


def _until_done(client: Client, url: str = URL, seconds: float = 120) -> Any:
    """Follow the waiting page as a browser does (its refresh, sooner) until the answer."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(url)
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def _target(report: Any) -> pdfqueue.Target:
    from nianbao.web.views.pages import _pdf_target

    return _pdf_target(report, store.report_model(report))


@needs_libreoffice
def test_the_first_download_waits_on_a_page_then_the_pdf_comes(clerk_client: Client,
                                                               report: Any,
                                                               pool: pdfqueue.Pool) -> None:
    waiting = clerk_client.get(URL)
    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "2"
    page = waiting.content.decode()
    assert "正在生成 PDF……前面还有 0 份" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert f'href="{URL}"' in page and "点此再试" in page
    assert "<script" not in page  # the site's CSP allows no inline script
    done = _until_done(clerk_client)
    assert done.status_code == 200, done.content.decode()[:2000]
    assert done["Content-Type"] == "application/pdf"
    assert done["Content-Disposition"] == ('attachment; filename="pingtan-2021.pdf"; '
                                           "filename*=UTF-8''pingtan-2021.pdf")
    assert done.content.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=done.content, capture_output=True,
                          check=True).stdout.decode()
    assert "平潭综合实验区" in text
    again = clerk_client.get(URL)  # made once: from now on at once
    assert again.status_code == 200 and again.content == done.content


def test_the_same_version_asked_twice_is_made_once(clerk_client: Client, clerk: User,
                                                   report: Any, pool: pdfqueue.Pool,
                                                   fake: FakeLibreOffice) -> None:
    fake.gate.clear()
    first = clerk_client.get(URL)
    client = Client()
    client.force_login(clerk)  # the same clerk in another browser
    second = client.get(URL)
    assert first.status_code == second.status_code == 202
    assert "前面还有 0 份" in second.content.decode()
    fake.gate.set()
    assert _until_done(clerk_client).status_code == 200
    assert _until_done(client).status_code == 200
    assert len(fake.calls) == 1


def test_a_new_version_is_a_new_pdf(clerk_client: Client, clerk: User, report: Any,
                                    pool: pdfqueue.Pool, fake: FakeLibreOffice) -> None:
    first = _until_done(clerk_client)
    payload = store.payload_at(report, 1)
    payload.cells["t2:rules:issued"] = "99"
    store.save(report, clerk, payload, 1)
    assert clerk_client.get(URL).status_code == 202  # not version 1's PDF
    assert _until_done(clerk_client).status_code == 200
    assert first.status_code == 200 and len(fake.calls) == 2


@pytest.fixture
def other_report(other_clerk: User, offices: dict[str, Any]) -> Any:
    loaded = api.load_report(EXAMPLES / "jingdezhen-2023.yaml")
    return store.create(offices["jingdezhen-taoci"], 2023, other_clerk, payload_of(loaded),
                        "导入")


def test_another_offices_clerk_never_gets_the_pdf(clerk_client: Client, other_clerk: User,
                                                  report: Any, other_report: Any,
                                                  one_worker: pdfqueue.Pool,
                                                  fake: FakeLibreOffice) -> None:
    client = Client()
    client.force_login(other_clerk)
    fake.gate.clear()
    assert client.get(OTHER_URL).status_code == 202  # 景德镇's, first in the queue
    mine = clerk_client.get(URL)
    assert mine.status_code == 202
    assert "正在生成 PDF……前面还有 1 份" in mine.content.decode()
    assert client.get(URL).status_code == 404  # 平潭's URL: "not found", not queued
    fake.gate.set()
    made = _until_done(clerk_client)
    assert made.status_code == 200 and made.content.startswith(b"%PDF")
    found = client.get(URL)
    assert found.status_code == 404 and "没有" in found.content.decode()
    assert made.content not in found.content
    theirs = _until_done(client, OTHER_URL)
    assert theirs.status_code == 200
    assert theirs["Content-Disposition"].startswith('attachment; filename="jingdezhen-taoci-2023')
    assert len(fake.calls) == 2


def test_a_failed_conversion_says_why_and_the_next_download_tries_again(
        clerk_client: Client, report: Any, pool: pdfqueue.Pool, fake: FakeLibreOffice) -> None:
    fake.fail = pdfqueue.PdfFailed("LibreOffice 在 110 秒内未完成转换，已中止")
    assert clerk_client.get(URL).status_code == 202
    failed = _until_done(clerk_client)
    assert failed.status_code == 422
    page = failed.content.decode()
    assert "无法生成 PDF" in page
    assert "PDF 生成失败：LibreOffice 在 110 秒内未完成转换，已中止" in page
    assert "refresh" not in page
    fake.fail = None
    assert clerk_client.get(URL).status_code == 202  # tried again
    assert _until_done(clerk_client).status_code == 200
    assert len(fake.calls) == 2


def test_a_full_disk_while_the_pdf_is_made_is_the_disk_full_page(
        clerk_client: Client, report: Any, pool: pdfqueue.Pool, fake: FakeLibreOffice) -> None:
    fake.fail = OSError(errno.ENOSPC, "No space left on device")
    assert clerk_client.get(URL).status_code == 202
    full = _until_done(clerk_client)
    assert full.status_code == 507
    assert "服务器磁盘已满" in full.content.decode() and "政务公开办" in full.content.decode()


def _claim_of(pid: int, target: pdfqueue.Target, token: str = "another-process") -> None:
    target.claim.parent.mkdir(parents=True, exist_ok=True)
    target.claim.write_text(f"{pid} {token}", encoding="ascii")


def test_a_pdf_another_server_process_makes_is_not_made_again(
        clerk_client: Client, report: Any, pool: pdfqueue.Pool, fake: FakeLibreOffice) -> None:
    target = _target(report)
    _claim_of(os.getppid(), target)  # a live process, not this one
    for _ in range(3):
        waiting = clerk_client.get(URL)
        assert waiting.status_code == 202
        assert "正在生成 PDF……" in waiting.content.decode()
        time.sleep(0.2)
    assert fake.calls == []
    target.pdf.write_bytes(b"%PDF-1.7 made by the other process\n%%EOF")  # it is done
    target.claim.unlink()
    done = clerk_client.get(URL)
    assert done.status_code == 200 and b"the other process" in done.content


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


@pytest.mark.parametrize("holder", [
    pytest.param(lambda: (_dead_pid(), "another-process"), id="its process is gone"),
    pytest.param(lambda: (os.getpid(), "before-a-restart"), id="this pid in an earlier life")])
def test_a_stale_claim_is_taken_over(clerk_client: Client, report: Any, pool: pdfqueue.Pool,
                                     fake: FakeLibreOffice,
                                     holder: Callable[[], tuple[int, str]]) -> None:
    target = _target(report)
    pid, token = holder()
    _claim_of(pid, target, token)
    assert clerk_client.get(URL).status_code == 202
    assert _until_done(clerk_client).status_code == 200
    assert len(fake.calls) == 1
    deadline = time.monotonic() + 10  # given up once the PDF is in place
    while target.claim.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not target.claim.exists()


def test_the_pool_never_runs_more_than_its_workers_at_once(data: Path, pool: pdfqueue.Pool,
                                                           fake: FakeLibreOffice) -> None:
    fake.gate.clear()
    targets = [pdfqueue.target(data, number, 1, "report") for number in range(6)]
    states = [pdfqueue.request(t, lambda: b"PK") for t in targets]
    assert states == [pdfqueue.Waiting(ahead) for ahead in range(6)]  # 前面还有 0…5 份
    time.sleep(0.3)  # both workers at work, the rest waiting for them
    fake.gate.set()
    deadline = time.monotonic() + 30
    while not all(t.pdf.exists() for t in targets) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(isinstance(pdfqueue.request(t, lambda: b"PK"), pdfqueue.Ready) for t in targets)
    assert sorted(fake.calls) == sorted(f"{t.name}.docx" for t in targets)  # each once
    assert fake.most == 2
    # each worker in a LibreOffice profile of its own, kept in the data folder
    assert {p.parent for p in fake.profiles} == {data / "libreoffice"}
    assert {p.name for p in fake.profiles} == {"slot-0", "slot-1"}


def test_a_worker_takes_the_waiting_reports_into_one_libreoffice_run(
        data: Path, one_worker: pdfqueue.Pool, fake: FakeLibreOffice) -> None:
    """LibreOffice's start costs more than a report: the queue goes in one run."""
    fake.gate.clear()
    targets = [pdfqueue.target(data, number, 1, "report") for number in range(5)]
    for goal in targets:
        pdfqueue.request(goal, lambda: b"PK")
    time.sleep(0.2)
    fake.gate.set()
    deadline = time.monotonic() + 30
    while not all(t.pdf.exists() for t in targets) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(t.pdf.read_bytes().startswith(b"%PDF") for t in targets)
    # the first report alone (or with the others, had they come before the worker woke),
    # then all that waited for it
    assert len(fake.profiles) in (1, 2)
