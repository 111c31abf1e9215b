"""The deal room's page forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .lifecycle import EVIDENCE_MILESTONES, REASON_MIN
from .models import MESSAGE_LANGUAGES, MESSAGE_MAX_LENGTH, Dispute, DocumentKind

# --- conversation ---------------------------------------------------------------------------


class AttachmentFields(forms.Form):
    """The document a message or an offer may carry (both fields, or neither; checked again, by
    content and size, by the service)."""

    kind = forms.ChoiceField(
        label=_("Attach a document"), required=False, choices=[("", _("No document")), *DocumentKind.choices]
    )
    file = forms.FileField(label=_("File"), max_length=200, allow_empty_file=False, required=False)

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of document."))
        elif data.get("kind") and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose a file."))
        return data

    def attachment(self) -> dict:
        """The service's ``kind`` and ``file`` (empty: no document)."""
        file = self.cleaned_data.get("file")
        return {"kind": self.cleaned_data.get("kind") or "", "file": file} if file else {}

    def without_attachment(self) -> None:
        """For who may not attach (an administrator in a dispute): the fields are not offered."""
        for name in ("kind", "file"):
            self.fields.pop(name, None)


class MessageForm(AttachmentFields):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": "message-body", "maxlength": MESSAGE_MAX_LENGTH}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=MESSAGE_LANGUAGES)

    field_order = ("body", "language", "kind", "file")


# --- documents and disputes ---


class FileUploadForm(forms.Form):
    """A document added to a room: its kind and the file (checked again, by content and size, by the service)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), max_length=200, allow_empty_file=False)


class DocumentUploadForm(FileUploadForm):
    """A deal's document, optionally the evidence of a milestone."""

    milestone = forms.ChoiceField(
        label=_("Evidence for"),
        required=False,
        choices=[("", _("No milestone")), *((m.value, m.label) for m in EVIDENCE_MILESTONES)],
    )
    field_order = ["kind", "milestone", "file"]


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
