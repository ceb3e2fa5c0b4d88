"""Output files are written whole or not at all, and never replace a file unless told."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nianbao.errors import UNUSABLE, OutputExists
from nianbao.writing.output import TEMP_PREFIX, remove_stale_temporaries, write_atomic


def test_a_new_file_is_written_with_the_usual_permissions(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "report.docx"
    write_atomic(path, b"report")
    assert path.read_bytes() == b"report"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["report.docx"]  # no temporary left


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"signed")
    with pytest.raises(OutputExists) as caught:
        write_atomic(path, b"new")
    assert path.read_bytes() == b"signed"
    assert caught.value.exit_code == UNUSABLE
    assert caught.value.lines() == [f"{path}: 文件已存在，未覆盖（确需覆盖请加 --force）"]
    write_atomic(path, b"new", force=True)
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    (tmp_path / f"{TEMP_PREFIX}a.part").write_bytes(b"half")
    (tmp_path / f"{TEMP_PREFIX}b.part").write_bytes(b"half")
    (tmp_path / "report.docx").write_bytes(b"whole")
    assert remove_stale_temporaries(tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]
