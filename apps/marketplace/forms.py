"""Forms of the marketplace pages.

Forms check the shape of the input (types, choices, lengths, list syntax) and hand clean
values to one service, under the service's own field names (``service_fields()`` and
``m2m()``); the services own the rules (a need-by date in the past, a window that ends
before it starts, the open-listing limit…) and their refusals come back onto the form
with ``add_refusal``.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import model_formfield
from apps.membership.forms import add_service_error, capability_choices, region_choices
from apps.reference import coordinates
from apps.reference.models import Capability, CertificationScheme, Region

from .models import LISTING_TRANSITION_TARGETS, CapacityOffer, ChannelOffer, ChannelRequest, Deal, Order

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
SPLIT_CODES = re.compile(r"[\s,;，、；]+")
SPLIT_PHRASES = re.compile(r"[,;，、；\n]+")
#: Service (model) field names that a form shows under another name.
FIELD_ALIASES = {
    "delivery_region_code": "delivery_region",
    "region_code": "region",
    "latitude": "region",
    "longitude": "region",
    "total_quantity": "quantity_per_period",
}


def model_field(model, name: str, **overrides) -> forms.Field:
    """The model field's form field (label, help text, max length, choices), with overrides;
    dates are bounded by their span (``apps.core.dates``)."""
    return model_formfield(model, name, **overrides)


def money(model, name: str, **overrides) -> forms.Field:
    return model_field(
        model, name, min_value=0, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}), **overrides
    )


def count(model, name: str, **overrides) -> forms.Field:
    overrides.setdefault("min_value", 1)
    return model_field(model, name, widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **overrides)


class ListField(forms.CharField):
    """A list typed as text: items separated by commas (or spaces for codes)."""

    def __init__(self, *, separator=SPLIT_PHRASES, item_max_length: int = 80, max_items: int = 100, upper=False, **kw):
        self.separator, self.item_max_length, self.max_items, self.upper = separator, item_max_length, max_items, upper
        kw.setdefault("max_length", 4000)
        super().__init__(**kw)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        text = super().to_python(value)
        items = [item.strip() for item in self.separator.split(text or "") if item.strip()]
        if self.upper:
            items = [item.upper() for item in items]
        return list(dict.fromkeys(items))  # once each, in the order typed

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        too_long = [item for item in value if len(item) > self.item_max_length]
        if too_long:
            raise forms.ValidationError(
                _("“%(item)s” is too long (at most %(max)d characters)."),
                code="item_length",
                params={"item": too_long[0][:40], "max": self.item_max_length},
            )
        if len(value) > self.max_items:
            raise forms.ValidationError(_("At most %(max)d entries."), code="max_items", params={"max": self.max_items})


# --- Listings -----------------------------------------------------------------------------------


class ListingForm(forms.Form):
    """Common to the four kinds: the owner (chosen once, at creation), title and description.

    ``enterprises``: the active member enterprises the user may post for (creation);
    ``listing``: the listing being edited (its values become the initial data).
    """

    model = None
    #: model fields edited as they are (cleaned value -> service keyword of the same name)
    plain_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()
    wide_fields: tuple[str, ...] = ("title", "description")

    owner = forms.TypedChoiceField(label=_("Post for"), coerce=int)
    shared_with_partners = forms.BooleanField(
        label=_("Open to partner clusters"),
        required=False,
        help_text=_("Members of clusters in a partnership in force that shares this kind of listing see it."),
    )

    def __init__(self, *args, enterprises=(), listing=None, **kwargs):
        self.listing = listing
        if listing is not None:
            kwargs.setdefault("initial", self.initial_from(listing))
        super().__init__(*args, **kwargs)
        if listing is not None:
            del self.fields["owner"]
        else:
            self.enterprises = {e.pk: e for e in enterprises}
            self.fields["owner"].choices = [(e.pk, e.name) for e in enterprises]
            if len(self.enterprises) == 1:
                self.fields["owner"].initial = next(iter(self.enterprises))
                self.fields["owner"].widget = forms.HiddenInput()
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 4})
        # fields first in this order: owner, title, description, then the kind's own
        self.order_fields(["owner", "title", "description"])

    def initial_from(self, listing) -> dict:
        return {name: getattr(listing, name) for name in (*self.plain_fields, "shared_with_partners")}

    def clean_owner(self):
        return self.enterprises[self.cleaned_data["owner"]]

    def service_fields(self) -> dict:
        """Keyword arguments of ``listing_create`` / ``listing_update`` (model fields)."""
        fields = {name: self.cleaned_data[name] for name in self.plain_fields}
        return {**fields, "shared_with_partners": self.cleaned_data.get("shared_with_partners", False)}

    def m2m(self) -> dict:
        return {name: list(self.cleaned_data[name]) for name in self.m2m_fields}

    @property
    def single_owner(self):
        if "owner" in self.fields and len(self.enterprises) == 1:
            return next(iter(self.enterprises.values()))
        return None

    def add_refusal(self, error: Exception) -> None:
        """A service refused: on the field it names when the page shows that field, else on top.

        Refusals of access (``PermissionDeniedError``, ``NotFoundError``) propagate (403 / 404).
        """
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(self._shown(name), message)
            return
        if isinstance(error, DomainError) and not isinstance(error, PermissionDeniedError | NotFoundError):
            self.add_error(self._shown(error.field), str(error.message))
            return
        add_service_error(self, error)

    def _shown(self, name: str | None) -> str | None:
        name = FIELD_ALIASES.get(name, name)
        if name in self.fields and not self.fields[name].widget.is_hidden:
            return name
        return None


class CapabilityMixin:
    def _setup_capability(self):
        self.fields["capability"].choices = [("", _("Choose a capability")), *capability_choices()]

    def clean_capability(self):
        capability = Capability.objects.filter(pk=self.cleaned_data["capability"]).first()
        if capability is None:
            raise forms.ValidationError(_("Choose a capability from the list."), code="invalid_choice")
        return capability


def _region_choices_with(current: str | None):
    """Cities grouped by province; a stored code that is not in the list stays selectable."""
    groups = region_choices()
    if current and not any(current == code for _province, options in groups for code, _label in options):
        groups.append((_("Current"), [(current, current)]))
    return groups


class OrderForm(CapabilityMixin, ListingForm):
    model = Order
    plain_fields = (
        "title",
        "description",
        "capability",
        "product_category",
        "quantity",
        "unit",
        "target_unit_price",
        "currency",
        "need_by",
        "splittable",
        "min_lot",
    )
    m2m_fields = ("required_certifications",)
    wide_fields = ("title", "description", "required_certifications")

    title = model_field(Order, "title")
    description = model_field(Order, "description", required=False)
    capability = forms.ChoiceField(label=_("Capability"))
    product_category = model_field(Order, "product_category")
    quantity = count(Order, "quantity")
    unit = model_field(Order, "unit")
    target_unit_price = money(Order, "target_unit_price")
    currency = model_field(Order, "currency")
    need_by = model_field(Order, "need_by", **DATE)
    delivery_region = forms.ChoiceField(label=_("Delivery region"), help_text=_("The city to deliver to."))
    delivery_latitude = coordinates.form_field("latitude", _("Delivery latitude"))
    delivery_longitude = coordinates.form_field("longitude", _("Delivery longitude"))
    required_certifications = forms.ModelMultipleChoiceField(
        label=_("Required certifications"),
        required=False,
        queryset=CertificationScheme.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    splittable = model_field(Order, "splittable", required=False)
    min_lot = count(Order, "min_lot", help_text=_("The smallest quantity one supplier may take when split."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_capability()
        self.fields["required_certifications"].label_from_instance = lambda scheme: f"{scheme.label} — {scheme.name}"
        current = self.listing.delivery_region_code if self.listing else None
        self.fields["delivery_region"].choices = [("", _("Choose a city")), *_region_choices_with(current)]

    def initial_from(self, listing) -> dict:
        initial = super().initial_from(listing)
        initial.update(
            capability=listing.capability_id,
            delivery_region=listing.delivery_region_code,
            delivery_latitude=listing.delivery_latitude,
            delivery_longitude=listing.delivery_longitude,
            required_certifications=[c.pk for c in listing.required_certifications.all()],
        )
        return initial

    def clean(self):
        data = super().clean()
        code = data.get("delivery_region")
        if not code:
            return data
        region = Region.objects.filter(pk=code).first()
        moved = "delivery_region" in self.changed_data
        for name, attribute in (("delivery_latitude", "latitude"), ("delivery_longitude", "longitude")):
            if data.get(name) is None or (moved and name not in self.changed_data):
                if region is not None:
                    data[name] = getattr(region, attribute)
                elif self.listing is not None:
                    data[name] = getattr(self.listing, name)
                else:
                    self.add_error(name, _("Give the exact location."))
        return data

    def service_fields(self) -> dict:
        fields = super().service_fields()
        data = self.cleaned_data
        fields.update(
            delivery_region_code=data["delivery_region"],
            delivery_latitude=data["delivery_latitude"],
            delivery_longitude=data["delivery_longitude"],
        )
        return fields


class CapacityForm(CapabilityMixin, ListingForm):
    model = CapacityOffer
    plain_fields = (
        "title",
        "description",
        "capability",
        "quantity_per_period",
        "period",
        "unit",
        "available_from",
        "available_until",
        "unit_price",
        "currency",
        "min_order_quantity",
        "lead_time_days",
    )

    title = model_field(CapacityOffer, "title")
    description = model_field(CapacityOffer, "description", required=False)
    capability = forms.ChoiceField(label=_("Capability"))
    quantity_per_period = count(CapacityOffer, "quantity_per_period")
    period = model_field(CapacityOffer, "period")
    unit = model_field(CapacityOffer, "unit")
    available_from = model_field(CapacityOffer, "available_from", **DATE)
    available_until = model_field(CapacityOffer, "available_until", **DATE)
    unit_price = money(CapacityOffer, "unit_price")
    currency = model_field(CapacityOffer, "currency")
    min_order_quantity = count(CapacityOffer, "min_order_quantity")
    lead_time_days = model_field(
        CapacityOffer,
        "lead_time_days",
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    region = forms.ChoiceField(
        label=_("Where the capacity is"),
        required=False,
        help_text=_("Blank: the centre of the enterprise's city (its exact location stays private)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_capability()
        current = self.listing.region_code if self.listing else None
        self.fields["region"].choices = [("", _("The enterprise's city")), *_region_choices_with(current)]

    def initial_from(self, listing) -> dict:
        initial = super().initial_from(listing)
        initial.update(capability=listing.capability_id, region=listing.region_code)
        return initial

    def service_fields(self) -> dict:
        fields = super().service_fields()
        code = self.cleaned_data.get("region")
        # Unchanged (or blank): keep the stored location; the service places a new one at the centre
        # of the owner's city (never at the owner's own point, which is private).
        if code and (self.listing is None or code != self.listing.region_code):
            region = Region.objects.filter(pk=code).first()
            if region is not None:
                fields.update(region_code=code, latitude=region.latitude, longitude=region.longitude)
        return fields


class ChannelOfferForm(ListingForm):
    model = ChannelOffer
    plain_fields = (
        "title",
        "description",
        "kind",
        "markets",
        "product_categories",
        "monthly_volume",
        "commission_percent",
        "fixed_fee",
        "currency",
        "available_from",
    )
    wide_fields = ("title", "description", "markets", "product_categories")

    title = model_field(ChannelOffer, "title")
    description = model_field(ChannelOffer, "description", required=False)
    kind = model_field(ChannelOffer, "kind")
    markets = ListField(
        label=_("Markets covered"),
        separator=SPLIT_CODES,
        item_max_length=10,
        upper=True,
        help_text=_("Region codes or ISO country codes, separated by commas: 330100, 310000, US."),
    )
    product_categories = ListField(
        label=_("Product categories accepted"), help_text=_("Separated by commas: apparel, home textiles.")
    )
    monthly_volume = count(ChannelOffer, "monthly_volume")
    commission_percent = model_field(
        ChannelOffer,
        "commission_percent",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    fixed_fee = money(ChannelOffer, "fixed_fee")
    currency = model_field(ChannelOffer, "currency")
    available_from = model_field(ChannelOffer, "available_from", **DATE)


class ChannelRequestForm(ListingForm):
    model = ChannelRequest
    plain_fields = (
        "title",
        "description",
        "product_category",
        "markets",
        "monthly_volume",
        "max_commission_percent",
        "start_by",
    )
    wide_fields = ("title", "description", "markets")

    title = model_field(ChannelRequest, "title")
    description = model_field(ChannelRequest, "description", required=False)
    product_category = model_field(ChannelRequest, "product_category")
    markets = ListField(
        label=_("Markets sought"),
        separator=SPLIT_CODES,
        item_max_length=10,
        upper=True,
        help_text=_("Region codes or ISO country codes, separated by commas: 330100, 310000, US."),
    )
    monthly_volume = count(ChannelRequest, "monthly_volume")
    max_commission_percent = model_field(
        ChannelRequest,
        "max_commission_percent",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    start_by = model_field(ChannelRequest, "start_by", **DATE)


LISTING_FORMS = {
    "order": OrderForm,
    "capacity": CapacityForm,
    "channel_offer": ChannelOfferForm,
    "channel_request": ChannelRequestForm,
}


class ListingTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=LISTING_TRANSITION_TARGETS)


# --- Matches and deals --------------------------------------------------------------------------


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class DealStepForm(forms.Form):
    """The next milestone, with an optional note (a reason is required to dispute or cancel)."""

    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Deal.Status if s != Deal.Status.CONFIRMED])
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DealStopForm(DealStepForm):
    note = forms.CharField(
        label=_("Reason"),
        required=False,  # the service requires it and says so on this field
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other side reads it; administrators may too."),
    )


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    quality = forms.TypedChoiceField(
        label=_("Quality"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect(attrs={"class": "stars"})
    )
    on_time = forms.TypedChoiceField(
        label=_("On time"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect(attrs={"class": "stars"})
    )
    communication = forms.TypedChoiceField(
        label=_("Communication"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect(attrs={"class": "stars"})
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
