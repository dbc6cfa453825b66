"""Print editions in a browser: a moderator publishes an issue with its PDF;
a reader finds the issue by a word printed inside.

The moderator fills the new edition page in the admin, uploads the PDF through
the page's document chooser (its Upload tab, as an editor does) and publishes
it; the cover and the text come without another step. Edition
and archive pages are opened at 375 px and 1280 px in both languages, with
screenshots in tests/artifacts/screenshots/ (edition-*.png).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from editions.models import EditionIndexPage, EditionPage
from tests.conftest import build_tree
from tests.e2e.conftest import close_date_pickers, desktop_page, screenshot
from tests.newsroom_support import make_staff
from tests.pdf_support import make_pdf

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = [pytest.param(375, id="phone-375"), pytest.param(1280, id="desktop-1280")]
PRINTED = ["Номер 45", "Машинисты экскаваторов Житикары", "Рекорд смены"]
PRINTED_KK = ["Нөмір 45", "Жітіқара комбинатының машинистері"]


def archive(home, title, slug) -> EditionIndexPage:
    page = EditionIndexPage(title=title, slug=slug, locale=home.locale)
    home.add_child(instance=page)
    return page


def moderator_publishes(browser, base: str, index_id: int) -> dict:
    with desktop_page(browser, base, "moderator") as page:
        page.goto(f"{base}/admin/pages/add/editions/editionpage/{index_id}/")
        page.fill("#id_title", "№ 45 от 12 ноября 2026")
        page.fill("#id_number", "45")
        upload_through_the_chooser(page)
        page.fill("#id_issue_date", "2026-11-12")
        close_date_pickers(page, page.locator("#id_title"))
        screenshot(page, "edition-1-moderator-new-issue")
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        page.locator("button[name='action-publish']").click()
        page.wait_for_url(f"{base}/admin/pages/{index_id}/")
        screenshot(page, "edition-2-moderator-published")
        return {"message": page.locator(".messages").inner_text()}


def upload_through_the_chooser(page) -> None:
    """Wagtail's document chooser: open it, Upload tab, title and file, submit;
    the modal closes with the new document chosen."""
    page.locator("[data-chooser-action-choose]").first.click()
    modal = page.locator(".modal-dialog")
    modal.locator("#tab-label-upload").click()
    modal.locator("#id_document-chooser-upload-title").fill("Номер 45")
    modal.locator("#id_document-chooser-upload-file").set_input_files(
        files=[
            {
                "name": "nomer-45.pdf",
                "mimeType": "application/pdf",
                "buffer": make_pdf(PRINTED),
            }
        ]
    )
    modal.locator("#tab-upload [type=submit]").click()
    modal.wait_for(state="detached")
    assert page.locator("input[name=pdf]").input_value(), "no document chosen"


def reader_searches(browser, base: str) -> dict:
    with desktop_page(browser, base) as page:
        page.goto(f"{base}/ru/")
        page.fill("#site-search", "машинист")
        page.locator(".masthead form.search-form button").click()
        page.wait_for_url(f"{base}/ru/search/**")
        block = page.locator(".search-editions")
        seen = {"block": block.inner_text()}
        screenshot(page, "edition-3-reader-search")
        block.locator("a").first.click()
        page.wait_for_load_state()
        seen["url"] = page.url
        seen["cover"] = page.locator(".edition__cover img").count()
        return seen


def test_a_moderator_uploads_an_issue_and_a_reader_finds_it_by_a_printed_word(
    browser, live_server
):
    tree = build_tree()
    make_staff()
    index = archive(tree.home_ru, "Архив номеров", "gazeta")
    base = live_server.url

    moderator = browser.run(
        lambda chromium: moderator_publishes(chromium, base, index.pk)
    )

    assert "№ 45" in moderator["message"]
    edition = EditionPage.objects.get(number=45, locale=tree.home_ru.locale)
    assert edition.live and edition.cover_id and "Житикары" in edition.pdf_text
    assert edition.pdf.title == "Номер 45"
    assert edition.pdf.uploaded_by_user.username == "moderator"

    reader = browser.run(lambda chromium: reader_searches(chromium, base))

    assert "№ 45 от 12 ноября 2026" in reader["block"]
    assert reader["url"].endswith(edition.url)
    assert reader["cover"] == 1


@pytest.fixture
def editions(transactional_db):

    tree = build_tree()
    made = {}
    for code, home, title, lines, slug in (
        ("ru", tree.home_ru, "Архив номеров", PRINTED, "gazeta"),
        ("kk", tree.home_kk, "Нөмірлер мұрағаты", PRINTED_KK, "gazet"),
    ):
        index = archive(home, title, slug)
        for number, day in (
            (44, datetime.date(2026, 11, 5)),
            (45, datetime.date(2026, 11, 12)),
        ):
            edition = EditionPage(
                title=f"№ {number}",
                slug=f"nomer-{number}",
                number=number,
                issue_date=day,
                locale=home.locale,
                pdf=get_document_model().objects.create(
                    title=f"{code}-{number}",
                    file=ContentFile(make_pdf(lines), name=f"{code}-{number}.pdf"),
                ),
            )
            edition.read_pdf()
            index.add_child(instance=edition)
            made[code] = (index, edition)
    return made


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_edition_and_archive_pages_fit_the_screen_without_errors(
    visit, editions, language, width
):
    index, edition = editions[language]

    seen = visit(edition.url, f"edition-page-{language}", width, screenshot=True)
    listing = visit(index.url, f"edition-archive-{language}", width, screenshot=True)
    home = visit(f"/{language}/", f"edition-home-{language}", width, screenshot=True)

    kazakh = language == "kk"
    assert seen.problems(kazakh=kazakh) == {}
    assert listing.problems(kazakh=kazakh) == {}
    assert home.problems(kazakh=kazakh) == {}
    assert listing.image_count == 2
