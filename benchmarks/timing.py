"""Timing shared by the benchmark scripts: medians, since this machine is shared and
noisy, and figures are only compared within one run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of `fn` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def print_figures(title: str, figures: dict[str, float], baseline: str, ours: str) -> None:
    """Figures in ms, one a line, then how many times the baseline takes ours."""
    print(title)
    width = max(len(name) for name in figures) + 2
    for name, ms in figures.items():
        print(f"  {name:{width}} {ms:8.2f} ms")
    print(f"  {baseline} / {ours}: {figures[baseline] / figures[ours]:.1f} x")
