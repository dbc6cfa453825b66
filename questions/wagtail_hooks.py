"""Moderation in the admin: who may is a model permission
(``questions.change_question``; newsroom.roles gives it to the release
editors and the chief editor)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Question, QuestionDesk


class QuestionFilterSet(WagtailFilterSet):
    class Meta:
        model = Question
        fields = ["status", "assignee", "section"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Reader questions")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["__str__", "section", "status", "assignee", "created_at"]
    list_filter = ["status", "assignee", "section"]
    filterset_class = QuestionFilterSet
    search_fields = None
    inspect_view_enabled = False
    copy_view_enabled = False


register_snippet(QuestionViewSet)


class QuestionDeskViewSet(SnippetViewSet):
    model = QuestionDesk
    icon = "help"
    menu_label = _("Questions sections")
    list_display = ["__str__"]


register_snippet(QuestionDeskViewSet)
