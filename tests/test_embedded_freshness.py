"""Without Redis, any process's change shows on the very next GET of every server.

The embedded default (`make run`: SQLite, no REDIS_URL) is several processes
too: the web server, the scheduled-publishing worker, a shell, a second
server. Two runserver processes serve one seeded SQLite file with the page
cache on, as `make run` does; other processes publish, edit and unpublish,
and the next GET on each server must show it, from the home page, the
section's listing and the article (its sidebar lists the latest articles).
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.caching.files import SharedFileCache
from core.caching.generation import GENERATION_KEY, generation, memo
from site_project.settings.base import file_caches
from tests.embedded import (
    MANAGE,
    ROOT,
    embedded_env,
    free_port,
    manage,
    wait_until_listening,
)

HOME, SECTION = "/ru/", "/ru/novosti/"
# Seeded by seed_demo in the "Новости" section.
EDITED = "/ru/novosti/kombinat-podvel-itogi-devyati-mesyatsev/"  # featured
UNPUBLISHED = (
    "/ru/novosti/gornyaki-podarili-gorodskomu-detskomu-sadu-akbobek-novuyu-mebel/"
)
UNPUBLISHED_TITLE = "Горняки подарили городскому детскому саду"
SIDEBAR_ARTICLE = "/ru/novosti/komanda-kombinata-vyigrala-gorodskuyu-spartakiadu/"


@dataclass
class Server:
    base: str
    process: subprocess.Popen


@dataclass
class Response:
    status: int
    cache: str
    text: str


def start_server(env: dict[str, str]) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, process)
    except RuntimeError:
        stop_server(process)
        raise
    return Server(f"http://127.0.0.1:{port}", process)


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@dataclass
class EmbeddedSite:
    env: dict[str, str]
    servers: list[Server]

    def in_another_process(self, code: str) -> None:
        """Runs ``code`` in a `manage.py shell` of its own, as a script would."""
        manage(self.env, "shell", "-c", code, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = embedded_env(tmp_path_factory.mktemp("freshness"))
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--admin", capture_output=True)
    servers: list[Server] = []
    try:
        servers.append(start_server(env))
        servers.append(start_server(env))
        yield EmbeddedSite(env, servers)
    finally:
        for server in servers:
            stop_server(server.process)


def get(base: str, path: str, opener=None) -> Response:
    url = base + urllib.parse.quote(path, safe="/?=&")
    open_url = opener.open if opener else urllib.request.urlopen
    try:
        with open_url(url, timeout=30) as response:
            return Response(
                response.status,
                response.headers.get("X-Wagtail-Cache", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers.get("X-Wagtail-Cache", ""), "")


def cached_everywhere(site: EmbeddedSite, *paths: str) -> None:
    """Each page read twice on each server: the second answer is the page cache's,
    so what follows tests the caches, not a first render."""
    for server in site.servers:
        for path in paths:
            get(server.base, path)
            assert get(server.base, path).cache == "hit", (server.base, path)


def on_every_server(site: EmbeddedSite, path: str) -> list[Response]:
    return [get(server.base, path) for server in site.servers]


def new_article_code(title: str, slug: str, *, live: bool) -> str:
    """Shell code adding an article to the Russian "Новости" section: published
    or a draft."""
    return (
        "from django.utils import timezone\n"
        "from wagtail.models import Page\n"
        "from news.models import NewsPage\n"
        "section = Page.objects.get(locale__language_code='ru', slug='novosti')\n"
        f"page = NewsPage(title={title!r}, slug={slug!r}, live={live!r},\n"
        "    lead='Коротко о главном.', publication_date=timezone.now())\n"
        "section.add_child(instance=page)\n"
        "revision = page.save_revision()\n"
        + ("revision.publish()\n" if live else "print(page.pk)\n")
    )


def test_an_article_published_from_a_shell_is_listed_on_the_next_get_of_each_server(
    site,
):
    cached_everywhere(site, HOME, SECTION, SIDEBAR_ARTICLE)
    title = "Свежий номер ушёл в печать"
    site.in_another_process(new_article_code(title, "svezhiy-nomer", live=True))
    for path in (HOME, SECTION, SIDEBAR_ARTICLE, SECTION + "svezhiy-nomer/"):
        for response in on_every_server(site, path):
            assert response.status == 200, path
            assert title in response.text, path
    # Fresh, and cached again: the page cache still works.
    for response in on_every_server(site, SECTION):
        assert (response.cache, title in response.text) == ("hit", True)


def test_a_title_edited_from_a_shell_shows_on_the_next_get_of_each_server(site):
    cached_everywhere(site, HOME, SECTION, EDITED)
    title = "Комбинат подвёл итоги трёх кварталов"
    site.in_another_process(
        "from news.models import NewsPage\n"
        f"page = NewsPage.objects.get(url_path__endswith={EDITED[3:]!r})\n"
        f"page.title = {title!r}\n"
        "page.save_revision().publish()\n"
    )
    for path in (HOME, SECTION, EDITED):
        for response in on_every_server(site, path):
            assert title in response.text, path


def test_an_article_unpublished_from_a_shell_is_gone_on_the_next_get_of_each_server(
    site,
):
    cached_everywhere(site, SECTION, UNPUBLISHED)
    assert UNPUBLISHED_TITLE in get(site.servers[0].base, SECTION).text
    site.in_another_process(
        "from news.models import NewsPage\n"
        f"NewsPage.objects.get(url_path__endswith={UNPUBLISHED.removeprefix('/ru')!r})"
        ".unpublish()\n"
    )
    assert [response.status for response in on_every_server(site, UNPUBLISHED)] == [
        404,
        404,
    ]
    for response in on_every_server(site, SECTION):
        assert UNPUBLISHED_TITLE not in response.text


def test_what_the_worker_publishes_on_schedule_is_listed_on_the_next_get(site):
    title = "Плановая публикация сработала"
    site.in_another_process(
        new_article_code(title, "planovaya-publikatsiya", live=False)
        + "from datetime import timedelta\n"
        "revision.approved_go_live_at = timezone.now() - timedelta(seconds=1)\n"
        "revision.save()\n"
    )
    cached_everywhere(site, HOME, SECTION)
    manage(
        site.env, "run_worker", "--iterations", "1", capture_output=True, timeout=300
    )
    for path in (HOME, SECTION):
        for response in on_every_server(site, path):
            assert title in response.text, path


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 30x itself is the answer


def post_form(opener, base: str, path: str, fields: dict) -> tuple[int, str]:
    """Submits the form at ``path`` (with its CSRF token); status and Location."""
    form = get(base, path, opener).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    request = urllib.request.Request(
        base + path,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode(),
        headers={"Referer": base + path},
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")


def admin_session(base: str) -> urllib.request.OpenerDirector:
    """An opener logged in to the admin through its login form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
    )
    status, location = post_form(
        opener,
        base,
        "/admin/login/",
        {"username": "admin", "password": "changeme"},
    )
    assert status == 302, "the admin login failed"
    assert "/admin/login/" not in location, "the admin login failed"
    return opener


