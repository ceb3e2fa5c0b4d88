"""The workspace under load: `nianbao serve` started here on 127.0.0.1 (a fresh data
folder provisioned with `nianbao admin`: one office a clerk, one clerk an office, each
office's 2021 report put through the API), then N simulated clerks at once, each in a
loop: open the editor, change one cell and save with checks (based on the version it
loaded; a 409 reloads and tries again, counted), download the .docx, think. Each clerk
logs in first (Django's PBKDF2 at full strength: a login costs CPU by design).

    python benchmarks/web.py [--clerks 10,50] [--seconds 25] [--rounds 200] [--think 1]
                             [--postgres postgresql://user@127.0.0.1:5432/empty_db]

Prints p50/p95/max per action, requests, errors, conflicts and LOST UPDATES (after the
run: every acknowledged save must be a version in the database with its value, and each
report's version count must be its acknowledged saves plus the first), for each number
of clerks; then PDF downloads at 10 at once when LibreOffice is installed. On SQLite,
and on PostgreSQL too when a URL is given (`--postgres` or NIANBAO_BENCH_POSTGRES; an
empty database: offices are named per run). Every loop is bounded in rounds and in
time; all traffic goes to 127.0.0.1. The clerks run in this process (asyncio, httpx), on
the same cores as the server: figures are for comparing within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the editor's form as the tests read it
from editorform import editor_form  # noqa: E402

PASSWORD = "压力测试的密码-2025"
CELL = "t2:rules:issued"
ACTIONS = ("log in", "open editor", "save with checks", "download .docx")
PROVISION = """
import sys
from click.testing import CliRunner
from nianbao.cli import main
data, database, password, *offices = sys.argv[1:]
db = ["--database", database] if database else []
runner = CliRunner()
def admin(*args, stdin=None):
    done = runner.invoke(main, ["admin", "--data", data, *db, *args], input=stdin)
    if done.exit_code:
        sys.exit(done.output)
    return done.output
for profile in offices:
    admin("add-office", profile)
    name = profile.rsplit("/", 1)[-1].removesuffix(".yaml")
    admin("add-user", "clerk-" + name, "--office", name, "--password-stdin",
          stdin=password + "\\n")
