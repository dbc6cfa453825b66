"""Caches in front of Django (Varnish, a CDN): emptied from the one
invalidation point.

The backends are wagtail.contrib.frontend_cache's, configured by its
``WAGTAILFRONTENDCACHE`` setting (built from ``VARNISH_URLS`` and the CDN
variables in site_project/settings/base.py). Its app is not installed: its
AppConfig purges a published page's own URLs from ``page_published``, inside
the publishing transaction (a reader between the purge and the commit would
put the old page back) and for two change kinds of the many that show on
other pages (listings, navigation, snippets, settings). Instead
core.caching.invalidation empties every front cache once the change has
committed and the page cache is empty, with ``purge_everything``, which each
backend here adds to upstream's (a Varnish BAN, a Cloudflare zone purge, a
CloudFront ``/*`` invalidation) and which raises when it did not happen.

A cache that could not be emptied is remembered by this process and asked
again (``frontend_debt``) on its next reader request and on the next change,
after resting ``FRONTEND_CACHE_RETRY_SECONDS``: publishing never waits on a
front cache known to be away. A Varnish that was stopped comes back empty
(its storage is memory), so what is owed matters only for one that kept
running out of reach.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import requests
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.contrib.frontend_cache.backends.cloudflare import (
    CloudflareBackend as UpstreamCloudflare,
)
from wagtail.contrib.frontend_cache.backends.cloudfront import (
    CloudfrontBackend as UpstreamCloudfront,
)
from wagtail.contrib.frontend_cache.utils import get_backends

from .breaker import breaker

logger = logging.getLogger(__name__)

FRONTEND_CACHE = "frontend cache"


class FrontendCacheError(Exception):
    """A front cache did not confirm that it was emptied."""


class _Request(urllib.request.Request):
    def __init__(self, url, method, host):
        super().__init__(url, method=method, headers={"Host": host})


class VarnishBackend(BaseBackend):
    """deploy/varnish/default.vcl: PURGE one URL, BAN everything.

    ``LOCATION`` is the Varnish's address as the web nodes reach it;
    ``TIMEOUT`` (seconds) bounds each call, so a Varnish away costs a publish
    at most that once, then nothing while the circuit rests.
    """

    def __init__(self, params):
        super().__init__(params)
        self.location = params["LOCATION"].rstrip("/")
        self.timeout = float(params.get("TIMEOUT", 1.0))

    def _send(self, method: str, path: str, host: str) -> None:
        request = _Request(self.location + path, method, host)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - LOCATION is http(s), from settings
                response.read()
        except urllib.error.HTTPError as error:
            raise FrontendCacheError(
                f"Varnish {self.location} answered {method} with {error.code} "
                "(is this web node in the VCL's purgers ACL?)"
            ) from None
        except (OSError, ValueError) as error:
            raise FrontendCacheError(f"Varnish {self.location}: {error}") from None

    def purge(self, url: str) -> None:
        """One URL (upstream's interface, for whoever calls it); logged on failure."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            self._send("PURGE", path or "/", parts.netloc)
        except FrontendCacheError as error:
            logger.error("Could not purge %s: %s", url, error)

    def purge_everything(self) -> None:
        self._send("BAN", "/", urlsplit(self.location).netloc)


class CloudflareBackend(UpstreamCloudflare):
    """Upstream's, plus the zone's "purge everything" (not run by the tests)."""

    def purge_everything(self) -> None:
        if self.cloudflare_token:
            headers = {"Authorization": f"Bearer {self.cloudflare_token}"}
        else:
            headers = {
                "X-Auth-Email": self.cloudflare_email,
                "X-Auth-Key": self.cloudflare_api_key,
            }
        try:
            response = requests.post(
                self.cloudflare_purge_endpoint_url,
                json={"purge_everything": True},
                headers=headers,
                timeout=settings.FRONTEND_CACHE_TIMEOUT,
            )
            succeeded = response.ok and response.json().get("success") is True
        except (requests.RequestException, ValueError) as error:
            raise FrontendCacheError(f"Cloudflare: {error}") from None
        if not succeeded:
            raise FrontendCacheError(f"Cloudflare answered {response.status_code}")


class CloudfrontBackend(UpstreamCloudfront):
    """Upstream's, plus an invalidation of ``/*`` (not run by the tests)."""

    def purge_everything(self) -> None:
        try:
            self.client.create_invalidation(
                DistributionId=self.cloudfront_distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": 1, "Items": ["/*"]},
                    "CallerReference": str(uuid.uuid4()),
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise FrontendCacheError(f"CloudFront: {error}") from None


def frontend_backends() -> dict[str, BaseBackend]:
    """The configured front caches; each must know how to empty itself."""
    backends = get_backends(getattr(settings, "WAGTAILFRONTENDCACHE", None) or {})
    for name, backend in backends.items():
        if not callable(getattr(backend, "purge_everything", None)):
            raise ImproperlyConfigured(
                f"WAGTAILFRONTENDCACHE[{name!r}]: {type(backend).__name__} cannot "
                "be emptied; use a backend of core.caching.frontend."
            )
    return backends


def check_frontend_caches(app_configs=None, **kwargs) -> list[checks.Error]:
    """At start-up, not at the first publish: a front cache that cannot be
    emptied would serve old pages for its whole TTL."""
    try:
        frontend_backends()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="kmpress.E001")]
    return []


class _FrontendDebt:
    """Per process: whether a front cache missed an emptying."""

    owed = False


def frontend_debt() -> bool:
    return _FrontendDebt.owed


def clear_frontend_caches() -> bool:
    """Empties every front cache; True when all of them confirmed it.

    While a failure rests (``FRONTEND_CACHE_RETRY_SECONDS``) nothing is asked
    and the emptying stays owed.
    """
    backends = frontend_backends()
    if not backends:
        _FrontendDebt.owed = False
        return True
    if breaker.is_open(FRONTEND_CACHE):
        _FrontendDebt.owed = True
        return False
    failures = []
    for name, backend in backends.items():
        try:
            backend.purge_everything()
        except FrontendCacheError as error:
            failures.append(f"{name}: {error}")
    _FrontendDebt.owed = bool(failures)
    if failures and breaker.trip(FRONTEND_CACHE, settings.FRONTEND_CACHE_RETRY_SECONDS):
        logger.warning(
            "Front cache not emptied (%s); asking again in %s s.",
            "; ".join(failures),
            settings.FRONTEND_CACHE_RETRY_SECONDS,
        )
    return not failures


def pay_frontend_debt() -> None:
    """Asks again, if an emptying is owed and the failure has rested."""
    if _FrontendDebt.owed and not breaker.is_open(FRONTEND_CACHE):
        clear_frontend_caches()
