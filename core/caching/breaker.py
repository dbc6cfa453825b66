"""The one breaker: stop calling a service that just failed, for a while.

A service that hangs costs every call its timeout, and a page or a publish
makes several. After a failure the caller trips the service's circuit; while
it is open callers answer without asking (a cache miss, a page served
uncached, an index write queued), then the next call tries again. Circuits
are named by service (``PAGE_CACHE``, ``redis_circuit``, ``search_circuit``)
and live in this process only, like the connections they protect.
"""

from __future__ import annotations

import time

PAGE_CACHE = "pagecache"


def redis_circuit(location: str) -> str:
    """One circuit per Redis server: every alias on it is down together."""
    return f"redis {location}"


def search_circuit(backend: str) -> str:
    return f"search {backend}"


class Breaker:
    """Named circuits, each open until a moment of this process's clock."""

    def __init__(self) -> None:
        self._open_until: dict[str, float] = {}

    def is_open(self, name: str) -> bool:
        return time.monotonic() < self._open_until.get(name, 0.0)

    def trip(self, name: str, seconds: float) -> bool:
        """Opens ``name`` for ``seconds`` from now; True when it was closed,
        so that an outage is logged once, not once per failed call."""
        was_closed = not self.is_open(name)
        self._open_until[name] = time.monotonic() + seconds
        return was_closed

    def reset(self, name: str | None = None) -> None:
        """Closes ``name`` (every circuit without one): the next call tries."""
        if name is None:
            self._open_until.clear()
        else:
            self._open_until.pop(name, None)


breaker = Breaker()
