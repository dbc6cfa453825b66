"""The security promise: every role × tree × action through the real admin URLs.

Roles are the groups of ``setup_newsroom`` (plus anonymous); trees are the ru
and kk home pages. Each cell is one test named as a sentence
(``test_editor_cannot_publish_in_kk_tree``) that makes the request a browser
would make and asserts the exact outcome:

- ALLOW: 200, or a redirect to where the action leads, and the action took effect;
- DENY: Wagtail's permission-denied answer (a redirect to the dashboard with
  its error message), and nothing changed;
- DRAFT: a forged "publish" from someone who may edit but not publish only
  saves a draft (Wagtail's editor quietly downgrades it); nothing goes live;
- LOGIN: anonymous visitors are sent to the login form, and nothing changed.

Wagtail's advisories of 2024–2026 were mostly permission bypasses in exactly
these views (preview, revisions compare, history, copy, translation creation),
and wagtail-localize's translation views check no page permission at all; the
rows below cover them, with URLs the admin never links to: a POST to a
snippet's copy URL (upstream saved it over the copied row), ``add/?locale=``,
"convert to alias", and every way to delete an image or a document (its
page, the upload page's button, the bulk action). Where an action could
destroy something besides its own effect, ``intact`` checks it stayed. The
tree and users are built once per class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, PageLogEntry
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.operations import translate_object

from core.models import FooterLink
from home.models import SiteSettings
from news.models import Author
from newsroom.media_guards import DeleteNeedsPermissionPolicy
from questions.models import Question, QuestionDesk, Status
from tests.conftest import build_tree
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    NewsPageFactory,
    SectionPageFactory,
)
from tests.newsroom_support import make_staff, page_form_data
from tests.translation_support import complete_the_text
from translations.guards import (
    GuardedSubmitPageTranslationView,
    GuardedUpdateTranslationsView,
)
from translations.review import submit_for_review

ALLOW, DENY, DRAFT, LOGIN = "allow", "deny", "draft", "login"
ROLES = ("anonymous", "editor", "translator", "moderator", "chief")
TREES = ("ru", "kk")
OTHER = {"ru": "kk", "kk": "ru"}
with translation.override("ru"):  # the admin speaks Russian unless told otherwise
    DENIED_MESSAGE = gettext("Sorry, you do not have permission to access this area.")


@dataclass(frozen=True)
class Action:
    """One admin action: how to perform it and how to tell that it happened."""

    name: str  # reads in a test name: "editor can <name> in ru tree"
    perform: Callable  # (case, tree) -> response
    took_effect: Callable | None  # (case, tree) -> bool, None for read-only views
    allowed: dict  # tree -> roles allowed
    editors_only_draft: bool = False  # DRAFT for those who may edit but not publish
    intact: Callable | None = None  # (case, tree) -> bool: true whoever asked


def may_edit(tree: str) -> set[str]:
    return {"ru": {"editor"}, "kk": {"translator"}}[tree] | {"moderator", "chief"}


PUBLISHERS = {"moderator", "chief"}


def everywhere(roles: set[str]) -> dict:
    return dict.fromkeys(TREES, roles)


def page(case, key: str, tree: str) -> Page:
    return Page.objects.get(pk=case.pages[key][tree]).specific


def exists(case, key: str, tree: str) -> bool:
    return Page.objects.filter(pk=case.pages[key][tree]).exists()


# ------------------------------------------------------------------- actions


def view_draft(case, tree):
    response = case.client.get(
        reverse("wagtailadmin_pages:view_draft", args=[case.pages["draft"][tree]])
    )
    if response.status_code == 200:
        case.assertContains(response, f"Черновик {tree}")
    return response


def preview(case, tree):
    draft = page(case, "draft", tree)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk])
    stored = case.client.post(url, page_form_data(draft, title="Предпросмотр"))
    if stored.status_code != 200:
        return stored
    response = case.client.get(url)
    case.assertContains(response, "Предпросмотр")
    return response


def edit(case, tree):
    return case.client.get(
        reverse("wagtailadmin_pages:edit", args=[case.pages["draft"][tree]])
    )


def publish(case, tree):
    draft = page(case, "draft", tree)
    return case.client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        {**page_form_data(draft), "action-publish": "on"},
    )


def unpublish(case, tree):
    return case.client.post(
        reverse("wagtailadmin_pages:unpublish", args=[case.pages["live"][tree]])
    )


def delete(case, tree):
    return case.client.post(
        reverse("wagtailadmin_pages:delete", args=[case.pages["live"][tree]])
    )


def move(case, tree):
    return case.client.post(
        reverse(
            "wagtailadmin_pages:move_confirm",
            args=[case.pages["live"][tree], case.pages["elsewhere"][tree]],
        )
    )


def copy(case, tree):
    live = page(case, "live", tree)
    return case.client.post(
        reverse("wagtailadmin_pages:copy", args=[live.pk]),
        {
            "new_title": "Копия",
            "new_slug": "kopiya",
            "new_parent_page": live.get_parent().pk,
        },
    )


def compare_revisions(case, tree):
    return case.client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[case.pages["draft"][tree], "earliest", "latest"],
        )
    )


def see_history(case, tree):
    return case.client.get(
        reverse("wagtailadmin_pages:history", args=[case.pages["draft"][tree]])
    )


def submit_for_translation(case, tree):
    """Translates a page of this tree into the other language."""
    return case.client.post(
        reverse(
            "wagtail_localize:submit_page_translation",
            args=[case.pages["untranslated"][tree]],
        ),
        {"locales": [Locale.objects.get(language_code=OTHER[tree]).pk]},
    )


def edit_translation(case, tree):
    response = case.client.get(
        reverse("wagtailadmin_pages:edit", args=[case.pages["translation"][tree]])
    )
    if response.status_code == 200:
        case.assertTemplateUsed(
            response, "wagtail_localize/admin/edit_translation.html"
        )
    return response


def approve(case, tree):
    in_review = page(case, "in_review", tree)
    task_state = in_review.current_workflow_task_state
    return case.client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[in_review.pk, "approve", task_state.pk],
        ),
        {"comment": ""},
    )


def edit_site_settings(case, tree):
    """The tree's language row of the site settings (kk: a translation)."""
    row = SiteSettings.objects.get(locale__language_code=tree)
    response = case.client.get(
        reverse("wagtailsnippets_home_sitesettings:edit", args=[row.pk])
    )
    if response.status_code == 200 and tree == "kk":
        case.assertTemplateUsed(
            response, "wagtail_localize/admin/edit_translation.html"
        )
    return response


