"""The admin in the editor's own language, where Wagtail and wagtail-localize slip.

* ``AdminLanguageMiddleware``: Wagtail switches to the user's preferred admin
  language only inside the view (``require_admin_access``), so what happens
  around it speaks the site's default language: ``permission_denied`` adds
  «Sorry, you do not have permission…» after the override has ended, and a
  Kazakh editor got it in Russian. Activating the preferred language for the
  whole admin request covers those paths too.
* ``browser_labels``: strings the browser shows that no catalogue reaches.
  wagtail-localize's editor has «More actions» and «<source> to <target>
  translation» hard-coded in its JavaScript and formats dates with
  ``strftime("%-d %B %Y")`` (English months in every language); Chromium has
  no Kazakh time-zone names for Wagtail's time-zone menu. The admin script
  ``translations/js/admin-labels.js`` replaces them with these translations.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, pgettext

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Wagtail's time-zone menu names zones through the browser's Intl API, which
# has no Kazakh names: the script puts these where the browser fell back to
# English (it asks the browser for the English name itself).
TIME_ZONES = {
    "Asia/Almaty": gettext_noop("Kazakhstan Time"),
    "Asia/Qostanay": gettext_noop("Kazakhstan Time"),
    "Europe/Moscow": gettext_noop("Moscow Standard Time"),
    "UTC": gettext_noop("Coordinated Universal Time"),
}


class AdminLanguageMiddleware:
    """The admin speaks the user's preferred language for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/admin/"

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(self.prefix) or not (
            user and user.is_authenticated
        ):
            return self.get_response(request)
        profile = getattr(user, "wagtail_userprofile", None)
        language = profile.get_preferred_language() if profile else None
        if not language:
            return self.get_response(request)
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            return self.get_response(request)


def browser_labels() -> dict:
    """What admin-labels.js replaces, in the active language."""
    exact = {"More actions": gettext("More actions")}
    return {
        "exact": {key: value for key, value in exact.items() if key != value},
        "zones": {
            zone: gettext(label)
            for zone, label in TIME_ZONES.items()
            if gettext(label) != label
        },
        # "Русский to Қазақша translation", built in wagtail-localize's script.
        "pair": gettext("%(source)s to %(target)s translation"),
        # strftime's English "2 December 2026".
        "months": {
            month: pgettext("alt. month", month).lower()
            for month in MONTHS
            if translation.get_language() != settings.LANGUAGE_CODE
            or pgettext("alt. month", month) != month
        },
    }
