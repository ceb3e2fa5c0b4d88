"""PDF downloads of the workspace, made by a bounded pool of LibreOffice workers.

LibreOffice takes about two seconds of a core to turn a report into a PDF. Run in the
request thread, ten downloads at once held the server's threads for ten seconds each
and stalled every other request. Here a download asks for the PDF of one version:

- ready: the PDF is a file under the data folder (DATA/pdf/), named by the report, the
  version and a fingerprint of everything else that shapes it (the library's version,
  the office's profile, the data, when the version was saved). That file is the one
  source of truth: every server process sees it;
- otherwise the request makes the .docx (it reads the database; no transaction is held
  while LibreOffice runs) and queues the job in this process: at most `workers`
  conversions at once, in background threads, each in a LibreOffice profile folder of
  its own kept under DATA/libreoffice/ (built once per slot, not once per PDF);
- a queued job is claimed by a file beside its PDF, created exclusively and holding the
  process's pid, so that another server process polled for the same PDF waits instead
  of converting it again; a claim whose process is gone is taken over.

A failed conversion is kept (in memory, and beside the PDF for the other processes)
until it has been shown once; the next download tries again.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nianbao import __version__
from nianbao.errors import NianbaoError
from nianbao.web.faults import FULL
from nianbao.writing.output import write_atomic

log = logging.getLogger(__name__)

PDF_FOLDER = "pdf"
PROFILES_FOLDER = "libreoffice"
RETRY_AFTER = 2  # seconds between two looks of the waiting page
CLAIM_MAX_AGE = 15 * 60  # seconds: longer than any conversion may take (its timeouts)
WRITING_GRACE = 60  # seconds an empty claim file counts as being written
BATCH = 10  # reports a LibreOffice run converts at most (one start for all of them)
MAX_SLOTS = 64  # profile folders of one data folder: processes × workers
UNEXPECTED = "PDF 生成时出现意外错误（已记入服务器日志）；请稍后再试"
_TOKEN = uuid.uuid4().hex  # this process (a pid alone comes back after a restart)


class PdfFailed(NianbaoError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"PDF 生成失败：{reason}")


@dataclass(frozen=True)
class Target:
    """The PDF of one version of one report, and the files beside it."""

    data: Path  # the data folder
    report: int
    name: str

    @property
    def pdf(self) -> Path:
        return self.data / PDF_FOLDER / f"{self.name}.pdf"

    @property
    def claim(self) -> Path:
        return self.data / PDF_FOLDER / f"{self.name}.claim"

    @property
    def failure(self) -> Path:
        return self.data / PDF_FOLDER / f"{self.name}.failed"


def target(data: Path, report: int, version: int, *shaping: str) -> Target:
    """The PDF of a version; `shaping`: what else makes it what it is (the office's
    profile, the data, when the version was saved), so that a PDF made before any of
    them changed, or in a database since replaced, is never served for this one."""
    digest = hashlib.sha256()
    for part in (__version__, *shaping):
        digest.update(part.encode("utf-8") + b"\0")
    return Target(data, report, f"report{report}-v{version}-{digest.hexdigest()[:16]}")


@dataclass(frozen=True)
class Ready:
    data: bytes


@dataclass(frozen=True)
class Waiting:
    ahead: int | None  # PDFs before this one; None: another server process makes it


@dataclass(frozen=True)
class Failed:
    lines: tuple[str, ...]
    disk_full: bool = False


State = Ready | Waiting | Failed


@dataclass
class Job:
    target: Target
    document: Path  # the .docx, in `folder`
    folder: tempfile.TemporaryDirectory[str]


# --- the request's side ------------------------------------------------------------


def request(goal: Target, docx: Callable[[], bytes]) -> State:
    """Where the PDF stands, queueing it when nobody makes it yet; `docx` makes the
    report's .docx, called only to queue it (a poll costs no rendering)."""
    with contextlib.suppress(FileNotFoundError):  # a newer version's may replace it now
        return Ready(goal.pdf.read_bytes())
    pool = current()
    failed = pool.take_failure(goal)
    if failed is not None:
        return failed
    ahead = pool.ahead(goal.name)
    if ahead is not None:
        return Waiting(ahead)
    if _held_by_another(goal.claim):
        return Waiting(None)
    return pool.submit(goal, docx)


# --- the pool ----------------------------------------------------------------------


