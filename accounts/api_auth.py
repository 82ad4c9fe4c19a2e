"""Who may call an API view: the scope a partner key must hold, checked the same way on every endpoint.

Views name the scope their callers need in `required_scope` (for example "catalog:read"). A request signed with
a partner key passes only if the key holds that scope; a browser session or an app's session token acts as its
user, whose own rights the view's other permission classes decide.
"""

from django.utils.translation import gettext_lazy
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ScopedAccess(BasePermission):
    """A partner key reaches only the views whose `required_scope` it holds; other callers pass through."""

    message = gettext_lazy("This API key does not have the scope this endpoint needs.")

    def has_permission(self, request, view):
        scopes = getattr(request.auth, "scopes", None)
        if scopes is None:
            return True
        required = getattr(view, "required_scope", None)
        return bool(required) and required in scopes


class PublicRead(ScopedAccess):
    """Anyone may read (a partner key needs the view's scope); nothing is written through this view."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and super().has_permission(request, view)
