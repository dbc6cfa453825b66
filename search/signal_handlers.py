"""Articles are indexed once their transaction commits, tags and authors included.

Wagtail indexes a page from ``post_save``: with the immediate task backend that
runs before a ``ClusterableModel`` saves its child relations, so a publish
would index the previous tags and authors. ``ArticlePage`` therefore opts out
(``search_auto_update = False``) and is indexed here, after commit, from a
fresh read of the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.search import index
from wagtail.signals import post_page_move

from core.caching import signals as caching_signals
from news.models import ArticlePage, Author

from .moved_paths import refresh_moved_paths

_paused = 0


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Bulk loaders (seed_demo) index in batches themselves."""
    # One process-wide count: a bulk load pauses indexing for every thread.
    global _paused  # noqa: PLW0603
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1


def _reindex(model, pk) -> None:
    instance = model._default_manager.filter(pk=pk).first()
    if instance is not None:
        index.insert_or_update_object(instance)


def index_after_commit(sender, instance, raw=False, **kwargs) -> None:
    if raw or _paused:
        return
    model, pk = type(instance), instance.pk
    transaction.on_commit(lambda: _reindex(model, pk))


def remove_from_index(sender, instance, **kwargs) -> None:
    if not _paused:
        index.remove_object(instance)


def reindex_moved_article(sender, instance, **kwargs) -> None:
    """A moved article changes section (its ``section`` filter field).

    Wagtail sends the moved page as a plain ``Page`` (``MovePageAction``
    reloads it) and indexes it from that save, before news.apps notes the new
    section: the specific class is the ``sender``.
    """
    if isinstance(sender, type) and issubclass(sender, ArticlePage) and not _paused:
        model, pk = sender, instance.pk
        transaction.on_commit(lambda: _reindex(model, pk))


def refresh_paths_after_move(sender, instance, **kwargs) -> None:
    """A move shifts the paths of later siblings too; Wagtail reindexes only
    the moved page (search.moved_paths)."""
    if _paused:
        return
    page_id = instance.pk
    transaction.on_commit(lambda: refresh_moved_paths(page_id))


def reindex_articles_of_author(sender, instance, raw=False, **kwargs) -> None:
    """Author names are indexed with their articles.

    An article may link another language's row of the author and show this
    one (ArticlePage.byline_authors), so every row of the author counts.
    """
    if raw or _paused or instance.pk is None:
        return
    key = instance.translation_key

    def reindex() -> None:
        articles = ArticlePage.objects.filter(
            article_authors__author__translation_key=key
        )
        for article in articles.distinct().specific():
            index.insert_or_update_object(article)

    transaction.on_commit(reindex)


def register_signal_handlers() -> None:
    for model in apps.get_models():
        if issubclass(model, ArticlePage):
            post_save.connect(index_after_commit, sender=model)
            post_delete.connect(remove_from_index, sender=model)
    post_page_move.connect(reindex_moved_article)
    post_page_move.connect(refresh_paths_after_move)
    post_save.connect(reindex_articles_of_author, sender=Author)
    # The search page learns which queries have promotions once per content
    # generation (services.promotions): a promotion saved or deleted bumps it.
    caching_signals.watch(SearchPromotion)