def sync_translations(case, tree, *, publish: bool = False):
    """Updates the translations in this tree from their source in the other."""
    source = translation_source(case, tree)
    data = {"publish_translations": "on"} if publish else {}
    return case.client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), data
    )


def sync_and_publish(case, tree):
    """Of a complete translation: only those are published (test_translation_gate)."""
    for target in translation_source(case, tree).translations.all():
        complete_the_text(target)
    return sync_translations(case, tree, publish=True)


def convert_to_alias(case, tree):
    """wagtail-localize's "convert back to alias" of a translation in this tree."""
    return case.client.post(
        reverse(
            "wagtail_localize:convert_to_alias", args=[case.pages["translation"][tree]]
        )
    )


def converted(case, tree) -> bool:
    """Converted: reset to an untranslated draft (translations.reset), never live."""
    reset = PageLogEntry.objects.filter(
        page_id=case.pages["translation"][tree],
        action="wagtail_localize.convert_to_alias",
    ).exists()
    return reset and not page(case, "translation", tree).live


def translation_row_kept(case, tree) -> bool:
    """Upstream's converting deletes the Translation row; a refusal keeps it."""
    return translation_source(case, tree).translations.exists()


def copy_author(case, tree):
    """A POST to the copy URL itself (the copy form posts to add/)."""
    return case.client.post(
        reverse("wagtailsnippets_news_author:copy", args=[case.authors[tree]]),
        {"name": "Копия автора", "position": "фотограф"},
    )


