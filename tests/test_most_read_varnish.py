"""Most read behind Varnish: readings of pages Varnish served are counted,
and a flush that changes the list reaches the page Varnish keeps."""

from __future__ import annotations

import http.client
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.utils import timezone

from news.models import ArticleReads
from news.selectors import SIDEBAR_INTERESTING, SIDEBAR_SEE_ALSO
from tests.factories import NewsPageFactory, SectionPageFactory
from tests.varnish_support import get

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_rows_left_behind", "through_varnish"),
]

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
)


def post_beacon(varnish, page_id: int, agent: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/beacon/read/",
            body=urlencode({"page": page_id}),
            headers={
                "Host": "localhost",
                "User-Agent": agent,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_readings_of_a_page_varnish_served_reach_django_every_time(varnish, tree):
    article = NewsPageFactory(parent=tree.section_ru)
    get(varnish, article.url)
    assert get(varnish, article.url).varnish_hit
    assert post_beacon(varnish, article.pk, BROWSER) == 204
    assert post_beacon(varnish, article.pk, BROWSER + " Edg/131") == 204
    call_command("flush_most_read", verbosity=0)
    assert ArticleReads.objects.get(page=article).count == 2


def test_a_flush_that_changes_the_list_reaches_the_page_varnish_keeps(varnish, tree):
    crowd = SectionPageFactory(parent=tree.home_ru)
    past = timezone.now() - timedelta(days=30)
    popular = NewsPageFactory(
        parent=crowd, title="Читаемая статья", publication_date=past
    )
    # "See also" skips the "interesting" ones, so both lists fill from here.
    for _ in range(SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 2):
        NewsPageFactory(parent=crowd, featured=True)
    article = NewsPageFactory(parent=tree.section_ru)
    get(varnish, article.url)
    kept = get(varnish, article.url)
    assert kept.varnish_hit
    assert "Читаемая статья" not in kept.text
    post_beacon(varnish, popular.pk, BROWSER)
    call_command("flush_most_read", verbosity=0)
    assert "Читаемая статья" in get(varnish, article.url).text
