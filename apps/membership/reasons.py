"""The platform's own reasons for a decision, stored as a code + parameters and rendered when read.

A person's reason stays in ``reason``, in their words. When the platform decides (an automatic
suspension, a council's sanction, a withdrawn badge), it stores ``reason_code`` and
``reason_params`` instead, and each reader sees the reason in their language.
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def field_labels(params: dict) -> dict:
    Enterprise = apps.get_model("membership", "Enterprise")  # by name: the models import this module
    labels = [str(Enterprise._meta.get_field(name).verbose_name) for name in params.get("fields", [])]
    # Translators: the separator between the items of a list
    return {**params, "fields": _(", ").join(labels)}


SYSTEM_REASONS = {
    "identity_changed": (gettext_lazy("The verified identity changed: %(fields)s."), field_labels),
    "reported_suspended": (
        gettext_lazy("Suspended pending review: %(count)d enterprises reported it (the cluster's limit is %(limit)d)."),
        None,
    ),
    "reported_review": (
        gettext_lazy(
            "%(count)d enterprises reported this member (the cluster's limit is %(limit)d): an administrator decides."
        ),
        None,
    ),
    "council_decision": (gettext_lazy("Council decision: %(title)s"), None),
}


def render_reason(code: str, params: dict | None, fallback: str = "") -> str:
    """The system reason in the active language; ``fallback`` (a person's words) without a code."""
    if code not in SYSTEM_REASONS:
        return fallback
    template, prepare = SYSTEM_REASONS[code]
    values = dict(params or {})
    try:
        return str(template) % (prepare(values) if prepare else values)
    except (KeyError, TypeError, ValueError, LookupError):
        return fallback


class SystemReason(models.Model):
    """``reason_code`` + ``reason_params`` beside a model's free-text ``reason``; ``reason_text`` reads either."""

    reason_code = models.CharField(
        gettext_lazy("system reason"),
        max_length=30,
        blank=True,
        choices=[(code, code) for code in SYSTEM_REASONS],
    )
    reason_params = models.JSONField(gettext_lazy("parameters of the system reason"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def reason_text(self) -> str:
        return render_reason(self.reason_code, self.reason_params, fallback=self.reason)
