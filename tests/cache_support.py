"""Shared by the page cache tests: its verdict, a fresh start, a small newspaper,
and a TCP proxy to cut between Django and a redis-server (tests.embedded)."""

from __future__ import annotations

import contextlib
import math
import socket
import threading
from dataclasses import dataclass

from django.core.cache import caches
from django.db import transaction
from taggit.models import Tag
from wagtail.models import Page

from core.caching.breaker import breaker
from core.caching.frontend import _FrontendDebt
from core.caching.generation import memo
from core.caching.invalidation import _Debt
from core.caching.middleware import _VaryMemo
from site_project.settings.base import RELEASE_KEY, redis_caches
from tests.embedded import LoopbackListener
from tests.factories import AuthorFactory, NewsPageFactory, locale

HEADER = "X-Wagtail-Cache"
TAG = "карьер"


def verdict(response) -> str:
    """hit, miss, skip or err; empty when the page cache never saw the request."""
    return response.get(HEADER, "")


def page_cache_entries() -> int:
    """How many keys the page cache holds, in files, local memory or Redis."""
    cache = caches["pagecache"]
    if hasattr(cache, "_list_cache_files"):
        return len(cache._list_cache_files())
    if hasattr(cache, "_cache"):
        return len(cache._cache)
    return len(cache.keys("*"))


def point_caches_at(settings, port: int) -> None:
    """Every alias on one loopback Redis: database 0, pages in database 1."""
    settings.CACHES = redis_caches(
        f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    )


def real_fragment_cache(settings) -> None:
    """Template fragments cached for real (the test settings drop them), next
    to the default cache: on Redis when the suite runs on Redis, else in a
    folder of their own."""
    fragments = {**settings.CACHES["default"], "KEY_FUNCTION": RELEASE_KEY}
    if fragments["BACKEND"].endswith("RedisCache"):
        fragments["KEY_PREFIX"] = "kmpress-fragments"
    else:
        fragments["LOCATION"] = f"{fragments['LOCATION']}-fragments"
    settings.CACHES = {**settings.CACHES, "template_fragments": fragments}


def commit_set_up() -> None:
    """Runs the clears that set-up scheduled, as its commit would.

    A test is one transaction, and a transaction clears once: without this, a
    change under test would find set-up's clear still pending and add none.
    """
    for _, func, _ in transaction.get_connection().run_on_commit:
        if getattr(func, "pending", False):
            func()


def let_page_cache_retry() -> None:
    """As if ``PAGE_CACHE_RETRY_SECONDS`` and ``REDIS_REST_SECONDS`` had passed;
    an owed clear stays owed."""
    breaker.reset()


def reset_page_cache_health() -> None:
    """Forgets outages, debts and Vary lists of earlier tests, as a process that
    has just started knows none (the state is per process)."""
    breaker.reset()
    _Debt.owed = False
    _Debt.checked_at = -math.inf
    _FrontendDebt.owed = False
    _VaryMemo.lists.clear()


def as_a_fresh_process() -> None:
    """What a process that never saw an outage knows: nothing kept, nothing owed."""
    reset_page_cache_health()
    let_page_cache_retry()
    memo.generation, memo.values = None, {}


@dataclass
class Newspaper:
    """The tree plus one tagged, authored article in Russian and its Kazakh twin."""

    tree: object
    article_ru: Page
    article_kk: Page

    def urls(self) -> dict[str, str]:
        """Every reader page the article shows on, per language."""
        tree = self.tree
        slug = Tag.objects.get(name=TAG).slug
        return {
            "home_ru": tree.home_ru.url,
            "home_kk": tree.home_kk.url,
            "section_ru": tree.section_ru.url,
            "section_kk": tree.section_kk.url,
            "article_ru": self.article_ru.url,
            "article_kk": self.article_kk.url,
            "tag_ru": f"{tree.home_ru.url}tags/{slug}/",
            "tag_kk": f"{tree.home_kk.url}tags/{slug}/",
            "feed_ru": "/ru/feed/",
            "feed_kk": "/kk/feed/",
        }


def build_newspaper(tree) -> Newspaper:
    author_ru = AuthorFactory(name="Иван Петров")
    author_kk = AuthorFactory(
        name="Иван Петров (kk)",
        locale=locale("kk"),
        translation_key=author_ru.translation_key,
    )
    article_ru = NewsPageFactory(
        parent=tree.section_ru,
        title="Карьер выполнил план",
        slug="karer-vypolnil-plan",
        featured=True,
    )
    article_kk = NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Карьер жоспарды орындады",
        slug="karer-zhosparny-oryndady",
        featured=True,
        translation_key=article_ru.translation_key,
    )
    for article, author in ((article_ru, author_ru), (article_kk, author_kk)):
        article.tags.add(TAG)
        article.article_authors.create(author=author)
        article.save_revision().publish()
    return Newspaper(tree, article_ru, article_kk)


class TcpProxy(LoopbackListener):
    """A loopback port forwarding to ``upstream_port``, that a test can cut.

    Cut, it drops every open connection and closes new ones at once, as a
    network partition does, while the server behind keeps its data.
    """

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.is_cut = False
        super().__init__()

    def accepted(self, client: socket.socket) -> None:
        if self.is_cut:
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        with self.lock:
            self.open += [client, upstream]
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(
                target=self._pump, args=(source, target), daemon=True
            ).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.is_cut = True
        with self.lock:
            connections, self.open = self.open, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def restore(self) -> None:
        self.is_cut = False

    def close(self) -> None:
        self.cut()
        super().close()
