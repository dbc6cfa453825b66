"""Language prefixes are for readers' addresses: a view's own 404 stays its answer.

Django's ``LocaleMiddleware.process_response`` redirects a 404 whose path has
no language prefix to the same path with one whenever ``is_valid_path``
accepts the prefixed path. Our page catch-all inside ``i18n_patterns``
(site_project/urls.py) accepts every path, so the admin's 404 for
``/admin/no-such-thing/``, and the 404 wagtail-localize's editor answers to
a DELETE with nothing to delete, became redirects to ``/ru/admin/…``, where
the public site said "page not found" in place of the admin.

A request that resolved to a view has had its answer: without a language
prefix that view lies outside ``i18n_patterns`` (the admin, documents), and
its 404 is kept. An address that resolves nowhere (``/novosti/``) is still
sent to its language, as before.
"""

from __future__ import annotations

from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguagePrefixMiddleware(LocaleMiddleware):
    def process_response(self, request, response):
        if (
            response.status_code == 404
            and request.resolver_match is not None
            and not translation.get_language_from_path(request.path_info)
        ):
            # Upstream's answer to a request outside i18n_patterns, less the redirect.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
