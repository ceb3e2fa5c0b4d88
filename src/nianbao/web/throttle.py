"""Login throttling: a password guessed at from outside is stopped after a few tries.

After `PER_USER` failed logins for one user name, or `PER_ADDRESS` from one address,
within `WINDOW`, further attempts are refused — even with the right password, or the
guesser would learn when he found it — until enough of those failures are older than
the window. The failures are rows (`LoginFailure`), so every thread and process of the
server counts the same ones; a successful login clears its user name's failures. A
refused attempt is not a failure: refusals do not prolong a lock-out, so the clerk
whose name a guesser used can log in again one window after the guessing stopped.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone

from nianbao.web.models import LoginFailure

PER_USER = 5
PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)
NAME_LENGTH = 150  # the user name column's, as Django's User has it


def address_of(request: HttpRequest) -> str:
    """The address a request came from: the socket's peer (waitress sets REMOTE_ADDR;
    a header such as X-Forwarded-For is the client's to forge)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _name(username: str) -> str:
    return username.strip()[:NAME_LENGTH]


def refused_until(username: str, address: str) -> datetime | None:
    """When attempts for this user name from this address are allowed again; None if
    they are allowed now."""
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(when__gt=since)
    until = None
    for failures, limit in ((recent.filter(username=_name(username)), PER_USER),
                            (recent.filter(address=address), PER_ADDRESS)):
        count = failures.count()
        if count >= limit:
            # allowed again once the failures in the window are fewer than the limit:
            # when the (count - limit + 1)-th oldest of them leaves the window
            times = list(failures.order_by("when").values_list("when", flat=True)
                         [count - limit:count - limit + 1])
            if times:
                free = times[0] + WINDOW
                until = free if until is None else max(until, free)
    return until


def record_failure(username: str, address: str) -> None:
    """A wrong password (or unknown name); failures older than the window are gone."""
    LoginFailure.objects.filter(when__lte=timezone.now() - WINDOW).delete()
    LoginFailure.objects.create(username=_name(username), address=address)


def record_success(username: str) -> None:
    """The user name's failures are forgotten (the address's are kept: one address
    guessing at many names is still counted)."""
    LoginFailure.objects.filter(username=_name(username)).delete()


def seconds_until(until: datetime) -> int:
    """Whole seconds from now until then, at least 1 (for Retry-After)."""
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def refusal_message(until: datetime) -> str:
    """The clerk's line: why, and from when to try again (local time, minutes)."""
    local = timezone.localtime(until)
    minutes = math.ceil(seconds_until(until) / 60)
    return (f"登录失败次数过多，已暂停登录。请在 {local:%H:%M} 之后（约 {minutes} 分钟后）"
            "再试；忘记密码请联系管理员。")
