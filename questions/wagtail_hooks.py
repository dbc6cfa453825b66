"""Moderation in the admin: who may is a model permission
(``questions.change_question``; newsroom.roles gives it to the release
editors and the chief editor, ``delete_question`` to the chief only)."""

from functools import wraps

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Question, QuestionDesk

question_permissions = ModelPermissionPolicy(Question)


def may_moderate(user) -> bool:
    return question_permissions.user_has_any_permission(user, ["view", "change"])


class QuestionFilterSet(WagtailFilterSet):
    class Meta:
        model = Question
        fields = ["status", "assignee", "section"]


class QuestionChooserViewSet(SnippetChooserViewSet):
    """Upstream's snippet chooser checks no model permission: any admin user
    could list readers' questions, unanswered ones too, at its URLs (no page
    links them). Here only those who may moderate."""

    def construct_view(self, view_class, **initkwargs):
        view = super().construct_view(view_class, **initkwargs)

        @wraps(view)
        def moderators_only(request, *args, **kwargs):
            if not may_moderate(request.user):
                return permission_denied(request)
            return view(request, *args, **kwargs)

        return moderators_only


class QuestionViewSet(SnippetViewSet):
    model = Question
    chooser_viewset_class = QuestionChooserViewSet
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


@hooks.register("before_bulk_action")
def refuse_bulk_delete_of_questions(request, action_type, objects, action):
    """Upstream's bulk delete quietly skips what one may not delete and goes
    back to the listing as if done; a question's deletion is refused aloud."""
    if action_type != "delete" or action.model is not Question:
        return None
    if not question_permissions.user_has_permission(request.user, "delete"):
        return permission_denied(request)
    return None


class QuestionDeskViewSet(SnippetViewSet):
    model = QuestionDesk
    icon = "help"
    menu_label = _("Questions sections")
    list_display = ["__str__"]


register_snippet(QuestionDeskViewSet)
