"""Elasticsearch down: the admin's searches answer from the database, readers get a 503.

Every admin search endpoint (page search, the explorer's filter, the image,
document and author listings, their choosers and the page chooser) must find
things by title while the cluster is a closed port, a hung peer or behind an
open circuit, for a superuser and for our editor and moderator roles. The
readers' search page keeps its friendly 503 (search.fallback).
"""

from __future__ import annotations

import os
import uuid
from contextlib import ExitStack
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page
from wagtail.search.backends import get_search_backend
from wagtail.search.index import get_indexed_models

from core.caching.breaker import breaker, search_circuit
from news.models import Author, NewsPage
from search.fallback import NOTICE, strict_results
from search.resilience import SearchUnavailable
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.factories import AuthorFactory, ImageFactory, NewsPageFactory
from tests.newsroom_support import make_staff
from tests.search_support import SilentPeer, closed_port, elasticsearch_settings

pytestmark = pytest.mark.django_db

WORD = "Конвейер"
FOUND = {
    "page": "Конвейер на фабрике",
    "image": "Конвейер фото",
    "document": "Конвейер отчёт",
    "author": "Конвейерова Асель",
}
NOT_FOUND = {
    "page": "Смена в карьере",
    "image": "Карьер фото",
    "document": "Карьер отчёт",
    "author": "Нурланова Айгуль",
}
MESSAGES = "django.contrib.messages.middleware.MessageMiddleware"
NOTICE_MIDDLEWARE = "search.fallback.FallbackNoticeMiddleware"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.fixture(autouse=True)
def _notice_middleware():
    """The notice middleware right after Django's messages (as in settings)."""
    middleware = list(settings.MIDDLEWARE)
    if NOTICE_MIDDLEWARE not in middleware:
        middleware.insert(middleware.index(MESSAGES) + 1, NOTICE_MIDDLEWARE)
    with override_settings(MIDDLEWARE=middleware):
        yield


@pytest.fixture
def content(tree):
    """One match and one non-match of each kind, made while search is healthy."""
    document_model = get_document_model()
    root = Collection.get_first_root_node()
    made = {}
    for name, titles in (("found", FOUND), ("other", NOT_FOUND)):
        made[name] = {
            "page": NewsPageFactory(parent=tree.section_ru, title=titles["page"]),
            # In the root collection, where our roles' image permissions are.
            "image": ImageFactory(title=titles["image"], collection=root),
            "document": document_model.objects.create(
                title=titles["document"],
                file=ContentFile(b"%PDF-1.4 test", name=f"{name}.pdf"),
            ),
            "author": AuthorFactory(name=titles["author"]),
        }
    return made


def endpoints(section_id: int) -> dict[str, tuple[str, str, dict]]:
    """Name → (path, kind of object it lists, extra request headers)."""
    return {
        "page search": ("/admin/pages/search/", "page", {}),
        "page search results": ("/admin/pages/search/results/", "page", AJAX),
        "explorer filter": (f"/admin/pages/{section_id}/", "page", {}),
        "image listing": ("/admin/images/", "image", {}),
        "image chooser": ("/admin/images/chooser/results/", "image", AJAX),
        "document listing": ("/admin/documents/", "document", {}),
        "document chooser": ("/admin/documents/chooser/results/", "document", AJAX),
        "author listing": ("/admin/snippets/news/author/", "author", {}),
        "author chooser": (
            "/admin/snippets/choose/news/author/results/",
            "author",
            AJAX,
        ),
        "page chooser": ("/admin/choose-page/search/", "page", AJAX),
    }


def closed(stack):
    return elasticsearch_settings(f"http://127.0.0.1:{closed_port()}")


def hung(stack):
    peer = stack.enter_context(SilentPeer())
    return elasticsearch_settings(f"http://127.0.0.1:{peer.port}")


def circuit_open(stack):
    """A cluster that answers, behind a circuit a failure just opened."""
    es = stack.enter_context(ElasticsearchStandIn())
    breaker.trip(search_circuit("default"), 30)
    return elasticsearch_settings(es.url)


OUTAGES = {"closed port": closed, "hung peer": hung, "open circuit": circuit_open}


@pytest.fixture(params=list(OUTAGES))
def elasticsearch_down(request):
    with ExitStack() as stack:
        backends = OUTAGES[request.param](stack)
        stack.enter_context(override_settings(WAGTAILSEARCH_BACKENDS=backends))
        yield request.param


@pytest.fixture(params=["superuser", "editor", "moderator"])
def someone(request, admin_user):
    if request.param == "superuser":
        return admin_user
    return make_staff()[request.param]


