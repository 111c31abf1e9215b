"""The page forms of parks: they shape the input; the services decide (their refusals land on the field they name)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import PLAN
from apps.core.forms import DateTimeField
from apps.reference import coordinates
from apps.reference.currencies import CURRENCIES, DEFAULT_CURRENCY

from .lifecycle import CHECKLIST
from .models import WEEKDAYS, Level, Resource

DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
TIME = {"widget": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), "required": False}
WEEKDAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}


class BookingForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=None, label=_("Book for"), empty_label=None)
    starts_at = DateTimeField(label=_("From"), span=PLAN, **DATETIME)
    ends_at = DateTimeField(label=_("Until"), span=PLAN, **DATETIME)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, initial=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea)
    location = forms.CharField(label=_("Location"), max_length=200)
    latitude = coordinates.form_field("latitude", _("Latitude"))
    longitude = coordinates.form_field("longitude", _("Longitude"))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=1_000_000, initial=1)
    capacity_unit = forms.ChoiceField(
        label=_("Capacity unit"), choices=Resource.CapacityUnit.choices, initial=Resource.CapacityUnit.UNITS
    )
    bookable_by = forms.ChoiceField(label=_("Who may book"), choices=Resource.BookableBy.choices)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2, initial=0)
    price_unit = forms.ChoiceField(label=_("Price unit"), choices=Resource.PriceUnit.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial=DEFAULT_CURRENCY)
    requires_confirmation = forms.BooleanField(label=_("Bookings need an administrator's confirmation"), required=False)
    active = forms.BooleanField(label=_("Open for booking"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            self.fields[f"{day}_open"] = forms.TimeField(label=WEEKDAY_LABELS[day], **TIME)
            self.fields[f"{day}_close"] = forms.TimeField(label=_("closes"), **TIME)

    def hours_fields(self):
        return [(WEEKDAY_LABELS[day], self[f"{day}_open"], self[f"{day}_close"]) for day in WEEKDAYS]

    def main_fields(self):
        return [self[name] for name in self.fields if not name.endswith(("_open", "_close"))]

    @staticmethod
    def initial_of(resource: Resource) -> dict:
        initial = {name: getattr(resource, name) for name in ResourceForm.base_fields}
        for day, (opens, closes) in (resource.opening_hours or {}).items():
            initial[f"{day}_open"], initial[f"{day}_close"] = opens, "23:59" if closes == "24:00" else closes
        return initial

    def resource_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.base_fields}
        hours = {}
        for day in WEEKDAYS:
            opens, closes = self.cleaned_data.get(f"{day}_open"), self.cleaned_data.get(f"{day}_close")
            if opens and closes:
                hours[day] = [
                    opens.strftime("%H:%M"),
                    "24:00" if closes.strftime("%H:%M") == "23:59" else closes.strftime("%H:%M"),
                ]
        data["opening_hours"] = hours
        return data


class VisitScheduleForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=None, label=_("Member"), empty_label=None)
    scheduled_for = DateTimeField(label=_("Visit on"), span=PLAN, **DATETIME)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class VisitRecordForm(forms.Form):
    level = forms.ChoiceField(label=_("Level granted"), choices=Level.choices)
    expires_at = DateTimeField(
        label=_("Valid until (blank: the rulebook's default)"), span=PLAN, required=False, **DATETIME
    )
    photo_captions = forms.CharField(
        label=_("Photos taken (one caption a line)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in CHECKLIST.items():
            self.fields[f"{item}_ok"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{item}_note"] = forms.CharField(label=_("Note"), max_length=500, required=False)

    def checklist_fields(self):
        return [(self[f"{item}_ok"], self[f"{item}_note"]) for item in CHECKLIST]

    def findings(self) -> dict:
        return {
            item: {"ok": self.cleaned_data[f"{item}_ok"], "note": self.cleaned_data[f"{item}_note"]}
            for item in CHECKLIST
        }

    def photos(self) -> list:
        lines = (self.cleaned_data.get("photo_captions") or "").splitlines()
        return [{"caption": line.strip()} for line in lines if line.strip()]
