"""How the deal room's notifications read (registered with the notifications app), and who hears.

Every kind here is named under ``dealroom.`` so that it falls in the category "Deal room"
(``notifications.models.category_of`` reads a kind's prefix): people mute the room's messages,
offers, quotes and disputes there without muting monitoring alerts or matches and deals. A
message raises an in-app notification only: its e-mail is the digest
(``services.conversation.message_digests_send``, which follows the same category's e-mail
choice), never one mail per message.
"""

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from apps.marketplace.models import Deal
from apps.membership.models import EnterpriseMember
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import Notice, notify_many, notify_users
from apps.tenancy.models import ClusterRole

# --- conversation ---------------------------------------------------------------------------

MESSAGE_KIND = "dealroom.message"
#: the kind messages were raised under before the room had its own category (rows renamed by
#: migration dealroom 0005; still rendered, should an old row be read)
LEGACY_MESSAGE_KIND = "marketplace.deal_room_message"
#: how much of a message its notification quotes (in its author's words)
EXCERPT = 140


def _sender(values: dict) -> dict:
    sender = values.get("enterprise") or ""
    if values.get("administrator"):
        sender = gettext("The cluster's administrators")
    return {**values, "sender": sender}


def _register_conversation() -> None:
    for kind in (MESSAGE_KIND, LEGACY_MESSAGE_KIND):
        messages.register(
            kind,
            gettext_lazy("New message on match #%(match)s"),
            gettext_lazy("%(sender)s wrote: “%(excerpt)s”"),
            prepare=_sender,
        )


def message_posted(*, message, match, cluster, recipients, link: str) -> None:
    """The other participants hear of a new message, in the app (the e-mail is the digest)."""
    excerpt = message.body if len(message.body) <= EXCERPT else message.body[: EXCERPT - 1] + "…"
    notify_users(
        users=recipients,
        kind=MESSAGE_KIND,
        params={
            "match": match.pk,
            "enterprise": name_of(message.author_enterprise) if message.author_enterprise else "",
            "administrator": message.from_administrator,
            "excerpt": excerpt,
        },
        link=link,
        cluster=cluster,
        email=False,
    )


def _to_enterprises(enterprise_ids, *, kind, params, link, cluster, actor=None) -> None:
    """One notification per person of the enterprises (one query), the person who acted excepted."""
    users = {
        person.user.pk: person.user
        for person in EnterpriseMember.objects.filter(enterprise_id__in=set(enterprise_ids)).select_related("user")
        if actor is None or person.user_id != actor.pk
    }
    notify_many(Notice(user=u, kind=kind, params=params, link=link, cluster=cluster) for u in users.values())


# --- offers and requests for quotation ---------------------------------------------------------


def offer_event(*, offer, match, kind: str, actor, to_enterprise_id: int) -> None:
    """The other side of a match hears of an offer made, countered, accepted or declined."""
    by = match.demand_owner if offer.side == "demand" else match.supply_owner  # made or withdrew it
    if kind in ("dealroom.offer_accepted", "dealroom.offer_declined"):  # the answering side acted
        by = match.supply_owner if offer.side == "demand" else match.demand_owner
    _to_enterprises(
        [to_enterprise_id],
        kind=kind,
        params={
            "match": match.pk,
            "enterprise": name_of(by),
            "quantity": offer.quantity,
            "unit_price": str(offer.unit_price),
            "delivery_date": offer.delivery_date.isoformat(),
        },
        link=reverse("match-offers", args=[match.cluster.slug, match.pk]),
        cluster=match.cluster,
        actor=actor,
    )


def rfq_cancelled(*, rfq, supplier_ids, actor) -> None:
    """Every invited supplier hears that the buyer cancelled the request (its quote closed)."""
    _to_enterprises(
        supplier_ids,
        kind="dealroom.rfq_cancelled",
        params={"rfq": rfq.pk, "buyer": name_of(rfq.buyer), "title": rfq.order.title},
        link=reverse("rfq-detail", args=[rfq.cluster.slug, rfq.pk]),
        cluster=rfq.cluster,
        actor=actor,
    )


def quote_revised(*, rfq, quote, actor) -> None:
    _to_enterprises(
        [rfq.buyer_id],
        kind="dealroom.quote_revised",
        params={
            "rfq": rfq.pk,
            "supplier": name_of(quote.enterprise),
            "quantity": quote.quantity,
            "unit_price": str(quote.unit_price),
            "delivery_date": quote.delivery_date.isoformat(),
        },
        link=reverse("rfq-detail", args=[rfq.cluster.slug, rfq.pk]),
        cluster=rfq.cluster,
        actor=actor,
    )


