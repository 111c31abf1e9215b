"""Who hears of the deal room's events, and how they read (registered with the notifications app).

Stored as kind + params (ids, names in both scripts, codes), rendered in the reader's language.
The kinds' prefix ``dealroom`` has no category of its own yet: they fall under alerts.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.marketplace.models import Deal
from apps.membership.models import EnterpriseMember
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import Notice, notify_many
from apps.tenancy.models import ClusterRole

# --- documents and disputes ---


def _deal_people(deal) -> list:
    return [
        person.user
        for person in EnterpriseMember.objects.filter(
            enterprise_id__in=[deal.buyer_id, deal.supplier_id]
        ).select_related("user")
    ]


def _params(dispute, deal) -> dict:
    return {
        "deal": deal.pk,
        "dispute": dispute.pk,
        "buyer": name_of(deal.buyer),
        "supplier": name_of(deal.supplier),
        "side": dispute.side,
        "outcome": dispute.outcome,
        "status": deal.status,
    }


def dispute_opened(*, dispute, deal) -> None:
    """The cluster's administrators hear of a new dispute (the sides hear of the milestone already)."""
    admins = [
        role.user
        for role in ClusterRole.objects.filter(
            cluster_id=deal.cluster_id, role=ClusterRole.Role.ADMINISTRATOR
        ).select_related("user")
    ]
    link = reverse("dispute-queue", args=[deal.cluster.slug])
    notify_many(
        Notice(
            user=user, kind="dealroom.dispute_opened", params=_params(dispute, deal), link=link, cluster=deal.cluster
        )
        for user in {user.pk: user for user in admins}.values()
    )


def dispute_decided(*, dispute, deal) -> None:
    """Both sides hear of the administrators' decision."""
    link = reverse("deal-detail", args=[deal.cluster.slug, deal.pk])
    notify_many(
        Notice(
            user=user, kind="dealroom.dispute_decided", params=_params(dispute, deal), link=link, cluster=deal.cluster
        )
        for user in {user.pk: user for user in _deal_people(deal)}.values()
    )


SIDES = {"buyer": gettext_lazy("the buyer"), "supplier": gettext_lazy("the supplier")}
OUTCOMES = {
    "resume": gettext_lazy("the deal resumes"),
    "partial": gettext_lazy("a partial delivery"),
    "cancel": gettext_lazy("the deal is cancelled"),
}


def _readable(values: dict) -> dict:
    return {
        **values,
        "side": str(SIDES.get(values.get("side"), values.get("side"))),
        "outcome": str(OUTCOMES.get(values.get("outcome"), values.get("outcome"))),
        "status": Deal.Status(values["status"]).label.lower(),
    }


def register() -> None:
    messages.register(
        "dealroom.dispute_opened",
        gettext_lazy("A dispute on deal %(deal)d, opened by %(side)s"),
        gettext_lazy("%(buyer)s buys from %(supplier)s. Read the evidence and decide."),
        prepare=_readable,
    )
    messages.register(
        "dealroom.dispute_decided",
        gettext_lazy("The dispute on deal %(deal)d is decided: %(outcome)s"),
        gettext_lazy("The deal is now %(status)s."),
        prepare=_readable,
    )
