"""The retry queue never blocks on one bad document (issue 15, item 4).

``retry_search_index`` stops only when the cluster fails (connection, timeout,
429, 5xx); a document Elasticsearch refuses (a 4xx) is counted and passed over,
and parked after ``KMPRESS_SEARCH_PARK_AFTER`` refusals. Parked rows wait in a
superuser-only admin report with "Retry now" and "Discard".
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client, override_settings
from wagtail.admin.menu import reports_menu

from search.models import PendingIndexUpdate
from search.resilience import record_pending
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.search_support import closed_port, elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

QUEUE = "/admin/reports/search-index-queue/"
REFUSAL = "failed to parse field [title] of type [text]"


@pytest.fixture
def queued(tree):
    """Two articles whose index writes failed: ``bad`` first, then ``good``."""
    bad = add_article(tree.section_ru, "Испорченная статья", "Текст.")
    good = add_article(tree.section_ru, "Хорошая статья", "Текст.")
    for article in (bad, good):
        record_pending(backend="default", action="add", objects=[article], error="x")
    return bad, good


@pytest.fixture
def cluster():
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        yield es


def refusing(*articles):
    ids = {str(article.pk) for article in articles}
    return lambda index, doc_id, source: REFUSAL if doc_id in ids else None


def retry() -> str:
    out = StringIO()
    call_command("retry_search_index", stdout=out, stderr=StringIO())
    return out.getvalue()


def puts_of(es: ElasticsearchStandIn, pk: int) -> int:
    return sum(
        1 for r in es.requests if r.method == "PUT" and r.path.endswith(f"/_doc/{pk}")
    )


def test_a_refused_document_does_not_stop_the_run_for_the_others(queued, cluster):
    bad, good = queued
    cluster.reject = refusing(bad)
    out = retry()
    assert not PendingIndexUpdate.objects.filter(object_id=str(good.pk)).exists()
    assert str(good.pk) in cluster.documents("kmpresstest_*")
    row = PendingIndexUpdate.objects.get(object_id=str(bad.pk))
    assert (row.attempts, row.refusals, row.parked_at) == (2, 1, None)
    assert REFUSAL in row.last_error
    assert "1 update(s) replayed" in out and "1 failed" in out


@override_settings(KMPRESS_SEARCH_PARK_AFTER=2)
def test_a_document_refused_n_times_is_parked_and_skipped_by_later_runs(
    queued, cluster
):
    bad, _good = queued
    cluster.reject = refusing(bad)
    retry()
    out = retry()
    assert "1 parked now" in out
    row = PendingIndexUpdate.objects.get(object_id=str(bad.pk))
    assert row.parked_at is not None and row.refusals == 2
    tried = puts_of(cluster, bad.pk)
    out = retry()
    assert puts_of(cluster, bad.pk) == tried, "a parked row is not tried again"
    assert "0 update(s) replayed" in out and "1 parked in all" in out


@override_settings(KMPRESS_SEARCH_PARK_AFTER=2)
def test_a_cluster_that_cannot_be_reached_stops_the_run_and_parks_nothing(queued):
    url = f"http://127.0.0.1:{closed_port()}"
    with override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(url)):
        for run in range(1, 4):
            retry()
            attempts = sum(row.attempts for row in PendingIndexUpdate.objects.all())
            assert attempts == 2 + run, "one try per run: it stopped at the first"
    assert not PendingIndexUpdate.objects.filter(parked_at__isnull=False).exists()
    assert not PendingIndexUpdate.objects.filter(refusals__gt=0).exists()


@pytest.mark.parametrize("status", [429, 503])
@override_settings(KMPRESS_SEARCH_PARK_AFTER=1)
def test_an_overloaded_or_unavailable_cluster_stops_the_run_and_parks_nothing(
    queued, cluster, status
):
    bad, good = queued
    cluster.write_status = status
    retry()
    assert PendingIndexUpdate.objects.count() == 2
    assert not PendingIndexUpdate.objects.filter(parked_at__isnull=False).exists()
    assert puts_of(cluster, good.pk) == 0, "the run stopped at the first failure"


def test_rows_whose_object_no_longer_exists_are_dropped(tree, cluster):
    article = add_article(tree.section_ru, "Снятая статья", "Текст.")
    record_pending(backend="default", action="add", objects=[article], error="x")
    article.delete()  # its own delete reaches the stand-in; the add row stays
    PendingIndexUpdate.objects.filter(object_id=str(article.pk)).update(action="add")
    gone_model = ContentType.objects.create(app_label="gone", model="oldpage")
    PendingIndexUpdate.objects.create(
        content_type=gone_model, object_id="7", action="add", backend="default"
    )
    out = retry()
    assert not PendingIndexUpdate.objects.exists()
    assert "2 dropped" in out


@override_settings(KMPRESS_SEARCH_PARK_AFTER=1)
def test_a_parked_row_starts_over_when_a_new_version_fails_to_index(queued, cluster):
    bad, _good = queued
    cluster.reject = refusing(bad)
    retry()
    assert PendingIndexUpdate.objects.get(object_id=str(bad.pk)).parked_at
    record_pending(backend="default", action="add", objects=[bad], error="timeout")
    row = PendingIndexUpdate.objects.get(object_id=str(bad.pk))
    assert (row.parked_at, row.refusals) == (None, 0)


# The admin report ----------------------------------------------------------


@pytest.fixture
def parked(queued, cluster):
    bad, _good = queued
    cluster.reject = refusing(bad)
    with override_settings(KMPRESS_SEARCH_PARK_AFTER=1):
        retry()
    return PendingIndexUpdate.objects.get(
        object_id=str(bad.pk), parked_at__isnull=False
    )


@pytest.fixture
def editor(django_user_model):
    """An editor with every right on the queue's model, but not a superuser."""
    user = django_user_model.objects.create_user("editor", password="x")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="search"),
    )
    return user