class Pool:
    """At most `workers` LibreOffice runs at once in this process, first come first
    served; the worker threads start with the first job. No lock is held while
    LibreOffice runs: the lock guards the queue only."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._lock = threading.Condition()
        self._queue: deque[Job] = deque()
        self._running: dict[str, Job] = {}
        self._failures: dict[str, Failed] = {}
        self._threads: list[threading.Thread] = []
        self._busy = 0  # workers in a LibreOffice run
        self._closed = False

    def ahead(self, name: str) -> int | None:
        with self._lock:
            return self._ahead(name)

    def _ahead(self, name: str) -> int | None:
        if name in self._running:
            return 0
        for index, job in enumerate(self._queue):
            if job.target.name == name:
                return len(self._running) + index
        return None

    def take_failure(self, goal: Target) -> Failed | None:
        """A failure not yet shown (this process's, or another's file), now shown."""
        with self._lock:
            mine = self._failures.pop(goal.name, None)
        theirs = _take_failure_file(goal)
        return mine or theirs

    def submit(self, goal: Target, docx: Callable[[], bytes]) -> State:
        """Queue the PDF unless it is queued, claimed or made meanwhile. The .docx goes
        to a temporary folder here, in the request: a full disk is the request's 507,
        as for every download."""
        folder = tempfile.TemporaryDirectory(prefix="nianbao-pdf-web-",
                                             ignore_cleanup_errors=True)
        queued = False
        try:
            document = Path(folder.name) / f"{goal.name}.docx"
            document.write_bytes(docx())
            with self._lock:
                state, queued = self._enqueue(Job(goal, document, folder))
        finally:
            if not queued:
                folder.cleanup()
        return state

    def _enqueue(self, job: Job) -> tuple[State, bool]:
        """The state, and whether `job` went into the queue (else its folder goes)."""
        goal = job.target
        ahead = self._ahead(goal.name)
        if ahead is not None:
            return Waiting(ahead), False
        goal.claim.parent.mkdir(parents=True, exist_ok=True)
        if not claim(goal.claim):
            return Waiting(None), False
        # with the claim held, the PDF and a failure are what their makers left
        failed = self._failures.pop(goal.name, None) or _take_failure_file(goal)
        if goal.pdf.is_file() or failed is not None:
            release(goal.claim)
            return failed or Waiting(0), False  # made meanwhile: the next look has it
        self._queue.append(job)
        self._start_workers()
        self._lock.notify()
        return Waiting(len(self._running) + len(self._queue) - 1), True

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, args=(len(self._threads),),
                                      name=f"nianbao-pdf-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self, number: int) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                jobs = self._take()
            kept: dict[str, Failed] = {}
            try:
                kept = _run(jobs, number)
            except Exception:  # a bug: logged; the jobs' next look queues them again
                log.exception("PDF worker %s", number)
            finally:
                with self._lock:
                    self._failures.update(kept)
                    self._busy -= 1
                    for job in jobs:
                        del self._running[job.target.name]
                for job in jobs:
                    release(job.target.claim)

    def _take(self) -> list[Job]:
        """The jobs for one LibreOffice run: its start costs more than a report, so a
        worker takes its share of the queue at once (at most BATCH), the rest left for
        the other workers (the cores run them side by side)."""
        share = min(BATCH, -(-len(self._queue) // self.workers))
        jobs = [self._queue.popleft() for _ in range(share)]
        for job in jobs:
            self._running[job.target.name] = job
        self._busy += 1
        return jobs

    def close(self, timeout: float = 120) -> None:
        """Stop the workers once their conversions end; queued jobs are dropped (their
        claims released, so that another process or a later download makes them)."""
        with self._lock:
            self._closed = True
            dropped = list(self._queue)
            self._queue.clear()
            self._lock.notify_all()
        for job in dropped:
            job.folder.cleanup()
            release(job.target.claim)
        for thread in self._threads:
            thread.join(timeout)


_CURRENT: list[Pool] = []
_CURRENT_LOCK = threading.Lock()


def current() -> Pool:
    """This process's pool, made at the first PDF download (settings.PDF_WORKERS)."""
    with _CURRENT_LOCK:
        if not _CURRENT:
            from django.conf import settings

            _CURRENT.append(Pool(int(getattr(settings, "PDF_WORKERS", 1))))
        return _CURRENT[0]


def replace(pool: Pool | None) -> Pool | None:
    """Put another pool in place (tests, a server's shutdown); the one replaced."""
    with _CURRENT_LOCK:
        old = _CURRENT.pop() if _CURRENT else None
        if pool is not None:
            _CURRENT.append(pool)
        return old


# --- a worker's side ---------------------------------------------------------------


def _run(jobs: list[Job], number: int) -> dict[str, Failed]:
    """One LibreOffice run for the jobs, each PDF (or why not) put in place for every
    process; the failures that could not be written down (a full disk) are returned,
    for memory to keep."""
    for job in jobs:
        with contextlib.suppress(OSError):
            os.utime(job.target.claim)  # its age counts from here: queued is not stale
    outcomes: list[bytes | Exception]
    try:
        with _slot(jobs[0].target.data / PROFILES_FOLDER, number) as profile:
            outcomes = convert([job.document for job in jobs], profile)
    except Exception as exc:  # a worker outlives every conversion
        outcomes = [exc] * len(jobs)
    finally:
        for job in jobs:
            job.folder.cleanup()
    kept = {}
    for job, outcome in zip(jobs, outcomes, strict=True):
        failed = _put(job.target, outcome)
        if failed is not None and not _write_failure(job.target, failed):
            kept[job.target.name] = failed
    return kept