def author_copied(case, tree) -> bool:
    return Author.objects.filter(
        name="Копия автора", locale__language_code=tree
    ).exists()


def author_intact(case, tree) -> bool:
    return Author.objects.get(pk=case.authors[tree]).name == f"Автор {tree}"


def create_author(case, tree):
    return case.client.post(
        reverse("wagtailsnippets_news_author:add") + f"?locale={tree}",
        {"name": "Новый автор", "position": ""},
    )


def author_created(case, tree) -> bool:
    return Author.objects.filter(
        name="Новый автор", locale__language_code=tree
    ).exists()


def create_site_settings(case, tree):
    """The language's row was deleted: a new one is created with ``?locale=``."""
    SiteSettings.objects.filter(locale__language_code=tree).delete()
    return case.client.post(
        reverse("wagtailsnippets_home_sitesettings:add") + f"?locale={tree}",
        site_settings_form_data("Новая газета"),
    )


def site_settings_created(case, tree) -> bool:
    return SiteSettings.objects.filter(
        locale__language_code=tree, newspaper_name="Новая газета"
    ).exists()


def copy_site_settings(case, tree):
    """Copying the other language's row into this one (its row was deleted)."""
    SiteSettings.objects.filter(locale__language_code=tree).delete()
    source = SiteSettings.objects.get(locale__language_code=OTHER[tree])
    url = reverse("wagtailsnippets_home_sitesettings:copy", args=[source.pk])
    return case.client.post(
        f"{url}?locale={tree}", site_settings_form_data("Новая газета")
    )


def site_settings_intact(case, tree) -> bool:
    return (
        SiteSettings.objects.get(locale__language_code=OTHER[tree]).newspaper_name
        == case.newspaper_names[OTHER[tree]]
    )


def site_settings_form_data(name: str) -> dict:
    return {
        "newspaper_name": name,
        "about": "",
        "address": "",
        "phone": "",
        "email": "",
        "copyright_holder": "",
        "copyright_start_year": "2012",
    }


def translation_source(case, tree) -> TranslationSource:
    return TranslationSource.objects.get(
        object_id=page(case, "translation", tree).translation_key,
        locale__language_code=OTHER[tree],
    )


def the_translation(case, tree) -> Translation:
    return translation_source(case, tree).translations.get()


def submit_complete_translation(case, tree):
    """Every text segment translated, then "Submit for review" (dashboard, editor)."""
    translation = the_translation(case, tree)
    for segment in StringSegment.objects.filter(source=translation.source):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            context=segment.context,
            locale=translation.target_locale,
            defaults={"data": f"аударма {segment.pk}"},
        )
    return case.client.post(reverse("translations_submit", args=[translation.pk]))


def in_translation_review(case, tree) -> bool:
    return page(case, "translation", tree).workflow_in_progress


def approve_untranslated(case, tree):
    """The override: an untranslated page in review approved with a reason."""
    state = submit_for_review(the_translation(case, tree), case.staff.chief)
    return case.client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[
                case.pages["translation"][tree],
                "approve_untranslated",
                state.current_task_state_id,
            ],
        ),
        {"comment": "Срочно"},
    )


def synced(case, tree) -> bool:
    """The source was re-read: the translators now see the latest text."""
    return (
        translation_source(case, tree).last_updated_at > (case.source_synced_at[tree])
    )


# Readers' questions («Проблемная зона»): moderated by the release editors and
# the chief editor, deleted by the chief only (README: Reader questions). A
# question has no language of its own: each tree's section has one.

ANSWER = "Дорогу починят к осени."
MODERATORS_OF_QUESTIONS = {"moderator", "chief"}


def question(case, tree) -> Question:
    return Question.objects.get(pk=case.questions[tree])


def question_gone(case, tree) -> bool:
    return not Question.objects.filter(pk=case.questions[tree]).exists()


