"""What search knows about workspaces, their discussions and files.

Every document is for the members of its workspace only (audience
``workspace:<id>``). Hidden discussions and comments are left out entirely:
search must not show what a moderator took down. The search engine
(portal/search) indexes these; this module only describes them.
"""

from django.utils.translation import gettext_lazy as _

from portal.core.audience import workspace_token
from portal.search.registry import SearchEntry, SearchSource, registry

from .models import Comment, Discussion, Workspace, WorkspaceFile

# Enough comment text for a useful match without indexing whole threads.
MAX_COMMENT_TEXT = 20000


class WorkspaceSource(SearchSource):
    kind = "workspace"
    label = _("Workspace")
    model = Workspace

    def get_queryset(self):
        return Workspace.objects.all()

    def entry_for(self, workspace):
        return SearchEntry(
            kind=self.kind,
            object_id=str(workspace.pk),
            title=workspace.name,
            url=workspace.get_absolute_url(),
            audiences=(workspace_token(workspace),),
            body=workspace.description,
            date=workspace.created_at,
            workspace_id=workspace.pk,
            extra={"archived": workspace.is_archived},
        )


class DiscussionSource(SearchSource):
    kind = "discussion"
    label = _("Discussion")
    model = Discussion
    watch = {Comment: lambda comment: [comment.discussion_id]}

    def get_queryset(self):
        return Discussion.objects.select_related("workspace")

    def entry_for(self, discussion):
        if discussion.is_hidden:
            return None
        comments = discussion.comments.filter(hidden_at__isnull=True).values_list("body", flat=True)
        text = "\n\n".join([discussion.body, *comments])[:MAX_COMMENT_TEXT]
        return SearchEntry(
            kind=self.kind,
            object_id=str(discussion.pk),
            title=discussion.title,
            url=discussion.get_absolute_url(),
            audiences=(workspace_token(discussion.workspace_id),),
            body=text,
            date=discussion.last_activity_at,
            workspace_id=discussion.workspace_id,
        )


class WorkspaceFileSource(SearchSource):
    kind = "workspace_file"
    label = _("Workspace file")
    model = WorkspaceFile

    def get_queryset(self):
        return WorkspaceFile.objects.select_related("workspace")

    def entry_for(self, stored):
        # Name and description only: the file's content is never indexed.
        return SearchEntry(
            kind=self.kind,
            object_id=str(stored.pk),
            title=stored.original_name,
            url=stored.get_absolute_url(),
            audiences=(workspace_token(stored.workspace_id),),
            body=stored.description,
            date=stored.uploaded_at,
            workspace_id=stored.workspace_id,
            extra={"size": stored.size, "type": stored.extension},
        )


def register():
    for source in (WorkspaceSource(), DiscussionSource(), WorkspaceFileSource()):
        registry.register(source)
