"""Who hears of a match or a deal, and how it reads (registered with the notifications app).

Every notification here is of the category ``marketplace`` ("Matches and deals"). The
services call these helpers inside their transaction; each raises its notifications in
bulk (one query for the people, one for their preferences, one insert).
"""

from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from apps.membership.models import EnterpriseMember
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import Notice, notify_many

from .models import Deal


def _people(enterprise_ids) -> dict[int, list]:
    """The people of each enterprise (every role may answer its matches and act on its deals)."""
    people: dict[int, list] = {}
    for person in EnterpriseMember.objects.filter(enterprise_id__in=set(enterprise_ids)).select_related("user"):
        people.setdefault(person.enterprise_id, []).append(person.user)
    return people


def _to_enterprises(enterprise_ids, *, kind, params, link, cluster, actor=None) -> None:
    """One notification per person of the enterprises, the person who acted excepted."""
    users = {
        user.pk: user
        for people in _people(enterprise_ids).values()
        for user in people
        if actor is None or user.pk != actor.pk
    }
    notify_many(Notice(user=u, kind=kind, params=params, link=link, cluster=cluster) for u in users.values())


def matches_proposed(*, cluster, matches) -> None:
    """New proposals: one digest per person per write, however many matches concern them."""
    per_enterprise = Counter()
    for match in matches:
        per_enterprise[match.demand_owner_id] += 1
        per_enterprise[match.supply_owner_id] += 1
    if not per_enterprise:
        return
    link = reverse("my-matches", args=[cluster.slug])
    counts: dict[int, tuple] = {}
    for enterprise_id, people in _people(per_enterprise).items():
        for user in people:
            total = counts.get(user.pk, (user, 0))[1] + per_enterprise[enterprise_id]
            counts[user.pk] = (user, total)
    notify_many(
        Notice(
            user=user,
            kind="marketplace.matches_proposed",
            params={"cluster": name_of(cluster), "count": count},
            link=link,
            cluster=cluster,
        )
        for user, count in counts.values()
    )


def _match_params(match, side: str) -> dict:
    enterprise = match.demand_owner if side == "demand" else match.supply_owner
    return {"match": match.pk, "enterprise": name_of(enterprise), "quantity": match.quantity}


def match_answered(*, match, actor, side: str, accepted: bool) -> None:
    """The other side hears that this side accepted (its answer awaited) or declined."""
    other = match.supply_owner_id if side == "demand" else match.demand_owner_id
    _to_enterprises(
        [other],
        kind="marketplace.match_accepted" if accepted else "marketplace.match_declined",
        params={**_match_params(match, side), "reason": "" if accepted else match.decline_reason},
        link=reverse("my-matches", args=[match.cluster.slug]),
        cluster=match.cluster,
    )


def _deal_params(deal, **extra) -> dict:
    return {"deal": deal.pk, "buyer": name_of(deal.buyer), "supplier": name_of(deal.supplier), **extra}


def deal_event(*, deal, kind: str, actor=None, **extra) -> None:
    """Both sides of the deal hear of it (the person who acted excepted)."""
    _to_enterprises(
        [deal.buyer_id, deal.supplier_id],
        kind=kind,
        params=_deal_params(deal, **extra),
        link=reverse("deal-detail", args=[deal.cluster.slug, deal.pk]),
        cluster=deal.cluster,
        actor=actor,
    )


def rating_received(*, rating, deal) -> None:
    rater = deal.buyer if rating.rater_id == deal.buyer_id else deal.supplier
    _to_enterprises(
        [rating.ratee_id],
        kind="marketplace.rating_received",
        params=_deal_params(deal, rater=name_of(rater)),
        link=reverse("deal-detail", args=[deal.cluster.slug, deal.pk]),
        cluster=deal.cluster,
    )


def _matches_title(values: dict) -> str:
    return (
        ngettext(
            "%(count)d new match proposed in %(cluster)s",
            "%(count)d new matches proposed in %(cluster)s",
            values["count"],
        )
        % values
    )


def _status(values: dict) -> dict:
    return {**values, "status": Deal.Status(values["status"]).label.lower()}


def _reason(values: dict) -> str:
    from django.utils.translation import gettext as _

    return _("Reason: %(reason)s") % values if values.get("reason") else ""


def register() -> None:
    messages.register(
        "marketplace.matches_proposed",
        _matches_title,
        gettext_lazy("Accept or decline them before they expire."),
    )
    messages.register(
        "marketplace.match_accepted",
        gettext_lazy("%(enterprise)s accepted the match for %(quantity)d"),
        gettext_lazy("Your answer completes the deal."),
    )
    messages.register(
        "marketplace.match_declined", gettext_lazy("%(enterprise)s declined the match for %(quantity)d"), _reason
    )
    messages.register(
        "marketplace.deal_created",
        gettext_lazy("Deal %(deal)d confirmed: %(buyer)s buys from %(supplier)s"),
        gettext_lazy("Both sides accepted the match."),
    )
    messages.register(
        "marketplace.deal_milestone",
        gettext_lazy("Deal %(deal)d is now %(status)s"),
        _reason,
        prepare=_status,
    )
    messages.register(
        "marketplace.rating_received",
        gettext_lazy("%(rater)s rated deal %(deal)d"),
        gettext_lazy("The rating is shown once both sides have rated or the rating period ends."),
    )
