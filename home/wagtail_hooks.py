from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SiteSettings
from .privacy import serve_bound
from .slugs import slug_rules


class SiteSettingsViewSet(SnippetViewSet):
    model = SiteSettings
    icon = "cogs"
    menu_label = _("Site settings")
    add_to_settings_menu = True
    list_display = ["__str__", "phone", "email"]


register_snippet(SiteSettingsViewSet)


@hooks.register("insert_editor_js")
def kazakh_slug_javascript():
    """The admin's slug field follows linguistics.slugify (see home/slugs.py)."""
    return format_html(
        '{}<script src="{}"></script>',
        json_script(slug_rules(), "kmpress-slug-rules"),
        static("home/js/kk-slugify.js"),
    )


@hooks.register("on_serve_page", order=-1)
def twins_share_privacy(callback):
    """Restrictions of a page's twins bind it too (home.privacy).

    Outermost, around Wagtail's own ``check_view_restrictions``, which checks
    the page's own tree line only.
    """

    def serve(page, request, args, kwargs):
        return serve_bound(callback, page, request, args, kwargs)

    return serve
