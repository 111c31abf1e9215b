"""The platform's own notes on a deal's timeline, stored as a code and rendered when read."""

from django.utils.translation import gettext_lazy as _

#: the platform's own notes on a deal's timeline, by code: rendered in the reader's language
DEAL_SYSTEM_NOTES = {
    "match_accepted": _("Both sides accepted the match."),
    "terms_accepted": _("Both sides agreed on negotiated terms."),
    "replaced": _("Replaced after missing its due date (match %(id)d)."),  # id: the replacing match
    "dispute_resumed": _("The administrators decided the dispute: the deal resumes."),
    "dispute_partial": _("The administrators decided the dispute: %(delivered)d of %(agreed)d delivered."),
    "dispute_cancelled": _("The administrators decided the dispute: the deal is cancelled."),
}
