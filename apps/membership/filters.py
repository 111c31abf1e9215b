"""The declared query parameters of the membership API and pages.

In the API each answers 400 naming itself when wrong; the pages (``PageFilterSet``) show the
default tab for an unknown one and a filter's error beside its field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.core.api.filters import MAX_ID, IdFilter, PageFilterSet, TabFilter
from apps.reference.models import CertificationScheme

from . import selectors
from .forms import capability_choices
from .models import AuditEvent, Membership, Report


class MembershipFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Membership.Status.choices, help_text="Only this status.")
    search = filters.CharFilter(method="filter_search", help_text="Enterprise name contains.")

    class Meta:
        model = Membership
        fields = ["status"]

    def filter_search(self, queryset, name, value):
        return selectors.membership_search(queryset, value.strip()[:100])


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


# --- The pages' lists ----------------------------------------------------------------------------

QUEUE_TABS = {
    "pending": _("Pending"),
    "active": _("Active"),
    "suspended": _("Suspended"),
    "all": _("All"),
}


class ModerationQueueFilter(PageFilterSet):
    """The moderation queue: a status tab (pending by default) and a search by enterprise name."""

    status = TabFilter(tabs=QUEUE_TABS, default="pending")
    q = filters.CharFilter(max_length=100, method="filter_q")

    class Meta:
        model = Membership
        fields = []

    def filter_q(self, queryset, name, value):
        return selectors.membership_search(queryset, value)


class ReportListFilter(PageFilterSet):
    """The reports page: administrators see the open ones by default, or all; members all they filed."""

    status = TabFilter(tabs=("open", "all"), default="open")

    class Meta:
        model = Report
        fields = []

    def __init__(self, *args, is_admin: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_admin:
            self.filters["status"].set_tabs(("all",), "all")


class SelectFilter(filters.Filter):
    """A select whose choices may be a callable (read when the form is built)."""

    field_class = forms.ChoiceField


def _any_capability():
    return [("", _("Any capability")), *capability_choices()]


class DirectoryPageFilter(PageFilterSet):
    """The member directory page's filters (the API's are ``DirectoryFilter``; both filter with
    ``selectors.directory_filter``)."""

    q = filters.CharFilter(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("Name or description")})
    )
    capability = SelectFilter(label=_("Capability"), choices=_any_capability)
    region = filters.CharFilter(
        label=_("Region"), max_length=60, widget=forms.TextInput(attrs={"placeholder": _("City or code, e.g. 3306")})
    )
    certification = filters.ModelChoiceFilter(
        label=_("Certification"),
        queryset=CertificationScheme.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Any certification"),
    )

    class Meta:
        model = Membership
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data  # a filter that refused its value is not in it: left out
        certification = data.get("certification")
        return selectors.directory_filter(
            queryset,
            search=data.get("q") or "",
            capability=data.get("capability") or "",
            region=data.get("region") or "",
            certification=certification.code if certification else "",
        )


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
