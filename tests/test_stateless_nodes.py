"""Web nodes share nothing but the database, Redis and object storage.

Two real gunicorn nodes (tests.stack_support) with the production settings
serve one committed database, one Redis and one SeaweedFS bucket, with a real
varnishd (the repository's VCL) balancing both: what an editor does on node A
is what a reader gets from node B, and through Varnish, on the very next GET,
even where B and Varnish had the old page; an image uploaded through A is
drawn by B from object storage; a node that dies costs readers nothing.
"""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.seaweed_support import seaweed  # noqa: F401 - the session's weed server
from tests.stack_support import (
    Browser,
    ReaderThreads,
    collect_static,
    get,
    news_form,
    running_stack,
    wait_for,
)

SECTION = "/ru/novosti/"
# The site's name as readers write it; Django keeps only pages asked for on
# its own port or the scheme's (core.caching.keys.cache_host).
PUBLIC_HOST = "localhost"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seaweed):  # noqa: F811 - the fixture, by name
    static_root = tmp_path_factory.mktemp("static")
    collect_static(static_root)
    workdir = tmp_path_factory.mktemp("stack")
    bucket = seaweed.bucket_name()
    try:
        with running_stack(
            workdir,
            static_root,
            varnish=True,
            access_log=True,
            media_env=seaweed.env(bucket),
        ) as stack:
            yield stack
    finally:
        seaweed.drop(bucket)


@pytest.fixture(scope="module")
def editor_on_a(stack):
    return Browser(stack.nodes[0].base).log_in()


def cached_on(base: str, path: str) -> str:
    """Asks twice; the second answer must come from the page cache."""
    first = get(base + path)
    assert first.status_code == 200, (path, first.status_code)
    second = get(base + path)
    assert second.headers.get("X-Wagtail-Cache") == "hit", second.headers
    return second.text


def publish_new_article(stack, editor, title: str, slug: str, **fields) -> None:
    section_id = stack.database.page_id("/novosti/")
    answer = editor.post_form(
        f"/admin/pages/add/news/newspage/{section_id}/",
        news_form(title, slug, **fields),
    )
    assert answer.status_code == 302, answer.text[-2000:]


def test_an_article_published_on_node_a_is_listed_on_node_b_at_the_next_get(
    stack, editor_on_a
):
    node_b = stack.nodes[1].base
    assert "Обвал на отвале" not in cached_on(node_b, SECTION)
    assert "Обвал на отвале" not in cached_on(node_b, "/ru/")

    publish_new_article(stack, editor_on_a, "Обвал на отвале", "obval-na-otvale")

    assert "Обвал на отвале" in get(node_b + SECTION).text
    assert "Обвал на отвале" in get(node_b + "/ru/").text
    article = get(node_b + SECTION + "obval-na-otvale/")
    assert article.status_code == 200
    assert "Обвал на отвале" in article.text


def test_an_edit_published_on_node_a_shows_on_node_b_at_the_next_get(
    stack, editor_on_a
):
    node_b = stack.nodes[1].base
    publish_new_article(stack, editor_on_a, "Старый заголовок", "zagolovok")
    path = SECTION + "zagolovok/"
    assert "Старый заголовок" in cached_on(node_b, path)

    page_id = stack.database.page_id("/novosti/zagolovok/")
    answer = editor_on_a.post_form(
        f"/admin/pages/{page_id}/edit/", news_form("Новый заголовок", "zagolovok")
    )
    assert answer.status_code == 302, answer.text[-2000:]

    fresh = get(node_b + path)
    assert fresh.status_code == 200
    assert "Новый заголовок" in fresh.text
    assert "Старый заголовок" not in fresh.text


def test_a_signed_in_editor_stays_signed_in_on_the_other_node(stack, editor_on_a):
    """Sessions live in the shared database, not in a node."""
    on_b = editor_on_a.on(stack.nodes[1].base)
    assert on_b.request("GET", "/admin/").status_code == 200
    assert Browser(stack.nodes[1].base).request("GET", "/admin/").status_code == 302


def through_varnish(stack, path: str) -> requests.Response:
    """As a reader's browser asks the public host (no port: Varnish on :80)."""
    return get(stack.varnish.url + path, Host=PUBLIC_HOST)


def test_publish_on_node_a_is_fresh_through_varnish_at_the_next_get(stack, editor_on_a):
    publish_new_article(stack, editor_on_a, "Первая версия", "cherez-varnish")
    path = SECTION + "cherez-varnish/"
    assert through_varnish(stack, path).status_code == 200
    held = through_varnish(stack, path)
    assert len(held.headers["X-Varnish"].split()) == 2, "Varnish did not keep it"
    assert "Первая версия" in held.text

    page_id = stack.database.page_id("/novosti/cherez-varnish/")
    answer = editor_on_a.post_form(
        f"/admin/pages/{page_id}/edit/",
        news_form("Вторая версия", "cherez-varnish"),
    )
    assert answer.status_code == 302

    fresh = through_varnish(stack, path)
    assert "Вторая версия" in fresh.text
    assert "Первая версия" not in fresh.text
    assert "Вторая версия" in through_varnish(stack, SECTION).text


