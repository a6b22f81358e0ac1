"""The newsroom's roles as Django groups, and the permissions each one holds."""

JOURNALIST = "journalist"
EDITOR = "editor"
ARCHIVIST = "archivist"

_READ = [
    "articles.view_article",
    "articles.view_source",
    "articles.view_entity",
    "articles.view_entityalias",
    "articles.view_mention",
    "articles.export_results",
]
_CURATE = [
    f"articles.{action}_{model}"
    for model in ("entity", "entityalias", "mention", "rejectedform")
    for action in ("add", "change", "delete", "view")
] + [
    "articles.change_article",
    "articles.view_correction",
    # Quotes come from tagging and are rejected rather than deleted: view and change only.
    "articles.view_quote",
    "articles.change_quote",
]
_IMPORT = ["articles.import_dispatches", "articles.view_importbatch", "articles.add_importbatch"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    JOURNALIST: _READ,
    EDITOR: _READ + _CURATE,
    ARCHIVIST: _READ + _IMPORT,
}


def sync_groups(group_model, permission_model) -> None:
    """Create the role groups and give each its permissions that exist at this migration."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = {tuple(name.split(".")) for name in names}
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
