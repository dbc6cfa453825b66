from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Authors")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "position", "locale"]
    search_fields = ["name"]


register_snippet(AuthorViewSet)
