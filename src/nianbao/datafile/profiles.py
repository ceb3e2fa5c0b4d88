"""Office profiles (机关信息) as files: finding the one a data file names, reading it
with every problem named, writing one out."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from nianbao.datafile.yamlfile import YAML_SUFFIXES, LineDict, load_yaml
from nianbao.errors import Problem, ProblemList
from nianbao.report.office import ALL_FIELDS, PROFILE_FIELDS, Office
from nianbao.spec.form import office_categories
from nianbao.spec.values import unprintable


def is_path_ref(ref: str) -> bool:
    """Whether a data file's `office:` names a file (relative to the data file) rather
    than a profile to look up by name."""
    return ref.endswith(YAML_SUFFIXES) or "/" in ref


def find_profile(ref: str, data_file: Path, search: list[Path]) -> Path | None:
    """Resolve a data file's `office:` value: a path relative to the data file, or a
    profile name looked up in `config/offices/` beside the data file or above it, then
    in the given folders."""
    candidate = data_file.parent / ref
    if is_path_ref(ref):
        return candidate if candidate.is_file() else None
    folders = list(search)
    folders += [parent / "config" / "offices" for parent in data_file.resolve().parents]
    folders.append(Path.cwd() / "config" / "offices")
    for folder in folders:
        path = folder / f"{ref}.yaml"
        if path.is_file():
            return path
    return None


def dump_office(fields: dict[str, str]) -> str:
    """An office profile file, every key with its Chinese label beside it."""
    lines = ["# 机关信息（office profile）：同一机关各年度的数据文件共用。"]
    for key, label in ALL_FIELDS.items():
        value = fields.get(key, "")
        if value or key in PROFILE_FIELDS:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}  # {label}")
    return "\n".join(lines) + "\n"


def profile_name(office_name: str) -> str:
    """A file name for an office's profile: its name, safe on every file system."""
    name = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "", office_name).strip(". ")
    return name[:60] or "office"


def load_office(path: Path) -> Office:
    """An office profile; read once per process while the file is unchanged (a batch
    of a thousand data files shares a handful of profiles)."""
    stat = path.stat()
    return _load_office(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load_office(path: Path, mtime_ns: int, size: int) -> Office:
    raw = load_yaml(path)
    if not isinstance(raw, LineDict):
        raise ProblemList([Problem(path, None, "", "机关信息文件应为“键: 值”的列表")])
    return office_from(raw, path, path.stem)


def office_from(raw: LineDict, path: Path, office_id: str) -> Office:
    """An office from a profile's fields (a profile file's, or a workbook's 机关信息
    sheet's); raises ProblemList naming each missing, unknown or unusable field."""
    problems = []
    allowed = ALL_FIELDS
    for key in raw:
        if key not in allowed:
            problems.append(Problem(path, raw.lines[key], str(key), "未知的键；可用的键："
                                    + "、".join(f"{k}（{v}）" for k, v in allowed.items())))
    for key, label in PROFILE_FIELDS.items():
        if key not in raw:
            problems.append(Problem(path, raw.line, f"{key}（{label}）", "缺少此项"))
    for key, value in raw.items():
        if key not in allowed:
            continue
        label = f"{key}（{allowed[key]}）"
        if not isinstance(value, (str, int)) or not str(value).strip():
            problems.append(Problem(path, raw.lines[key], label, "应为非空文字"))
        elif reason := unprintable(str(value)):
            problems.append(Problem(path, raw.lines[key], label, reason))
        elif key == "category" and str(value).strip() not in office_categories():
            # a category the deadline rule does not know would silently get the default
            problems.append(Problem(path, raw.lines[key], label, f"“{value}”无效：应为"
                                    + "或".join(f"“{c}”" for c in office_categories())))
    if problems:
        raise ProblemList(problems)
    values = {f.name: str(raw.get(f.name, "")).strip() for f in fields(Office) if f.name != "id"}
    return Office(id=office_id, **values)