def question_url(name: str, case=None, tree=None) -> str:
    args = [case.questions[tree]] if case is not None else []
    return reverse(f"wagtailsnippets_questions_question:{name}", args=args)


def shows_question(case, tree, response):
    if response.status_code == 200:
        case.assertContains(response, f"Вопрос читателя {tree}")
    return response


def list_questions(case, tree):
    response = case.client.get(question_url("list"), {"section": case.sections[tree]})
    return shows_question(case, tree, response)


def answer_question(case, tree):
    return case.client.post(
        question_url("edit", case, tree),
        {"status": Status.ANSWERED, "assignee": "", "note": "", "answer": ANSWER},
    )


def delete_question(case, tree):
    return case.client.post(question_url("delete", case, tree))


def delete_questions_in_bulk(case, tree):
    bulk = reverse("wagtail_bulk_action", args=["questions", "question", "delete"])
    return case.client.post(
        f"{bulk}?id={case.questions[tree]}&next={question_url('list')}"
    )


def question_history(case, tree):
    return case.client.get(question_url("history", case, tree))


def question_usage(case, tree):
    return case.client.get(question_url("usage", case, tree))


def choose_questions(case, tree):
    """The snippet chooser's own URLs: no admin page links them for questions."""
    response = case.client.get(
        reverse("wagtailsnippetchoosers_questions_question:choose")
    )
    if response.status_code == 200:  # the listing comes as JSON
        case.assertContains(response, f"/chosen/{case.questions[tree]}/")
    return response


def question_chosen(case, tree):
    return case.client.get(
        reverse(
            "wagtailsnippetchoosers_questions_question:chosen",
            args=[case.questions[tree]],
        )
    )


def create_question(case, tree):
    """Questions come from readers: the admin's add URL makes none for anyone."""
    return case.client.post(
        question_url("add"),
        {"status": Status.NEW, "assignee": "", "note": "", "answer": ""},
    )


def choose_questions_section(case, tree):
    return case.client.post(
        reverse("wagtailsnippets_questions_questiondesk:add"),
        {"section": case.sections[tree]},
    )


# The footer's «Информация» links: the chief editor's (README: Footer).


def footer_link(case, tree) -> FooterLink:
    return FooterLink.objects.get(pk=case.footer_links[tree])


def footer_link_form(title: str) -> dict:
    return {
        "title": title,
        "link_page": "",
        "link_url": "https://km.kz/",
        "sort_order": "5",
    }


def edit_footer_link(case, tree):
    return case.client.post(
        reverse("wagtailsnippets_core_footerlink:edit", args=[case.footer_links[tree]]),
        footer_link_form("Правка ссылки"),
    )


def create_footer_link(case, tree):
    return case.client.post(
        reverse("wagtailsnippets_core_footerlink:add") + f"?locale={tree}",
        footer_link_form("Новая ссылка"),
    )


def copy_footer_link(case, tree):
    """A POST to the copy URL itself (the copy form posts to add/)."""
    return case.client.post(
        reverse("wagtailsnippets_core_footerlink:copy", args=[case.footer_links[tree]]),
        footer_link_form("Копия ссылки"),
    )


def footer_link_made(title: str):
    def made(case, tree) -> bool:
        return FooterLink.objects.filter(
            title=title, locale__language_code=tree
        ).exists()

    return made


def footer_link_intact(case, tree) -> bool:
    return footer_link(case, tree).title == f"Ссылка {tree}"


def delete_footer_link(case, tree):
    return case.client.post(
        reverse(
            "wagtailsnippets_core_footerlink:delete", args=[case.footer_links[tree]]
        )
    )


