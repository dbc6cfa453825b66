"""After a clear, one request renders a page while the others wait for its copy.

A real redis-server (tests.embedded) behind the page-cache middlewares as the
site chains them, with a view that counts its renders and can be held
mid-render; concurrent readers are threads. Nobody waits longer than
``PAGE_CACHE_REFILL_WAIT`` for a renderer that never finishes, nobody is
served a page older than the change, and without Redis every request renders.
A change moves the generation other processes share once, after its commit.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.handlers.exception import convert_exception_to_response
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from core.caching import refill
from core.caching.generation import bump_generation, generation, shared_generation
from core.caching.middleware import (
    FetchFromCacheMiddleware,
    UpdateCacheMiddleware,
)
from core.caching.refill import RENDERING, claim_key
from site_project.settings.base import file_caches
from tests.cache_support import (
    build_newspaper,
    commit_set_up,
    point_caches_at,
    verdict,
)
from tests.embedded import free_port, running_redis
from tests.stack_support import wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

URL = "/ru/novosti/karer-vypolnil-plan/"
READERS = 6


class Renders:
    """A page view that counts its renders; ``hold`` keeps each render going
    until ``go`` is set; ``fail_first`` makes render number 1 raise."""

    def __init__(self, hold: bool = False):
        self.count = 0
        self.lock = threading.Lock()
        self.started = threading.Event()
        self.go = threading.Event()
        if not hold:
            self.go.set()
        self.fail_first = False

    def __call__(self, request):
        with self.lock:
            self.count += 1
            number = self.count
        self.started.set()
        self.go.wait(timeout=30)
        if self.fail_first and number == 1:
            raise RuntimeError("the renderer failed")
        return HttpResponse(f"render {number}")


def site_chain(view):
    """The page-cache middlewares around ``view``, each wrapped as Django's
    handler wraps them (an exception becomes a 500 response on its way out)."""
    return convert_exception_to_response(
        UpdateCacheMiddleware(
            convert_exception_to_response(
                FetchFromCacheMiddleware(convert_exception_to_response(view))
            )
        )
    )


def read(chain, url: str = URL):
    """One anonymous reader's GET through ``chain``; a reader thread's own
    database connection is closed afterwards (the test's is left alone)."""
    try:
        return chain(RequestFactory().get(url, HTTP_HOST="localhost"))
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def readers_at_once(chain, count: int = READERS) -> list:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: read(chain), range(count)))


@pytest.fixture
def redis_pages(settings):
    with running_redis() as server:
        point_caches_at(settings, server.port)
        settings.ALLOWED_HOSTS = ["localhost"]
        settings.PAGE_CACHE_REFILL_WAIT = 5
        yield server


def warmed(view):
    """The chain, after one reader of another page (the process's first look
    at owed clears and the generation happen before the crowd arrives)."""
    chain = site_chain(view)
    held = not view.go.is_set()
    view.go.set()
    assert read(chain, "/ru/").status_code == 200
    if held:
        view.go.clear()
    view.count = 0
    view.started.clear()
    return chain


def test_concurrent_readers_of_an_uncached_page_render_it_once(redis_pages):
    view = Renders(hold=True)
    chain = warmed(view)
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        answers = [pool.submit(read, chain) for _ in range(READERS)]
        assert view.started.wait(timeout=10)
        view.go.set()
        responses = [answer.result(timeout=30) for answer in answers]
    assert view.count == 1
    assert {response.content for response in responses} == {b"render 1"}
    verdicts = sorted(verdict(response) for response in responses)
    assert verdicts == ["hit"] * (READERS - 1) + ["miss"]


def renderer_and_waiter(view, chain, waiting, while_rendering=lambda: None):
    """A reader renders (held), a second one waits for it; ``while_rendering``
    runs once the second waits, then the render goes on. Both responses."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        renderer = pool.submit(read, chain)
        assert view.started.wait(timeout=10)
        waiter = pool.submit(read, chain)
        assert waiting.wait(timeout=10)
        while_rendering()
        view.go.set()
        return renderer.result(timeout=30), waiter.result(timeout=30)


@pytest.fixture
def waiting(monkeypatch):
    """Set once a reader waits for another's render (core.caching.refill)."""
    event = threading.Event()

    def sleep(seconds):
        event.set()
        time.sleep(seconds)

    monkeypatch.setattr(
        refill, "time", SimpleNamespace(sleep=sleep, monotonic=time.monotonic)
    )
    return event


