"""django-redis that stops asking an unreachable Redis for a few seconds.

A Redis that hangs (a stopped process, a network that drops packets) costs
every cache call its socket timeout, and a page makes several calls. After a
failed call this backend answers "unreachable" at once, which django-redis
turns into a miss, for ``REDIS_REST_SECONDS``, then tries Redis again. Aliases
that ignore connection errors use it; the page cache has its own rest
(core.caching.middleware).
"""

from __future__ import annotations

import time

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError


class RestingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.resting_until = 0.0

    @property
    def client(self):
        if time.monotonic() < self.resting_until:
            # omit_exception re-raises the cause when errors are not ignored.
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                "Redis unreachable a moment ago; not asked again yet"
            )
        return _Watched(super().client, self)


class _Watched:
    """The django-redis client, noting a failed call on its cache."""

    def __init__(self, client, cache: RestingRedisCache):
        self._client = client
        self._cache = cache

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except ConnectionInterrupted:
                rest = settings.REDIS_REST_SECONDS
                self._cache.resting_until = time.monotonic() + rest
                raise

        return call
