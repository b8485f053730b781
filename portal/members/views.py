from django.shortcuts import render

from .access import members_area_view, workspace_view
from .models import Workspace


@members_area_view
def workspace_list(request):
    workspaces = Workspace.objects.for_user(request.user).select_related("organisation")
    return render(request, "members/workspace_list.html", {"workspaces": workspaces})


@workspace_view()
def workspace_detail(request, workspace):
    return render(request, "members/workspace_detail.html", {"workspace": workspace})
