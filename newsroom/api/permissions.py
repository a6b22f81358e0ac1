"""Who may use the API: the roles that may read the archive's pages."""

from rest_framework.permissions import BasePermission

READ_PERMISSION = "articles.view_article"


class HasArchiveRole(BasePermission):
    """A signed-in user in a role that reads the archive (journalist, editor, archivist)."""

    message = (
        "Votre compte n'a aucun rôle qui ouvre l'archive (journaliste, éditeur ou "
        "archiviste) : demandez-en un à un administrateur."
    )

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(READ_PERMISSION))
