"""The admin sign-in's lock-out (django-axes): its answer and the client address.

django-axes counts failed sign-ins per account and per address (settings:
``AXES_*``, ``LOGIN_FAILURE_LIMIT``, ``LOGIN_COOLOFF_MINUTES``); once either
reaches the limit, even the right password is refused until the cool-off has
passed. Its own answer is a bare page; here the reader gets Wagtail's sign-in
form again, with a message in their language that says why and for how long.
The password reset stays open to a locked-out account, and completing it
forgets that account's failures (only the mailbox's owner can reset, and the
guesses were at the old password).
"""

from __future__ import annotations

import copy
import math

from axes.utils import reset as reset_attempts
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import ngettext
from wagtail.admin.views.account import LoginView, PasswordResetConfirmView

from core.addresses import client_address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for django-axes (core.addresses: ``CLIENT_IP_HEADER``'s
    right-most value when it is set, else the connection's)."""
    return client_address(request) or None


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. Signing in is locked for "
        "%(minutes)d minute; try again later or reset your password.",
        "Too many failed sign-in attempts. Signing in is locked for "
        "%(minutes)d minutes; try again later or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """Wagtail's sign-in form with the lock-out message, answered 429."""
    message = lockout_message()
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        response = JsonResponse({"error": message}, status=429)
    else:
        messages.error(request, message)
        # The form as a GET shows it: posting it again would count a failure.
        form_request = copy.copy(request)
        form_request.method = "GET"
        response = LoginView.as_view()(form_request)
        response.render()
        response.status_code = 429
    response["Retry-After"] = retry_after
    return response


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Wagtail's "set a new password" step; the account's failures are forgotten."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_attempts(username=form.user.get_username())
        return response
