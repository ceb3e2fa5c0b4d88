"""Writing output files so that nothing is ever half-written or silently replaced.

Every output goes to a temporary file in the target folder, is flushed to disk, then
takes its final name in one step. Without `force`, the final step is a hard link,
which fails if the name exists (no window between checking and writing); with
`force`, an atomic rename replaces the old file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from nianbao.errors import OutputExists

TEMP_PREFIX = ".nianbao-"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
TEMP_SUFFIX = ".part"


def write_atomic(path: Path, data: bytes, *, force: bool = False,
                 private: bool = False) -> None:
    """`data` under `path`, whole or not at all. `private`: readable by its owner only
    (a file of passwords or password hashes), from the start, never wider."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        if not private:
            os.fchmod(fd, 0o666 & ~_UMASK)  # as open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if force:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise OutputExists(path) from None
            except OSError:  # a file system without hard links
                if path.exists():
                    raise OutputExists(path) from None
                os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def remove_stale_temporaries(folder: Path) -> int:
    """Remove temporary files left by a run that was killed; returns how many."""
    removed = 0
    for temp in Path(folder).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            temp.unlink()
            removed += 1
    return removed
