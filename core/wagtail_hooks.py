from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .caching.hooks import reader_request, reader_response
from .models import FooterLink
from .privacy import serve_bound
from .slugs import slug_rules


@hooks.register("insert_editor_js")
def kazakh_slug_javascript():
    """The admin's slug field follows linguistics.slugify (see core/slugs.py)."""
    return format_html(
        '{}<script src="{}"></script>',
        json_script(slug_rules(), "kmpress-slug-rules"),
        static("core/js/kk-slugify.js"),
    )


@hooks.register("on_serve_page", order=-1)
def twins_share_privacy(callback):
    """Restrictions of a page's twins bind it too (core.privacy).

    Outermost, around Wagtail's own ``check_view_restrictions``, which checks
    the page's own tree line only.
    """

    def serve(page, request, args, kwargs):
        return serve_bound(callback, page, request, args, kwargs)

    return serve


# What the whole-page cache keeps (wagtail-cache's own extension points).
hooks.register("is_request_cacheable", reader_request)
hooks.register("is_response_cacheable", reader_response)


class FooterLinkViewSet(SnippetViewSet):
    """The footer's «Информация» menu, next to the site settings."""

    model = FooterLink
    icon = "link"
    menu_label = _("Footer links")
    add_to_settings_menu = True
    list_display = ["title", "link_page", "link_url", "sort_order", "locale"]
    ordering = ["sort_order", "pk"]


register_snippet(FooterLinkViewSet)
