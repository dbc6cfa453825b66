"""Wagtail's ``update_index``, with our rebuilder's replay count and clean-up.

The progress output is upstream's. Our backend's rebuilder
(search.rebuild.JournallingRebuilder) reports here how many writes made during
the rebuild it replayed, and a rebuild that fails half-way is abandoned: its
marker and half-built index go, and the old index keeps serving.
"""

from __future__ import annotations

import logging

from wagtail.search.management.commands.update_index import Command as Upstream

from search.rebuild import command_context

logger = logging.getLogger("search")


class Command(Upstream):
    def update_backend(self, backend_name, *args, **kwargs):
        self.rebuilders = []
        token = command_context.set(self)
        try:
            super().update_backend(backend_name, *args, **kwargs)
        except BaseException:
            for rebuilder in self.rebuilders:
                if rebuilder.marker is not None and not rebuilder.finished:
                    try:
                        rebuilder.abandon()
                    except Exception:  # ES down too: the marker goes stale
                        logger.exception("Could not clean up after %s", rebuilder)
            raise
        finally:
            command_context.reset(token)
