"""django-redis that stops asking an unreachable Redis for a few seconds.

A Redis that hangs (a stopped process, a network that drops packets) costs
every cache call its socket timeout, and a page makes several calls. A failed
call trips the server's circuit (core.caching.breaker) for
``REDIS_REST_SECONDS``: until then this backend answers "unreachable" at
once, which django-redis turns into a miss, then tries Redis again. Aliases
that ignore connection errors use it; the page cache has a circuit of its own
(core.caching.invalidation).
"""

from __future__ import annotations

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

from .breaker import breaker, redis_circuit


class RestingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.circuit = redis_circuit(str(server))

    @property
    def client(self):
        if breaker.is_open(self.circuit):
            # omit_exception re-raises the cause when errors are not ignored.
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                "Redis unreachable a moment ago; not asked again yet"
            )
        return _Watched(super().client, self.circuit)


class _Watched:
    """The django-redis client, tripping its server's circuit on a failed call."""

    def __init__(self, client, circuit: str):
        self._client = client
        self._circuit = circuit

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except ConnectionInterrupted:
                breaker.trip(self._circuit, settings.REDIS_REST_SECONDS)
                raise

        return call