admin("add-user", "bench-admin", "--admin", "--password-stdin", stdin=password + "\\n")
import re
print(re.findall(r"^[A-Za-z0-9_-]{20,}$", admin("token", "bench-admin"), re.M)[-1])
"""


@dataclass
class Figures:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: int = 0
    requests: int = 0
    acks: list[tuple[str, int, str]] = field(default_factory=list)  # office, version, value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Workspace:
    """A provisioned workspace and its server process."""

    def __init__(self, folder: Path, offices: int, threads: int, database: str | None) -> None:
        self.data, self.database = folder / "data", database
        self.port = free_port()
        tag = f"b{os.getpid()}-{int(time.time()) % 100000}"  # unique per run (PostgreSQL)
        self.offices = [f"{tag}-{i:03d}" for i in range(offices)]
        profiles = folder / "profiles"
        profiles.mkdir()
        profile = (REPO / "config" / "offices" / "pingtan.yaml").read_text(encoding="utf-8")
        for office in self.offices:
            (profiles / f"{office}.yaml").write_text(profile, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROVISION, str(self.data), database or "", PASSWORD,
             *(str(profiles / f"{o}.yaml") for o in self.offices)],
            capture_output=True, text=True, timeout=1200, check=False)
        if done.returncode:
            sys.exit(f"provisioning failed: {done.stdout}{done.stderr}")
        self.token = done.stdout.strip().splitlines()[-1]
        print(f"  provisioned {offices} offices and clerks with nianbao admin: "
              f"{time.perf_counter() - started:.1f} s")
        command = [sys.executable, "-m", "nianbao", "serve", "--data", str(self.data),
                   "--port", str(self.port), "--threads", str(threads)]
        self.process = subprocess.Popen(command + (["--database", database] if database else []),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.url}/login/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    sys.exit("the server did not start")
                time.sleep(0.2)
        data = (REPO / "examples" / "pingtan-2021.yaml").read_text(encoding="utf-8")
        with httpx.Client(base_url=self.url, timeout=60,
                          headers={"Authorization": f"Bearer {self.token}"}) as client:
            for office in self.offices:
                made = client.put(f"/api/reports/{office}/2021",
                                  content=data.replace("office: pingtan", f"office: {office}",
                                                       1).encode("utf-8"),
                                  headers={"If-None-Match": "*",
                                           "Content-Type": "application/x-yaml"})
                if made.status_code != 201:
                    sys.exit(f"the report of {office} was refused: {made.text[:300]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def versions(self) -> dict[tuple[str, int], str]:
        """Every version of the run's reports in the database: (office, number) → the
        value of the cell the clerks change."""
        table, row, column = CELL.split(":")
        query = ("SELECT r.office_id, v.number, c.text FROM workspace_version v JOIN"
                 " workspace_report r ON v.report_id = r.id JOIN workspace_cell c ON"
                 " c.version_id = v.id WHERE r.year = 2021 AND c.\"table\" = {p} AND"
                 " c.row = {p} AND c.\"column\" = {p}")
        if self.database:
            import psycopg  # a test extra

            with psycopg.connect(self.database) as db:
                rows = db.execute(query.format(p="%s"), (table, row, column)).fetchall()
        else:
            with sqlite3.connect(self.data / "nianbao.sqlite3") as db:
                rows = db.execute(query.format(p="?"), (table, row, column)).fetchall()
        mine = set(self.offices)
        return {(o, int(n)): text for o, n, text in rows if o in mine}


async def timed(figures: Figures, action: str, call: Any, expect: tuple[int, ...]) -> Any:
    """One request, its time under `action`; an answer outside `expect` or a broken
    connection is an error (None)."""
    started = time.perf_counter()
    figures.requests += 1
    try:
        response = await call
    except httpx.HTTPError:
        figures.errors[action] += 1
        return None
    figures.times[action].append((time.perf_counter() - started) * 1000)
    if response.status_code not in expect:
        figures.errors[action] += 1
        return None
    return response


async def login(client: httpx.AsyncClient, name: str, figures: Figures) -> bool:
    started = time.perf_counter()
    figures.requests += 2
    try:
        page = (await client.get("/login/")).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        done = await client.post("/login/", data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": name,
            "password": PASSWORD})
    except httpx.HTTPError:
        figures.errors["log in"] += 1
        return False
    figures.times["log in"].append((time.perf_counter() - started) * 1000)
    if done.status_code != 302:
        figures.errors["log in"] += 1
        return False
    return True


async def clerk(client: httpx.AsyncClient, office: str, figures: Figures, until: float,
                rounds: int, think: float, seed: int) -> None:
    """One logged-in clerk's bounded loop (rounds and time)."""
    chance = random.Random(seed)
    value = 1000 * seed
    for _ in range(rounds):
        if time.monotonic() > until:
            return
        opened = await timed(figures, "open editor", client.get(f"/o/{office}/2021/"),
                             (200,))
        if opened is None:
            continue
        for _attempt in range(5):  # a 409: reload, try again (bounded)
            form = editor_form(opened.text)
            value += 1
            saved = await timed(figures, "save with checks", client.post(
                f"/o/{office}/2021/", data={**form, CELL: str(value)}), (302, 409))
            if saved is None:
                break
            if saved.status_code == 302:
                figures.acks.append((office, int(form["base"]) + 1, str(value)))
                break
            figures.conflicts += 1
            opened = await timed(figures, "open editor",
                                 client.get(f"/o/{office}/2021/"), (200,))
            if opened is None:
                break
        docx = await timed(figures, "download .docx",
                           client.get(f"/o/{office}/2021/download.docx"), (200,))
        if docx is not None and not docx.content.startswith(b"PK"):
            figures.errors["download .docx"] += 1
        await asyncio.sleep(think * chance.uniform(0.5, 1.5))


def lost_updates(space: Workspace, figures: Figures, before: dict[tuple[str, int], str]) -> int:
    """Acknowledged saves missing from the database (or with another value), and
    reports whose new versions are not exactly their acknowledged saves."""
    after = space.versions()
    lost = sum(after.get((office, number)) != value for office, number, value in figures.acks)
    saved: dict[str, int] = defaultdict(int)
    for office, _, _ in figures.acks:
        saved[office] += 1
    for office in space.offices:
        new = sum(1 for (o, _) in after if o == office) - sum(1 for (o, _) in before
                                                               if o == office)
        lost += max(saved[office] - new, 0)
    return lost


def ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    if q == 1:
        return f"{max(values):.0f}"
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[int(q * 100) - 1]:.0f}"


