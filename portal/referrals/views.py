from django.http import Http404
from django.shortcuts import render

from portal.core.audience import audiences_for
from portal.core.pagination import paginate
from portal.members.access import members_area_view

from .forms import DirectoryFilterForm, filtered
from .policy import can_see_internal_notes, can_view_directory, providers_visible_to

PROVIDERS_PER_PAGE = 20


@members_area_view(network_only=True)
def directory(request):
    """/services/: every active provider, with internal notes, for network
    members; filters by country, service, language and referrals."""
    tokens = audiences_for(request.user)
    decision = can_view_directory(request.user, tokens)
    if not decision:
        raise Http404(decision.message)
    form = DirectoryFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    # An invalid filter is left out (and named on the page): the person still
    # sees the providers the other filters select.
    data = form.cleaned_data if form.is_bound else {}
    providers = filtered(
        providers_visible_to(request.user, tokens).select_related("organisation"), data
    )
    page = paginate(request, providers, PROVIDERS_PER_PAGE, fragment="providers")
    return render(
        request,
        "referrals/directory.html",
        {
            "form": form,
            "page_obj": page,
            "show_notes": bool(can_see_internal_notes(request.user, tokens)),
            "filtered": bool(data and any(data.values())),
        },
        status=200 if valid else 400,
    )