ACTIONS = (
    Action("view_drafts", view_draft, None, {t: may_edit(t) for t in TREES}),
    Action("preview_drafts", preview, None, {t: may_edit(t) for t in TREES}),
    Action("edit_pages", edit, None, {t: may_edit(t) for t in TREES}),
    Action(
        "publish",
        publish,
        lambda case, tree: page(case, "draft", tree).live,
        everywhere(PUBLISHERS),
        editors_only_draft=True,
    ),
    Action(
        "unpublish",
        unpublish,
        lambda case, tree: not page(case, "live", tree).live,
        everywhere(PUBLISHERS),
    ),
    Action(
        "delete_live_pages",
        delete,
        lambda case, tree: not exists(case, "live", tree),
        everywhere(PUBLISHERS),
    ),
    Action(
        "move_live_pages",
        move,
        lambda case, tree: (
            page(case, "live", tree).get_parent().pk == case.pages["elsewhere"][tree]
        ),
        everywhere(PUBLISHERS),
    ),
    Action(
        "copy_pages",
        copy,
        lambda case, tree: Page.objects.filter(slug="kopiya").exists(),
        {t: may_edit(t) for t in TREES},
    ),
    Action(
        "compare_revisions",
        compare_revisions,
        None,
        {t: may_edit(t) for t in TREES},
    ),
    Action("see_history", see_history, None, {t: may_edit(t) for t in TREES}),
    Action(
        "submit_pages_for_translation",
        submit_for_translation,
        lambda case, tree: page(case, "untranslated", tree).get_translations().exists(),
        # Translations are created where one may add pages: kk for translators.
        {"ru": {"translator", "chief"}, "kk": {"chief"}},
    ),
    Action(
        "edit_translations", edit_translation, None, {t: may_edit(t) for t in TREES}
    ),
    Action(
        "approve_reviews",
        approve,
        lambda case, tree: page(case, "in_review", tree).live,
        everywhere(PUBLISHERS),
    ),
    Action(
        "submit_translations_for_review",
        submit_complete_translation,
        in_translation_review,
        {t: may_edit(t) for t in TREES},
    ),
    Action(
        # Only the chief editor publishes a translation with untranslated
        # segments, with a reason (newsroom.models.TranslationApprovalTask,
        # the kk review step; Russian is the source language).
        "approve_untranslated_translations",
        approve_untranslated,
        lambda case, tree: page(case, "translation", tree).live,
        {"ru": set(), "kk": {"chief"}},
    ),
    Action(
        "sync_translations",
        sync_translations,
        synced,
        {"ru": {"chief"}, "kk": {"translator", "chief"}},
    ),
    Action(
        "edit_site_settings",
        edit_site_settings,
        None,
        # The source language's settings stay the chief editor's.
        {"ru": {"chief"}, "kk": {"translator", "chief"}},
    ),
    Action(
        "sync_and_publish_translations",
        sync_and_publish,
        lambda case, tree: page(case, "translation", tree).live,
        everywhere({"chief"}),
    ),
    Action(
        # Converting makes the page mirror its source, live if the source is:
        # publishing, so only for those who may publish in the tree.
        "convert_translations_to_aliases",
        convert_to_alias,
        converted,
        everywhere(PUBLISHERS),
        intact=lambda case, tree: (
            converted(case, tree) or translation_row_kept(case, tree)
        ),
    ),
    Action(
        "copy_authors",
        copy_author,
        author_copied,
        # add_author, and the language's pages (translators may not add authors).
        {"ru": {"editor", "moderator", "chief"}, "kk": {"moderator", "chief"}},
        intact=author_intact,
    ),
    Action(
        "create_authors",
        create_author,
        author_created,
        {"ru": {"editor", "moderator", "chief"}, "kk": {"moderator", "chief"}},
    ),
    Action(
        "create_site_settings",
        create_site_settings,
        site_settings_created,
        everywhere({"chief"}),
    ),
    Action(
        "copy_site_settings",
        copy_site_settings,
        site_settings_created,
        everywhere({"chief"}),
        intact=site_settings_intact,
    ),
    Action(
        "list_reader_questions",
        list_questions,
        None,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "answer_reader_questions",
        answer_question,
        lambda case, tree: question(case, tree).answer == ANSWER,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "delete_reader_questions",
        delete_question,
        question_gone,
        everywhere({"chief"}),
    ),
    Action(
        "delete_reader_questions_in_bulk",
        delete_questions_in_bulk,
        question_gone,
        everywhere({"chief"}),
    ),
    Action(
        "see_reader_question_history",
        question_history,
        None,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "see_reader_question_usage",
        question_usage,
        None,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "choose_reader_questions",
        choose_questions,
        None,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "read_a_chosen_reader_question",
        question_chosen,
        None,
        everywhere(MODERATORS_OF_QUESTIONS),
    ),
    Action(
        "create_reader_questions",
        create_question,
        lambda case, tree: Question.objects.count() > len(TREES),
        everywhere(set()),
    ),
    Action(
        "choose_the_questions_section",
        choose_questions_section,
        lambda case, tree: QuestionDesk.objects.filter(
            section_id=case.sections[tree]
        ).exists(),
        everywhere({"chief"}),
    ),
    Action(
        "edit_footer_links",
        edit_footer_link,
        lambda case, tree: footer_link(case, tree).title == "Правка ссылки",
        everywhere({"chief"}),
    ),
    Action(
        "create_footer_links",
        create_footer_link,
        footer_link_made("Новая ссылка"),
        everywhere({"chief"}),
    ),
    Action(
        "copy_footer_links",
        copy_footer_link,
        footer_link_made("Копия ссылки"),
        everywhere({"chief"}),
        intact=footer_link_intact,
    ),
    Action(
        "delete_footer_links",
        delete_footer_link,
        lambda case, tree: (
            not FooterLink.objects.filter(pk=case.footer_links[tree]).exists()
        ),
        everywhere({"chief"}),
    ),
)


