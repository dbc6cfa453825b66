"""Print editions: an uploaded PDF gives the cover and the text, readers find
the issue that printed a word, and the archive, home page and footer list it."""

from __future__ import annotations

import datetime
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail_localize.models import OverridableSegment
from wagtail_localize.operations import translate_object

from core.caching.generation import memo
from editions.models import (
    EditionArticle,
    EditionIndexPage,
    EditionPage,
    latest_edition,
)
from tests.cache_support import commit_set_up, real_fragment_cache, verdict
from tests.factories import NewsPageFactory
from tests.pdf_support import encrypted_pdf, make_pdf
from tests.translation_support import (
    complete_the_text,
    synchronised_kk,
    translation_for,
)

pytestmark = pytest.mark.django_db

PRINTED = ["Машинисты экскаваторов Житикары", "Ержан Сейітов: рекорд карьера"]
PRINTED_KK = ["Жітіқара комбинатының машинистері", "Қазақстан кеніштері"]


def document(data: bytes, name: str = "issue.pdf"):
    return get_document_model().objects.create(
        title=name, file=ContentFile(data, name=name)
    )


def archive(home, title="Архив номеров", slug="gazeta") -> EditionIndexPage:
    page = EditionIndexPage(title=title, slug=slug, locale=home.locale)
    home.add_child(instance=page)
    return page


def add_edition(index, number, day, lines, **fields) -> EditionPage:
    edition = EditionPage(
        title=f"№ {number}",
        slug=f"nomer-{number}",
        number=number,
        issue_date=day,
        pdf=document(make_pdf(lines)),
        locale=index.locale,
        **fields,
    )
    edition.read_pdf()
    index.add_child(instance=edition)
    return edition


@pytest.fixture
def index(tree):
    return archive(tree.home_ru)


def form_data(index, data: bytes, **overrides) -> dict:
    values = {
        "title": "№ 45",
        "slug": "nomer-45",
        "number": "45",
        "issue_date": "2026-11-12",
        "pdf": str(document(data).pk),
        "contents-TOTAL_FORMS": "0",
        "contents-INITIAL_FORMS": "0",
        "contents-MIN_NUM_FORMS": "0",
        "contents-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    values.update(overrides)
    return values


def add_url(index) -> str:
    return reverse("wagtailadmin_pages:add", args=("editions", "editionpage", index.pk))


def test_an_editor_uploads_a_pdf_and_gets_the_cover_and_text(admin_client, index):
    response = admin_client.post(add_url(index), form_data(index, make_pdf(PRINTED)))

    assert response.status_code == 302
    edition = EditionPage.objects.get(number=45)
    assert edition.live
    assert "Ержан Сейітов" in edition.pdf_text
    assert edition.page_count == 1
    assert edition.cover is not None
    assert edition.cover.width == 900
    assert edition.cover.height > edition.cover.width


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_pdf(PRINTED)[:400], "не удалось прочитать"),
        (make_pdf(PRINTED)[:-200], "не удалось прочитать"),
        (encrypted_pdf(PRINTED), "защищён паролем"),
        (b"PK\x03\x04 not a pdf at all", "не pdf"),
    ],
    ids=["truncated-head", "truncated-tail", "encrypted", "not-a-pdf"],
)
def test_a_broken_or_encrypted_pdf_is_a_form_error_not_a_500(
    admin_client, index, data, message
):
    response = admin_client.post(add_url(index), form_data(index, data))

    assert response.status_code == 200
    errors = response.context["form"].errors["pdf"]
    assert message in " ".join(errors).lower()
    assert not EditionPage.objects.exists()


def test_editing_without_a_new_pdf_keeps_the_cover(admin_client, index):
    edition = add_edition(index, 44, datetime.date(2026, 11, 5), PRINTED)
    cover = edition.cover_id
    data = form_data(index, b"", title="№ 44 (обновлён)", slug="nomer-44")
    data["pdf"] = str(edition.pdf_id)
    data["number"] = "44"

    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(edition.pk,)), data
    )

    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.cover_id == cover
    assert edition.title == "№ 44 (обновлён)"


