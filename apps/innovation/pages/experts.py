"""The cluster's experts and institutions, with their fields of expertise."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.forms import PageQuery
from apps.tenancy.pages import GET_POST

from .. import selectors
from ..filters import ExpertFilter
from ..models import ExpertProfile
from ..services.experts import expert_profile_save
from .challenges import PARTICIPANTS, _viewer, cluster_page
from .forms import ExpertForm, show_refusal

PAGE_SIZE = 50


@cluster_page(*PARTICIPANTS)
def expert_list(request, slug):
    access, _viewer_of = _viewer(request)
    experts = selectors.experts_of(access.cluster)
    filterset = ExpertFilter(request.GET, queryset=experts)
    rows = filterset.qs if filterset.is_valid() else experts
    page = PageQuery(request.GET).page_of(rows, PAGE_SIZE)
    return render(request, "innovation/experts.html", access.context(page=page, form=filterset.form))


@cluster_page(*PARTICIPANTS, methods=GET_POST)
def expert_profile(request, slug):
    """The caller's own expert profile in the cluster (a person or an institution): fields of
    expertise that challenges are proposed by. A participant of the cluster saves their own (as the API)."""
    access, _viewer_of = _viewer(request)
    profile = ExpertProfile.objects.filter(cluster=access.cluster, user=request.user).first()
    initial = {}
    if profile is not None:
        initial = {
            "kind": profile.kind,
            "name": profile.name,
            "organisation": profile.organisation,
            "bio": profile.bio,
            "capabilities": [c.code for c in profile.capabilities.all()],
            "tags": ", ".join(profile.tags or []),
        }
    form = ExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            expert_profile_save(actor=request.user, cluster=access.cluster, **form.service_fields())
        except DomainError as error:
            if not show_refusal(form, error):
                raise
        else:
            messages.success(request, _("Your expert profile is saved: matching challenges will be proposed to you."))
            return redirect("expert-list-page", slug)
    return render(request, "innovation/expert_form.html", access.context(form=form, profile=profile))
