"""Faults a clerk should be told of in Chinese, with nothing lost, rather than shown
Django's bare "Server Error (500)": the database briefly unavailable (a PostgreSQL
server restarting, the SQLite file's folder gone, a lock held too long) answers 503 with
"try again shortly" — the save in hand was rolled back whole, so trying again is safe —
and a full disk while a download is made answers 507 with what to tell the admin.

The page is built here without a template that reads the session or the user: those
would ask the database again, which is what just failed.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from html import escape

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static

log = logging.getLogger(__name__)

DATABASE_DOWN = ("数据库暂时无法使用，本次操作未完成（未保存的内容没有丢失，请不要关闭页面）；"
                 "请稍后再试。")
DISK_FULL = "服务器磁盘已满，暂时无法生成文件；请联系政务公开办（系统管理员）清理磁盘后再试。"
RETRY_AFTER = "5"  # seconds: a restart of the database server, a lock released
FULL = frozenset(n for n in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if n is not None)


class Faults:
    """Middleware (innermost in settings.MIDDLEWARE, so that its answer still gets the
    security headers): a view that fails on the database or on a full disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.warning("database unavailable: %s %s: %s", request.method, request.path,
                        exception)
            response = _answer(request, "数据库暂时无法使用", DATABASE_DOWN, 503)
            response["Retry-After"] = RETRY_AFTER
            return response
        if isinstance(exception, OSError) and exception.errno in FULL:
            log.error("disk full: %s %s: %s", request.method, request.path, exception)
            return _answer(request, "服务器磁盘已满", DISK_FULL, 507)
        return None  # Django's own handling (the 500 page, logged)


def _answer(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    """JSON for the API (as its other errors), a page for a person."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": text}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)} · 年报工作台</title>\n"
            f'<link rel="stylesheet" href="{escape(static("nianbao/workspace.css"))}">\n'
            f'</head>\n<body>\n<main id="main">\n<h1>{escape(title)}</h1>\n'
            f'<p role="alert">{escape(text)}</p>\n<p><a href="/">返回首页</a></p>\n'
            f"</main>\n</body>\n</html>\n")
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