def expected(role: str, tree: str, action: Action) -> str:
    if role == "anonymous":
        return LOGIN
    if role in action.allowed[tree]:
        return ALLOW
    if action.editors_only_draft and role in may_edit(tree):
        return DRAFT
    return DENY


# --------------------------------------------------------------------- tests


class PermissionMatrix(TestCase):
    """Built once; every cell runs in its own rolled-back transaction."""

    @classmethod
    def setUpTestData(cls):
        tree = build_tree()
        cls.staff = make_staff()
        sections = {"ru": tree.section_ru, "kk": tree.section_kk}
        homes = {"ru": tree.home_ru, "kk": tree.home_kk}
        author = cls.staff.chief
        cls.pages = {key: {} for key in ("draft", "live", "elsewhere", "in_review")}
        cls.pages.update(untranslated={}, translation={})
        cls.source_synced_at = {}
        for code in TREES:
            locale = Locale.objects.get(language_code=code)
            section = sections[code]
            draft = NewsPageFactory(
                parent=section, locale=locale, slug=f"draft-{code}", live=False
            )
            draft.save_revision(user=author)
            draft.title = f"Черновик {code}"
            draft.save_revision(user=author)
            cls.pages["draft"][code] = draft.pk
            live = NewsPageFactory(parent=section, locale=locale, slug=f"live-{code}")
            live.save_revision(user=author).publish(user=author)
            cls.pages["live"][code] = live.pk
            cls.pages["elsewhere"][code] = SectionPageFactory(
                parent=homes[code], locale=locale, slug=f"elsewhere-{code}"
            ).pk
            in_review = NewsPageFactory(
                parent=section, locale=locale, slug=f"review-{code}", live=False
            )
            in_review.save_revision(user=author)
            in_review.get_workflow().start(in_review, author)
            cls.pages["in_review"][code] = in_review.pk
            cls.pages["untranslated"][code] = NewsPageFactory(
                parent=section, locale=locale, slug=f"only-{code}"
            ).pk
        for code in TREES:
            # A source in the other tree, translated (synced) into this one.
            source = NewsPageFactory(
                parent=sections[OTHER[code]],
                locale=Locale.objects.get(language_code=OTHER[code]),
                slug=f"source-for-{code}",
            )
            translate_object(source, [Locale.objects.get(language_code=code)])
            translation = source.get_translation(Locale.objects.get(language_code=code))
            cls.pages["translation"][code] = translation.pk
            cls.source_synced_at[code] = TranslationSource.objects.get(
                object_id=source.translation_key, locale=source.locale
            ).last_updated_at
        settings_source, _ = TranslationSource.get_or_create_from_instance(
            SiteSettings.objects.get(locale__language_code="ru")
        )
        Translation.objects.create(
            source=settings_source,
            target_locale=Locale.objects.get(language_code="kk"),
            enabled=True,
        )
        cls.authors = {
            code: AuthorFactory(
                name=f"Автор {code}", locale=Locale.objects.get(language_code=code)
            ).pk
            for code in TREES
        }
        cls.sections = {code: sections[code].pk for code in TREES}
        cls.questions = {
            code: Question.objects.create(
                section=sections[code], text=f"Вопрос читателя {code}", consent=True
            ).pk
            for code in TREES
        }
        cls.footer_links = {
            code: FooterLink.objects.create(
                title=f"Ссылка {code}",
                link_url="https://km.kz/",
                locale=Locale.objects.get(language_code=code),
            ).pk
            for code in TREES
        }
        cls.newspaper_names = dict(
            SiteSettings.objects.values_list("locale__language_code", "newspaper_name")
        )
        cls.image = ImageFactory(
            uploaded_by_user=author,
            title="Фото карьера",
            collection=Collection.get_first_root_node(),
        )
        document_model = get_document_model()
        cls.document = document_model.objects.create(
            title="Приказ", uploaded_by_user=author
        )
        cls.document.file.save("prikaz.txt", ContentFile(b"text"))

    def login(self, role: str) -> None:
        if role != "anonymous":
            self.client.force_login(self.staff[role])

    def assert_outcome(self, response, outcome: str) -> None:
        location = response.get("Location", "")
        if outcome == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(
                location.startswith(reverse("wagtailadmin_login") + "?next="), location
            )
        elif outcome == DENY:
            self.assertEqual(response.status_code, 302, "expected a refusal")
            self.assertEqual(location, reverse("wagtailadmin_home"))
            messages = [str(m).strip() for m in response.wsgi_request._messages]
            self.assertIn(DENIED_MESSAGE, messages)
        elif outcome == DRAFT:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(location.endswith("/edit/"), location)
        else:
            self.assertIn(response.status_code, (200, 302))
            if response.status_code == 302:
                self.assertNotEqual(location, reverse("wagtailadmin_home"))
                self.assertFalse(location.startswith(reverse("wagtailadmin_login")))

    def check(self, role: str, tree: str, action: Action) -> None:
        outcome = expected(role, tree, action)
        self.login(role)
        with self.captureOnCommitCallbacks(execute=True):
            response = action.perform(self, tree)
        self.assert_outcome(response, outcome)
        if action.took_effect is not None:
            self.assertEqual(action.took_effect(self, tree), outcome == ALLOW)
        if action.intact is not None:
            self.assertTrue(action.intact(self, tree), "the source was overwritten")

    def check_media(self, role: str, url: str, obj, allowed: set[str]) -> None:
        outcome = LOGIN if role == "anonymous" else ALLOW if role in allowed else DENY
        self.login(role)
        response = self.client.post(
            url, {"title": "Новое название", "collection": obj.collection_id}
        )
        self.assert_outcome(response, outcome)
        obj.refresh_from_db()
        self.assertEqual(obj.title == "Новое название", outcome == ALLOW)


