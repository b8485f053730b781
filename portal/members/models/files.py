import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage
from .workspaces import Workspace


def stored_name(instance, filename):
    """A random name: the person's file name (which may say who a document is
    about) never reaches the file system, and names cannot be guessed."""
    return f"workspaces/{instance.workspace_id}/{secrets.token_hex(16)}"


class WorkspaceFile(models.Model):
    """A file shared in a workspace, kept in PRIVATE_MEDIA_ROOT.

    Create with portal.members.files.store_upload (it checks type and size and
    records the upload); serve with files.file_response or the download view
    ``members:file_download``. Other apps (monitoring reports) may point a
    foreign key here to attach files.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=stored_name, max_length=200)
    original_name = models.CharField(
        _("file name"), max_length=255, help_text=_("Visible to workspace members only.")
    )
    description = models.CharField(
        _("description"),
        max_length=500,
        blank=True,
        help_text=_("Visible to workspace members only. Never name or describe a victim here."),
    )
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("workspace file")
        verbose_name_plural = _("workspace files")
        indexes = [models.Index(fields=["workspace", "-uploaded_at"], name="file_ws_uploaded")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("members:file_list", kwargs={"slug": self.workspace.slug}) + (
            f"#file-{self.pk}"
        )

    @property
    def audit_repr(self):
        # File names can name a person; the office reads the audit log: ids only.
        return f"File #{self.pk}"

    @property
    def extension(self):
        return self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""

    def get_download_url(self):
        return reverse(
            "members:file_download", kwargs={"slug": self.workspace.slug, "file_id": self.pk}
        )
