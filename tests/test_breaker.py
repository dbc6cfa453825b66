"""One breaker for every service a request must not wait on: circuits by name.

The page cache, the Redis aliases and the search backends each trip their own
circuit of ``core.caching.breaker.breaker``; tests reset it as a fresh process
would find it.
"""

from __future__ import annotations

import time

from core.caching.breaker import PAGE_CACHE, Breaker, redis_circuit, search_circuit


def test_a_tripped_circuit_stays_open_for_its_seconds_then_tries_again():
    breaker = Breaker()
    breaker.trip(PAGE_CACHE, 0.05)
    assert breaker.is_open(PAGE_CACHE)
    time.sleep(0.06)
    assert not breaker.is_open(PAGE_CACHE)


def test_only_the_first_failure_of_an_outage_says_it_is_new():
    """So an outage is logged once, not once per failed call."""
    breaker = Breaker()
    assert breaker.trip(PAGE_CACHE, 60) is True
    assert breaker.trip(PAGE_CACHE, 60) is False
    breaker.reset(PAGE_CACHE)
    assert breaker.trip(PAGE_CACHE, 60) is True


def test_services_trip_apart():
    breaker = Breaker()
    breaker.trip(search_circuit("default"), 60)
    assert not breaker.is_open(PAGE_CACHE)
    assert not breaker.is_open(redis_circuit("redis://127.0.0.1:6379/0"))
    assert search_circuit("default") != redis_circuit("default")


def test_reset_without_a_name_closes_every_circuit():
    breaker = Breaker()
    for name in (PAGE_CACHE, search_circuit("default")):
        breaker.trip(name, 60)
    breaker.reset()
    assert not breaker.is_open(PAGE_CACHE)
    assert not breaker.is_open(search_circuit("default"))