def test_a_page_published_in_the_admin_of_one_server_shows_on_the_other_at_once(site):
    title = "Опубликовано в админке первого сервера"
    slug = "opublikovano-v-adminke"
    code = new_article_code(title, slug, live=False)
    result = manage(site.env, "shell", "-c", code, capture_output=True, text=True)
    page_id = int(result.stdout.split()[-1])
    cached_everywhere(site, HOME, SECTION)
    first, second = site.servers
    opener = admin_session(first.base)
    action = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}"
    # A valid bulk action redirects; an invalid one shows its form again.
    assert post_form(opener, first.base, action, {})[0] == 302
    for path in (SECTION, HOME, f"{SECTION}{slug}/"):
        fresh = get(second.base, path)
        assert (fresh.status, title in fresh.text) == (200, True), path


# The file caches themselves (core.caching.files), in this process.


def test_a_bumped_generation_on_files_keeps_living_for_good(tmp_path):
    """Django's file cache would give it the default five minutes: every layout
    and fragment would then be rebuilt for nothing."""
    cache = SharedFileCache(str(tmp_path), {})
    cache.add(GENERATION_KEY, 1, None)
    assert cache.incr(GENERATION_KEY) == 2
    with time_machine.travel(datetime.now(UTC) + timedelta(days=30)):
        assert cache.get(GENERATION_KEY) == 2
    cache.set("brief", 1, 60)
    cache.incr("brief")
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61)):
        assert cache.get("brief") is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")


def test_a_folder_that_cannot_be_written_is_a_miss_or_for_pages_an_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ignoring = SharedFileCache(
        str(blocker / "default"), {"OPTIONS": {"IGNORE_EXCEPTIONS": True}}
    )
    ignoring.set("key", 1)
    assert ignoring.get("key", "miss") == "miss"
    assert ignoring.add("key", 1) is False
    assert ignoring.incr("key") is None
    ignoring.clear()
    with pytest.raises(OSError):
        SharedFileCache(str(blocker / "pages"), {}).set("key", 1)


@pytest.mark.django_db
def test_pages_are_served_uncached_while_the_cache_folder_fails(
    client, tree, settings, page_cache, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.CACHES = file_caches(blocker)
    settings.WAGTAIL_CACHE = True
    memo.generation, memo.values = None, {}
    assert generation() is None
    for _ in range(2):
        response = client.get(tree.section_ru.url)
        assert response.status_code == 200
        assert response["X-Wagtail-Cache"] == "err"