def served_by(node, marker: str) -> int:
    """Requests for paths containing ``marker`` in the node's access log."""
    return node.log.read_text(errors="replace").count(marker)


def test_varnish_sends_its_misses_to_both_nodes(stack):
    # A node whose probe answered late under a loaded machine is out of the
    # director for a few seconds; balance is measured once both are in.
    assert wait_for(
        lambda: {"web1", "web2"} <= set(stack.varnish.healthy_backends()), seconds=60
    )
    marker = f"balance{time.monotonic_ns()}"
    for number in range(16):
        answer = through_varnish(stack, f"/ru/?page=1&{marker}={number}")
        assert answer.status_code == 200
    # gunicorn writes a request's access-log line after the response has gone
    # out (and after the page cache's end-of-request work): the last lines may
    # still be on their way when the last answer arrives.
    wait_for(lambda: sum(served_by(node, marker) for node in stack.nodes) >= 16, 10)
    counts = [served_by(node, marker) for node in stack.nodes]
    assert all(counts), counts
    assert sum(counts) == 16


class Readers(ReaderThreads):
    """Reader threads GETting through Varnish for a bounded time: cached
    pages, and misses (a new query string) that a node must answer."""

    def __init__(self, base: str, paths: list[str], threads: int = 3):
        super().__init__(threads, seconds=90)
        self.base, self.paths = base, paths
        self.statuses: list[int] = []
        self.failures: list[str] = []

    def read_once(self, number: int) -> None:
        path = self.paths[number % len(self.paths)]
        if number % 2:
            path += f"?reader={number}"
        try:
            status = get(self.base + path, Host=PUBLIC_HOST).status_code
        except requests.RequestException as error:
            status, problem = 0, f"{path}: {error}"
        else:
            problem = f"{path}: {status}" if status != 200 else None
        with self.lock:
            self.statuses.append(status)
            if problem:
                self.failures.append(problem)

    def served(self) -> int:
        with self.lock:
            return len(self.statuses)


def wait_for_requests(readers: Readers, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while readers.served() < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert readers.served() >= count, "the readers did not get going"


def test_readers_through_varnish_see_no_error_when_node_a_dies_mid_traffic(stack):
    """SIGKILL, no goodbye: Varnish retries a failed fetch on the next node of
    its ring (vcl_backend_error) and starts over a request whose page was cut
    off (vcl_synth), until its probe marks the dead one sick."""
    node_a = stack.nodes[0]
    paths = ["/ru/", SECTION, "/kk/", "/ru/nashi-lyudi/"]
    try:
        with Readers(stack.varnish.url, paths) as readers:
            wait_for_requests(readers, 40)
            node_a.kill()
            killed_at = readers.served()
            wait_for_requests(readers, killed_at + 120)
        assert not node_a.alive()
        assert readers.failures == []
        assert readers.served() >= killed_at + 120
    finally:
        if not node_a.alive():
            node_a.start()


def drawn_png(width: int, height: int) -> bytes:
    picture = Image.new("RGB", (width, height), (40, 90, 140))
    picture.paste((200, 160, 40), (0, 0, width // 2, height // 3))
    output = io.BytesIO()
    picture.save(output, format="PNG")
    return output.getvalue()


def test_an_image_uploaded_on_node_a_is_drawn_by_node_b_from_object_storage(
    stack,
    editor_on_a,
    seaweed,  # noqa: F811
):
    answer = editor_on_a.post_form(
        "/admin/images/add/",
        {"title": "Карьер с высоты"},
        files={"file": ("karer.png", drawn_png(1600, 1000), "image/png")},
    )
    assert answer.status_code == 302, answer.text[-2000:]
    [(image_id,)] = stack.database.rows(
        "SELECT id FROM wagtailimages_image WHERE title = %s", ("Карьер с высоты",)
    )
    publish_new_article(
        stack, editor_on_a, "Вид на карьер", "vid-na-karer", cover_image=str(image_id)
    )

    page = get(stack.nodes[1].base + SECTION + "vid-na-karer/")
    assert page.status_code == 200
    figure = re.search(r'class="article__cover">(.*?)</figure>', page.text, re.S)
    assert figure, "no cover on node B's page"
    # The <picture>'s fallback <img> (its attributes in Wagtail's order).
    img = re.search(r"<img\b[^>]*>", figure.group(1)).group(0)
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', img))
    src = html.unescape(attributes["src"])
    width, height = int(attributes["width"]), int(attributes["height"])
    # B made the rendition from the original A stored, and stored it beside it.
    assert src.startswith(seaweed.endpoint + "/"), src
    fetched = requests.get(src, timeout=20)
    assert fetched.status_code == 200
    assert Image.open(io.BytesIO(fetched.content)).size == (width, height)
    assert width < 1600
    # Nothing of it on the nodes' disk.
    media_root = Path(stack.env["MEDIA_ROOT"])
    assert not [path for path in media_root.rglob("*") if path.is_file()]
