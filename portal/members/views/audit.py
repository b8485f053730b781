from django.views.decorators.http import require_safe

from portal.core.pagination import paginate

from ..access import workspace_view
from ..forms import AuditFilterForm
from ..models import AuditEvent
from ..models.workspaces import PERM_READ_AUDIT
from .common import render_workspace

EVENTS_PER_PAGE = 50


@workspace_view(PERM_READ_AUDIT)
@require_safe
def audit_log(request, workspace):
    """The workspace's own log, for its owners. The office reads the whole
    log in the Wagtail admin."""
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.for_workspace(workspace))
    return render_workspace(
        request,
        "members/audit_log.html",
        {
            "form": form,
            "page": paginate(request, events, EVENTS_PER_PAGE),
        },
        tab="audit",
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
