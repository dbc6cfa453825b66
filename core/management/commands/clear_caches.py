"""``manage.py clear_caches``: every cache of rendered content emptied at once.

A deploy changes what pages look like without changing content: the page
cache and fragments of the new release are keyed apart already
(core.caching.release), but Varnish or a CDN keep the previous release's
pages until the next publish. The compose ``migrate`` job runs this once per
deploy; run it by hand after changing templates on a live site. A cache
that cannot be reached is reported and owed, never a failed deploy.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.caching.invalidation import empty_now


class Command(BaseCommand):
    help = "Empties the page cache, fragments and front caches (Varnish, a CDN)."

    def handle(self, *args, **options):
        pages, front = empty_now()
        if pages:
            self.stdout.write(
                "Page cache and fragments emptied (new content generation)."
            )
        else:
            self.stderr.write(
                "Redis did not answer: the page cache is emptied by the first "
                "process that reaches it (the clear is recorded in the database)."
            )
        if front:
            self.stdout.write("Front caches emptied (or none configured).")
        else:
            self.stderr.write(
                "A front cache (Varnish, CDN) did not confirm the purge: the log "
                "names it; run clear_caches again once it answers."
            )
