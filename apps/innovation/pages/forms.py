"""The page forms of innovation: posting a challenge, submitting or revising a solution (with a
document and a consortium's shares), the seeker's question and award, an expert's profile.
The rules are the services'; a refusal naming a field is shown beside that field."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.core.forms import add_refusal, model_formfield
from apps.marketplace.models import UNITS
from apps.reference.currencies import CURRENCIES
from apps.reference.models import Capability

from ..models import Challenge, ExpertProfile, Rights, Solution

#: consortium partners a page form offers (the API takes any number)
SHARE_ROWS = 4


def _capabilities():
    return [(c.code, str(c)) for c in Capability.objects.order_by("code")]


def _tags(value: str) -> list[str]:
    return [tag.strip() for tag in (value or "").replace("，", ",").split(",") if tag.strip()][:30]


def form_written(request, form, write, *, done: str, renamed: dict | None = None):
    """Run ``write()`` (one service call) for a valid ``form``: what it returns once written, with ``done``
    said; None when refused, the refusal put beside the field it names (``renamed`` maps a service's field
    to the form's) or above the form. An access refusal keeps its 403 / 404."""
    try:
        written = write()
    except DomainError as error:
        add_refusal(form, error, renamed)  # an access refusal is raised again
        return None
    messages.success(request, done)
    return written


def show_refusal(form, error) -> bool:
    """Put a service's refusal beside its field (True), or say it cannot be (False)."""
    field = getattr(error, "field", None)
    if field in form.fields:
        form.add_error(field, str(error.message))
        return True
    return False


class ChallengeForm(forms.Form):
    seeker = forms.ChoiceField(label=_("Posted for"))
    title = model_formfield(Challenge, "title")
    summary = model_formfield(Challenge, "summary", widget=forms.Textarea(attrs={"rows": 4}))
    details = model_formfield(Challenge, "details", widget=forms.Textarea(attrs={"rows": 6}))
    terms = model_formfield(Challenge, "terms", widget=forms.Textarea(attrs={"rows": 3}))
    capabilities = forms.MultipleChoiceField(label=_("Required capabilities"), required=False)
    tags = forms.CharField(label=_("Tags (comma-separated)"), max_length=600, required=False)
    deadline = model_formfield(Challenge, "deadline", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    award_amount = forms.DecimalField(
        label=_("Award amount"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    award_currency = forms.ChoiceField(label=_("Award currency"), choices=CURRENCIES, initial="CNY")
    production_capability = forms.ChoiceField(label=_("Production contract: capability"), required=False)
    production_quantity = forms.IntegerField(label=_("Production quantity"), min_value=1, required=False)
    production_unit = forms.ChoiceField(label=_("Production unit"), choices=[("", "—"), *UNITS], required=False)
    production_unit_price = forms.DecimalField(
        label=_("Production unit price"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    rights = forms.ChoiceField(label=_("Rights transferred"), choices=Rights.choices)
    shared_with_partners = forms.BooleanField(label=_("Show the summary to partner clusters"), required=False)
    publish = forms.BooleanField(label=_("Open it now (else a draft)"), required=False, initial=True)

    def __init__(self, *args, seekers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seeker"].choices = seekers
        capabilities = _capabilities()
        self.fields["capabilities"].choices = capabilities
        self.fields["production_capability"].choices = [("", "—"), *capabilities]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        codes = {data["production_capability"], *data["capabilities"]} - {""}
        found = {c.code: c for c in Capability.objects.filter(code__in=codes)}
        data["capabilities"] = [found[code] for code in data["capabilities"] if code in found]
        data["production_capability"] = found.get(data["production_capability"])
        data["tags"] = _tags(data["tags"])
        data.pop("seeker")
        return data


class SolutionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Submitted by"), choices=Solution.Kind.choices)
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int, required=False, empty_value=None)
    title = model_formfield(Solution, "title")
    body = model_formfield(Solution, "body", widget=forms.Textarea(attrs={"rows": 8}))
    document = forms.FileField(
        label=_("Document (PDF, image, Word, Excel or ZIP)"), required=False, allow_empty_file=False
    )

    def __init__(self, *args, enterprises, members, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", "—"), *enterprises]
        if revising:  # who submitted does not change on a revision
            del self.fields["kind"], self.fields["enterprise"]
            return
        for i in range(SHARE_ROWS):
            self.fields[f"share_enterprise_{i}"] = forms.TypedChoiceField(
                label=_("Consortium partner %(n)s") % {"n": i + 1},
                choices=[("", "—"), *members],
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"share_percent_{i}"] = forms.DecimalField(
                label=_("Share of partner %(n)s (%%)") % {"n": i + 1},
                min_value=0,
                max_value=100,
                decimal_places=2,
                required=False,
            )

    def share_rows(self) -> list[tuple[int, object]]:
        rows = []
        for i in range(SHARE_ROWS):
            enterprise = self.cleaned_data.get(f"share_enterprise_{i}")
            percent = self.cleaned_data.get(f"share_percent_{i}")
            if enterprise is not None or percent is not None:
                rows.append((enterprise, percent))
        return rows

    def share_fields(self):
        return [(self[f"share_enterprise_{i}"], self[f"share_percent_{i}"]) for i in range(SHARE_ROWS)]


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AwardForm(forms.Form):
    solutions = forms.TypedMultipleChoiceField(
        label=_("Award these solutions"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solutions"].choices = [(s.pk, s.title) for s in solutions]


class ExpertForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExpertProfile.Kind.choices)
    name = model_formfield(ExpertProfile, "name")
    organisation = model_formfield(ExpertProfile, "organisation")
    bio = model_formfield(ExpertProfile, "bio", widget=forms.Textarea(attrs={"rows": 4}))
    capabilities = forms.MultipleChoiceField(label=_("Fields of expertise"), required=False)
    tags = forms.CharField(label=_("Tags (comma-separated)"), max_length=600, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capabilities"].choices = _capabilities()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["capabilities"] = list(Capability.objects.filter(code__in=data["capabilities"]))
        data["tags"] = _tags(data["tags"])
        return data
