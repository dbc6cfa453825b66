"""Production: refuses to start without its secrets, security headers on.

Plain HTTP by default: `docker compose up` has nothing that speaks TLS, and
redirecting to an HTTPS nobody serves is a dead site. ``TLS_IN_FRONT=true``
says a proxy (a load balancer, a CDN, nginx/caddy) terminates TLS and sets
``X-Forwarded-Proto``: then the HTTPS redirect, HSTS and secure cookies follow.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

for _name in ("SECRET_KEY", "ALLOWED_HOSTS"):
    if not os.environ.get(_name, "").strip():
        raise ImproperlyConfigured(
            f"{_name} must be set in the environment for production settings "
            "(see .env.example)."
        )

DEBUG = False
TLS_IN_FRONT = env_bool("TLS_IN_FRONT", default=False)  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's admin shows page previews in an iframe of its own origin.
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_SSL_REDIRECT = TLS_IN_FRONT
SESSION_COOKIE_SECURE = TLS_IN_FRONT
CSRF_COOKIE_SECURE = TLS_IN_FRONT
SECURE_HSTS_SECONDS = (
    int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if TLS_IN_FRONT else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS_IN_FRONT
# Preloading is a promise to browsers that cannot be taken back quickly:
# only when the operator asks for it.
SECURE_HSTS_PRELOAD = TLS_IN_FRONT and env_bool("SECURE_HSTS_PRELOAD")  # noqa: F405
if TLS_IN_FRONT:
    # Trusted only when a proxy we run sets it (and overwrites the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# `check --deploy --fail-level WARNING` is clean; what it would still say, and why not:
SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: the admin frames its own previews.
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # HSTS preload is opt-in (SECURE_HSTS_PRELOAD=true), see above.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if not TLS_IN_FRONT:
    SILENCED_SYSTEM_CHECKS += [
        # Plain HTTP on purpose (TLS_IN_FRONT unset): no HSTS, no redirect to an
        # HTTPS nothing serves, and cookies a browser sends over HTTP.
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]
