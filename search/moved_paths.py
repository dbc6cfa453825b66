"""Tree paths a move shifted, brought up to date in Elasticsearch.

Treebeard moves a page by rewriting paths: the moved subtree's and, when the
page lands left of a sibling (a reorder, a move to a first position), those
of every later sibling and all their descendants. Wagtail then reindexes the
moved page alone (``MovePageAction`` saves it), so Elasticsearch keeps the
old ``path_filter`` of everything else that shifted. Section search no longer
reads paths (``news.selectors.searchable_articles`` filters the stable
``section`` id), but the privacy filter does (``core.privacy.exclude_private``:
a private section's articles would show and a public one's vanish) and so do
admin searches under a page.

Tree order is path order: the pages that shifted are those under the
destination parent from the moved page's new path on. After the move commits
their path and depth are rewritten in place, a partial update: no text is
analysed, so reordering the sections of a language with tens of thousands of
articles costs one query and a few bulk requests. What Elasticsearch cannot
take (down, breaker open, a document missing) is queued for
``retry_search_index`` as a full reindex. The database backends filter in SQL
on the live rows and need nothing.
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from elasticsearch.helpers import bulk
from modelsearch.backends import get_search_backends_with_name
from modelsearch.backends.elasticsearchbase import ElasticsearchBaseSearchBackend
from modelsearch.index import FilterField
from wagtail.models import Page

from core.caching.breaker import breaker

from .models import PendingIndexUpdate
from .rebuild import journal
from .resilience import WRITE_ERRORS, cluster_failed, record_pending

logger = logging.getLogger("search")

#: Documents per bulk request.
BATCH = 1000
#: The Page filter fields a move changes.
MOVED_FIELDS = ("path", "depth")

Row = tuple[int, str, int, int]  # pk, path, depth, content type


def shifted_pages(page_id: int) -> list[Row]:
    """Pages whose path the move of ``page_id`` may have changed, read now."""
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return []
    parent = path[: -Page.steplen]
    return list(
        Page.objects.filter(path__startswith=parent, path__gte=path)
        .order_by("path")
        .values_list("pk", "path", "depth", "content_type_id")
    )


def refresh_moved_paths(page_id: int) -> int:
    """Rewrites the indexed paths of what the move shifted; returns how many."""
    rows = shifted_pages(page_id)
    if not rows:
        return 0
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        if isinstance(backend, ElasticsearchBaseSearchBackend):
            _refresh(name, backend, rows)
    return len(rows)


def _columns(backend) -> dict[str, str]:
    mapping = backend.mapping_class(Page)
    return {
        field.field_name: mapping.get_field_column_name(field)
        for field in Page.get_search_fields()
        if isinstance(field, FilterField) and field.field_name in MOVED_FIELDS
    }


def _refresh(name: str, backend, rows: list[Row]) -> None:
    if getattr(backend, "replays_pending_writes", False):
        # A rebuild running now loads pages it may have read before the move:
        # its journal reindexes them whole after the alias swap (search.rebuild).
        journal(backend, PendingIndexUpdate.Action.ADD, Page, _objects(rows))
    # Ours has a write circuit apart from the read one (search.elasticsearch_backend).
    circuit = getattr(backend, "write_circuit", None)
    if circuit is not None and breaker.is_open(circuit):
        _queue(backend, name, rows, "search backend marked down")
        return
    columns, index = _columns(backend), backend.get_index_for_model(Page).name
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        actions = [
            {
                "_op_type": "update",
                "_index": index,
                "_id": str(pk),
                "doc": {columns["path"]: path, columns["depth"]: depth},
            }
            for pk, path, depth, _type in batch
        ]
        try:
            _done, errors = bulk(backend.es, actions, raise_on_error=False)
        except WRITE_ERRORS as error:
            if circuit is not None and cluster_failed(error):
                breaker.trip(circuit, getattr(backend, "retry_after", 30))
            _queue(backend, name, rows[start:], str(error))
            return
        failed = {str(next(iter(error.values())).get("_id")) for error in errors}
        if failed:
            # Typically a page never indexed (document missing): index it whole.
            _queue(
                backend,
                name,
                [row for row in batch if str(row[0]) in failed],
                "path update refused",
            )


def _queue(backend, name: str, rows: list[Row], error: str) -> None:
    """Full reindexes for ``retry_search_index`` (only our backend replays)."""
    logger.warning(
        "Search index: %d moved page path(s) not updated on %r (%s).",
        len(rows),
        name,
        error,
    )
    if not getattr(backend, "replays_pending_writes", False):
        return
    record_pending(
        backend=getattr(backend, "name", name),
        action=PendingIndexUpdate.Action.ADD,
        objects=_objects(rows),
        error=error,
    )


def _objects(rows: list[Row]) -> list:
    """Instances (primary key only) of each row's specific model."""
    objects = []
    for pk, _path, _depth, content_type in rows:
        model = ContentType.objects.get_for_id(content_type).model_class()
        if model is not None:
            objects.append(model(pk=pk))
    return objects
