"""Shared set-up: a small two-language tree, built by factories per test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections
from wagtail.models import Page, Site

from core.caching.breaker import breaker
from tests.cache_support import real_fragment_cache, reset_page_cache_health
from tests.factories import (
    HomePageFactory,
    SectionPageFactory,
    SiteSettingsFactory,
    locale,
)
from tests.varnish_support import purge_through, render_vcl, running_varnish


@dataclass
class Tree:
    """The ru and kk home pages and one section in each, twins of each other."""

    home_ru: Page
    home_kk: Page
    section_ru: Page
    section_kk: Page


def build_tree() -> Tree:
    root = Page.get_first_root_node()
    ru, kk = locale("ru"), locale("kk")
    home_ru = HomePageFactory(parent=root, locale=ru, slug="home-ru")
    home_kk = HomePageFactory(
        parent=root,
        locale=kk,
        slug="home-kk",
        title="Басты бет",
        translation_key=home_ru.translation_key,
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home_ru},
    )
    Page.objects.filter(depth=2, content_type__model="page").delete()
    section_ru = SectionPageFactory(
        parent=home_ru, locale=ru, title="Новости", slug="novosti"
    )
    section_kk = SectionPageFactory(
        parent=home_kk,
        locale=kk,
        title="Жаңалықтар",
        slug="zhanalyqtar",
        translation_key=section_ru.translation_key,
    )
    SiteSettingsFactory(locale=ru)
    SiteSettingsFactory(
        locale=kk,
        translation_key=SiteSettingsFactory._meta.model.objects.get(
            locale=ru
        ).translation_key,
        newspaper_name="Қостанай минералдары",
        about="Газет 2012 жылдан бері шығады.",
    )
    return Tree(home_ru, home_kk, section_ru, section_kk)


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


@pytest.fixture
def page_cache(settings):
    """Whole pages cached, as in production, with no outage remembered from an
    earlier test (the page cache's health is per process)."""
    settings.WAGTAIL_CACHE = True
    reset_page_cache_health()
    yield caches["pagecache"]
    reset_page_cache_health()


@pytest.fixture(scope="module")
def varnish(live_server, tmp_path_factory):
    """One varnishd for the module, in front of the live server."""
    port = int(live_server.url.rsplit(":", 1)[1])
    with running_varnish(tmp_path_factory.mktemp("varnish"), render_vcl([port])) as v:
        yield v


@pytest.fixture
def through_varnish(page_cache, settings, varnish):
    """Whole pages cached and fragments too, as in production; Django empties
    this Varnish on every change, which starts empty. A module whose tests all
    read through Varnish names it in ``pytest.mark.usefixtures``."""
    real_fragment_cache(settings)
    purge_through(settings, varnish)
    varnish.ban_everything()
    return varnish


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what waits for the commit (indexing, cache
    clears) when the block ends, as a real transaction's end would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches and every circuit closed, whichever
    backend serves them: a circuit one test opened must not fail the next."""
    breaker.reset()
    for alias in caches:
        caches[alias].clear()
    yield
    breaker.reset()


@pytest.fixture(scope="module", autouse=True)
def migrated_rows_left_behind(django_db_setup, django_db_blocker):
    """Transactional tests end with a flush; put the migrations' rows back.

    Every module, because a test worker (pytest-xdist) runs whole files one
    after another: a file of transactional tests would otherwise leave the
    next file in the same worker without a root page or locales (serially,
    pytest-django ran every transactional test last). A plain flush re-creates
    content types and permissions (post_migrate), so the rows go back after a
    flush without it, as Django's ``serialized_rollback`` does. The file
    database that ``--reuse-db`` keeps is left whole too.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not Page.objects.using(alias).exists():
                call_command(
                    "flush",
                    database=alias,
                    interactive=False,
                    verbosity=0,
                    inhibit_post_migrate=True,
                    # As Django's own teardown flush: the restored rows keep
                    # their ids, new rows must not be given them again.
                    reset_sequences=False,
                )
                connection.creation.deserialize_db_from_string(contents)
