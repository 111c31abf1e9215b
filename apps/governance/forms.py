"""Forms of the governance pages.

Forms check the shape of the input (types, choices, lengths) and hand clean values to one
service under the service's own keyword names; the services own the rules (the rulebook's
ranges and types, who may act, which transition is legal) and their refusals come back
onto the form with ``add_refusal`` — on the field the service names when the page shows
it (``changes.<key>`` is the row of that parameter), else on top of the form.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.dates import PLAN, TERM
from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.core.forms import DateField, DateTimeField, add_refusal
from apps.tenancy.rules import REGISTRY

from .models import SEAT_FIELDS, Proposal, Seat, Vote
from .proposal_types import provided

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
DATETIME = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
#: kinds of proposal that carry rulebook parameter changes
CHANGE_KINDS = (Proposal.Kind.RULE_CHANGE, Proposal.Kind.CHARTER_CHANGE)
TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


def format_value(value, *, for_input: bool = False) -> str:
    """A rulebook value as people read it: 0.25, 72, Yes / No (``true`` / ``false`` in an input)."""
    if isinstance(value, bool):
        if for_input:
            return "true" if value else "false"
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float):
        return repr(value) if for_input else format(value, ".6g")
    return "" if value is None else str(value)


def start_of_day(day: datetime.date | None):
    """The first moment of ``day`` in the current time zone (``None`` stays ``None``)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def drafted_kinds() -> list[tuple[str, str]]:
    """The types drafted from this form: not those an app provides with terms of its own (a
    partnership is drafted from the partnerships' page)."""
    return [(value, label) for value, label in Proposal.Kind.choices if provided(value) is None]


# --- Seats ----------------------------------------------------------------------------------


class SeatAppointForm(forms.Form):
    """An administrator appoints a seat holder: who (by e-mail), in which chamber, for which term."""

    holder = forms.EmailField(label=_("Holder's e-mail"), help_text=_("The person must have an account."))
    chamber = forms.ChoiceField(label=_("Chamber"), choices=Seat.Chamber.choices)
    enterprise = forms.TypedChoiceField(
        label=_("On behalf of (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A member enterprise the holder belongs to."),
    )
    term_start = DateTimeField(label=_("Term starts"), span=TERM, **DATETIME)
    term_end = DateTimeField(label=_("Term ends"), span=TERM, **DATETIME)

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = {e.pk: e for e in enterprises}
        self.fields["enterprise"].choices = [("", _("— none —")), *((e.pk, e.name) for e in enterprises)]
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.fields["term_start"].initial = now
            self.fields["term_end"].initial = now + datetime.timedelta(days=730)

    def clean_holder(self):
        return _user_by_email(self.cleaned_data["holder"])

    def clean_enterprise(self):
        pk = self.cleaned_data["enterprise"]
        return self.enterprises.get(pk) if pk else None


def _user_by_email(email: str):
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError(_("Nobody has an account with this e-mail."), code="unknown_holder")
    return user


class FoundingSeatForm(SeatAppointForm):
    """One row of the founding council: left without a holder, the row is skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("holder", "chamber", "term_start", "term_end"):
            self.fields[name].required = False

    def clean_holder(self):
        email = self.cleaned_data["holder"]
        return _user_by_email(email) if email else None

    def clean(self):
        data = super().clean()
        if data.get("holder") is None:
            return data
        for name in ("chamber", "term_start", "term_end"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This field is required."))
        return data

    def seat(self) -> dict | None:
        """The service's terms of this row (``None`` for a blank row)."""
        data = self.cleaned_data
        if data.get("holder") is None:
            return None
        return {name: data[name] for name in ("holder", "chamber", "enterprise", "term_start", "term_end")}


class BaseFoundingSeatFormSet(forms.BaseFormSet):
    def clean(self):
        if not any(self.errors) and not self.seats():
            raise ValidationError(_("Appoint at least one seat holder."))

    def filled(self) -> list:
        return [form for form in self.forms if form.seat() is not None]

    def seats(self) -> list[dict]:
        return [form.seat() for form in self.filled()]

    def add_refusal(self, error: Exception) -> None:
        """``seats.<n>.<field>`` goes on that field of the n-th filled row; the rest above the rows."""
        field = getattr(error, "field", None) or ""
        parts = field.split(".")
        if isinstance(error, DomainError) and len(parts) == 3 and parts[0] == "seats" and parts[1].isdecimal():
            if isinstance(error, PermissionDeniedError | NotFoundError):
                raise error
            rows = self.filled()
            index = int(parts[1])
            if index < len(rows):
                add_refusal(rows[index], DomainError(error.message, field=parts[2]))
                return
        self.refusals.append(str(getattr(error, "message", error)))


