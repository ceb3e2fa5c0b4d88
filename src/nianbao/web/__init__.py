"""年报工作台: the web workspace where a clerk fills in, checks and downloads the report
in a browser, and the compiling body sees its offices' reports (Django).

Built on the library's public API (`nianbao.api`): the same reader validates what the
editor's form holds as validates a data file, the same pipeline renders the .docx.
Only `nianbao serve`, `nianbao admin` and the tests import it (`pip install
'nianbao[web]'`); `configure` must run before any module that touches Django.
"""

from __future__ import annotations

import os
from pathlib import Path

SETTINGS = "nianbao.web.settings"


def configure(data: Path, database: str | None = None) -> None:
    """Point Django at a data folder (the SQLite file, the secret key) and, for a shared
    server, a database URL; then set Django up. Once per process."""
    import django

    os.environ["NIANBAO_DATA"] = str(Path(data).resolve())
    if database:
        os.environ["NIANBAO_DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()


MIGRATION_LOCK = 0x6E69616E62616F  # "nianbao": the advisory lock of a PostgreSQL server


def migrate() -> None:
    """Bring the database to this release's schema (run by `nianbao serve` on start).
    Several workers of one PostgreSQL database start at once behind a proxy: the first
    migrates while the others wait on an advisory lock, then find nothing to do."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=0)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            call_command("migrate", interactive=False, verbosity=0)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
