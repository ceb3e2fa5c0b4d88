"""Logging in and out. No self-registration (accounts are made with `nianbao admin`);
logins throttled (`nianbao.web.throttle`); logout only by a POST with its CSRF token, so
a link or an image on another page cannot log a clerk out; after login, only an address
of this site is followed (Django's `url_has_allowed_host_and_scheme`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from nianbao.web import throttle


class LoginForm(AuthenticationForm):
    """Django's login form, its messages in the clerk's words."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")  # Chinese punctuation after a label
        super().__init__(request, *args, **kwargs)
        self.error_messages = {
            "invalid_login": "用户名或密码不正确（区分大小写），请重新输入。",
            "inactive": "此账户已停用，请联系管理员。",
        }
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请填写用户名。"
        self.fields["password"].error_messages["required"] = "请填写密码。"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"})


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(views.LoginView):
    template_name = "nianbao/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refused while throttled, before the password is even looked at."""
        username = str(request.POST.get("username", ""))
        until = throttle.refused_until(username, throttle.address_of(request))
        if until is not None:
            # unbound: the password is not checked, nothing but the refusal is said
            form = self.authentication_form(request, initial={"username": username})
            context = self.get_context_data(form=form, refused=throttle.refusal_message(until))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(throttle.seconds_until(until))
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.record_success(form.get_user().get_username())
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            throttle.record_failure(str(form.data.get("username", "")),
                                    throttle.address_of(self.request))
        return super().form_invalid(form)


class LogoutView(views.LogoutView):
    """POST only (Django's own is; a GET is 405)."""


login_view = LoginView.as_view()
logout_view = LogoutView.as_view()
