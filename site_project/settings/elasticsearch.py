"""Elasticsearch's connection and index settings, from the environment.

ES 9 turns on TLS and authentication by default, so the client needs
credentials and a CA: from ELASTICSEARCH_URL's ``user:password@``, or
ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD, or ELASTICSEARCH_API_KEY, and
ELASTICSEARCH_CA_CERTS / ELASTICSEARCH_VERIFY_CERTS. A mistake is an
ImproperlyConfigured at start naming the variable (never its value), not a 500
at the first search.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in TRUE | FALSE:
        raise ImproperlyConfigured(f"{name} must be true or false.")
    return value in TRUE


def _without_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without ``user:password@`` and the (decoded) pair.

    modelsearch's Elasticsearch8+ backend takes the URL's ``username`` and
    ``password`` undecoded (``p%40ss`` stays ``p%40ss``), and the client
    would print the URL in its errors: the pair goes to OPTIONS instead.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            "ELASTICSEARCH_URL must look like https://host:9200 "
            "(optionally https://user:password@host:9200)."
        )
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, (unquote(parts.username or ""), unquote(parts.password or ""))


def _credentials(environ: Mapping[str, str], from_url: tuple[str, str] | None) -> dict:
    username = environ.get("ELASTICSEARCH_USERNAME", "")
    password = environ.get("ELASTICSEARCH_PASSWORD", "")
    api_key = environ.get("ELASTICSEARCH_API_KEY", "").strip()
    if bool(username) != bool(password):
        raise ImproperlyConfigured(
            "Set ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD together."
        )
    given = [
        name
        for name, present in (
            ("ELASTICSEARCH_URL's user:password", from_url),
            ("ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD", username),
            ("ELASTICSEARCH_API_KEY", api_key),
        )
        if present
    ]
    if len(given) > 1:
        raise ImproperlyConfigured(
            "Give Elasticsearch one kind of credentials, not " + " and ".join(given)
        )
    if api_key:
        return {"api_key": api_key}
    if username:
        return {"basic_auth": (username, password)}
    if from_url:
        return {"basic_auth": from_url}
    return {}


def _tls(environ: Mapping[str, str], scheme: str) -> dict:
    ca_certs = environ.get("ELASTICSEARCH_CA_CERTS", "").strip()
    verify = _flag(environ, "ELASTICSEARCH_VERIFY_CERTS", default=True)
    if scheme != "https":
        # The client refuses TLS options on http:// ("TLS options require
        # scheme to be 'https'"), which would be a 500 at the first search.
        if ca_certs or not verify:
            raise ImproperlyConfigured(
                "ELASTICSEARCH_CA_CERTS and ELASTICSEARCH_VERIFY_CERTS need an "
                "https:// ELASTICSEARCH_URL."
            )
        return {}
    options: dict = {"verify_certs": verify}
    if ca_certs:
        if not Path(ca_certs).is_file():
            raise ImproperlyConfigured(
                f"ELASTICSEARCH_CA_CERTS names no readable file: {ca_certs}"
            )
        options["ca_certs"] = ca_certs
    if not verify:
        options["ssl_show_warn"] = False
    return options


def replicas(environ: Mapping[str, str]) -> int:
    """ELASTICSEARCH_REPLICAS, 0 by default: one node (compose) never places a
    replica, so with 1 every index stays yellow; a cluster of 2+ nodes sets 1."""
    value = environ.get("ELASTICSEARCH_REPLICAS", "").strip() or "0"
    if not value.isdigit():
        raise ImproperlyConfigured(
            "ELASTICSEARCH_REPLICAS must be a whole number (0 on a single node)."
        )
    return int(value)


def elasticsearch_connection(environ: Mapping[str, str]) -> dict:
    """``URLS``, ``OPTIONS`` and ``INDEX_SETTINGS`` of the search backend."""
    url, from_url = _without_credentials(environ["ELASTICSEARCH_URL"].strip())
    options = _credentials(environ, from_url) | _tls(environ, urlsplit(url).scheme)
    return {
        "URLS": [url],
        "OPTIONS": options,
        "INDEX_SETTINGS": {
            "settings": {"index": {"number_of_replicas": replicas(environ)}}
        },
    }
