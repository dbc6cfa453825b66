"""Helpers for the translation tests: the newsroom's people and the admin's forms."""

from __future__ import annotations

from urllib.parse import urlencode

import polib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale, Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import rich_text
from wagtail_localize.models import StringSegment, StringTranslation, Translation
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from newsroom.models import NOT_TEXT_SEGMENTS
from tests.newsroom_support import Staff, article_form_data, make_staff
from translations.sync import ensure_locale_synchronisation


def synchronised_kk() -> Locale:
    """The Kazakh locale, kept in sync with Russian as in production."""
    ensure_locale_synchronisation()
    return Locale.objects.get(language_code="kk")


def newsroom_staff(prefix: str = "") -> Staff:
    """kk synchronised from ru, then the newsroom's groups, workflows and people."""
    ensure_locale_synchronisation()
    return make_staff(prefix)


def body_form_data(blocks: list[tuple[str, object, str | None]]) -> dict:
    """StreamField form data that keeps block ids, as the admin's editor does.

    ``blocks`` are (type, value, id); paragraph values are HTML. Keeping ids
    matters: wagtail-localize files translations under the block's id.
    """
    data = {"count": str(len(blocks))}
    for index, (block_type, value, block_id) in enumerate(blocks):
        data[str(index)] = {
            "type": block_type,
            "value": rich_text(value) if block_type == "paragraph" else value,
            "deleted": "",
            "order": str(index),
            "id": block_id or "",
        }
    return data


def article_with_body(
    *, title: str, slug: str = "", lead: str, paragraph: str, page=None
) -> dict:
    """The admin's article form: a paragraph and a quote; a page's block ids kept."""
    ids = [block.id for block in page.body] if page is not None else [None, None]
    return article_form_data(
        title=title,
        slug=slug,
        lead=lead,
        body=body_form_data(
            [
                ("paragraph", f"<p>{paragraph}</p>", ids[0]),
                ("quote", {"text": paragraph, "attribution": ""}, ids[1]),
            ]
        ),
    )


def create_in_admin(client, parent: Page, data: dict, model="newspage", app="news"):
    response = client.post(
        reverse("wagtailadmin_pages:add", args=(app, model, parent.pk)), data
    )
    assert response.status_code == 302, form_errors(response)
    return response


def form_errors(response) -> str:
    """What the admin's form complained about, for assertion messages."""
    form = (response.context or {}).get("form")
    if form is None:
        return response.content.decode()[:2000]
    errors = dict(form.errors)
    for name, formset in getattr(form, "formsets", {}).items():
        errors[name] = [formset.non_form_errors(), formset.errors]
    return repr(errors)


def approve(client, page: Page):
    """The moderator approves the current review step, which publishes."""
    state = WorkflowState.objects.active().get(
        base_content_type_id=page.get_base_content_type().pk, object_id=str(page.pk)
    )
    task_state = TaskState.objects.get(pk=state.current_task_state_id)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve", task_state.pk),
        ),
        {"comment": ""},
    )
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    return response


def translated_article(
    parent: Page, *, title: str, slug: str, lead: str
) -> tuple[NewsPage, Translation]:
    """A published Russian article and its Kazakh translation, nothing translated."""
    kk = synchronised_kk()
    article = NewsPage(title=title, slug=slug, lead=lead)
    parent.add_child(instance=article)
    article.save_revision().publish()
    translate_object(article, [kk])
    return article, translation_for(article, kk)


def translation_for(page: Page, target) -> Translation:
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=target
    )


def translate_strings(client, translation: Translation, texts: dict[str, str]):
    """Saves string translations through the editor's API, by source text."""
    segments = StringSegment.objects.filter(source=translation.source).select_related(
        "string"
    )
    done = []
    for segment in segments:
        if segment.string.data not in texts:
            continue
        response = client.put(
            reverse(
                "wagtail_localize:edit_string_translation",
                args=(translation.pk, segment.pk),
            ),
            urlencode({"value": texts[segment.string.data]}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 201), response.content
        done.append(segment.string.data)
    return done


def download(client, translation) -> polib.POFile:
    """The translation's PO file, as the editor's "Download PO file" gives it."""
    response = client.get(
        reverse("wagtail_localize:download_pofile", args=(translation.pk,))
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-gettext-translation")
    return polib.pofile(response.content.decode("utf-8"))


def upload(client, translation, po: polib.POFile):
    """The editor's "Upload PO file", as a translator working offline uses it."""
    response = client.post(
        reverse("wagtail_localize:upload_pofile", args=(translation.pk,)),
        {
            "file": SimpleUploadedFile(
                "kk.po", str(po).encode("utf-8"), "text/x-gettext-translation"
            ),
            "next": "/admin/",
        },
    )
    assert response.status_code == 302
    return response


def complete_the_text(translation: Translation) -> None:
    """Every text segment still untranslated gets its source text as translation.

    Only complete translations go to review (``newsroom.models``); tests whose
    subject is elsewhere (markup, slugs) complete the rest this way. The slug
    segment is left alone: it is an address, not text.
    """
    segments = StringSegment.objects.filter(source=translation.source).exclude(
        context__path__in=NOT_TEXT_SEGMENTS
    )
    for segment in segments.select_related("string"):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            context_id=segment.context_id,
            locale=translation.target_locale,
            defaults={"data": segment.string.data},
        )
