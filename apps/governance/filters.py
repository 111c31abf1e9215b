"""The declared query parameters of the governance API and pages.

In the API (``DjangoFilterBackend``) a wrong value is a 400 naming its parameter; the proposal
list page reads the same declarations through ``ProposalListFilter(...).form``, where a value
outside a tab's choices shows the default tab, as the page always did.
"""

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters

from . import lifecycle
from .models import Proposal

P = Proposal.Status

#: the proposal list's tabs (``?status=``) and the states each one shows (None: every state)
STATUS_TABS = {
    "all": (gettext_lazy("All"), None),
    "voting": (gettext_lazy("Voting"), [P.VOTING]),
    "deliberation": (gettext_lazy("In deliberation"), [P.DELIBERATION]),
    "petitions": (gettext_lazy("Petitions"), [P.PETITION]),
    "decided": (gettext_lazy("Decided"), list(lifecycle.DECIDED)),
    "withdrawn": (gettext_lazy("Withdrawn"), [P.WITHDRAWN]),
    "drafts": (gettext_lazy("Drafts"), [P.DRAFT]),
}


class ProposalFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Proposal.Status.choices)
    kind = filters.ChoiceFilter(choices=Proposal.Kind.choices)

    class Meta:
        model = Proposal
        fields = ["status", "kind"]


class ProposalListFilter(ProposalFilter):
    """The proposal list page: ``?status=`` is a tab (a group of states), ``?kind=`` a type."""

    status = filters.ChoiceFilter(
        choices=[(tab, label) for tab, (label, _statuses) in STATUS_TABS.items()], method="filter_tab"
    )

    def filter_tab(self, queryset, name, value):
        statuses = STATUS_TABS[value][1]
        return queryset.filter(status__in=statuses) if statuses else queryset

    @property
    def tabs(self) -> list[tuple[str, str]]:
        return [(tab, label) for tab, (label, _statuses) in STATUS_TABS.items()]

    def chosen(self, name: str) -> str:
        """The valid value of ``status`` or ``kind``, else its default: ``all``, or no type (a value
        outside the choices is no error on the page: it shows the default tab)."""
        self.is_valid()
        return self.form.cleaned_data.get(name) or ("all" if name == "status" else "")
