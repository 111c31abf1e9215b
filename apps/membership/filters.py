"""The declared query parameters of the membership API and pages: each answers 400 naming itself when wrong."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.core.api.filters import MAX_ID, IdFilter

from . import selectors
from .models import AuditEvent, Membership, Report


class MembershipFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Membership.Status.choices, help_text="Only this status.")
    search = filters.CharFilter(method="filter_search", help_text="Enterprise name contains.")

    class Meta:
        model = Membership
        fields = ["status"]

    def filter_search(self, queryset, name, value):
        search = value.strip()[:100]
        if not search:
            return queryset
        return queryset.filter(
            Q(enterprise__legal_name_zh__icontains=search) | Q(enterprise__legal_name_en__icontains=search)
        )


class DirectoryFilter(filters.FilterSet):
    search = filters.CharFilter(help_text="Name or description contains.")
    capability = filters.CharFilter(help_text="Capability code, e.g. cnc-machining.")
    region = filters.CharFilter(help_text="Region code prefix (e.g. 33 or 330600) or name.")
    certification = filters.CharFilter(help_text="Certification scheme code with a valid certificate.")

    LENGTHS = {"search": 100, "capability": 60, "region": 60, "certification": 40}

    class Meta:
        model = Membership
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.directory_filter(
            queryset, **{name: (data.get(name) or "").strip()[:length] for name, length in self.LENGTHS.items()}
        )


class ReportFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = ["status"]


class AuditEventFilter(filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", help_text="Only events about this enterprise.")
    membership = IdFilter(field_name="membership_id", help_text="Only events about this membership.")

    class Meta:
        model = AuditEvent
        fields = []


class ReportTargetForm(forms.Form):
    """The report page's ``?subject=<enterprise id>`` or ``?listing=<kind>:<id>``."""

    subject = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    listing = forms.RegexField(required=False, regex=r"^[a-z_]+:[0-9]{1,18}$")

    def clean_listing(self):
        value = self.cleaned_data["listing"]
        if not value:
            return None
        kind, _sep, listing_id = value.partition(":")
        if kind not in Report.ListingKind.values:
            raise forms.ValidationError(_("Unknown listing kind."))
        return kind, int(listing_id)
