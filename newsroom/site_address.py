"""The default Site's host and port follow ``WAGTAILADMIN_BASE_URL``.

Wagtail builds every preview request (edit preview, workflow review, revision
view) from the Site's hostname and port: a Site left at Wagtail's placeholder
``localhost:80`` makes the preview a plain-HTTP request for ``localhost``,
which production's ``SECURE_SSL_REDIRECT`` answers with a 301 to
``https://localhost/…``. ``setup_newsroom`` (run on every deploy) therefore
declares the Site's address like the roles: a Site still at the placeholder
is set, an address an administrator chose is reported as drift and changed
only with ``--fix``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Site

from newsroom.roles import Difference, Report

# What Wagtail's initial migration and seed_demo create.
PLACEHOLDER = ("localhost", 80)


def declared_address(base_url: str) -> tuple[str, int] | None:
    """Host and port of ``base_url``; None when it names no host."""
    parts = urlsplit(base_url)
    if not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


@transaction.atomic
def sync_site_address(report: Report, *, fix: bool) -> None:
    """Sets, reports or fixes the default Site's address (see the module doc)."""
    wanted = declared_address(settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.select_for_update().filter(is_default_site=True).first()
    if wanted is None or site is None:
        if wanted is None:
            report.skipped.append(
                f"WAGTAILADMIN_BASE_URL={settings.WAGTAILADMIN_BASE_URL!r} names "
                "no host: the site's address is left as it is."
            )
        return
    actual = (site.hostname, site.port)
    if actual == wanted:
        return
    host, port = wanted
    if Site.objects.filter(hostname=host, port=port).exclude(pk=site.pk).exists():
        report.skipped.append(
            f"Another site already answers at {host}:{port}: the default site "
            f"stays at {site.hostname}:{site.port}."
        )
        return
    placeholder = actual == PLACEHOLDER
    if placeholder:
        report.created.append(
            f"site address {host}:{port} from WAGTAILADMIN_BASE_URL "
            f"(was Wagtail's placeholder {site.hostname}:{site.port})"
        )
    else:
        report.drift.append(
            Difference(
                "default site",
                f"address {host}:{port} (WAGTAILADMIN_BASE_URL) instead of "
                f"{site.hostname}:{site.port}",
            )
        )
    if placeholder or fix:
        site.hostname, site.port = host, port
        site.save(update_fields=["hostname", "port"])
