"""The page forms of partnerships (the API's serializers say the same in ``api/serializers.py``)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.dates import PLAN
from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import DateField

from .models import LISTING_KINDS, Motion, Partnership


def add_refusal(form: forms.Form, error: Exception) -> None:
    """A service refused: its message on the field it names, else above the form."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
    elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        raise error


class PartnershipForm(forms.Form):
    partner = forms.SlugField(label=_("Partner cluster (its slug)"), max_length=60)
    title = forms.CharField(label=_("Title of your council's motion"), max_length=200)
    body = forms.CharField(label=_("Why"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    shared_kinds = forms.MultipleChoiceField(
        label=_("Listings shared"), choices=LISTING_KINDS, widget=forms.CheckboxSelectMultiple
    )
    resources_bookable = forms.BooleanField(label=_("Park resources bookable by the partner's members"), required=False)
    starts_on = DateField(label=_("Starts on"), span=PLAN, initial=timezone.localdate)
    ends_on = DateField(label=_("Ends on"), span=PLAN)
    governing_rulebook = forms.ChoiceField(
        label=_("Rulebook of a cross-cluster deal"),
        choices=Partnership.Rulebook.choices,
        initial=Partnership.Rulebook.DEMAND_SIDE,
    )


class MotionForm(forms.Form):
    action = forms.ChoiceField(label=_("Motion"), choices=Motion.Action.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Why"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