def rfq_invited(*, rfq, supplier_ids, actor) -> None:
    _to_enterprises(
        supplier_ids,
        kind="dealroom.rfq_invited",
        params={"rfq": rfq.pk, "buyer": name_of(rfq.buyer), "quantity": rfq.quantity, "title": rfq.order.title},
        link=reverse("rfq-detail", args=[rfq.cluster.slug, rfq.pk]),
        cluster=rfq.cluster,
        actor=actor,
    )


def quote_received(*, rfq, quote, actor) -> None:
    _to_enterprises(
        [rfq.buyer_id],
        kind="dealroom.quote_received",
        params={"rfq": rfq.pk, "supplier": name_of(quote.enterprise), "quantity": quote.quantity},
        link=reverse("rfq-detail", args=[rfq.cluster.slug, rfq.pk]),
        cluster=rfq.cluster,
        actor=actor,
    )


def quotes_decided(*, rfq, awarded: dict[int, int], closed_ids, actor) -> None:
    """The awarded suppliers hear their quantity; the others that the request was awarded elsewhere."""
    link = reverse("rfq-detail", args=[rfq.cluster.slug, rfq.pk])
    for supplier_id, quantity in awarded.items():
        _to_enterprises(
            [supplier_id],
            kind="dealroom.quote_awarded",
            params={"rfq": rfq.pk, "buyer": name_of(rfq.buyer), "quantity": quantity},
            link=link,
            cluster=rfq.cluster,
            actor=actor,
        )
    if closed_ids:
        _to_enterprises(
            closed_ids,
            kind="dealroom.quote_closed",
            params={"rfq": rfq.pk, "buyer": name_of(rfq.buyer)},
            link=link,
            cluster=rfq.cluster,
            actor=actor,
        )


def _register_offers() -> None:
    messages.register(
        "dealroom.offer_made",
        gettext_lazy("%(enterprise)s offers new terms on match %(match)d"),
        gettext_lazy(
            "%(quantity)d at %(unit_price)s each, delivered by %(delivery_date)s. Accept, decline or counter."
        ),
    )
    messages.register(
        "dealroom.offer_countered",
        gettext_lazy("%(enterprise)s countered your offer on match %(match)d"),
        gettext_lazy(
            "%(quantity)d at %(unit_price)s each, delivered by %(delivery_date)s. Accept, decline or counter."
        ),
    )
    messages.register(
        "dealroom.offer_accepted",
        gettext_lazy("%(enterprise)s accepted your offer on match %(match)d"),
        gettext_lazy("The deal is confirmed on the terms of the offer."),
    )
    messages.register(
        "dealroom.offer_declined",
        gettext_lazy("%(enterprise)s declined your offer on match %(match)d"),
        gettext_lazy("The match is still open: you may make another offer or accept it as proposed."),
    )
    messages.register(
        "dealroom.offer_withdrawn",
        gettext_lazy("%(enterprise)s withdrew its offer on match %(match)d"),
        gettext_lazy("The match is still open: you may make an offer or accept it as proposed."),
    )
    messages.register(
        "dealroom.rfq_cancelled",
        gettext_lazy("%(buyer)s cancelled its request for quotation: %(title)s"),
        gettext_lazy("The request %(rfq)d is closed; no quote on it will be awarded."),
    )
    messages.register(
        "dealroom.quote_revised",
        gettext_lazy("%(supplier)s revised its quote on your request %(rfq)d"),
        gettext_lazy("Now %(quantity)d at %(unit_price)s each, delivered by %(delivery_date)s."),
    )
    messages.register(
        "dealroom.rfq_invited",
        gettext_lazy("%(buyer)s asks you for a quote: %(title)s"),
        gettext_lazy("Quantity asked: %(quantity)d. Send your quote before the deadline."),
    )
    messages.register(
        "dealroom.quote_received",
        gettext_lazy("%(supplier)s sent a quote on your request %(rfq)d"),
        gettext_lazy("Compare the quotes side by side and award one or several."),
    )
    messages.register(
        "dealroom.quote_awarded",
        gettext_lazy("%(buyer)s awarded you %(quantity)d on request %(rfq)d"),
        gettext_lazy("The deal is confirmed on the terms of your quote."),
    )
    messages.register(
        "dealroom.quote_closed",
        gettext_lazy("%(buyer)s awarded request %(rfq)d to other suppliers"),
        gettext_lazy("Your quote was not chosen this time."),
    )


def register() -> None:
    """How every deal-room notification reads (called from the app's ready())."""
    _register_conversation()
    _register_offers()
    _register_disputes()


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


def _register_disputes() -> None:
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
