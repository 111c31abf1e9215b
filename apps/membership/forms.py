"""Forms of the membership pages.

Forms check the shape of the input (types, lengths, choices, the credit code's check
character) and hand clean values to a service; the services own the rules. A refusal
from a service comes back onto the form with ``add_service_error``.
"""

from collections import defaultdict

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.dates import VALIDITY
from apps.core.forms import DateField, add_refusal
from apps.reference import coordinates
from apps.reference.models import Capability, CertificationScheme, IndustryCode, Region

from .lifecycle import ADMINISTRATOR_ACTIONS
from .models import (
    INVITABLE_ROLES,
    REPORT_REASON_MIN_LENGTH,
    Enterprise,
    EnterpriseCertification,
    Membership,
    Report,
)
from .validators import normalize_credit_code, validate_credit_code

#: Manufacturing (section C of GB/T 4754-2017): the divisions an enterprise profile offers.
MANUFACTURING_SECTION = "C"

CAPABILITY_CATEGORIES = {
    "assembly": _("Assembly"),
    "casting": _("Casting"),
    "chemicals": _("Chemicals"),
    "electronics": _("Electronics"),
    "finishing": _("Finishing"),
    "food": _("Food"),
    "forming": _("Forming"),
    "logistics": _("Logistics"),
    "machining": _("Machining"),
    "packaging": _("Packaging"),
    "plastics": _("Plastics"),
    "printing": _("Printing"),
    "services": _("Services"),
    "textiles": _("Textiles"),
}

#: Service fields that a form shows under another name.
FIELD_ALIASES = {"region_code": "region", "region_name": "region", "scheme_id": "scheme"}


def add_service_error(form: forms.Form, error: Exception) -> None:
    """Put a service's refusal on the form, a service field under the name the form shows it by."""
    add_refusal(form, error, FIELD_ALIASES)


def capability_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Capabilities grouped by category (one query), for checkboxes or a select with groups."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for capability in Capability.objects.order_by("category", "code"):
        groups[capability.category].append((capability.code, capability.name))
    return [(CAPABILITY_CATEGORIES.get(category, category.title()), options) for category, options in groups.items()]


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Prefecture-level cities grouped by province (one query)."""
    chinese = (get_language() or "").startswith("zh")
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for region in Region.objects.order_by("code"):
        province = region.province_zh if chinese else region.province_en
        groups[province].append((region.code, f"{region.name} ({region.code})"))
    return list(groups.items())


def region_label(region: Region) -> str:
    """What an enterprise stores as ``region_name``: both names, so a search in either language finds it."""
    return f"{region.name_zh} {region.name_en}"[:60]


def industry_division_choices() -> list[tuple[str, str]]:
    return [
        (code.code, f"{code.code} {code.name}")
        for code in IndustryCode.objects.filter(level=IndustryCode.Level.DIVISION, parent_id=MANUFACTURING_SECTION)
    ]


class EnterpriseForm(forms.Form):
    """The enterprise profile (create and edit).

    The region is a choice of GB/T 2260 cities; it fills ``region_code`` and ``region_name``
    (both names of the city, so the member directory finds it in either language).
    Latitude and longitude stay editable for an exact location: left blank (or left as they
    were while the region changes) they become the centre of the chosen city.
    """

    legal_name_zh = Enterprise._meta.get_field("legal_name_zh").formfield()
    legal_name_en = Enterprise._meta.get_field("legal_name_en").formfield()
    credit_code = forms.CharField(
        label=_("Unified Social Credit Code"),
        max_length=24,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the business licence (统一社会信用代码)."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Region"), help_text=_("The prefecture-level city of the registered address."))
    latitude = coordinates.form_field("latitude", _("Latitude"))
    longitude = coordinates.form_field("longitude", _("Longitude"))
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-groups"}),
    )
    industry_codes = forms.MultipleChoiceField(
        label=_("Industries (manufacturing divisions)"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    size_band = Enterprise._meta.get_field("size_band").formfield()
    description = Enterprise._meta.get_field("description").formfield(widget=forms.Textarea(attrs={"rows": 5}))
    website = Enterprise._meta.get_field("website").formfield(assume_scheme="https")

    def __init__(self, *args, enterprise: Enterprise | None = None, **kwargs):
        self.enterprise = enterprise
        if enterprise is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(enterprise, name) for name in self.profile_fields()},
                "region": enterprise.region_code,
                "capabilities": [c.code for c in enterprise.capabilities.all()],
                "industry_codes": [c.code for c in enterprise.industry_codes.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Choose a city")), *region_choices()]
        self.fields["capabilities"].choices = capability_choices()
        self.fields["industry_codes"].choices = industry_division_choices()
        codes = {code for _province, options in self.fields["region"].choices[1:] for code, _label in options}
        if enterprise is not None and enterprise.region_code not in codes:
            # A region registered through the API that the list does not hold: kept unless changed.
            self.fields["region"].required = False
            self.fields["region"].choices = [
                ("", _("Keep %(region)s") % {"region": enterprise.region_name}),
                *self.fields["region"].choices[1:],
            ]

    @staticmethod
    def profile_fields() -> tuple[str, ...]:
        return (
            "legal_name_zh",
            "legal_name_en",
            "credit_code",
            "latitude",
            "longitude",
            "size_band",
            "description",
            "website",
        )

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        data = super().clean()
        code = data.get("region")
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                self.add_error("region", _("Choose a city from the list."))
                return data
            data["region_code"], data["region_name"] = region.code, region_label(region)
            moved = "region" in self.changed_data
            for name in ("latitude", "longitude"):
                if data.get(name) is None or (moved and name not in self.changed_data):
                    data[name] = getattr(region, name)
        elif self.enterprise is not None:  # "keep" the region the list does not hold
            data["region_code"], data["region_name"] = self.enterprise.region_code, self.enterprise.region_name
            for name in ("latitude", "longitude"):
                if data.get(name) is None:
                    data[name] = getattr(self.enterprise, name)
        return data

    def service_kwargs(self) -> dict:
        """The keyword arguments of ``enterprise_create`` / ``enterprise_update``."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.profile_fields() if name in data}
        fields.update(region_code=data["region_code"], region_name=data["region_name"])
        return {**fields, "capabilities": data["capabilities"], "industry_codes": data["industry_codes"]}


class CertificationForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label=_("Scheme"), queryset=CertificationScheme.objects.order_by("code"), empty_label=_("Choose a scheme")
    )
    number = EnterpriseCertification._meta.get_field("number").formfield()
    issuer = EnterpriseCertification._meta.get_field("issuer").formfield()
    valid_until = DateField(
        span=VALIDITY, label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].label_from_instance = lambda scheme: f"{scheme.label} — {scheme.name}"


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES, initial="staff")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLES)


class OwnershipTransferForm(forms.Form):
    user = forms.TypedChoiceField(label=_("New owner"), coerce=int)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(p.user_id, f"{p.user} <{p.user.email}>") for p in people]


class ApplicationForm(forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    note = forms.CharField(
        label=_("Note to the administrators"),
        required=False,
        max_length=Membership._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your enterprise brings to the cluster and what it looks for."),
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = {e.pk: e for e in enterprises}
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]

    def clean_enterprise(self):
        return self.enterprises[self.cleaned_data["enterprise"]]


class DecisionForm(forms.Form):
    """An administrator's decision about one membership."""

    action = forms.ChoiceField(choices=[(action, action) for action in ADMINISTRATOR_ACTIONS])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class BulkApproveForm(forms.Form):
    memberships = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Select at least one application.")}
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the service refuses ids that are not pending applications of the cluster.
        self.fields["memberships"].valid_value = lambda value: str(value).isdigit()


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class ReportForm(forms.Form):
    reporter = forms.TypedChoiceField(label=_("Reporting enterprise"), coerce=int)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose a category")), *Report.Category.choices])
    reason = forms.CharField(
        label=_("What happened"),
        min_length=REPORT_REASON_MIN_LENGTH,
        max_length=Report._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Facts the administrators can check: dates, order numbers, what was agreed."),
    )

    def __init__(self, *args, reporters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reporters = {e.pk: e for e in reporters}
        self.fields["reporter"].choices = [(e.pk, e.name) for e in reporters]
        if len(self.reporters) == 1:
            self.fields["reporter"].initial = next(iter(self.reporters))
            self.fields["reporter"].widget = forms.HiddenInput()

    def clean_reporter(self):
        return self.reporters[self.cleaned_data["reporter"]]


class SuspensionDecisionForm(forms.Form):
    """An administrator's decision about a suspension that reports propose (a reason is needed to dismiss)."""

    decision = forms.ChoiceField(choices=[("confirm", _("Confirm the suspension")), ("dismiss", _("Dismiss"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, remove_listing: bool = True, **kwargs):
        """``remove_listing``: offer "Remove the listing" (the service refuses it for a report without one)."""
        super().__init__(*args, **kwargs)
        choices = [("dismiss", _("Dismiss")), ("warn", _("Warn the member")), ("suspend", _("Suspend the member"))]
        if remove_listing:
            choices.append(("listing_removed", _("Remove the listing")))
        self.fields["resolution"].choices = choices
