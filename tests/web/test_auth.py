"""Logging in and out: Chinese pages and messages, throttled guessing (by user name and
by address, the right password refused while throttled), logout by POST only, CSRF on
the login form, next-URLs of this site only, security headers, sessions that end."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from nianbao.web import throttle
from nianbao.web.models import LoginFailure

pytestmark = pytest.mark.django_db
PASSWORD = "正确的密码-2024"  # the fixtures' (tests/web/conftest.py)


def login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password, **extra})


def test_the_login_page_is_chinese_with_security_headers(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录年报工作台" in page and "用户名" in page and "密码" in page
    assert '<html lang="zh-CN">' in page
    assert "<script" not in page and "style=" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_a_clerk_logs_in_and_goes_home(client: Client, clerk: User) -> None:
    response = login(client, "pingtan-clerk", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(clerk.pk)


def test_a_wrong_password_is_said_in_chinese(client: Client, clerk: User) -> None:
    response = login(client, "pingtan-clerk", "错的密码")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="pingtan-clerk").count() == 1


def test_an_empty_field_is_said_and_not_counted(client: Client, clerk: User) -> None:
    response = login(client, "pingtan-clerk", "")
    assert "请填写密码" in response.content.decode()
    assert not LoginFailure.objects.exists()


def test_five_failures_for_a_name_refuse_even_the_right_password(client: Client,
                                                                  clerk: User) -> None:
    for _ in range(throttle.PER_USER):
        assert login(client, "pingtan-clerk", "错的密码").status_code == 200
    response = login(client, "pingtan-clerk", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert re.search(r"请在 \d\d:\d\d 之后（约 1[45] 分钟后）再试", page), page
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session
    # the refusals are not failures: they do not prolong the lock-out
    assert LoginFailure.objects.count() == throttle.PER_USER
    # another user from the same address is not locked out by this name's failures
    User.objects.create_user("other", password=PASSWORD)
    assert login(Client(), "other", PASSWORD).status_code == 302


def test_the_lock_out_ends_with_the_window(client: Client, clerk: User) -> None:
    for _ in range(throttle.PER_USER):
        login(client, "pingtan-clerk", "错的密码")
    assert login(client, "pingtan-clerk", PASSWORD).status_code == 429
    LoginFailure.objects.update(when=timezone.now() - throttle.WINDOW - timedelta(seconds=1))
    assert login(client, "pingtan-clerk", PASSWORD).status_code == 302


def test_twenty_failures_from_an_address_refuse_it(clerk: User) -> None:
    guesser = Client(REMOTE_ADDR="10.9.8.7")
    for number in range(throttle.PER_ADDRESS):
        assert login(guesser, f"name-{number}", "错的密码").status_code == 200
    response = login(guesser, "pingtan-clerk", PASSWORD)
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    # the clerk at another address is not locked out
    assert login(Client(REMOTE_ADDR="10.0.0.1"), "pingtan-clerk", PASSWORD).status_code == 302


def test_a_success_clears_the_names_failures(client: Client, clerk: User) -> None:
    for _ in range(throttle.PER_USER - 1):
        login(client, "pingtan-clerk", "错的密码")
    assert login(client, "pingtan-clerk", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="pingtan-clerk").exists()
    other = Client()
    for _ in range(throttle.PER_USER - 1):
        login(other, "pingtan-clerk", "错的密码")
    assert login(other, "pingtan-clerk", PASSWORD).status_code == 302


def test_old_failures_are_forgotten(client: Client, clerk: User) -> None:
    LoginFailure.objects.create(username="x", address="1.2.3.4")
    LoginFailure.objects.update(when=timezone.now() - timedelta(hours=1))
    login(client, "pingtan-clerk", "错的密码")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["pingtan-clerk"]


def test_logout_by_get_is_refused(clerk_client: Client) -> None:
    assert clerk_client.get("/logout/").status_code == 405
    assert "_auth_user_id" in clerk_client.session


def test_logout_by_post_ends_the_session(clerk_client: Client) -> None:
    response = clerk_client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in clerk_client.session
    assert clerk_client.get("/").status_code == 302  # to the login page


def test_the_login_post_needs_its_csrf_token(clerk: User) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = login(client, "pingtan-clerk", PASSWORD)
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    page = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = login(client, "pingtan-clerk", PASSWORD, csrfmiddlewaretoken=token.group(1))
    assert response.status_code == 302


def test_logout_needs_its_csrf_token(clerk: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.post("/logout/").status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(("next_url", "landing"), [
    ("/o/pingtan/", "/o/pingtan/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("javascript:alert(1)", "/"),
])
def test_after_login_only_this_sites_addresses(client: Client, clerk: User, next_url: str,
                                                landing: str) -> None:
    response = login(client, "pingtan-clerk", PASSWORD, next=next_url)
    assert response.status_code == 302 and response["Location"] == landing


def test_the_next_url_survives_the_login_page(client: Client, clerk: User) -> None:
    response = client.get("/o/pingtan/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/o/pingtan/"' in page


def test_the_session_cookie_is_http_only_and_ends(client: Client, clerk: User) -> None:
    response = login(client, "pingtan-clerk", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert timedelta(hours=7) < left <= timedelta(hours=8)
    assert response.cookies["csrftoken"]["httponly"]


def test_an_expired_session_is_logged_out(client: Client, clerk: User) -> None:
    login(client, "pingtan-clerk", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_a_logged_in_clerk_skips_the_login_page(clerk_client: Client) -> None:
    assert clerk_client.get("/login/").status_code == 302


def test_an_inactive_user_cannot_log_in(client: Client, clerk: User) -> None:
    clerk.is_active = False
    clerk.save()
    response = login(client, "pingtan-clerk", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
