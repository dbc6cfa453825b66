"""Deleting images and documents needs the delete permission that roles.py grants.

Wagtail's ``CollectionOwnershipPermissionPolicy`` treats "delete" as "change"
(and owning an upload as both), so the correspondents, who may edit any
image's title or focal point, could also delete any image, and every article
showing it lost its cover. The roles declare ``delete_image`` and
``delete_document`` for the moderators and the chief editor only: here
deleting needs that permission on the item's collection, whoever uploaded it.
Everything else (upload, choose, edit) keeps Wagtail's rules.

The policy is put on subclasses of Wagtail's own edit and delete views
(single, and the multiple-upload page's), mounted on Wagtail's paths ahead of
them; the bulk delete action is checked in ``before_bulk_action``.
"""

from __future__ import annotations

from django.urls import path
from wagtail.admin.auth import permission_denied
from wagtail.documents import get_document_model
from wagtail.documents.views import documents as document_views
from wagtail.documents.views import multiple as document_multiple
from wagtail.images import get_image_model
from wagtail.images.views import images as image_views
from wagtail.images.views import multiple as image_multiple
from wagtail.permission_policies.collections import (
    CollectionOwnershipPermissionPolicy,
)


class DeleteNeedsPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection-ownership policy, but "delete" is its own permission."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return self._check_perm(user, ["delete"])
        return super().user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = set(actions)
        if "delete" in actions:
            if self._check_perm(user, ["delete"], collection=instance.collection):
                return True
            actions.discard("delete")
            if not actions:
                return False
        return super().user_has_any_permission_for_instance(user, actions, instance)


image_policy = DeleteNeedsPermissionPolicy(
    get_image_model(),
    auth_model="wagtailimages.Image",
    owner_field_name="uploaded_by_user",
)
document_policy = DeleteNeedsPermissionPolicy(
    get_document_model(),
    auth_model="wagtaildocs.Document",
    owner_field_name="uploaded_by_user",
)


def _with_policy(view_class, policy):
    return type(view_class.__name__, (view_class,), {"permission_policy": policy})


def media_urls():
    """Wagtail's image and document edit/delete paths, with the policy above."""
    views = (
        ("images/<int:image_id>/", image_views.EditView, image_policy),
        ("images/<int:image_id>/delete/", image_views.DeleteView, image_policy),
        (
            "images/multiple/<int:image_id>/delete/",
            image_multiple.DeleteView,
            image_policy,
        ),
        (
            "documents/edit/<int:document_id>/",
            document_views.EditView,
            document_policy,
        ),
        (
            "documents/delete/<int:document_id>/",
            document_views.DeleteView,
            document_policy,
        ),
        (
            "documents/multiple/<int:doc_id>/delete/",
            document_multiple.DeleteView,
            document_policy,
        ),
    )
    return [
        path(route, _with_policy(view, policy).as_view(), name=f"newsroom_media_{n}")
        for n, (route, view, policy) in enumerate(views)
    ]


def guard_bulk_delete(request, action_type, objects, action):
    """``before_bulk_action``: Wagtail's bulk delete of images and documents."""
    if action_type != "delete":
        return None
    policies = {get_image_model(): image_policy, get_document_model(): document_policy}
    policy = policies.get(action.model)
    if policy is None:
        return None
    # Upstream quietly skips what it deems forbidden; any forbidden item refuses all.
    _, forbidden = action.get_actionable_objects()
    if forbidden["items_with_no_access"] or not all(
        policy.user_has_permission_for_instance(request.user, "delete", obj)
        for obj in objects
    ):
        return permission_denied(request)
    return None
