"""Figures for the README: the hostile-input corpus of tests/hostile.py, each case run
as a clerk would run it (its own process, memory capped), with the slowest case and the
largest peak memory.

    python benchmarks/hostile.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile import corpus
from test_hostile import MEMORY_LIMIT, run_case


def main() -> None:
    results = []
    for case in corpus():
        with tempfile.TemporaryDirectory() as folder:
            outcome = run_case(case, Path(folder))
        clean = (outcome.exit_code == case.exit_code and case.message in outcome.output
                 and "Traceback" not in outcome.output)
        results.append((case, outcome, clean))
        print(f"  {'ok ' if clean else 'BAD'} exit {outcome.exit_code}  {outcome.seconds:6.2f} s "
              f"{outcome.peak_mib:7.1f} MiB  {case.name}")
    bad = [case.name for case, _, clean in results if not clean and case.exit_code]
    rejected = sum(1 for case, _, clean in results if clean and case.exit_code)
    accepted = sum(1 for case, _, clean in results if clean and not case.exit_code)
    slowest = max(results, key=lambda r: r[1].seconds)
    biggest = max(results, key=lambda r: r[1].peak_mib)
    print(f"{len(results)} inputs tried: {rejected} bad inputs rejected cleanly, "
          f"{accepted} tricky but valid inputs accepted, {len(bad)} not as expected {bad}")
    print(f"slowest: {slowest[1].seconds:.2f} s ({slowest[0].name}); "
          f"largest peak memory: {biggest[1].peak_mib:.0f} MiB ({biggest[0].name}); "
          f"memory cap {MEMORY_LIMIT // 2**20} MiB")


if __name__ == "__main__":
    main()
