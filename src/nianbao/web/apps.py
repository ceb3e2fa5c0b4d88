"""The Django application of the workspace."""

from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "nianbao.web"
    label = "workspace"
    verbose_name = "年报工作台"
    default_auto_field = "django.db.models.BigAutoField"
