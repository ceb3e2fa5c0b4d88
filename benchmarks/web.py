"""The workspace under load: `nianbao serve` started here on 127.0.0.1 (a fresh data
folder provisioned with `nianbao admin`: one office a clerk, one clerk an office, each
office's 2021 report put through the API), then N simulated clerks at once, each in a
loop: open the editor, change one cell and save with checks (based on the version it
loaded; a 409 reloads and tries again, counted), download the .docx, think. Each clerk
logs in first (Django's PBKDF2 at full strength: a login costs CPU by design), all at
once; the loops then start spread over the first think time.

    python benchmarks/web.py [--clerks 10,50,100] [--seconds 25] [--rounds 200] [--think 1]
                             [--workers 2] [--baseline-workers 1]
                             [--postgres postgresql://user@127.0.0.1:5432/empty_db]

Prints p50/p95/max per action, requests, errors, conflicts and LOST UPDATES (after the
run: every acknowledged save must be a version in the database with its value, and each
report's version count must be its acknowledged saves plus the first), for each number
of clerks: first with the baseline's server (`--baseline-workers`, one process), then
with `--workers` processes on the same workspace, and the ratios of the two; then PDF
downloads at 10 at once when LibreOffice is installed. On SQLite,
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
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # of errors
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
        self.data, self.database, self.threads = folder / "data", database, threads
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
        self.start(1)
        self._put_reports()

    def start(self, workers: int) -> None:
        """`nianbao serve` of the workspace with this many worker processes."""
        self.workers = workers
        command = [sys.executable, "-m", "nianbao", "serve", "--data", str(self.data),
                   "--port", str(self.port), "--threads", str(self.threads),
                   "--workers", str(workers)]
        self.process = subprocess.Popen(
            command + (["--database", self.database] if self.database else []),
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

    def _put_reports(self) -> None:
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
    except httpx.HTTPError as exc:
        failed(figures, action, type(exc).__name__)
        return None
    figures.times[action].append((time.perf_counter() - started) * 1000)
    if response.status_code not in expect:
        failed(figures, action, f"HTTP {response.status_code}")
        return None
    return response


def failed(figures: Figures, action: str, reason: str) -> None:
    figures.errors[action] += 1
    figures.reasons[f"{action}: {reason}"] += 1


async def login(client: httpx.AsyncClient, name: str, figures: Figures) -> bool:
    started = time.perf_counter()
    figures.requests += 2
    try:
        page = (await client.get("/login/")).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        done = await client.post("/login/", data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": name,
            "password": PASSWORD})
    except httpx.HTTPError as exc:
        failed(figures, "log in", type(exc).__name__)
        return False
    figures.times["log in"].append((time.perf_counter() - started) * 1000)
    if done.status_code != 302:
        failed(figures, "log in", f"HTTP {done.status_code}")
        return False
    return True


async def clerk(client: httpx.AsyncClient, office: str, figures: Figures, until: float,
                rounds: int, think: float, seed: int) -> None:
    """One logged-in clerk's bounded loop (rounds and time)."""
    chance = random.Random(seed)
    value = 1000 * seed
    # clerks do not act in lock-step: each starts within the first think time (as a
    # load tool's ramp-up spreads its users), then keeps its own pace
    await asyncio.sleep(think * chance.random())
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


def quantile(values: list[float], q: float) -> float:
    """The q quantile of the times (1: the largest), NaN of none."""
    if not values:
        return float("nan")
    if q == 1 or len(values) == 1:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def ms(values: list[float], q: float) -> str:
    return f"{quantile(values, q):.0f}" if values else "-"


@dataclass(frozen=True)
class Level:
    """One run's summary, to hold against the baseline's: p95 per action, requests/s."""

    p95: dict[str, float]
    rate: float
    errors: int
    lost: int


