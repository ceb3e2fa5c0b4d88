"""Provisioning, scriptable (`nianbao admin`): offices from their profile files, users
of an office or of the compiling body, API tokens. Each works on the database Django is
set up with (the data folder's, or the tests'); bad input raises `Refused` (or the
profile reader's `ProblemList`) with the clerk's Chinese lines, and changes nothing."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from nianbao.datafile.profiles import load_office
from nianbao.errors import DATA, NianbaoError
from nianbao.web.models import ApiToken, Member, Office

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
