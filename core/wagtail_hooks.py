from django.templatetags.static import static
from django.utils.html import format_html, json_script
from wagtail import hooks

from .caching.hooks import reader_request, reader_response
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
