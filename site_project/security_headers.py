"""Content-Security-Policy and Permissions-Policy on every response.

Django 5.2 has no CSP of its own. This is a small middleware rather than
django-csp because both policies are fixed strings: public pages carry no
inline script or style at all (scripts and styles are static files), so no
nonce is needed, and a nonce could not work anyway on pages the page cache
stores whole and serves to everyone. The header is added on the way out of
every response, cache hit or miss, so a policy change never waits for the
cache to empty and a stored page never carries a stale policy.

Two policies, chosen by path:

- Reader pages (and Wagtail's previews of them): ``script-src 'self'`` with no
  ``'unsafe-inline'``, so an injected ``<img onerror=…>`` or ``<script>`` never
  runs. Wagtail's preview renders the page through the whole middleware chain
  with the page's own path (``make_preview_request``), so the moderator's
  preview gets this policy too, and the admin's policy leaves it in place.
- ``/admin/``: Wagtail's and wagtail-localize's admin templates still print
  inline scripts (date pickers, inline panels, the translation editor's
  bootstrap) and style attributes, so the admin needs ``'unsafe-inline'``;
  everything else is as strict as the reader pages.

``frame-ancestors 'self'`` on both: the admin's preview panel frames the
preview; no other site may frame either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def _origin(url: str) -> list[str]:
    """``url``'s origin when it names another host, else nothing (it is 'self')."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return [f"{parts.scheme}://{parts.netloc}"]
    return []


def _sources(*groups) -> str:
    seen: list[str] = []
    for group in groups:
        for source in group:
            if source and source not in seen:
                seen.append(source)
    return " ".join(seen)


def _serialise(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def _common() -> dict[str, str]:
    media, static = _origin(settings.MEDIA_URL), _origin(settings.STATIC_URL)
    return {
        "default-src": "'self'",
        "img-src": _sources(
            ["'self'", "data:"], media, static, settings.CSP_IMAGE_SOURCES
        ),
        "font-src": _sources(["'self'"], static),
        "media-src": _sources(["'self'"], media),
        "connect-src": "'self'",
        "frame-src": _sources(["'self'"], settings.CSP_FRAME_SOURCES),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }


def public_policy() -> str:
    static = _origin(settings.STATIC_URL)
    directives = _common()
    directives["script-src"] = _sources(["'self'"], static, settings.CSP_SCRIPT_SOURCES)
    directives["style-src"] = _sources(["'self'"], static)
    return _with_report(directives)


def admin_policy() -> str:
    static = _origin(settings.STATIC_URL)
    directives = _common()
    directives["img-src"] += " blob:"  # previews of images being uploaded
    # Inline scripts and style attributes of Wagtail's and wagtail-localize's
    # admin templates (see the module docstring).
    directives["script-src"] = _sources(["'self'", "'unsafe-inline'"], static)
    directives["style-src"] = _sources(["'self'", "'unsafe-inline'"], static)
    return _with_report(directives)


def _with_report(directives: dict[str, str]) -> str:
    if settings.CSP_REPORT_URI:
        directives["report-uri"] = settings.CSP_REPORT_URI
    return _serialise(directives)


def header_name() -> str:
    if settings.CSP_REPORT_ONLY:
        return "Content-Security-Policy-Report-Only"
    return "Content-Security-Policy"


def policy_for(path: str) -> str:
    return admin_policy() if path.startswith(ADMIN_PREFIXES) else public_policy()


class SecurityHeadersMiddleware:
    """Sets the path's CSP (unless an inner preview set one) and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        name = header_name()
        if name not in response:
            response[name] = policy_for(request.path)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
