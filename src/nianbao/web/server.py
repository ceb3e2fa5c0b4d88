"""`nianbao serve`: the workspace under waitress, a production WSGI server that runs the
same on Windows and Linux (Django's own development server is not for real use).

Python runs one thread at a time in a process, so one waitress process uses one core
however many threads it has: `--workers N` starts N processes that accept on the same
listening socket (bound once, here, before they start), the way a pre-forking server
does. This process then only watches them: one that dies is started again, a SIGTERM
or Ctrl+C stops them all after their requests under way, and a worker whose parent is
gone (killed with SIGKILL) stops by itself rather than serving on unwatched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any, cast

from nianbao.web import configure, migrate

WILDCARDS = ("", "0.0.0.0", "::")
RESTARTS = 5  # workers that die within STEADY seconds of their start, in a row: give up
STEADY = 10.0
ORPHAN_POLL = 1.0  # seconds between a worker's looks at whether its parent is alive
# open connections a worker keeps: waitress's default of 100 is a few dozen browsers
# (each keeps up to six open), past which new ones wait unanswered; its select() loop
# handles up to about a thousand
CONNECTIONS = 500


class WorkersFailed(RuntimeError):
    """The workers keep dying as soon as they start (the message says so in Chinese)."""


def serve(data: Path, host: str, port: int, threads: int,
          database: str | None = None, workers: int = 1) -> None:
    """Set Django up for the data folder (or the database URL), bring the database to
    this release's schema, and serve until Ctrl+C (or a SIGTERM from a service manager),
    which end it cleanly: the requests under way are finished, then it returns."""
    _allow_host(host)
    configure(data, database)
    migrate()
    _warm()  # before the port opens, and once: the workers are forked warm
    sockets = _listen(host, port)
    if workers == 1 or not hasattr(os, "fork"):
        try:
            _announce(sockets, workers)
            _run(sockets, threads)
        except KeyboardInterrupt:  # Ctrl+C as the port opened, before the server ran
            pass
        return
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # a connection is never shared by processes
    _announce(sockets, workers)
    if "NIANBAO_PDF_WORKERS" not in os.environ:  # the machine's share, not each worker's
        settings.PDF_WORKERS = max(1, settings.PDF_WORKERS // workers)
    _supervise(sockets, threads, workers)


def _listen(host: str, port: int) -> list[socket.socket]:
    """The listening sockets of host:port (an IPv4 and an IPv6 one for a name that has
    both), as waitress itself would bind them; bound here so that every worker accepts
    on them, and so that a port in use is an error before any worker starts."""
    from waitress.adjustments import Adjustments

    adjustments = Adjustments(host=host, port=port)
    # (family, type, proto, address) each, as getaddrinfo gives them: the stubs say str
    listen = cast(list[tuple[int, int, int, Any]], adjustments.listen)
    sockets = []
    try:
        for family, kind, proto, address in listen:
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if os.name != "nt":  # on Windows the option would let two servers share a port
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(adjustments.backlog)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _run(sockets: list[socket.socket], threads: int) -> None:
    """One waitress server on the sockets, in this process, until stopped."""
    from waitress.server import create_server

    from nianbao.web.wsgi import application

    signal.signal(signal.SIGTERM, _stop)
    server = create_server(application, sockets=sockets, threads=threads,
                           connection_limit=CONNECTIONS)
    server.run()  # returns on KeyboardInterrupt or SystemExit, after shutting down


def _warm() -> None:
    """Before the port opens: what the first requests would otherwise wait for, a
    second or more (the forms read, the Word templates compiled, the editor's markup,
    the modules of the checks and the renderers): a blank report of each form checked
    and rendered as a download is, in memory."""
    import datetime as dt

    from nianbao import api
    from nianbao.jobs.render import render_report_outputs
    from nianbao.report.office import Office
    from nianbao.spec.form import FORM_VERSIONS, load_form
    from nianbao.web.checks import findings_for
    from nianbao.web.editorgrid import table_body
    from nianbao.web.editorspec import browser_spec, editor_spec
    from nianbao.web.payload import blank_payload

    office = Office("warm-up", "预热", "预热", "0", "预热", "预热")
    for version in FORM_VERSIONS:
        year = load_form(version).first_year or dt.date.today().year - 1
        payload = blank_payload(office, year, dt.date(year + 1, 1, 20))
        browser_spec(payload.form)
        for table in editor_spec(payload.form)["tables"]:
            table_body(payload.form, table["id"], {}, {}, {})
        found = findings_for(payload, office, year)
        if found.report is not None:
            render_report_outputs(found.report, api.Outputs(docx=Path("warm-up.docx"),
                                                            html=Path("warm-up.html")))


def _stop(signum: int, frame: FrameType | None) -> None:
    # a second SIGTERM (a service manager's, after its first to the whole group) must
    # not break off the shutdown the first began
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(0)  # raised inside the server's loop, which catches it and shuts down


def _supervise(sockets: list[socket.socket], threads: int, workers: int) -> None:
    """Start the workers and keep `workers` of them running until told to stop."""
    running: dict[int, float] = {}  # pid → when it started
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            _signal(pid, signal.SIGTERM)

    def start() -> None:
        """A worker, known to `stop` before a stop signal can be handled here."""
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        try:
            running[_fork(sockets, threads)] = time.monotonic()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        if not stopping:
            start()
    early = 0
    while running:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:  # pragma: no cover (Python retries wait itself)
            continue
        started = running.pop(pid, None)
        if started is None or stopping:
            continue
        early = early + 1 if time.monotonic() - started < STEADY else 0
        if early >= RESTARTS:
            stop(signal.SIGTERM, None)
            _wait_all(running)
            raise WorkersFailed(f"工作进程启动后接连退出 {early} 次，已停止；请查看上方的错误信息")
        start()


STOPS = {signal.SIGTERM, signal.SIGINT}


def _fork(sockets: list[socket.socket], threads: int) -> int:
    """A worker, forked with the stop signals held back (by the caller), so that one
    arriving at that moment meets the worker's own handlers, not the parent's it was
    born with (which would signal its siblings)."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
        _watch_parent(parent)
        _run(sockets, threads)
    except (SystemExit, KeyboardInterrupt):  # stopped during the shutdown itself
        pass
    except BaseException:  # a worker never returns into the parent's loop
        code = 1
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _watch_parent(parent: int) -> None:
    """A worker whose parent is gone stops: after a SIGKILL of `nianbao serve` nothing
    would restart or stop it, and it would hold the port."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_POLL)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
        os.kill(pid, signum)


def _wait_all(running: dict[int, float]) -> None:
    for pid in list(running):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        running.pop(pid, None)


def _announce(sockets: list[socket.socket], workers: int) -> None:
    processes = f"，{workers} 个工作进程" if workers > 1 else ""
    print(f"年报工作台已启动：{' '.join(_addresses(sockets))}{processes}（按 Ctrl+C 停止）",
          flush=True)


def _allow_host(host: str) -> None:
    """A server started on a named address answers requests for that name: Django
    refuses any Host it is not told of (NIANBAO_HOSTS, which, when set, decides)."""
    if host not in WILDCARDS and "NIANBAO_HOSTS" not in os.environ:
        named = f"[{host}]" if ":" in host else host
        os.environ["NIANBAO_HOSTS"] = f"127.0.0.1,localhost,[::1],{named}"


def _addresses(sockets: list[socket.socket]) -> list[str]:
    """The addresses the server listens on, as a browser is given them."""
    found = []
    for sock in sockets:
        host, port = sock.getsockname()[:2]
        found.append(f"http://[{host}]:{port}/" if ":" in str(host) else f"http://{host}:{port}/")
    return found
