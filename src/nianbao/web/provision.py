"""Provisioning, scriptable (`nianbao admin`): offices from their profile files, users
of an office or of the compiling body, API tokens. Each works on the database Django is
set up with (the data folder's, or the tests'); bad input raises `Refused` (or the
profile reader's `ProblemList`) with the clerk's Chinese lines, and changes nothing."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from nianbao.datafile.profiles import load_office
from nianbao.datafile.yamlfile import YAML_SUFFIXES
from nianbao.errors import DATA, NianbaoError
from nianbao.web.models import ApiToken, Member, Office
from nianbao.writing.output import write_atomic

ID_LENGTH = Office._meta.get_field("id").max_length or 100


class Refused(NianbaoError):
    """What was asked cannot be done as asked (unknown office, existing user, a weak
    password); one line per reason."""

    exit_code = DATA

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("\n".join(reasons))
        self.reasons = reasons

    def lines(self) -> list[str]:
        return list(self.reasons)


def digest(token: str) -> str:
    """What is kept of a token: its SHA-256 (a stolen database holds no usable token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_office(profile_path: Path) -> tuple[Office, bool]:
    """The office of a profile file, its id the file's name (as data files name it);
    an existing office of that id takes the file's fields. Returns it and whether it
    is new. The profile is read by the profile reader, whose problems it raises."""
    path = Path(profile_path)
    profile = load_office(path)
    office_id = path.stem
    if len(office_id) > ID_LENGTH:
        raise Refused([f"{path}: 文件名太长，作机关代号最多 {ID_LENGTH} 个字符"])
    office, created = Office.objects.update_or_create(
        id=office_id, defaults=Office.fields_of(profile))
    return office, created


def add_user(name: str, password: str, office_id: str | None = None,
             admin: bool = False) -> User:
    """A user of one office, or (admin) of the compiling body, who sees every office;
    the password must pass Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""
    if admin == (office_id is not None):
        raise Refused(["用户应属于一个机关（--office），或为管理员（--admin），二者选一"])
    office = None
    if office_id is not None:
        office = Office.objects.filter(pk=office_id).first()
        if office is None:
            known = ("、".join(Office.objects.values_list("id", flat=True))
                     or "（还没有，请先添加机关）")
            raise Refused([f"没有机关“{office_id}”；已有的机关：{known}"])
    if User.objects.filter(username=name).exists():
        raise Refused([f"用户“{name}”已存在"])
    user = User(username=name, is_staff=admin, is_superuser=admin)
    reasons = _invalid(user, password)
    if reasons:
        raise Refused(reasons)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        Member.objects.create(user=user, office=office)
    return user


def _invalid(user: User, password: str) -> list[str]:
    """Why a user name or password will not do, in Django's Chinese (zh-hans)."""
    reasons = []
    if not user.username.strip():
        reasons.append("用户名不能为空")
    try:
        User._meta.get_field("username").run_validators(user.username)
    except ValidationError as exc:
        reasons += [f"用户名“{user.username}”：{message}" for message in exc.messages]
    if not password:
        reasons.append("密码不能为空")
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            reasons += [f"密码：{_said(error)}" for error in exc.error_list]
    return reasons


def _said(error: ValidationError) -> str:
    """A validator's message in Chinese. Django 5.2 formats the too-short message with
    a msgid its zh-hans catalog does not have (it reaches the clerk in English), so
    that one is said here."""
    params = error.params if isinstance(error.params, dict) else {}
    if error.code == "password_too_short" and "min_length" in params:
        return f"太短，至少要 {params['min_length']} 个字符。"
    return " ".join(error.messages)


def new_token(username: str) -> str:
    """A new API token of a user, shown this once: only its digest is kept."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise Refused([f"没有用户“{username}”"])
    if not user.is_active:
        raise Refused([f"用户“{username}”已停用"])
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=digest(token))
    return token


# provisioning at scale: a folder of profiles, a list of users

@dataclass
class Imported:
    """What `import_offices` did: the offices added and updated, and the lines of each
    profile that was refused (nothing of it imported)."""

    added: list[Office] = field(default_factory=list)
    updated: list[Office] = field(default_factory=list)
    refused: dict[Path, list[str]] = field(default_factory=dict)


def import_offices(folder: Path) -> Imported:
    """Every profile (*.yaml, *.yml) of a folder as `add_office` takes it, each in its
    own transaction: a bad profile is refused whole with its problem lines (file, line,
    label), the others go in — a city's 300 profiles are not held up by one typo."""
    done = Imported()
    for path in sorted(p for p in Path(folder).iterdir()
                       if p.suffix.lower() in YAML_SUFFIXES and p.is_file()):
        try:
            with transaction.atomic():
                office, created = add_office(path)
        except NianbaoError as exc:  # the profile reader's ProblemList, a Refused
            done.refused[path] = exc.lines()
            continue
        (done.added if created else done.updated).append(office)
    return done


OFFICE_HEADERS = ("机关", "office")
USER_HEADERS = ("用户名", "user")
# a password read aloud or copied from paper: no 0/O, 1/l/I
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS = 3  # of four characters: xxxx-xxxx-xxxx, 71 bits


@dataclass(frozen=True)
class NewUser:
    line: int
    office: str
    name: str
    password: str


def new_password() -> str:
    """A random password that is easy to read out and type: xxxx-xxxx-xxxx."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4))
                    for _ in range(PASSWORD_GROUPS))


def decode_csv(data: bytes) -> str:
    """A CSV as Excel or WPS saves it: UTF-8 with a BOM, UTF-8 without, or GBK (GB18030,
    its superset) as older WPS and Excel on a Chinese Windows save it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_users(path: Path) -> list[NewUser]:
    """The users of a CSV (columns 机关 and 用户名, or office and user), each with a new
    password; raises Refused naming every bad row by its line (an unknown office, a
    user who exists or is listed twice, an empty or unusable name)."""
    path = Path(path)
    try:
        text = decode_csv(path.read_bytes())
    except UnicodeDecodeError:
        raise Refused([f"{path}: 无法读取：应为 UTF-8 或 GBK 编码的 CSV 文件"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns = [cell.strip().lower() for cell in header or []]
    office_at = next((columns.index(h) for h in OFFICE_HEADERS if h in columns), None)
    user_at = next((columns.index(h) for h in USER_HEADERS if h in columns), None)
    if office_at is None or user_at is None:
        raise Refused([f"{path}: 第 1 行应为列名“机关,用户名”（或 office,user）"])
    offices = set(Office.objects.values_list("id", flat=True))
    existing = set(User.objects.values_list("username", flat=True))
    seen: dict[str, int] = {}
    found, reasons = [], []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        office = row[office_at].strip() if office_at < len(row) else ""
        name = row[user_at].strip() if user_at < len(row) else ""
        where = f"{path} 第 {line} 行："
        if not office:
            reasons.append(f"{where}机关为空")
        elif office not in offices:
            reasons.append(f"{where}没有机关“{office}”")
        if not name:
            reasons.append(f"{where}用户名为空")
        elif name in seen:
            reasons.append(f"{where}用户“{name}”与第 {seen[name]} 行重复")
        elif name in existing:
            reasons.append(f"{where}用户“{name}”已存在")
        else:
            seen[name] = line
            try:
                User._meta.get_field("username").run_validators(name)
            except ValidationError as exc:
                reasons += [f"{where}用户名“{name}”：{m}" for m in exc.messages]
        found.append(NewUser(line, office, name, new_password()))
    if reasons:
        raise Refused(reasons)
    if not found:
        raise Refused([f"{path}: 没有用户（第 1 行之后每行一个用户）"])
    return found


def add_users(users: list[NewUser], written: Callable[[], None] = lambda: None) -> None:
    """The users, all or none, in one transaction; `written` (the password file's
    writing) runs inside it, so a password file that cannot be written creates no one.
    Passwords are hashed at full strength, several at once (PBKDF2 releases the GIL)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        hashes = list(pool.map(make_password, [u.password for u in users]))
    with transaction.atomic():
        made = User.objects.bulk_create(User(username=u.name, password=h)
                                        for u, h in zip(users, hashes, strict=True))
        Member.objects.bulk_create(Member(user=user, office_id=u.office)
                                   for u, user in zip(users, made, strict=True))
        written()


def passwords_csv(users: list[NewUser]) -> bytes:
    """The file the admin hands out: 机关, 用户名, 密码, UTF-8 with a BOM so that Excel
    and WPS open it as Chinese."""
    out = io.StringIO(newline="")
    table = csv.writer(out, lineterminator="\r\n")
    table.writerow(["机关", "用户名", "密码"])
    table.writerows([u.office, u.name, u.password] for u in users)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_secret(path: Path, data: bytes, *, force: bool = False) -> None:
    """A file of secrets (passwords, password hashes): readable by its owner only, from
    the start, written whole or not at all; an existing file replaced only with `force`."""
    write_atomic(path, data, force=force, private=True)
