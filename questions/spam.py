"""Spam protection without third parties: a honeypot field, a minimum fill
time (a signed timestamp issued by an uncached request) and a per-address
limit counted in the default cache (Redis in production, the file cache on
the embedded default)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.module_loading import import_string

SALT = "questions.started"


def issue_stamp() -> str:
    """When the reader got the form, signed so it cannot be back-dated."""
    return signing.dumps(time.time(), salt=SALT)


def filled_too_fast(stamp: str) -> bool:
    """True when the stamp is missing, forged, stale or younger than the minimum."""
    try:
        started = float(
            signing.loads(
                stamp, salt=SALT, max_age=settings.READER_QUESTIONS_FORM_MAX_AGE
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < settings.READER_QUESTIONS_MIN_FILL_SECONDS


def client_address(request) -> str | None:
    """The address the admin sign-in guard counts too (AXES_CLIENT_IP_CALLABLE)."""
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def _key(address: str | None) -> str:
    digest = hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]
    return f"questions:rate:{digest}"


def over_limit(address: str | None) -> bool:
    """Counts one submission from ``address``; True past the limit in the window.

    A cache outage lets the question through (the other two guards remain).
    """
    key = _key(address)
    window = settings.READER_QUESTIONS_RATE_WINDOW
    try:
        count = 1 if cache.add(key, 1, window) else cache.incr(key)
    except ValueError:  # the window ended between add and incr
        count = 1 if cache.add(key, 1, window) else None
    except Exception:  # noqa: BLE001 - a cache down degrades, never breaks
        return False
    # None: a Redis outage that the backend swallowed (IGNORE_EXCEPTIONS).
    return count is not None and count > settings.READER_QUESTIONS_RATE_LIMIT