def founding_seat_formset(data=None, *, enterprises=(), rows: int = 5):
    formset = forms.formset_factory(
        FoundingSeatForm, formset=BaseFoundingSeatFormSet, extra=rows, max_num=100, validate_max=True, absolute_max=100
    )(data, prefix="seats", form_kwargs={"enterprises": enterprises})
    formset.refusals = ErrorList()
    return formset


# --- Proposals ------------------------------------------------------------------------------


#: the rulebook's sections (the first part of a parameter's key), in the order the pages list them
RULE_SECTIONS = {
    "moderation": _("Moderation"),
    "matching": _("Matching"),
    "marketplace": _("Marketplace"),
    "governance": _("Governance (the charter)"),
    "monitoring": _("Monitoring"),
    "membership": _("Membership"),
}


def section_of(key: str) -> str:
    return key.partition(".")[0]


def section_label(section: str) -> str:
    return str(RULE_SECTIONS.get(section, section.capitalize()))


def in_section_order(keys) -> list[str]:
    """Parameters by section (in the order of ``RULE_SECTIONS``), in the registry's order within each."""
    order = list(RULE_SECTIONS)
    return sorted(keys, key=lambda key: order.index(section_of(key)) if section_of(key) in order else len(order))


def value_text(key: str, value) -> str:
    """A parameter's value as people read it: a choice by its label, the others by ``format_value``."""
    rule = REGISTRY.get(key)
    if rule is not None and rule.type == "choice":
        return rule.choice_label(value)
    return format_value(value)


def parameter_choices(values: dict) -> list:
    """The rulebook's parameters for a select: by name, grouped by section, each with its value in force
    (the key is the option's value, what the service receives; the page describes the chosen one)."""

    def option(key):
        rule = REGISTRY[key]
        return key, gettext("%(name)s (now %(value)s)") % {
            "name": rule.name or key,
            "value": value_text(key, values.get(key, rule.default)),
        }

    groups: dict[str, list] = {}
    for key in in_section_order(REGISTRY):
        groups.setdefault(section_of(key), []).append(option(key))
    return [("", _("— choose a parameter —")), *((section_label(name), rows) for name, rows in groups.items())]


