"""The Kazakh tree follows the Russian one: every published page has a kk twin.

wagtail-localize's locale synchronisation (kk synchronised from ru) creates an
*alias* of each new Russian page in the Kazakh tree, and Wagtail publishes an
alias together with its original — Russian text at a Kazakh address, in
Kazakh listings. So when the Russian page is published, its aliases become
**untranslated drafts** instead: real wagtail-localize translations (a
TranslationSource and a Translation, ready in the translation editor, counted
by the status dashboard) that are not live until a moderator publishes the
translation. Their address shows readers a Kazakh notice (core.twins).
"""

from __future__ import annotations

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import transaction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Locale, Page
from wagtail.signals import page_published
from wagtail.utils.timestamps import ensure_utc
from wagtail_localize.models import LocaleSynchronization, TranslationSource
from wagtail_localize.operations import TranslationCreator
from wagtail_localize.synctree import PageIndex, synchronize_tree

from core.twins import source_language

# Logged on a twin kept as an untranslated draft while its original is scheduled.
EMBARGO_ACTION = "translations.embargo"


def synchronised() -> dict[str, str]:
    """Every other site language follows the source language's tree."""
    source = source_language()
    return {code: source for code, _name in settings.LANGUAGES if code != source}


def cross_language_aliases(page: Page):
    return Page.objects.filter(alias_of=page).exclude(locale_id=page.locale_id)


@transaction.atomic
def make_untranslated_draft(alias: Page, user=None) -> Page:
    """Turns an alias of another language's live page into an untranslated draft.

    The draft holds the original's content until translators replace it
    segment by segment; it is never live with that content.
    """
    original = alias.alias_of.specific
    TranslationSource.update_or_create_from_instance(original)
    creator = TranslationCreator(user, [alias.locale])
    creator.create_translations(original, include_related_objects=False)
    draft = Page.objects.get(pk=alias.pk).specific
    if draft.alias_of_id is None and draft.live:
        UnpublishPageAction(draft, user=user).execute(skip_permission_checks=True)
        draft.refresh_from_db()
    return draft


def convert_aliases_of(page: Page, user=None) -> list[Page]:
    """A live or scheduled page's aliases in other languages become untranslated drafts.

    Scheduling counts: Wagtail's ``PublishPageRevisionAction._after_publish``
    runs for a future go-live too, and its ``update_aliases()`` would set every
    alias live with the original's content before the original is.
    """
    scheduled = not page.live and page.scheduled_revision is not None
    if page.alias_of_id or not (page.live or scheduled):
        return []
    drafts = [
        make_untranslated_draft(alias, user)
        for alias in cross_language_aliases(page).select_related("locale")
    ]
    if scheduled:
        for draft in drafts:
            log_embargo(draft, page, user)
    return drafts


def log_embargo(draft: Page, original: Page, user) -> None:
    """The twin's history says why it stays a draft while the original waits."""
    log(
        instance=draft,
        action=EMBARGO_ACTION,
        user=user,
        data={
            "go_live_at": ensure_utc(original.go_live_at),
            "source": {"id": original.pk, "title": original.title},
        },
    )


def convert_all_aliases(user=None) -> int:
    """Every cross-language alias of a live page (after a tree synchronisation)."""
    converted = 0
    aliases = (
        Page.objects.filter(alias_of__isnull=False, alias_of__live=True)
        .select_related("alias_of", "locale")
        .order_by("path")
    )
    for alias in aliases:
        if alias.locale_id != alias.alias_of.locale_id:
            make_untranslated_draft(alias, user)
            converted += 1
    return converted


def ensure_locale_synchronisation() -> list[str]:
    """Idempotent: kk synchronised from ru, both locales present. Returns changes."""
    changes = []
    for target, source in synchronised().items():
        source_locale, _ = Locale.objects.get_or_create(language_code=source)
        target_locale, created = Locale.objects.get_or_create(language_code=target)
        if created:
            changes.append(f"locale {target}")
        sync = LocaleSynchronization.objects.filter(locale=target_locale).first()
        if sync is None:
            # Saved through a queryset: the model's post_save would synchronise
            # the trees into aliases before we can convert them.
            LocaleSynchronization.objects.bulk_create(
                [LocaleSynchronization(locale=target_locale, sync_from=source_locale)]
            )
            changes.append(f"{target} synchronised from {source}")
        elif sync.sync_from_id != source_locale.pk:
            LocaleSynchronization.objects.filter(pk=sync.pk).update(
                sync_from=source_locale
            )
            changes.append(f"{target} synchronised from {source} (was another)")
    return changes


def synchronise_trees(user=None) -> int:
    """Fills every synchronised tree: missing pages as untranslated drafts."""
    index = PageIndex.from_database().sort_by_tree_position()
    for sync in LocaleSynchronization.objects.select_related("locale", "sync_from"):
        synchronize_tree(sync.sync_from, sync.locale, page_index=index)
    return convert_all_aliases(user)


# ----------------------------------------------------------------- wiring


def native_language_names() -> None:
    """The admin's language menu shows our names: «Қазақша», not Django's «Қазақ».

    Wagtail's account preferences read Django's LANG_INFO, which Django's
    documentation lets a project extend; the names come from LANGUAGES.
    """
    for code, name in settings.LANGUAGES:
        LANG_INFO.setdefault(code, {"code": code, "bidi": False, "name": name})
        LANG_INFO[code]["name_local"] = str(name)


def on_page_published(sender, instance, revision=None, **kwargs):
    """Sent before Wagtail updates aliases: they never go live in Russian.

    Also sent when a page is only scheduled (see ``convert_aliases_of``); the
    signal names no user, the published revision's author is the publisher.
    """
    convert_aliases_of(instance, getattr(revision, "user", None))


def after_create_page(request, page):
    """Published straight from the create view: the alias is made after publishing."""
    convert_aliases_of(page, getattr(request, "user", None))


def register_signal_handlers():
    page_published.connect(on_page_published, dispatch_uid="translations-sync")
