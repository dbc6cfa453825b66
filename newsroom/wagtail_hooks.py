from django.urls import path
from wagtail import hooks

from .panels import construct_panels
from .translation_guards import (
    GuardedSubmitPageTranslationView,
    GuardedUpdateTranslationsView,
)


@hooks.register("register_admin_urls", order=-100)
def register_translation_guards():
    """Mounted on wagtail-localize's own paths, ahead of them (see the module)."""
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            GuardedSubmitPageTranslationView.as_view(),
            name="newsroom_submit_page_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            GuardedUpdateTranslationsView.as_view(),
            name="newsroom_update_translations",
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_newsroom_panels(request, panels):
    construct_panels(request, panels)