class ChangeForm(forms.Form):
    """One row: a rulebook parameter and its proposed value (the service checks type and range)."""

    key = forms.ChoiceField(label=_("Parameter"), required=False)
    value = forms.CharField(label=_("New value"), required=False, max_length=40)

    def __init__(self, *args, parameters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = parameters
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        key, value = data.get("key"), (data.get("value") or "").strip()
        if key and not value:
            self.add_error("value", _("Give the new value."))
        elif value and not key:
            self.add_error("key", _("Choose the parameter."))
        elif key:
            data["parsed"] = self._parse(key, value)
        return data

    @staticmethod
    def _parse(key: str, text: str):
        """Yes/no parameters take true or false; numbers go to the service as typed (it checks them)."""
        if REGISTRY[key].type != "bool":
            return text
        word = text.lower()
        if word in TRUE_WORDS or word == gettext("yes").lower():
            return True
        if word in FALSE_WORDS or word == gettext("no").lower():
            return False
        return text  # the service answers "Expected true or false." on this row


class BaseChangeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            key = form.cleaned_data.get("key")
            if key and key in seen:
                form.add_error("key", _("This parameter is already listed above."))
            seen.add(key)

    def changes(self) -> dict:
        return {f.cleaned_data["key"]: f.cleaned_data["parsed"] for f in self.forms if f.cleaned_data.get("key")}

    def row_of(self, key: str):
        return next((f for f in self.forms if f.is_bound and f.cleaned_data.get("key") == key), None)


def change_formset(*, extra: int):
    return forms.formset_factory(
        ChangeForm,
        formset=BaseChangeFormSet,
        extra=extra,
        max_num=len(REGISTRY),
        validate_max=True,
        absolute_max=len(REGISTRY),
    )


class ProposalForm(forms.Form):
    """Drafting (``proposal=None``) or amending a proposal, with its parameter rows as ``changes``.

    Amending keeps the type and the sanction (the service changes only title, text, rule
    changes and the effective date).
    """

    kind = forms.ChoiceField(label=_("Type"), choices=drafted_kinds, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    sanction_membership = forms.TypedChoiceField(
        label=_("Member enterprise"), coerce=int, empty_value=None, required=False
    )
    sanction_action = forms.ChoiceField(
        label=_("Sanction"),
        choices=Proposal.SanctionAction.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    seat_action = forms.ChoiceField(
        label=_("Council seat"), choices=Proposal.SeatAction.choices, required=False, widget=forms.RadioSelect
    )
    seat = forms.TypedChoiceField(label=_("Seat to remove"), coerce=int, empty_value=None, required=False)
    seat_holder = forms.EmailField(label=_("Candidate's e-mail"), required=False)
    seat_chamber = forms.ChoiceField(
        label=_("Chamber"), choices=[("", _("— choose a chamber —")), *Seat.Chamber.choices], required=False
    )
    seat_enterprise = forms.TypedChoiceField(
        label=_("On behalf of (optional)"), coerce=int, empty_value=None, required=False
    )
    seat_term_start = DateTimeField(label=_("Term starts"), span=TERM, required=False, **DATETIME)
    seat_term_end = DateTimeField(label=_("Term ends"), span=TERM, required=False, **DATETIME)
    effective_at = DateField(
        span=PLAN,
        label=_("Takes effect on (optional)"),
        required=False,
        help_text=_("Left empty, an enacted change applies as soon as the vote is tallied."),
        **DATE,
    )

    wide_fields = ("kind", "title", "body")

    seat_fields = SEAT_FIELDS

    def __init__(
        self,
        data=None,
        *,
        values: dict,
        memberships=(),
        proposal: Proposal | None = None,
        kind=None,
        seats=(),
        seat_enterprises=(),
    ):
        self.proposal = proposal
        self.values = values  # the rulebook in force, which the parameter rows show beside each parameter
        initial = {"kind": kind if kind in Proposal.Kind.values else None}
        if proposal is not None:
            effective = timezone.localdate(proposal.effective_at) if proposal.effective_at else None
            initial = {"title": proposal.title, "body": proposal.body, "effective_at": effective}
        super().__init__(data, initial=initial)
        if proposal is not None:
            for name in ("kind", "sanction_membership", "sanction_action", *self.seat_fields):
                del self.fields[name]
        else:
            self.seat_enterprises = {e.pk: e for e in seat_enterprises}
            self.fields["seat"].choices = [
                ("", _("— choose a seat —")),
                *((seat.pk, f"{seat.get_chamber_display()} · {seat.holder.get_full_name()}") for seat in seats),
            ]
            self.fields["seat_enterprise"].choices = [
                ("", _("— none —")),
                *((e.pk, e.name) for e in seat_enterprises),
            ]
            self.fields["sanction_membership"].choices = [
                ("", _("— choose a member —")),
                *((m.pk, f"{m.enterprise.name} · {m.get_status_display()}") for m in memberships),
            ]
        rows = []
        if proposal is not None:
            rows = [{"key": k, "value": format_value(v, for_input=True)} for k, v in (proposal.changes or {}).items()]
        formset = change_formset(extra=1 if rows else 3)
        self.changes = formset(
            data,
            prefix="changes",
            initial=rows or None,
            form_kwargs={"parameters": parameter_choices(values)},
        )
        self.change_errors = ErrorList()

    @property
    def chosen_kind(self) -> str:
        if self.proposal is not None:
            return self.proposal.kind
        if self.is_bound:
            return self.data.get("kind", "")
        return self.initial.get("kind") or ""

    @property
    def carries_changes(self) -> bool:
        return self.chosen_kind in CHANGE_KINDS

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.carries_changes:
            valid = self.changes.is_valid() and valid
        return valid

    def clean(self):
        data = super().clean()
        if self.proposal is None and data.get("kind") == Proposal.Kind.SANCTION:
            if not data.get("sanction_membership"):
                self.add_error("sanction_membership", _("Choose the member the sanction is about."))
            if not data.get("sanction_action"):
                self.add_error("sanction_action", _("Choose suspend or reinstate."))
        if self.proposal is None and data.get("kind") == Proposal.Kind.COUNCIL_SEAT:
            self._clean_seat(data)
        return data

    def _clean_seat(self, data: dict) -> None:
        """The shape of a council-seat proposal (the service checks the charter's rules)."""
        action = data.get("seat_action")
        if not action:
            self.add_error("seat_action", _("Choose whether to fill a seat or remove one."))
        elif action == Proposal.SeatAction.REMOVE and not data.get("seat"):
            self.add_error("seat", _("Choose the seat to remove."))
        elif action == Proposal.SeatAction.FILL:
            if not data.get("seat_holder"):
                self.add_error("seat_holder", _("Give the candidate's e-mail."))
            else:
                try:
                    data["seat_holder"] = _user_by_email(data["seat_holder"])
                except ValidationError as error:
                    self.add_error("seat_holder", error)
            for name in ("seat_chamber", "seat_term_start", "seat_term_end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))

    def service_kwargs(self) -> dict:
        """Keyword arguments of ``proposal_draft`` (or ``proposal_amend`` when amending)."""
        data = self.cleaned_data
        kwargs = {"title": data["title"], "body": data["body"], "effective_at": start_of_day(data["effective_at"])}
        if self.carries_changes:
            kwargs["changes"] = self.changes.changes()
        if self.proposal is None:
            kwargs["kind"] = data["kind"]
            kwargs.setdefault("changes", {})
            if data["kind"] == Proposal.Kind.SANCTION:
                kwargs["sanction_membership"] = data["sanction_membership"]
                kwargs["sanction_action"] = data["sanction_action"]
            if data["kind"] == Proposal.Kind.COUNCIL_SEAT:
                kwargs.update({name: data.get(name) for name in self.seat_fields})
                kwargs["seat_enterprise"] = self.seat_enterprises.get(data.get("seat_enterprise"))
        return kwargs

    def add_refusal(self, error: Exception) -> None:
        """``changes.<key>`` goes on that parameter's row, ``changes`` above the rows, the rest by name."""
        if isinstance(error, DomainError) and (error.field or "").startswith("changes"):
            if isinstance(error, PermissionDeniedError | NotFoundError):
                raise error
            _prefix, _dot, key = error.field.partition(".")
            row = self.changes.row_of(key) if key else None
            if row is not None:
                row.add_error("value", str(error.message))
            else:
                self.change_errors.append(str(error.message))
            return
        add_refusal(self, error)


def _enterprise_choice(form: forms.Form, enterprises) -> None:
    """The ``enterprise`` field offers ``enterprises``; with only one, it is a hidden field set to it."""
    form.enterprises = {e.pk: e for e in enterprises}
    field = form.fields["enterprise"]
    field.choices = [(e.pk, e.name) for e in enterprises]
    if len(form.enterprises) == 1:
        field.widget = forms.HiddenInput()
        field.initial = next(iter(form.enterprises))


class PetitionForm(ProposalForm):
    """A member enterprise petitions the council: a proposal, and the enterprise it is made for.

    ``enterprises`` are the member enterprises the person may act for (the service checks them).
    """

    enterprise = forms.TypedChoiceField(
        label=_("On behalf of"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of your member enterprises.")},
        help_text=_("The member enterprise that petitions the council."),
    )

    field_order = ["enterprise"]
    wide_fields = ("enterprise", "kind", "title", "body")

    def __init__(self, data=None, *, enterprises=(), **kwargs):
        super().__init__(data, **kwargs)
        _enterprise_choice(self, enterprises)

    @property
    def single_enterprise(self):
        """The only enterprise the person may petition for (``None`` when there is a choice)."""
        return next(iter(self.enterprises.values())) if len(self.enterprises) == 1 else None

    def clean_enterprise(self):
        return self.enterprises[self.cleaned_data["enterprise"]]

    def service_kwargs(self) -> dict:
        """Keyword arguments of ``petition_start``."""
        return {**super().service_kwargs(), "enterprise": self.cleaned_data["enterprise"]}


class CosignForm(forms.Form):
    """Co-signing a petition for one of the person's member enterprises (the service checks which may sign)."""

    enterprise = forms.TypedChoiceField(
        label=_("Co-sign for"),
        coerce=int,
        error_messages={
            "required": _("Choose the enterprise that co-signs."),
            "invalid_choice": _("Choose one of your member enterprises."),
        },
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        _enterprise_choice(self, enterprises)

    def clean_enterprise(self):
        return self.enterprises[self.cleaned_data["enterprise"]]


class OpenVotingForm(forms.Form):
    closes_at = DateTimeField(
        span=PLAN,
        label=_("Voting closes at (optional)"),
        required=False,
        help_text=_("Left empty, the window lasts the charter's default number of hours."),
        **DATETIME,
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    seat = forms.TypedChoiceField(label=_("Vote for the seat"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(seats) > 1:
            self.fields["seat"].choices = [(s.pk, s.get_chamber_display()) for s in seats]
            self.fields["seat"].required = True
        else:
            del self.fields["seat"]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
