"""How membership's notifications read: registered with the notifications app from ready().

The services store what happened (names, ids, the reason in its author's words); these
templates render it in the reader's language when the notification is read.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications import messages

DECISION_TITLES = {
    "approve": gettext_lazy("%(enterprise)s is now a member of %(cluster)s"),
    "reject": gettext_lazy("%(cluster)s declined the application of %(enterprise)s"),
    "suspend": gettext_lazy("%(enterprise)s is suspended in %(cluster)s"),
    "reinstate": gettext_lazy("%(enterprise)s is reinstated in %(cluster)s"),
    "expel": gettext_lazy("%(enterprise)s was expelled from %(cluster)s"),
    "leave": gettext_lazy("%(enterprise)s left %(cluster)s"),
}


def _reason(values: dict) -> str:
    from .reasons import render_reason

    reason = render_reason(
        values.get("reason_code", ""), values.get("reason_params"), fallback=values.get("reason", "")
    )
    return _("Reason: %(reason)s") % {"reason": reason} if reason else ""


def _field_labels(values: dict) -> dict:
    from .reasons import field_labels

    return field_labels(values)


def _report_category(values: dict) -> dict:
    from .models import Report

    return {**values, "category": Report.Category(values["category"]).label}


def _report_filed_title(values: dict) -> str:
    if values.get("listing"):
        return _("New report against “%(listing)s” of %(enterprise)s") % values
    return _("New report against %(enterprise)s") % values


def register() -> None:
    for action, title in DECISION_TITLES.items():
        messages.register(f"membership.{action}", title, _reason)
    messages.register("membership.application", gettext_lazy("%(enterprise)s applied to join"), "%(note)s")
    messages.register(
        "membership.verification_withdrawn",
        gettext_lazy("%(enterprise)s is no longer shown as verified"),
        gettext_lazy("You changed %(fields)s. Platform staff will check the new identity before the badge returns."),
        prepare=_field_labels,
    )
    messages.register("report.filed", _report_filed_title, "%(category)s", prepare=_report_category)
    messages.register(
        "report.about_you",
        gettext_lazy("%(enterprise)s was reported in %(cluster)s"),
        gettext_lazy("Category: %(category)s. The administrators will review the report and may contact you."),
        prepare=_report_category,
    )
    messages.register(
        "report.suspension_proposed",
        gettext_lazy("Suspension of %(enterprise)s proposed: confirm or dismiss it"),
        gettext_lazy("%(count)d enterprises reported this member."),
    )
    messages.register(
        "report.suspension_dismissed",
        gettext_lazy("The proposed suspension of %(enterprise)s was dismissed"),
        "%(reason)s",
    )
    messages.register("report.warning", gettext_lazy("Warning from the administrators of %(cluster)s"), "%(reason)s")
    messages.register(
        "report.listing_removed",
        gettext_lazy("The administrators of %(cluster)s removed your listing “%(listing)s”"),
        "%(reason)s",
    )
