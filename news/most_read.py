"""Most read: counted by a beacon, kept in the cache, flushed by the worker.

Article pages are served whole from the page cache or Varnish, so Django
never sees a reading. A few lines of JavaScript on the article page
(``news/js/read-beacon.js``) send ``navigator.sendBeacon`` to an uncached
endpoint (news.views.read_beacon); robots that run no JavaScript never count,
and those that do are told apart by their User-Agent (``is_robot``).

A reader counts once per article per day, without a cookie: the first beacon
of a day's (address, User-Agent, article) hash is counted, later ones are
not. Counts live in the default cache (Redis in production, the shared files
without it) through the cache API's ``add``/``incr`` only. The articles read
on a day are listed in numbered slots, so the worker (``flush``) can find
them without scanning keys, and writes each day's running total to
``ArticleReads``.

Staleness: the sidebar's «Most read» is drawn from the database and cached
with the page. ``flush`` runs every ``KMPRESS_MOST_READ_FLUSH_SECONDS``
(the worker) and, when a language's list changed, calls
``content_changed``: pages, fragments and Varnish are emptied as for an
edit. So the list is at most one flush interval (plus a worker tick) old,
and the caches are emptied at most once per interval for it; publishing
already empties them a few times an hour.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Locale, Page

from core.caching.invalidation import content_changed

from .models import ArticleReads
from .selectors import most_read

#: Days the cache keeps a day's counts: the worker has that long to flush them.
KEEP_SECONDS = 3 * 24 * 60 * 60
SHOWN_KEY = "mostread:shown"

ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|scan|monitor|headless|"
    r"lighthouse|pagespeed|phantom|puppeteer|playwright|selenium|"
    r"python|curl|wget|httpclient|java/|go-http|okhttp|axios|node-fetch|"
    r"facebookexternalhit|embedly|whatsapp|telegram|validator",
    re.IGNORECASE,
)


def is_robot(user_agent: str) -> bool:
    """No User-Agent, or one that names a crawler, a preview or a script."""
    return not user_agent.strip() or bool(ROBOTS.search(user_agent))


def today() -> date:
    return timezone.localdate()


def _key(day: date, *parts) -> str:
    return ":".join(("mostread", day.isoformat(), *map(str, parts)))


def bump(key: str, timeout: int = KEEP_SECONDS) -> int | None:
    """Adds one to a counter, creating it; None when the cache is away.
    ``incr`` keeps the key's expiry on Redis and on our file cache
    (core.caching.files)."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        return 1 if cache.add(key, 1, timeout) else None
    return value


def allowed(address: str) -> bool:
    """At most ``KMPRESS_READ_BEACON_RATE`` beacons a minute from one address."""
    minute = int(timezone.now().timestamp() // 60)
    # Hashed like the readers: no address is kept in the cache as it is.
    who = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()
    count = bump(f"mostread:rate:{who[:32]}:{minute}", timeout=120)
    return count is None or count <= settings.KMPRESS_READ_BEACON_RATE


def count_read(page_id: int, *, address: str, user_agent: str) -> bool:
    """Counts one reading unless this reader was counted today; True if counted."""
    day = today()
    reader = hashlib.sha256(
        f"{settings.SECRET_KEY}|{day}|{address}|{user_agent}|{page_id}".encode()
    ).hexdigest()[:32]
    if not cache.add(_key(day, "seen", reader), 1, KEEP_SECONDS):
        return False
    counter = _key(day, "reads", page_id)
    if cache.add(counter, 1, KEEP_SECONDS):
        slot = bump(_key(day, "slots"))
        if slot is not None:
            cache.set(_key(day, "slot", slot), page_id, KEEP_SECONDS)
        return True
    return bump(counter) is not None


def cached_counts(day: date) -> dict[int, int]:
    """The day's counts in the cache, by page id."""
    slots = cache.get(_key(day, "slots")) or 0
    page_ids = cache.get_many([_key(day, "slot", n) for n in range(1, slots + 1)])
    keys = {_key(day, "reads", pk): pk for pk in page_ids.values()}
    return {keys[key]: value for key, value in cache.get_many(list(keys)).items()}


def flush(days: list[date] | None = None) -> int:
    """Writes yesterday's and today's counts to the database; rows written.

    A count only grows: one lower than the stored row (Redis restarted and
    counts again from zero) never lowers it. Then, if a language's list
    changed, every cached page is emptied (module docstring).
    """
    written = 0
    for day in days or [today() - timedelta(days=1), today()]:
        counts = cached_counts(day)
        existing = set(Page.objects.filter(pk__in=counts).values_list("pk", flat=True))
        stored = dict(
            ArticleReads.objects.filter(day=day, page_id__in=existing).values_list(
                "page_id", "count"
            )
        )
        rows = [
            ArticleReads(page_id=pk, day=day, count=max(count, stored.get(pk, 0)))
            for pk, count in counts.items()
            if pk in existing and count > stored.get(pk, 0)
        ]
        ArticleReads.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["page", "day"],
            update_fields=["count"],
        )
        written += len(rows)
    refresh_if_changed()
    return written


def refresh_if_changed() -> bool:
    """Empties the caches when any language's most-read list changed since
    the last flush that did; True when it did."""
    shown = {
        locale.pk: [article.pk for article in most_read(locale=locale)]
        for locale in Locale.objects.order_by("pk")
    }
    if cache.get(SHOWN_KEY) == shown:
        return False
    content_changed()
    cache.set(SHOWN_KEY, shown, None)
    return True