def test_a_waiting_reader_gets_the_page_once_the_renderer_stores_it(
    redis_pages, waiting
):
    view = Renders(hold=True)
    first, second = renderer_and_waiter(view, warmed(view), waiting)
    assert (verdict(first), verdict(second)) == ("miss", "hit")
    assert second.content == first.content == b"render 1"
    assert view.count == 1


def test_a_renderer_that_raises_lets_the_waiting_readers_render(redis_pages, waiting):
    view = Renders(hold=True)
    chain = warmed(view)
    view.fail_first = True
    with ThreadPoolExecutor(max_workers=3) as pool:
        failed = pool.submit(read, chain)
        assert view.started.wait(timeout=10)
        waiters = [pool.submit(read, chain) for _ in range(2)]
        assert waiting.wait(timeout=10)
        view.go.set()
        assert failed.result(timeout=30).status_code == 500
        served = [answer.result(timeout=30) for answer in waiters]
    assert [response.status_code for response in served] == [200, 200]
    assert all(response.content.startswith(b"render ") for response in served)


def test_a_renderer_that_died_holds_readers_no_longer_than_the_bound(
    redis_pages, settings
):
    settings.PAGE_CACHE_REFILL_WAIT = 0.3
    view = Renders()
    chain = warmed(view)
    # The claim of a process killed mid-render: nobody will release it.
    dead = RequestFactory().get(URL)
    dead._kmpress_cache_url = f"http://localhost{URL}"
    dead._kmpress_generation = generation()
    caches["default"].set(claim_key(dead), RENDERING, 0.3)
    response = read(chain)
    assert response.status_code == 200
    assert response.content == b"render 1"
    assert view.count == 1
    assert verdict(read(chain)) == "hit"


def test_a_change_during_the_render_makes_the_waiting_reader_render_anew(
    redis_pages, waiting
):
    view = Renders(hold=True)
    chain = warmed(view)
    # An editor's change commits while the page renders.
    old, new = renderer_and_waiter(view, chain, waiting, bump_generation)
    assert verdict(old) == "skip"  # read before the change: never stored
    assert new.content == b"render 2"
    assert verdict(new) == "miss"
    assert verdict(read(chain)) == "hit"


def test_without_redis_every_reader_renders_and_none_gets_an_error(settings):
    point_caches_at(settings, free_port())  # nothing listens there
    settings.ALLOWED_HOSTS = ["localhost"]
    view = Renders()
    chain = site_chain(view)
    responses = readers_at_once(chain)
    assert [response.status_code for response in responses] == [200] * READERS
    assert {verdict(response) for response in responses} == {"err"}
    assert view.count == READERS


def test_the_embedded_file_caches_render_every_miss_without_waiting(settings, tmp_path):
    settings.CACHES = file_caches(tmp_path)
    settings.ALLOWED_HOSTS = ["localhost"]
    view = Renders(hold=True)
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        answers = [pool.submit(read, site_chain(view)) for _ in range(READERS)]
        all_rendering = wait_for(lambda: view.count == READERS)
        view.go.set()
        responses = [answer.result(timeout=30) for answer in answers]
    assert all_rendering, view.count
    assert [response.status_code for response in responses] == [200] * READERS


def test_a_publish_moves_the_shared_generation_once_after_its_commit(tree, committed):
    """Other processes cannot read a change before it commits: moving their
    generation earlier only made each rebuild its memo and fragments from the
    old content, once per signal of the change."""
    paper = build_newspaper(tree)
    commit_set_up()
    before = shared_generation()
    with committed():
        paper.article_ru.title = "Карьер перевыполнил план"
        paper.article_ru.save_revision().publish()
        assert shared_generation() == before
        assert generation() not in (before, None)  # this process sees it at once
    assert shared_generation() == before + 1
    assert generation() == before + 1
