"""Who may see what: an office's users their own office only, the compiling body's
(staff) every office. Every view that takes an office or a report goes through here,
and whatever is outside the user's scope is "not found" (404), whether it exists or not:
an office's users cannot learn which other offices or years there are."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from nianbao.web.models import Member, Office, Report


def is_admin(user: User | AnonymousUser) -> bool:
    """The compiling body's user: sees and may change every office's reports."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def office_of(user: User | AnonymousUser) -> Office | None:
    """The office an office user works for (None for an admin or a user without one)."""
    if not user.is_authenticated:
        return None
    member = Member.objects.filter(user_id=user.pk).select_related("office").first()
    return member.office if member else None


def visible_offices(user: User | AnonymousUser) -> QuerySet[Office]:
    if is_admin(user):
        return Office.objects.all()
    office = office_of(user)
    return Office.objects.filter(pk=office.pk) if office else Office.objects.none()


def office_for(user: User | AnonymousUser, office_id: str) -> Office:
    """The office, if the user may see it; else Http404."""
    office = visible_offices(user).filter(pk=office_id).first()
    if office is None:
        raise Http404("没有这个机关，或无权查看")
    return office


def report_for(user: User | AnonymousUser, office_id: str, year: int) -> Report:
    """The report of an office and year, if the user may see it; else Http404."""
    office = office_for(user, office_id)
    report = Report.objects.filter(office=office, year=year).select_related("office").first()
    if report is None:
        raise Http404("没有这一年度的年报，或无权查看")
    return report
