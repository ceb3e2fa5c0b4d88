"""Django settings of the workspace, from the environment `nianbao serve` sets up:
NIANBAO_DATA (the data folder: the SQLite database and the secret key) and, for a shared
server, NIANBAO_DATABASE_URL (postgresql://user:password@host:port/name).

Security is on by default: sessions that expire, CSRF on every form, no framing, no
content sniffing, a Content-Security-Policy that allows no inline script.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

DATA = Path(os.environ.get("NIANBAO_DATA", "nianbao-data")).resolve()


def _secret_key(folder: Path) -> str:
    """The key that signs sessions and CSRF tokens: made once per data folder, readable
    by its owner only, so a restart keeps everyone logged in."""
    path = folder / "secret.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="ascii").strip()


def database_settings(url: str | None) -> dict[str, object]:
    """SQLite in the data folder, or the server a postgresql:// URL names."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "nianbao.sqlite3",
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"}}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"不支持的数据库地址：{parts.scheme}://（应为 postgresql://…）")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60}


# without a data folder (a type checker importing the settings), a key for this process
SECRET_KEY = _secret_key(DATA) if "NIANBAO_DATA" in os.environ else secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("NIANBAO_HOSTS", "127.0.0.1,localhost,[::1]")
                 .split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "nianbao.web.apps.WorkspaceConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nianbao.web.headers.SecurityHeaders",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nianbao.web.faults.Faults",
]
ROOT_URLCONF = "nianbao.web.urls"
WSGI_APPLICATION = "nianbao.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": database_settings(os.environ.get("NIANBAO_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# a working day; closing the browser ends the session too
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "nianbao.web.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# behind a reverse proxy that terminates TLS (README: deployment), cookies go secure
if os.environ.get("NIANBAO_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # served from the package itself: no collectstatic step
WHITENOISE_AUTOREFRESH = False

# LibreOffice runs at once per server process (each ~1 core, converting up to 10 queued
# PDFs in one run): half the cores, so that the rest keeps answering the editor; two at
# least, so that one run does not hold back every download (`serve --workers N` shares
# them out among its N processes unless NIANBAO_PDF_WORKERS says otherwise)
PDF_WORKERS = int(os.environ.get("NIANBAO_PDF_WORKERS") or max(2, (os.cpu_count() or 2) // 2))

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a report's form, or an uploaded report
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}},
}