def level(space: Workspace, clerks: int, seconds: float, rounds: int, think: float) -> Level:
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
          f"{think:g} s), server --workers {space.workers}:")
    print(f"  {'action':18} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
    for action in ACTIONS:
        times = figures.times.get(action, [])
        print(f"  {action:18} {len(times):6d} {ms(times, .5):>7} {ms(times, .95):>7} "
              f"{ms(times, 1):>7} {figures.errors.get(action, 0):6d}")
    print(f"  requests {figures.requests} ({figures.requests / wall:.1f}/s), errors {errors}, "
          f"saves acknowledged {len(figures.acks)}, conflicts (409) {figures.conflicts}, "
          f"LOST UPDATES {lost}")
    if figures.reasons:
        print("  errors: " + ", ".join(f"{k} ×{n}" for k, n in sorted(figures.reasons.items())))
    return Level({a: quantile(figures.times.get(a, []), .95) for a in ACTIONS[1:]},
                 figures.requests / wall if wall else 0.0, errors, lost)


def compare(baseline: dict[int, Level], now: dict[int, Level], workers: tuple[int, int]
            ) -> None:
    """Each number of clerks with the baseline's server (--workers of the first) and
    this one's: p95 per action, requests/s, and their ratios."""
    print(f"\n  p95 ms and requests/s, --workers {workers[0]} (baseline) → {workers[1]}, "
          "same data, same run:")
    print(f"  {'clerks':>6} " + " ".join(f"{a:>26}" for a in ACTIONS[1:]) + f" {'req/s':>18}")
    for clerks, then in baseline.items():
        later = now[clerks]
        cells = [f"{then.p95[a]:.0f} → {later.p95[a]:.0f} ({then.p95[a] / later.p95[a]:.1f}×)"
                 for a in ACTIONS[1:]]
        rate = f"{then.rate:.1f} → {later.rate:.1f}"
        print(f"  {clerks:6d} " + " ".join(f"{c:>26}" for c in cells) + f" {rate:>18}")


def pdf_at_once(space: Workspace, count: int, editors: int = 3) -> None:
    """`count` clerks ask for their report's PDF at once, each following the waiting
    page as a browser does (a 202: wait its Retry-After, ask again) until the PDF comes;
    meanwhile `editors` other clients open the editor in a loop, to show that the PDFs
    being made stall no other request (compared with the editor opened before, idle)."""
    from nianbao.sources.libreoffice import SofficeMissing, find_soffice

    try:
        find_soffice()
    except SofficeMissing:
        print("\nPDF downloads: skipped (LibreOffice is not installed)")
        return
    figures = Figures()
    polls = 0

    async def pdf(client: httpx.AsyncClient, office: str) -> None:
        nonlocal polls
        started = time.perf_counter()
        while True:
            answer = await timed(figures, "pdf: an answer", client.get(
                f"/o/{office}/2021/download.pdf"), (200, 202))
            if answer is None or answer.status_code == 200:
                break
            polls += 1
            await asyncio.sleep(float(answer.headers.get("Retry-After", "2")))
        if answer is None or not answer.content.startswith(b"%PDF"):
            figures.errors["pdf"] += 1
            return
        figures.times["pdf"].append((time.perf_counter() - started) * 1000)

    async def editor(client: httpx.AsyncClient, office: str, action: str,
                     until: asyncio.Event | int) -> None:
        rounds = 0
        while (not until.is_set()) if isinstance(until, asyncio.Event) else rounds < until:
            await timed(figures, action, client.get(f"/o/{office}/2021/"), (200,))
            rounds += 1
            await asyncio.sleep(0.2)

    async def run() -> float:
        clerks = space.offices[:count]
        readers = [space.offices[i % len(space.offices)] for i in range(editors)]
        clients = [httpx.AsyncClient(base_url=space.url, timeout=300)
                   for _ in range(count + editors)]
        try:
            logged = await asyncio.gather(*(login(c, f"clerk-{o}", Figures())
                                            for c, o in zip(clients, clerks + readers,
                                                            strict=True)))
            figures.errors["log in"] += logged.count(False)
            makers, others = clients[:count], clients[count:]
            await asyncio.gather(*(editor(c, o, "editor, idle", 5)
                                   for c, o in zip(others, readers, strict=True)))
            done = asyncio.Event()
            watching = [asyncio.create_task(editor(c, o, "editor, during PDFs", done))
                        for c, o in zip(others, readers, strict=True)]
            started = time.monotonic()
            await asyncio.gather(*(pdf(c, o) for c, o in zip(makers, clerks, strict=True)))
            wall = time.monotonic() - started
            done.set()
            await asyncio.gather(*watching)
            return wall
        finally:
            for c in clients:
                await c.aclose()

    wall = asyncio.run(run())
    workers = os.environ.get("NIANBAO_PDF_WORKERS") or "default"
    print(f"\nPDF downloads, {count} at once (PDF workers: {workers}), each to its finished "
          f"PDF, all done in {wall:.1f} s:")
    print(f"  {'action':22} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
    for action in ("pdf", "pdf: an answer", "editor, idle", "editor, during PDFs"):
        times = figures.times.get(action, [])
        print(f"  {action:22} {len(times):6d} {ms(times, .5):>7} {ms(times, .95):>7} "
              f"{ms(times, 1):>7} {figures.errors.get(action, 0):6d}")
    print(f"  waiting pages followed (202) {polls}, errors {sum(figures.errors.values())}")


def bench(title: str, database: str | None, args: argparse.Namespace,
          counts: list[int]) -> None:
    """The levels of clerks with the baseline's workers, then the server's (the same
    workspace, restarted), their ratios; then the PDFs."""
    print(f"\n== {title} ==")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-web-") as folder:
        space = Workspace(Path(folder), max([*counts, args.pdf]), args.threads, database)
        try:
            runs: list[dict[int, Level]] = []
            servers = list(dict.fromkeys([args.baseline_workers, args.workers]))
            for workers in servers:
                if workers != space.workers:
                    space.stop()
                    space.start(workers)
                runs.append({clerks: level(space, clerks, args.seconds, args.rounds,
                                           args.think) for clerks in counts})
            if len(runs) == 2:
                compare(runs[0], runs[1], (servers[0], servers[1]))
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
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="the server's --workers (default: one a core)")
    parser.add_argument("--baseline-workers", type=int, default=1,
                        help="the same levels first with this many workers, for the ratios")
    parser.add_argument("--pdf", type=int, default=10, help="PDF downloads at once (0: none)")
    parser.add_argument("--postgres", default=os.environ.get("NIANBAO_BENCH_POSTGRES"),
                        help="postgresql://… of an empty database (or NIANBAO_BENCH_POSTGRES)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    counts = [int(n) for n in args.clerks.split(",") if n.strip()]
    print(f"the workspace under load: {os.cpu_count()} cores, server --workers {args.workers} "
          f"--threads {args.threads}, "
          f"clerks {counts}, at most {args.seconds:g} s and {args.rounds} loops each")
    if not args.no_sqlite:
        bench("SQLite", None, args, counts)
    if args.postgres:
        bench("PostgreSQL", args.postgres, args, counts)
    else:
        print("\n== PostgreSQL: skipped (give --postgres URL or NIANBAO_BENCH_POSTGRES) ==")


if __name__ == "__main__":
    main()
