"""`nianbao serve`: the workspace under waitress, a production WSGI server that runs the
same on Windows and Linux (Django's own development server is not for real use)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType

from nianbao.web import configure, migrate

WILDCARDS = ("", "0.0.0.0", "::")


def serve(data: Path, host: str, port: int, threads: int,
          database: str | None = None) -> None:
    """Set Django up for the data folder (or the database URL), bring the database to
    this release's schema, and serve until Ctrl+C (or a SIGTERM from a service manager),
    which end it cleanly: the requests under way are finished, then it returns."""
    _allow_host(host)
    configure(data, database)
    migrate()
    from waitress.server import create_server

    from nianbao.web.wsgi import application

    server = create_server(application, host=host, port=port, threads=threads)
    signal.signal(signal.SIGTERM, _stop)
    print(f"年报工作台已启动：{' '.join(_addresses(server))}（按 Ctrl+C 停止）", flush=True)
    server.run()  # returns on KeyboardInterrupt or SystemExit, after shutting down


def _stop(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)  # raised inside the server's loop, which catches it and shuts down


def _allow_host(host: str) -> None:
    """A server started on a named address answers requests for that name: Django
    refuses any Host it is not told of (NIANBAO_HOSTS, which, when set, decides)."""
    if host not in WILDCARDS and "NIANBAO_HOSTS" not in os.environ:
        named = f"[{host}]" if ":" in host else host
        os.environ["NIANBAO_HOSTS"] = f"127.0.0.1,localhost,[::1],{named}"


def _addresses(server: object) -> list[str]:
    """The addresses the server listens on, as a browser is given them."""
    listening = getattr(server, "effective_listen", None)
    pairs = listening or [(getattr(server, "effective_host", ""),
                           getattr(server, "effective_port", ""))]
    return [f"http://[{h}]:{p}/" if ":" in str(h) else f"http://{h}:{p}/"
            for h, p, *_ in pairs]