def _put(goal: Target, outcome: bytes | Exception) -> Failed | None:
    """The PDF in place (and the report's older ones gone), else why not."""
    if isinstance(outcome, bytes):
        try:
            write_atomic(goal.pdf, outcome, force=True)
            _drop_older(goal)
            return None
        except Exception as exc:
            outcome = exc
    failed = _failure_of(goal, outcome)
    log.warning("PDF of %s failed: %s", goal.name, "；".join(failed.lines))
    return failed


def _failure_of(goal: Target, exc: Exception) -> Failed:
    """What the clerk is told: the library's reason, a full disk (the 507 page), or
    that something unexpected happened (logged with its traceback for the admin)."""
    if isinstance(exc, NianbaoError):
        return Failed(tuple(exc.lines()))
    if isinstance(exc, OSError) and exc.errno in FULL:
        return Failed((str(exc),), disk_full=True)
    log.error("PDF of %s failed", goal.name, exc_info=exc)
    return Failed((UNEXPECTED,))


def convert(documents: list[Path], profile: Path) -> list[bytes | Exception]:
    """The PDF of each .docx (or why not: PdfFailed, or ENOSPC for a full disk, the
    workspace's 507), by one LibreOffice run in a profile folder no other run uses now."""
    from nianbao.writing.pdf import convert_to_pdf, pdf_path

    result = convert_to_pdf(documents, force=True, profile=profile)
    failures = {failure.path: failure for failure in result.failed}
    if any(not failure.disk_full for failure in result.failed):
        shutil.rmtree(profile, ignore_errors=True)  # a profile it broke is built anew
    outcomes: list[bytes | Exception] = []
    for document in documents:
        failure = failures.get(document)
        if failure is None:
            outcomes.append(pdf_path(document).read_bytes())
        elif failure.disk_full:
            outcomes.append(OSError(errno.ENOSPC, failure.reason))
        else:
            outcomes.append(PdfFailed(failure.reason))
    return outcomes


@contextlib.contextmanager
def _slot(folder: Path, number: int) -> Iterator[Path]:
    """A LibreOffice profile folder that no other conversion (of this process or
    another) uses meanwhile: the worker's own number first, so that it finds the
    profile it built last time."""
    folder.mkdir(parents=True, exist_ok=True)
    for slot in (number, *(n for n in range(MAX_SLOTS) if n != number)):
        lock = folder / f"slot-{slot}.claim"
        if claim(lock):
            try:
                yield folder / f"slot-{slot}"
            finally:
                release(lock)
            return
    raise PdfFailed("LibreOffice 的工作目录都在使用中，请稍后再试")


def _drop_older(goal: Target) -> None:
    """The report's PDFs of older versions (or of a changed profile) go: only the
    newest version is downloaded."""
    for path in goal.pdf.parent.glob(f"report{goal.report}-v*.pdf"):
        if path != goal.pdf:
            with contextlib.suppress(OSError):
                path.unlink()


def _write_failure(goal: Target, failed: Failed) -> bool:
    """For every process to show; False when it cannot be written (a full disk)."""
    text = json.dumps({"lines": failed.lines, "disk_full": failed.disk_full},
                      ensure_ascii=False)
    try:
        write_atomic(goal.failure, text.encode("utf-8"), force=True)
    except OSError:
        return False
    return True


def _take_failure_file(goal: Target) -> Failed | None:
    try:
        text = goal.failure.read_text(encoding="utf-8")
        goal.failure.unlink()
    except OSError:
        return None
    try:
        found = json.loads(text)
        return Failed(tuple(str(line) for line in found["lines"]), bool(found["disk_full"]))
    except (ValueError, KeyError, TypeError):
        return Failed((UNEXPECTED,))


# --- claims: files made exclusively, holding their process ---------------------------


def _identity() -> str:
    return f"{os.getpid()} {_TOKEN}"


def claim(path: Path) -> bool:
    """Take the claim `path` (O_CREAT|O_EXCL: one taker wins); a stale one (its process
    gone, or older than any conversion) is taken over. False: another holds it."""
    for _ in range(3):
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            held = _read(path)
            if held is not None and _live(path, held):
                return False
            if held is not None:
                _break(path, held)
            continue
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(_identity())
        return True
    return False


def release(path: Path) -> None:
    """Give up a claim, if it is still this process's (a stale one taken over is not)."""
    if _read(path) == _identity():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _held_by_another(path: Path) -> bool:
    """A live claim, of another process (this process's jobs are in its pool)."""
    held = _read(path)
    return held is not None and held != _identity() and _live(path, held)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        return None


def _live(path: Path, held: str) -> bool:
    """Whether the holder of a claim may still be at work."""
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return False
    parts = held.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return age < WRITING_GRACE  # made, not yet written
    pid, token = int(parts[0]), parts[1]
    if pid == os.getpid():
        return token == _TOKEN  # this pid in an earlier life is gone
    return age < CLAIM_MAX_AGE and _alive(pid)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # no harmless probe there: the claim's age decides
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _break(path: Path, held: str) -> None:
    """Remove a stale claim, unless another taker replaced it meanwhile."""
    if _read(path) == held:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