def _cell(role: str, tree: str, action: Action):
    def test(self):
        self.check(role, tree, action)

    verb = "can" if expected(role, tree, action) == ALLOW else "cannot"
    test.__name__ = f"test_{role}_{verb}_{action.name}_in_{tree}_tree"
    return test


MEDIA_DELETERS = {"moderator", "chief"}  # roles.py: MEDIA_DELETE
MEDIA_DELETE_WAYS = ("single", "multiple", "bulk")
MEDIA_URLS = {
    "images": ("wagtailimages", "image"),
    "documents": ("wagtaildocs", "document"),
}


def media_delete_url(kind: str, way: str, pk: int) -> str:
    """Every admin URL that deletes an image or a document, linked or not."""
    app, model = MEDIA_URLS[kind]
    if way == "bulk":
        bulk = reverse("wagtail_bulk_action", args=[app, model, "delete"])
        return f"{bulk}?id={pk}&next={reverse(f'{app}:index')}"
    return reverse(f"{app}:delete{'_multiple' if way == 'multiple' else ''}", args=[pk])


def _media_delete_cell(role: str, kind: str, way: str):
    def test(self):
        obj = self.image if kind == "images" else self.document
        outcome = (
            LOGIN if role == "anonymous" else ALLOW if role in MEDIA_DELETERS else DENY
        )
        self.login(role)
        response = self.client.post(media_delete_url(kind, way, obj.pk))
        self.assert_outcome(response, outcome)
        gone = not type(obj).objects.filter(pk=obj.pk).exists()
        self.assertEqual(gone, outcome == ALLOW)

    verb = "can" if role in MEDIA_DELETERS else "cannot"
    how = {"single": "", "multiple": "_from_the_upload_page", "bulk": "_in_bulk"}[way]
    test.__name__ = f"test_{role}_{verb}_delete_{kind}_uploaded_by_others{how}"
    return test


