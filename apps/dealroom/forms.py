"""The deal room's page forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .lifecycle import EVIDENCE_MILESTONES, REASON_MIN
from .models import MESSAGE_LANGUAGES, MESSAGE_MAX_LENGTH, Dispute, DocumentKind

# --- conversation ---------------------------------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": "message-body", "maxlength": MESSAGE_MAX_LENGTH}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=MESSAGE_LANGUAGES)


# --- documents and disputes ---


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    milestone = forms.ChoiceField(
        label=_("Evidence for"),
        required=False,
        choices=[("", _("No milestone")), *((m.value, m.label) for m in EVIDENCE_MILESTONES)],
    )
    file = forms.FileField(label=_("File"), max_length=200, allow_empty_file=False)


class DisputeOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong"), min_length=REASON_MIN, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Evidence"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.pk, f"{d.get_kind_display()}: {d.name}") for d in documents]


class DisputeDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Dispute.Outcome.choices, widget=forms.RadioSelect)
    against = forms.ChoiceField(label=_("Decided against"), choices=Dispute.Against.choices, initial="none")
    delivered_quantity = forms.IntegerField(
        label=_("Quantity delivered (partial delivery)"), required=False, min_value=1
    )
    reason = forms.CharField(
        label=_("Reason"), min_length=REASON_MIN, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