def test_the_report_shows_superusers_each_parked_row_with_its_error(
    client, admin_user, parked
):
    client.force_login(admin_user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Испорченная статья" in html
    assert REFUSAL.replace("[", "") in html.replace("[", "")
    assert (
        f"{QUEUE}{parked.pk}/retry/" in html and f"{QUEUE}{parked.pk}/discard/" in html
    )
    assert client.get(f"{QUEUE}results/").status_code == 200


def test_retry_now_replays_a_parked_row_at_once(client, admin_user, parked, cluster):
    cluster.reject = None  # the mapping or the document was fixed
    client.force_login(admin_user)
    response = client.post(f"{QUEUE}{parked.pk}/retry/")
    assert response.status_code == 302
    assert not PendingIndexUpdate.objects.filter(pk=parked.pk).exists()
    document = cluster.documents("kmpresstest_*")[parked.object_id]
    assert "Испорченная статья" in json.dumps(document, ensure_ascii=False)


def test_retry_now_refused_again_shows_the_error_and_requeues_the_row(
    client, admin_user, parked
):
    client.force_login(admin_user)
    response = client.post(f"{QUEUE}{parked.pk}/retry/", follow=True)
    assert REFUSAL in response.content.decode()
    row = PendingIndexUpdate.objects.get(pk=parked.pk)
    assert row.parked_at is None and row.refusals == 1, "back in the queue"


def test_discard_removes_the_row(client, admin_user, parked):
    client.force_login(admin_user)
    assert client.post(f"{QUEUE}{parked.pk}/discard/").status_code == 302
    assert not PendingIndexUpdate.objects.filter(pk=parked.pk).exists()


def test_an_editor_who_is_not_a_superuser_gets_403_on_every_endpoint(
    client, editor, parked
):
    client.force_login(editor)
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}results/").status_code == 403
    assert client.post(f"{QUEUE}{parked.pk}/retry/").status_code == 403
    assert client.post(f"{QUEUE}{parked.pk}/discard/").status_code == 403
    row = PendingIndexUpdate.objects.get(pk=parked.pk)
    assert row.parked_at is not None


def test_the_actions_need_a_post_with_a_csrf_token(admin_user, parked):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.get(f"{QUEUE}{parked.pk}/retry/").status_code == 405
    assert client.get(f"{QUEUE}{parked.pk}/discard/").status_code == 405
    assert client.post(f"{QUEUE}{parked.pk}/retry/").status_code == 403
    assert client.post(f"{QUEUE}{parked.pk}/discard/").status_code == 403
    assert PendingIndexUpdate.objects.filter(pk=parked.pk).exists()


def test_the_queue_is_in_the_reports_menu_for_superusers_only(
    client, admin_user, editor
):
    for user, shown in ((admin_user, True), (editor, False)):
        client.force_login(user)
        request = client.get("/admin/").wsgi_request
        names = [item.name for item in reports_menu.menu_items_for_request(request)]
        assert ("search-index-queue" in names) is shown
