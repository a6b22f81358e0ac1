"""Who may use the API: the roles that may read the archive's pages."""

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

READ_PERMISSION = "articles.view_article"


class HasArchiveRole(BasePermission):
    """A signed-in user in a role that reads the archive (journalist, editor, archivist)."""

    message = gettext_lazy(
        "Your account has no role that opens the archive (journalist, editor or "
        "archivist): ask an administrator for one."
    )

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(READ_PERMISSION))