def test_a_reader_finds_the_edition_by_another_form_of_a_printed_word(client, index):
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    add_edition(index, 46, datetime.date(2026, 11, 19), ["Праздник горняков"])

    response = client.get("/ru/search/", {"q": "машинист экскаватора"})

    assert response.status_code == 200
    found = [hit.edition.number for hit in response.context["editions"]]
    assert found == [45]
    html = response.content.decode()
    assert "<mark>Машинисты</mark>" in html
    assert "ничего не найдено" not in html
    assert "/ru/gazeta/nomer-45/" in html


def test_kazakh_readers_find_kazakh_editions_only(client, tree, index):
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    kk_index = archive(tree.home_kk, title="Нөмірлер мұрағаты", slug="gazet")
    add_edition(kk_index, 45, datetime.date(2026, 11, 12), PRINTED_KK)

    kk = client.get("/kk/search/", {"q": "комбинат"})
    folded = client.get("/kk/search/", {"q": "житикара"})
    ru = client.get("/ru/search/", {"q": "комбинат"})

    assert [hit.edition.locale.language_code for hit in kk.context["editions"]] == [
        "kk"
    ]
    assert len(folded.context["editions"]) == 1
    assert ru.context["editions"] == []


def test_an_unpublished_edition_is_not_found(client, index):
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    edition.unpublish()

    response = client.get("/ru/search/", {"q": "машинисты"})

    assert response.context["editions"] == []


def test_the_edition_page_shows_cover_pdf_and_the_articles_in_it(client, tree, index):
    article = NewsPageFactory(parent=tree.section_ru, title="Рекорд смены")
    draft = NewsPageFactory(parent=tree.section_ru, title="Черновик", live=False)
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    EditionArticle.objects.create(page=edition, article=article, sort_order=0)
    EditionArticle.objects.create(page=edition, article=draft, sort_order=1)

    response = client.get(edition.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "В этом номере" in html
    assert "Рекорд смены" in html and article.url in html
    assert "Черновик" not in html
    assert edition.pdf.url in html
    assert 'fetchpriority="high"' in html


def test_the_archive_lists_a_year_of_editions_and_links_the_other_years(client, index):
    add_edition(index, 1, datetime.date(2025, 1, 9), ["Январь"])
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    add_edition(index, 46, datetime.date(2026, 11, 19), ["Праздник"])

    latest = client.get(index.url)
    older = client.get(index.url + "2025/")
    missing = client.get(index.url + "1999/")

    assert [e.number for e in latest.context["editions"]] == [46, 45]
    assert latest.context["years"] == [2026, 2025]
    assert 'href="/ru/gazeta/2025/"' in latest.content.decode()
    assert [e.number for e in older.context["editions"]] == [1]
    assert missing.status_code == 404


def test_the_home_page_and_footer_show_the_latest_edition(client, tree, index):
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)

    home = client.get("/ru/").content.decode()
    section = client.get(tree.section_ru.url).content.decode()

    assert "latest-edition" in home and "/ru/gazeta/nomer-45/" in home
    assert "site-footer__edition" in section and "/ru/gazeta/nomer-45/" in section


@pytest.mark.usefixtures("page_cache")
def test_a_newly_published_edition_replaces_the_latest_on_cached_pages(
    client, settings, index, django_capture_on_commit_callbacks
):
    real_fragment_cache(settings)
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    commit_set_up()
    assert "nomer-45" in client.get("/ru/").text
    assert verdict(client.get("/ru/")) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        edition = add_edition(index, 46, datetime.date(2026, 11, 19), ["Праздник"])
        edition.unpublish()
        edition.save_revision().publish()

    home, section = client.get("/ru/").text, client.get("/ru/novosti/").text
    assert "nomer-46" in home and "nomer-45" not in home
    assert "nomer-46" in section


def test_an_archive_without_editions_says_so(client, index):
    response = client.get(index.url)

    assert response.status_code == 200
    assert Page.objects.type(EditionPage).count() == 0
    assert response.context["editions"] == []