def _media_cell(role: str, kind: str):
    allowed = {"editor", "moderator", "chief"}

    def test(self):
        obj = self.image if kind == "images" else self.document
        url_name = "wagtailimages:edit" if kind == "images" else "wagtaildocs:edit"
        self.check_media(role, reverse(url_name, args=[obj.pk]), obj, allowed)

    verb = "can" if role in allowed else "cannot"
    test.__name__ = f"test_{role}_{verb}_edit_{kind}_uploaded_by_others"
    return test


for _role in ROLES:
    for _action in ACTIONS:
        for _tree in TREES:
            _test = _cell(_role, _tree, _action)
            setattr(PermissionMatrix, _test.__name__, _test)
    for _kind in ("images", "documents"):
        _test = _media_cell(_role, _kind)
        setattr(PermissionMatrix, _test.__name__, _test)
        for _way in MEDIA_DELETE_WAYS:
            _test = _media_delete_cell(_role, _kind, _way)
            setattr(PermissionMatrix, _test.__name__, _test)


def test_the_matrix_covers_every_role_tree_and_action():
    names = [name for name in dir(PermissionMatrix) if name.startswith("test_")]
    media = 2 * (1 + len(MEDIA_DELETE_WAYS))  # edit, then every way to delete
    assert len(names) == len(ROLES) * (len(ACTIONS) * len(TREES) + media)
    assert "test_editor_cannot_publish_in_ru_tree" in names
    assert "test_translator_cannot_edit_pages_in_ru_tree" in names
    assert "test_translator_can_submit_pages_for_translation_in_ru_tree" in names


def test_wagtail_localize_urls_reach_the_guarded_views():
    submit = reverse("wagtail_localize:submit_page_translation", args=[1])
    update = reverse("wagtail_localize:update_translations", args=[1])
    assert resolve(submit).func.view_class is GuardedSubmitPageTranslationView
    assert resolve(update).func.view_class is GuardedUpdateTranslationsView
    convert = reverse("wagtail_localize:convert_to_alias", args=[1])
    assert resolve(convert).url_name == "translations_convert_to_alias"
    for name in ("add", "copy"):
        args = [1] if name == "copy" else []
        for model in ("news_author", "home_sitesettings", "core_footerlink"):
            url = reverse(f"wagtailsnippets_{model}:{name}", args=args)
            assert resolve(url).url_name == f"translations_{model}_{name}"


def test_wagtail_media_urls_reach_the_delete_permission_policy():
    for kind in MEDIA_URLS:
        for way in ("single", "multiple"):
            view = resolve(media_delete_url(kind, way, 1)).func.view_class
            assert isinstance(view.permission_policy, DeleteNeedsPermissionPolicy)
