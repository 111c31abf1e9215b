"""The deal room's page forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_LANGUAGES, MESSAGE_MAX_LENGTH

# --- conversation ---------------------------------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": "message-body", "maxlength": MESSAGE_MAX_LENGTH}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=MESSAGE_LANGUAGES)