def test_the_footer_reads_the_latest_edition_once_per_content_change(
    client, tree, index
):
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    client.get(tree.section_ru.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(tree.section_ru.url)

    assert "nomer-45" in response.text
    assert not [q for q in queries if "editions_edition" in q["sql"]]


def test_a_worker_that_has_not_drawn_the_edition_block_reads_it_from_its_fragment(
    client, tree, index, settings
):
    settings.WAGTAIL_CACHE = False
    real_fragment_cache(settings)
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    client.get("/ru/")  # another worker drew the page and its fragments
    memo.values.clear()  # this one has kept nothing yet

    with mock.patch(
        "editions.templatetags.edition_tags.latest_edition", wraps=latest_edition
    ) as read:
        home = client.get("/ru/").text

    assert "latest-edition" in home and "site-footer__edition" in home
    assert read.call_count == 0


def test_the_footers_latest_edition_is_drawn_once_per_content_change_then_kept(
    client, settings, tree, index
):
    """Its ``{% wagtailcache %}`` fragment is kept: the inclusion tag hands the
    request on (Wagtail's fragment tag draws anew every time without one)."""
    real_fragment_cache(settings)
    add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    commit_set_up()
    first = client.get(tree.section_ru.url).text

    with mock.patch(
        "editions.templatetags.edition_tags.latest_edition", wraps=latest_edition
    ) as read:
        again = client.get(tree.section_ru.url).text

    assert "/ru/gazeta/nomer-45/" in again
    assert again == first
    assert read.call_count == 0


def test_the_admin_add_and_edit_forms_of_an_edition_open(admin_client, index):
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)

    added = admin_client.get(add_url(index))
    edited = admin_client.get(reverse("wagtailadmin_pages:edit", args=(edition.pk,)))

    assert added.status_code == 200
    assert edited.status_code == 200
    assert "В этом номере" in edited.text


def test_a_pdf_replaced_outside_the_form_brings_its_own_cover_and_text(index):
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    old_cover = edition.cover_id

    edition.pdf = document(make_pdf(["Спартакиада горняков"]))
    edition.save()

    edition.refresh_from_db()
    assert "Спартакиада" in edition.pdf_text
    assert edition.cover_id != old_cover
    assert "спартакиад" in edition.search_keys


def test_a_broken_pdf_set_by_a_script_leaves_the_edition_without_text(index):
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)

    edition.pdf = document(make_pdf(PRINTED)[:300])
    edition.save()

    edition.refresh_from_db()
    assert edition.pdf_text == "" and edition.cover is None


def test_the_kazakh_edition_can_carry_its_own_pdf_with_its_own_cover_and_text(
    admin_client, index
):
    """The Kazakh issue is printed separately: the translator overrides the
    PDF in wagtail-localize's editor and the kk twin reads its own."""
    kk = synchronised_kk()
    edition = add_edition(index, 45, datetime.date(2026, 11, 12), PRINTED)
    edition.save_revision().publish()
    translate_object(index, [kk])
    translate_object(edition, [kk])
    translation = translation_for(edition, kk)
    segment = OverridableSegment.objects.get(
        source=translation.source, context__path="pdf"
    )
    kk_pdf = document(make_pdf(PRINTED_KK), "kk-45.pdf")

    response = admin_client.put(
        reverse("wagtail_localize:edit_override", args=(translation.pk, segment.pk)),
        urlencode({"value": kk_pdf.pk}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.content
    complete_the_text(translation)
    translation.save_target(user=None, publish=True)

    twin = EditionPage.objects.get(translation_key=edition.translation_key, locale=kk)
    assert twin.pdf_id == kk_pdf.pk
    assert "комбинатының" in twin.pdf_text and "Житикары" not in twin.pdf_text
    assert (
        twin.cover_id
        and twin.cover_id != EditionPage.objects.get(pk=edition.pk).cover_id
    )
    assert "Житикары" in EditionPage.objects.get(pk=edition.pk).pdf_text
