"""Every address of the workspace. An office's pages are under /o/<office>/, a report's
under /o/<office>/<year>/, the compiling body's view of a year under /review/; the HTTP
API under /api/ (token authentication)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from nianbao.web.views import api, auth, editor, pages, review

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", pages.home, name="home"),
    path("o/<str:office>/", pages.office, name="office"),
    path("o/<str:office>/profile/", pages.profile, name="profile"),
    path("o/<str:office>/start/", pages.start, name="start"),
    path("o/<str:office>/<int:year>/", editor.editor, name="editor"),
    path("o/<str:office>/<int:year>/check/", editor.check, name="check"),
    path("o/<str:office>/<int:year>/draft/", editor.draft, name="draft"),
    path("o/<str:office>/<int:year>/final/", pages.final, name="final"),
    path("o/<str:office>/<int:year>/history/", pages.history, name="history"),
    path("o/<str:office>/<int:year>/v<int:number>/", pages.version, name="version"),
    path("o/<str:office>/<int:year>/v<int:number>/restore/", pages.restore, name="restore"),
    path("o/<str:office>/<int:year>/download.<str:kind>", pages.download, name="download"),
    path("o/<str:office>/<int:year>/submit/", review.submit, name="submit"),
    path("review/", review.overview, name="review"),
    path("review/download.zip", review.download, name="review-download"),
    path("review/aggregate/", review.aggregate, name="review-aggregate"),
    path("review/findings/", review.findings, name="review-findings"),
    path("review/<str:office>/<int:year>/", review.report_review, name="review-report"),
    path("review/<str:office>/<int:year>/return/", review.return_report, name="review-return"),
    path("review/<str:office>/<int:year>/approve/", review.approve, name="review-approve"),
    path("api/render", api.render, name="api-render"),
    path("api/check", api.check, name="api-check"),
    path("api/reports/<str:office>/<int:year>", api.report, name="api-report"),
    path("django-admin/", admin.site.urls),
]
