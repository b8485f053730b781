"""The two site-wide roles as groups (portal.core.roles), with their permissions.

Separation of duties: "Editors" publish the public site (pages, images,
documents, hotlines, translations, tags) and nothing else; "Network
coordinators" run the network in the Wagtail admin (organisations, workspaces,
memberships, the whole audit log, partner API tokens). Being staff grants
neither. The old demo group "Office editors" is folded into Editors.

Idempotent: it only adds what is missing, so running it on a database where
someone already made the groups changes nothing else. Self-contained (no
import of the app's code) so later code changes cannot break it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
NETWORK_COORDINATORS = "Network coordinators"
OLD_OFFICE_EDITORS = "Office editors"

ACCESS_ADMIN = ("wagtailadmin", "access_admin")

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", ("add_image", "change_image", "choose_image")),
    ("wagtaildocs", ("add_document", "change_document", "choose_document")),
)
EDITOR_PERMISSIONS = (
    ACCESS_ADMIN,
    ("home", "add_hotline"),
    ("home", "change_hotline"),
    ("home", "delete_hotline"),
    ("simple_translation", "submit_translation"),
    ("taggit", "add_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
    ("taggit", "view_tag"),
    ("taggit", "add_taggeditem"),
    ("taggit", "change_taggeditem"),
    ("taggit", "delete_taggeditem"),
    ("taggit", "view_taggeditem"),
)
# What the Network admin (portal.members.admin_policies) and the API token
# admin ask for. Workspaces are archived, never deleted; audit events only read.
COORDINATOR_PERMISSIONS = (
    ACCESS_ADMIN,
    *(
        ("members", f"{action}_organisation")
        for action in ("add", "change", "delete", "view")
    ),
    *(("members", f"{action}_workspace") for action in ("add", "change", "view")),
    *(("members", f"{action}_membership") for action in ("add", "change", "delete", "view")),
    ("members", "view_auditevent"),
    *(("api", f"{action}_apitoken") for action in ("add", "change", "view")),
)


def _permissions(Permission, pairs):
    found = []
    for app_label, codename in pairs:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            found.append(permission)
    return found


def create_site_roles(apps, schema_editor):
    # On a fresh database permissions appear only after all migrations
    # (post_migrate); create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    coordinators, _ = Group.objects.get_or_create(name=NETWORK_COORDINATORS)

    editors.permissions.add(*_permissions(Permission, EDITOR_PERMISSIONS))
    # Page editors publish pages and nothing else: whatever granted them
    # network rights before is taken back.
    network_only = [p for p in _permissions(Permission, COORDINATOR_PERMISSIONS)]
    editors.permissions.remove(*[p for p in network_only if p.codename != "access_admin"])
    coordinators.permissions.add(*network_only)

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for permission in _permissions(
            Permission, [("wagtailcore", codename) for codename in EDITOR_PAGE_PERMISSIONS]
        ):
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root_page, permission=permission
            )
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS:
            for permission in _permissions(Permission, [(app_label, c) for c in codenames]):
                GroupCollectionPermission.objects.get_or_create(
                    group=editors, collection=root_collection, permission=permission
                )

    old = Group.objects.filter(name=OLD_OFFICE_EDITORS).first()
    if old is not None:
        for user in old.user_set.all():
            user.groups.add(editors)
        old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_workspace_collaboration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("simple_translation", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("home", "0002_public_site"),
        ("api", "0001_initial"),
    ]

    operations = [
        # Reversing leaves the groups: people may have been put in them since.
        migrations.RunPython(create_site_roles, migrations.RunPython.noop),
    ]
