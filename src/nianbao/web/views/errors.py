"""Error pages in Chinese: a refused form (CSRF) says what to do — reload the page and
try again — rather than Django's English text."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: the reason is for the log, not for the clerk."""
    return render(request, "403.html", {"csrf": True}, status=403)
