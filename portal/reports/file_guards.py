"""What reports says before a workspace file is deleted (portal.core.deletion):
a submitted or reviewed report must stay as it was submitted, attachments
included."""

from django.utils.translation import gettext as _

from portal.members.models import WorkspaceFile

from .services import reports_keeping_file


def keep_files_of_submitted_reports(obj):
    if not isinstance(obj, WorkspaceFile) or not reports_keeping_file(obj):
        return None
    return _(
        "“%(name)s” is attached to a monitoring report that has been submitted, "
        "so it cannot be deleted: the report must stay as it was submitted. "
        "To delete the file, return the report to draft and detach it first."
    ) % {"name": obj.original_name}
