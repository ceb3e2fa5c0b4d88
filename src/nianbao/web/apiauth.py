"""Who is calling the HTTP API: a token, never a session cookie.

A program (a batch script, another office system) sends `Authorization: Bearer <token>`
(or `Token <token>`); only the token's SHA-256 is stored (`ApiToken`), so a copy of the
database gives no usable token. A session cookie is ignored on purpose: the API then
needs no CSRF token (a forged cross-site request carries no Authorization header), and a
browser that is logged in to the workspace cannot be made to call it from another site.
The scope rules are the pages' (`nianbao.web.scope`): outside it is 404, as there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from nianbao.web.models import ApiToken

SCHEMES = ("bearer", "token")
REALM = 'Bearer realm="nianbao"'
MAX_TOKEN = 200  # characters: `nianbao admin token` makes far shorter ones

View = Callable[..., HttpResponse]


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def error(message: str, status: int, **headers: str) -> JsonResponse:
    """The API's answer when something is refused: JSON {"error": <Chinese>}."""
    response = JsonResponse({"error": message}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def token_user(request: HttpRequest) -> User | None:
    """The active user whose token the request carries, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() not in SCHEMES or not token or len(token) > MAX_TOKEN:
        return None
    found = ApiToken.objects.filter(digest=digest(token)).select_related("user").first()
    if found is None or not found.user.is_active:
        return None
    return found.user


def _unauthorized(request: HttpRequest) -> JsonResponse:
    if not request.META.get("HTTP_AUTHORIZATION"):
        return error("缺少接口令牌：请在请求头中加 Authorization: Bearer <令牌>"
                     "（令牌由管理员用 nianbao admin token 生成）", 401,
                     WWW_Authenticate=REALM)
    return error("接口令牌无效，或其用户已停用", 401,
                 WWW_Authenticate=f'{REALM}, error="invalid_token"')


def api_view(*methods: str) -> Callable[[View], View]:
    """An API view: only these HTTP methods (else 405), a token's user as
    `request.user` (else 401), Http404 (outside the user's scope) answered as JSON;
    exempt from CSRF, which protects cookie-authenticated requests only."""
    allowed = [m.upper() for m in methods]

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return error(f"不支持 {request.method} 请求：可用 {'、'.join(allowed)}", 405,
                             Allow=", ".join(allowed))
            user = token_user(request)
            if user is None:
                return _unauthorized(request)
            request.user = user  # the session's user (if any) is not the caller
            try:
                return view(request, *args, **kwargs)
            except Http404 as exc:
                return error(str(exc) or "没有找到", 404)

        return csrf_exempt(wrapper)

    return decorate