def body(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("html", "")
    return response.content.decode()


def test_every_admin_search_endpoint_finds_titles_while_elasticsearch_is_down(
    client, content, tree, someone, elasticsearch_down
):
    client.force_login(someone)
    problems = {}
    for name, (path, kind, headers) in endpoints(tree.section_ru.pk).items():
        response = client.get(path, {"q": WORD}, **headers)
        if response.status_code != 200:
            problems[name] = response.status_code
            continue
        html = body(response)
        if FOUND[kind] not in html:
            problems[name] = f"{FOUND[kind]!r} missing"
        elif NOT_FOUND[kind] in html:
            problems[name] = f"{NOT_FOUND[kind]!r} listed too"
    assert problems == {}


def test_admin_page_search_shows_the_fallback_message(
    client, content, admin_user, elasticsearch_down
):
    client.force_login(admin_user)
    response = client.get("/admin/pages/search/", {"q": WORD})
    assert response.status_code == 200
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert str(NOTICE) in response.content.decode()


def test_the_message_is_translated_into_russian_and_kazakh():
    english = "Search service unavailable: showing simple title matches"
    for language in ("ru", "kk"):
        with translation.override(language):
            assert str(NOTICE) not in ("", english)


def test_fragments_and_modals_do_not_leave_the_message_for_a_later_page(
    client, content, admin_user, elasticsearch_down
):
    client.force_login(admin_user)
    chooser = client.get("/admin/images/chooser/results/", {"q": WORD}, **AJAX)
    assert chooser.status_code == 200
    later = client.get("/admin/")
    with translation.override(later.wsgi_request.LANGUAGE_CODE):
        assert str(NOTICE) not in later.content.decode()


def test_the_fallback_message_is_not_shown_when_elasticsearch_answers(
    client, content, admin_user
):
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        call_command("update_index", stdout=StringIO(), stderr=StringIO())
        client.force_login(admin_user)
        response = client.get("/admin/pages/search/", {"q": WORD})
    assert response.status_code == 200
    html = response.content.decode()
    assert FOUND["page"] in html, "found by Elasticsearch"
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert str(NOTICE) not in html


def test_an_open_circuit_sends_no_request_to_the_cluster(client, content, admin_user):
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        breaker.trip(search_circuit("default"), 30)
        client.force_login(admin_user)
        before = len(es.requests)
        response = client.get("/admin/pages/search/", {"q": WORD})
        assert response.status_code == 200
        assert FOUND["page"] in response.content.decode()
        assert len(es.requests) == before


def test_readers_search_page_still_answers_the_friendly_503(
    client, content, elasticsearch_down
):
    response = client.get("/ru/search/", {"q": "конвейер"})
    assert response.status_code == 503
    assert response["Retry-After"]
    with translation.override("ru"):
        assert (
            translation.gettext("Search is temporarily unavailable.")
            in response.content.decode()
        )


def test_readers_suggestions_still_answer_503(client, content, elasticsearch_down):
    response = client.get("/ru/search/suggest/", {"q": "конвейер"})
    assert response.status_code == 503


def test_strict_results_raise_search_unavailable(content, elasticsearch_down):
    with strict_results(), pytest.raises(SearchUnavailable):
        list(Page.objects.live().search(WORD))


def test_articles_fall_back_to_their_title_not_to_every_article(
    content, elasticsearch_down
):
    """Articles index analysed keys (callables), not their raw title: upstream's
    fallback would have no field left and match every row."""
    found = list(NewsPage.objects.search(WORD))
    assert [page.title for page in found] == [FOUND["page"]]


def test_autocomplete_falls_back_to_the_autocomplete_fields(
    content, elasticsearch_down
):
    found = list(get_search_backend().autocomplete("Конвейеро", Author))
    assert [author.name for author in found] == [FOUND["author"]]


def test_fallback_keeps_the_operator_and_the_slice(content, elasticsearch_down):
    both = Page.objects.search("Конвейер фабрике", operator="and")
    either = Page.objects.search("Конвейер карьере", operator="or")
    assert [page.title for page in both] == [FOUND["page"]]
    assert {page.title for page in either} == {FOUND["page"], NOT_FOUND["page"]}
    assert either.count() == 2
    assert len(list(either[:1])) == 1


def test_a_hung_cluster_costs_the_admin_one_short_read_then_the_circuit_answers(
    client, content, admin_user, tree
):
    with (
        SilentPeer() as peer,
        override_settings(
            WAGTAILSEARCH_BACKENDS=elasticsearch_settings(
                f"http://127.0.0.1:{peer.port}"
            )
        ),
    ):
        backend = get_search_backend()
        assert backend.read_es._request_timeout <= 0.5
        assert backend.read_es._max_retries == 0
        client.force_login(admin_user)
        for path, _kind, headers in endpoints(tree.section_ru.pk).values():
            assert client.get(path, {"q": WORD}, **headers).status_code == 200
        # One read waited for the timeout; every later one fell back at once.
        assert len(peer.accepted) == 1


def delete_indexes(es, names) -> None:
    """``update_index`` leaves aliases over suffixed indices: delete those."""
    es = es.options(ignore_status=404)
    for name in names:
        aliased = es.indices.get_alias(name=name)
        concrete = list(aliased.body) if aliased.meta.status == 200 else [name]
        for index in concrete:
            es.indices.delete(index=index)


@pytest.mark.skipif(
    not ELASTICSEARCH_URL,
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against",
)
def test_on_a_real_cluster_admin_page_search_answers_without_the_fallback(
    client, content, admin_user
):
    """Live tier: the page-type filter is a ``terms`` aggregation, which the
    stand-in imitates; a real ES 9 must answer it with no fallback either."""
    prefix = f"kmpresstest_{uuid.uuid4().hex[:8]}_"
    config = elasticsearch_settings(
        ELASTICSEARCH_URL, INDEX_PREFIX=prefix, TIMEOUT=30, INDEX_TIMEOUT=10
    )
    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        backend = get_search_backend()
        indexes = {backend.get_index_for_model(m).name for m in get_indexed_models()}
        try:
            call_command("update_index", stdout=StringIO(), stderr=StringIO())
            client.force_login(admin_user)
            response = client.get("/admin/pages/search/", {"q": WORD})
            assert not breaker.is_open(search_circuit("default"))
        finally:
            delete_indexes(backend.es, indexes)
    assert response.status_code == 200
    html = response.content.decode()
    assert FOUND["page"] in html
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert str(NOTICE) not in html
