"""Error pages that need no database: a 503 while the database is away, else 500.

Django turns any exception of a request into ``handler500``; a database that is
down or does not answer (``OperationalError``/``InterfaceError`` on connecting,
bounded by ``DB_CONNECT_TIMEOUT``) is not a bug of the page but an outage, so
readers and editors get "temporarily unavailable" with ``Retry-After``, in the
URL's language first. Pages already in the page cache never get here: a hit is
answered before anything asks the database (home/cache.py).

Both pages render from a template alone: no context processors, no site
settings, no session, nothing that would ask the database again.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

DATABASE_AWAY = (OperationalError, InterfaceError)


def url_language(request: HttpRequest) -> str:
    """The language of the URL's prefix (``/kk/…``), else the site's default."""
    prefix = request.path_info.strip("/").split("/", 1)[0]
    codes = [code for code, _ in settings.LANGUAGES]
    return prefix if prefix in codes else settings.LANGUAGE_CODE


def service_unavailable(request: HttpRequest) -> HttpResponse:
    language = url_language(request)
    languages = [language] + [
        code for code, _ in settings.LANGUAGES if code != language
    ]
    with translation.override(language):
        body = loader.get_template("503.html").render({"languages": languages})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def server_error(request: HttpRequest, template_name: str = "500.html"):
    """``handler500``: 503 for a database outage, Django's own 500 otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_AWAY):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
