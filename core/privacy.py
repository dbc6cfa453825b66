"""Privacy binds twins: a page and its translations are private alike.

Wagtail applies a view restriction to a page and its descendants in one tree.
A translation lives in another tree, so a password on a Russian article left
its Kazakh twin (and the Kazakh "not yet translated" notice, which shows the
Russian title and lead) open to everyone. Here a restriction binds every page
that has a twin (itself included) at or below a twin of the restricted page:

- at serve time (``serve_bound``, an ``on_serve_page`` hook): the reader must
  pass those restrictions too, and the response is never cached;
- in listings, feeds, the sitemap, tags and promotions (``private_exists``, one
  SQL ``EXISTS``) and in search (``exclude_private``, plain filters that every
  search backend accepts);
- in the admin (``mirror_*``): a restriction added, changed or removed on one
  twin is made on the others, so editors see in each tree what binds it. A
  new translation already gets its source's restriction from wagtail-localize
  (``TranslationSource.sync_view_restrictions``).

The rule depends only on a page's set of twins, so twins are always both
public or both private; the mirror is for clarity, the binding the guarantee.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import Page, PageViewRestriction

from .caching.generation import memo, request_generation


def own_language(queryset: QuerySet) -> QuerySet:
    """Drops aliases of another language's page.

    wagtail-localize's "convert to alias" turns a translation into a live copy
    of its source: Russian text in the Kazakh tree, which no reader sees.
    """
    return queryset.filter(Q(alias_of__isnull=True) | Q(alias_of__locale=F("locale")))


def foreign_aliases() -> QuerySet[Page]:
    """Ids of aliases of another language's page, for search backends' filters."""
    return (
        Page.objects.filter(alias_of__isnull=False)
        .exclude(alias_of__locale=F("locale"))
        .values("id")
    )


def _restricted_keys() -> QuerySet:
    return PageViewRestriction.objects.values("page__translation_key")


def private_exists() -> Exists:
    """True for a page (the outer query's row) that some restriction binds.

    Some twin of the page (the page itself included) lies at or below a twin
    of a restricted page. Restrictions and their twins are few, and twins are
    found by the ``translation_key`` index, so the test stays cheap per row.
    """
    under_restricted_twin = Page.objects.filter(
        translation_key__in=_restricted_keys(),
        path=Substr(OuterRef("path"), 1, Length("path")),
    )
    return Exists(
        Page.objects.filter(translation_key=OuterRef("translation_key")).filter(
            Exists(under_restricted_twin)
        )
    )


def public(queryset: QuerySet) -> QuerySet:
    """Pages no restriction binds, in the same SQL query (exact, no memo).

    It may scan the page table once per query: for a handful of known rows
    (search promotions). Listings use ``public_listing``.
    """
    return queryset.filter(~private_exists())


def public_listing(queryset: QuerySet, request: HttpRequest | None = None):
    """Listings: every binding restriction (own tree and twins) as path filters
    from the generation's index, so a listing reads no restriction table.

    ``public`` is the same rule without the memo: exact, but it costs a
    listing about twice as much (README, Benchmarks: private twins). A SQL
    ``NOT EXISTS`` over the restrictions' pages (as this was) lets PostgreSQL
    without statistics read the whole page table once per section
    (tests/test_listing_plans.py).
    """
    return exclude_private(queryset, request)


@dataclass(frozen=True)
class PrivateIndex:
    """Per content generation: what the restrictions bind, without a query.

    ``roots``: paths of every twin of a restricted page (everything below is
    bound); ``keys``: translation keys of the pages below those roots, so a
    twin elsewhere is bound too; ``strays``: paths of such twins elsewhere.
    """

    roots: frozenset[str]
    keys: frozenset
    strays: frozenset[str]

    def binds(self, page: Page) -> bool:
        return page.translation_key in self.keys

    def search_filter(self) -> Q:
        """The same rule as plain filters (search backends take no subqueries)."""
        condition = Q()
        for root in sorted(self.roots):
            condition &= ~Q(path__startswith=root)
        if self.strays:
            condition &= ~Q(path__in=sorted(self.strays))
        return condition


def _under(paths: Iterable[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def build_index() -> PrivateIndex:
    roots = set(
        Page.objects.filter(translation_key__in=_restricted_keys()).values_list(
            "path", flat=True
        )
    )
    roots = {
        path
        for path in roots
        if not any(path != other and path.startswith(other) for other in roots)
    }
    if not roots:
        return PrivateIndex(frozenset(), frozenset(), frozenset())
    keys = frozenset(
        Page.objects.filter(_under(roots)).values_list("translation_key", flat=True)
    )
    strays = frozenset(
        Page.objects.filter(
            translation_key__in=Page.objects.filter(_under(roots)).values(
                "translation_key"
            )
        )
        .exclude(_under(roots))
        .values_list("path", flat=True)
    )
    return PrivateIndex(frozenset(roots), keys, strays)


def private_index(request: HttpRequest | None = None) -> PrivateIndex:
    """The index of the current generation (any restriction change bumps it)."""
    return memo.get(request_generation(request), "private-index", build_index)


def exclude_private(queryset: QuerySet, request: HttpRequest | None = None):
    """``queryset`` without bound pages, as plain filters (for search backends)."""
    index = private_index(request)
    if not index.roots:
        return queryset
    return queryset.filter(index.search_filter())


def _path_and_ancestors(path: str) -> set[str]:
    return {path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)}


def binding_restrictions(
    page: Page, request: HttpRequest | None = None
) -> list[PageViewRestriction]:
    """Every restriction that binds ``page``: on its twins' lines and their twins.

    No query for a page the generation's index leaves public.
    """
    if not private_index(request).binds(page):
        return []
    lines: set[str] = set()
    for path in Page.objects.filter(translation_key=page.translation_key).values_list(
        "path", flat=True
    ):
        lines |= _path_and_ancestors(path)
    return list(
        PageViewRestriction.objects.filter(
            page__translation_key__in=Page.objects.filter(path__in=lines).values(
                "translation_key"
            )
        )
        .select_related("page")
        .prefetch_related("groups")
        .order_by("-page__depth", "pk")
    )


def _signature(restriction: PageViewRestriction) -> tuple:
    groups = frozenset(group.pk for group in restriction.groups.all())
    return (restriction.restriction_type, restriction.password, groups)


def _unmet(
    page: Page, restrictions: list[PageViewRestriction], request: HttpRequest
) -> PageViewRestriction | None:
    """The first restriction the reader has not passed, by kind.

    Mirrored twins carry equal restrictions (same kind, password, groups):
    passing one passes them all, so a reader never types a password twice.
    A restriction on the page's own line is asked for before a twin's.
    """
    alike: dict[tuple, list[PageViewRestriction]] = {}
    for restriction in restrictions:
        alike.setdefault(_signature(restriction), []).append(restriction)
    for members in alike.values():
        passed = [each for each in members if each.accept_request(request)]
        if not passed:
            own = [each for each in members if page.path.startswith(each.page.path)]
            return (own or members)[0]
        for each in members:
            if each.restriction_type == PageViewRestriction.PASSWORD and each not in (
                passed
            ):
                each.mark_as_passed(request)
    return None


def _refusal(page: Page, restriction: PageViewRestriction, request) -> HttpResponse:
    """What Wagtail answers for its own restrictions (wagtail.wagtail_hooks)."""
    if restriction.restriction_type == PageViewRestriction.PASSWORD:
        form = PasswordViewRestrictionForm(
            instance=restriction, initial={"return_url": request.get_full_path()}
        )
        action_url = reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk]
        )
        return page.serve_password_required_response(request, form, action_url)
    # Not at the top: importing wagtail.wagtail_hooks while models load (core.models
    # -> core.twins -> here) registers Wagtail's hooks ahead of INSTALLED_APPS
    # order, which reorders rich-text features, permissions and log actions.
    from wagtail.wagtail_hooks import require_wagtail_login  # noqa: PLC0415

    return require_wagtail_login(next=request.get_full_path())


def serve_bound(
    callback: Callable, page: Page, request: HttpRequest, args, kwargs
) -> HttpResponse:
    """Serves ``page`` only to a reader who passed every restriction binding it.

    Wagtail's own check (``check_view_restrictions``) sees the page's tree
    line only; this runs around it. A bound page is never cached publicly.
    """
    restrictions = binding_restrictions(page, request)
    if not restrictions:
        return callback(page, request, args, kwargs)
    unmet = _unmet(page, restrictions, request)
    response = (
        _refusal(page, unmet, request)
        if unmet is not None
        else callback(page, request, args, kwargs)
    )
    add_never_cache_headers(response)
    return response


# ------------------------------------------------------------- admin mirror

_mirroring: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kmpress_mirroring_privacy", default=False
)


def _other_twins(page_id: int) -> QuerySet[Page]:
    page = Page.objects.filter(pk=page_id).only("translation_key").first()
    if page is None:
        return Page.objects.none()
    return Page.objects.filter(translation_key=page.translation_key).exclude(pk=page_id)


def _mirroring_once(function: Callable) -> Callable:
    """Mirror writes send the same signals; they are not mirrored back."""

    def wrapper(*args, **kwargs):
        if _mirroring.get():
            return None
        token = _mirroring.set(True)
        try:
            return function(*args, **kwargs)
        finally:
            _mirroring.reset(token)

    return wrapper


@_mirroring_once
def mirror_saved(restriction: PageViewRestriction) -> None:
    """The twins get the same kind and password (a new one, the groups too);
    groups chosen afterwards follow through ``mirror_groups``."""
    for twin in _other_twins(restriction.page_id):
        own = twin.view_restrictions.order_by("pk").first()
        if own is None:
            own = PageViewRestriction(page=twin)
        elif (own.restriction_type, own.password) == (
            restriction.restriction_type,
            restriction.password,
        ):
            continue
        fresh = own.pk is None
        own.restriction_type = restriction.restriction_type
        own.password = restriction.password
        own.save()
        if fresh:
            own.groups.set(restriction.groups.all())


@_mirroring_once
def mirror_groups(restriction: PageViewRestriction) -> None:
    groups = list(restriction.groups.all())
    for twin in _other_twins(restriction.page_id):
        for own in twin.view_restrictions.all():
            own.groups.set(groups)


@_mirroring_once
def mirror_deleted(page_id: int) -> None:
    """Once committed: a restriction removed from a page that still exists.

    A deleted page takes its restrictions with it; its twins stay private.
    """
    if not Page.objects.filter(pk=page_id).exists():
        return
    for twin in _other_twins(page_id):
        for own in twin.view_restrictions.all():
            own.delete()


def restriction_saved(instance, raw=False, **kwargs):
    if not raw:
        mirror_saved(instance)


def restriction_groups_changed(instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        mirror_groups(instance)


def restriction_deleted(instance, **kwargs):
    if _mirroring.get():
        return
    page_id = instance.page_id
    transaction.on_commit(lambda: mirror_deleted(page_id), robust=True)
