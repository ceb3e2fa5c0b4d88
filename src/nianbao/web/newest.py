"""The newest version of a report as the pages want it: its payload, its findings and
the library's report, worked out once per process and kept while it is the newest.

A version is never changed once saved, so what it makes depends only on the version
itself, the library's release and the office's profile (the rules read its category):
the editor opened again, the .docx downloaded after it, the compiling body's review
page and its page of every finding then read the version, not the reader and the rules
again. Kept for the last KEPT versions looked at, per worker process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import nianbao
from nianbao.report.model import Report as ReportModel
from nianbao.web import store
from nianbao.web.checks import Findings, findings_for
from nianbao.web.models import Office, Report, Version
from nianbao.web.payload import Payload

KEPT = 512  # versions: some 300 offices of a city, each its newest, with room to spare


@dataclass(frozen=True)
class Newest:
    """A report's newest version and what it makes. `findings.report` is shared by
    every request that reads it: read it, never change it."""

    number: int
    payload: Payload
    findings: Findings


def check_key(office: Office) -> str:
    """What a version's findings were found with: the library's release and the office's
    profile."""
    profile = json.dumps(Office.fields_of(office.profile()), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{nianbao.__version__}\n{profile}".encode()).hexdigest()


class _Kept:
    """A bounded map, the least recently used entry going first; one lock, held only
    to look up and to put (the checks themselves run outside it, so two requests may
    both check a version the first time: the same result, kept once)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[object, ...], Newest] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Newest | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: Newest) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

_kept = _Kept(KEPT)


def newest(report: Report) -> Newest:
    """The report's newest version, its payload and findings (raises
    Version.DoesNotExist for a report without one)."""
    version = report.versions.get(number=report.version)
    return of_version(version, report.office, report.year)


def of_version(version: Version, office: Office, year: int) -> Newest:
    """One version of a report of the office and year, and what it makes, kept. The key
    holds the version's row and time as well as its number: a database restored under a
    running server (`nianbao admin load`) cannot hand one report's findings to another."""
    key = (version.report_id, version.pk, version.number, version.created.isoformat(),
           check_key(office))
    found = _kept.get(key)
    if found is None:
        payload = store.payload_of_version(version)
        found = Newest(version.number, payload, findings_for(payload, office.profile(), year))
        _kept.put(key, found)
    return found


def model(report: Report) -> ReportModel:
    """The library's report of the newest version, to read (render, dump); raises
    ProblemList with the version's data problems, as store.report_model does."""
    found = newest(report)
    if found.findings.report is None:
        return store.report_model(report)  # raises the data problems, each at its field
    return found.findings.report
