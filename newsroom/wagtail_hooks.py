from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .media_guards import guard_bulk_delete, media_urls
from .models import OVERRIDE_LOG_ACTION
from .panels import construct_panels
from .review_comparison import offer_comparison


@hooks.register("register_admin_urls", order=-100)
def register_media_guards():
    """Image and document deletion as roles.py declares it (see media_guards)."""
    return media_urls()


hooks.register("before_bulk_action", guard_bulk_delete)


@hooks.register("construct_homepage_panels")
def add_newsroom_panels(request, panels):
    construct_panels(request, panels)


hooks.register("before_edit_page", offer_comparison)


@hooks.register("insert_editor_js")
def submit_after_autosave():
    """A click on Publish waits for the autosave under way (see the script)."""
    return format_html(
        '<script src="{}"></script>', static("newsroom/js/submit-after-autosave.js")
    )


@hooks.register("register_log_actions")
def register_translation_override(actions):
    """The chief editor's approval of an incomplete translation, with its reason."""

    @actions.register_action(OVERRIDE_LOG_ACTION)
    class ApproveUntranslated(LogFormatter):
        label = _("Approve with untranslated segments")

        def format_message(self, log_entry):
            return _(
                "Approved with %(count)s untranslated segments. Reason: %(reason)s"
            ) % {
                "count": log_entry.data.get("untranslated", "?"),
                "reason": log_entry.data.get("reason", ""),
            }

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")
