"""Logging filters that must load before any app (settings.LOGGING uses them)."""

from __future__ import annotations

import logging
import time


class CacheErrorsInOneLine(logging.Filter):
    """One line per ``interval`` seconds for the cache errors django-redis ignores.

    django-redis logs each ignored error with its traceback, and a page asks
    the cache several times: a Redis outage would bury the log. A reader never
    sees these errors (the cache read is a miss), so a line now and then says
    all an operator needs.
    """

    def __init__(self, interval: float = 30.0):
        super().__init__()
        self.interval = interval
        self.quiet_until = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now < self.quiet_until:
            return False
        self.quiet_until = now + self.interval
        error = record.exc_info[1] if record.exc_info else None
        record.msg = (
            "Cache unreachable (%s: %s); reading without it, next note in %s s."
        )
        record.args = (type(error).__name__, error, int(self.interval))
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