def level(space: Workspace, clerks: int, seconds: float, rounds: int, think: float) -> None:
    figures = Figures()
    before = space.versions()
    started = time.monotonic()

    wall = 0.0

    async def run() -> None:
        nonlocal wall, started
        clients = [httpx.AsyncClient(base_url=space.url, timeout=60) for _ in range(clerks)]
        try:  # every clerk logs in first (all at once), then the loops start together
            logged = await asyncio.gather(*(login(c, f"clerk-{o}", figures)
                                            for c, o in zip(clients, space.offices, strict=False)))
            started = time.monotonic()
            until = started + seconds
            await asyncio.gather(*(clerk(c, space.offices[i], figures, until, rounds, think, i)
                                   for i, c in enumerate(clients) if logged[i]))
            wall = time.monotonic() - started
        finally:
            for c in clients:
                await c.aclose()

    asyncio.run(run())
    lost = lost_updates(space, figures, before)
    errors = sum(figures.errors.values())
    print(f"\n{clerks} clerks, logged in at once, then {wall:.0f} s of loops (think "
          f"{think:g} s):")
    print(f"  {'action':18} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
    for action in ACTIONS:
        times = figures.times.get(action, [])
        print(f"  {action:18} {len(times):6d} {ms(times, .5):>7} {ms(times, .95):>7} "
              f"{ms(times, 1):>7} {figures.errors.get(action, 0):6d}")
    print(f"  requests {figures.requests} ({figures.requests / wall:.1f}/s), errors {errors}, "
          f"saves acknowledged {len(figures.acks)}, conflicts (409) {figures.conflicts}, "
          f"LOST UPDATES {lost}")


def pdf_at_once(space: Workspace, count: int) -> None:
    from nianbao.sources.libreoffice import SofficeMissing, find_soffice

    try:
        find_soffice()
    except SofficeMissing:
        print("\nPDF downloads: skipped (LibreOffice is not installed)")
        return
    figures = Figures()

    async def one(office: str) -> None:
        async with httpx.AsyncClient(base_url=space.url, timeout=300) as client:
            if await login(client, f"clerk-{office}", Figures()):
                pdf = await timed(figures, "pdf", client.get(f"/o/{office}/2021/download.pdf"),
                                  (200,))
                if pdf is not None and not pdf.content.startswith(b"%PDF"):
                    figures.errors["pdf"] += 1

    async def run() -> None:
        await asyncio.gather(*(one(o) for o in space.offices[:count]))

    started = time.monotonic()
    asyncio.run(run())
    times = figures.times.get("pdf", [])
    print(f"\nPDF downloads, {count} at once: p50 {ms(times, .5)} ms, p95 {ms(times, .95)} ms, "
          f"max {ms(times, 1)} ms, errors {sum(figures.errors.values())}, "
          f"all done in {time.monotonic() - started:.1f} s")


def bench(title: str, database: str | None, args: argparse.Namespace,
          counts: list[int]) -> None:
    print(f"\n== {title} ==")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-web-") as folder:
        space = Workspace(Path(folder), max([*counts, args.pdf]), args.threads, database)
        try:
            for clerks in counts:
                level(space, clerks, args.seconds, args.rounds, args.think)
            if args.pdf:
                pdf_at_once(space, args.pdf)
        finally:
            space.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", default="10,50",
                        help="numbers of clerks at once, one run each (e.g. 10,50,100)")
    parser.add_argument("--seconds", type=float, default=25, help="time bound of each run")
    parser.add_argument("--rounds", type=int, default=200, help="loops bound of each clerk")
    parser.add_argument("--think", type=float, default=1.0,
                        help="a clerk's pause between loops, seconds (0.5x to 1.5x, random)")
    parser.add_argument("--threads", type=int, default=8, help="the server's --threads")
    parser.add_argument("--pdf", type=int, default=10, help="PDF downloads at once (0: none)")
    parser.add_argument("--postgres", default=os.environ.get("NIANBAO_BENCH_POSTGRES"),
                        help="postgresql://… of an empty database (or NIANBAO_BENCH_POSTGRES)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    counts = [int(n) for n in args.clerks.split(",") if n.strip()]
    print(f"the workspace under load: {os.cpu_count()} cores, server --threads {args.threads}, "
          f"clerks {counts}, at most {args.seconds:g} s and {args.rounds} loops each")
    if not args.no_sqlite:
        bench("SQLite", None, args, counts)
    if args.postgres:
        bench("PostgreSQL", args.postgres, args, counts)
    else:
        print("\n== PostgreSQL: skipped (give --postgres URL or NIANBAO_BENCH_POSTGRES) ==")


if __name__ == "__main__":
    main()
