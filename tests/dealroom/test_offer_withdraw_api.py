"""The side that made an offer withdraws it while it is open: the history keeps it, the other side
hears of it, and nobody can answer it any more."""

import pytest

from apps.dealroom.models import Offer
from apps.marketplace.models import Deal, Match
from apps.notifications.models import Notification

from .test_offers_api import proposed, terms  # noqa: F401 -- the imported fixture

pytestmark = pytest.mark.django_db


def test_the_author_withdraws_an_open_offer_and_the_other_side_is_told(as_user, market, proposed):  # noqa: F811
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = buyer.post(url, terms(), format="json").json()
    # only the side that made it withdraws it
    assert supplier.post(f"{url}{offer['id']}/withdraw/").status_code == 403
    assert as_user(market.rival_owner).post(f"{url}{offer['id']}/withdraw/").status_code == 404
    withdrawn = buyer.post(f"{url}{offer['id']}/withdraw/")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "withdrawn"
    stored = Offer.objects.get(pk=offer["id"])
    assert (stored.status, stored.answered_by_id) == ("withdrawn", market.buyer_owner.pk)
    match = Match.objects.get(pk=proposed.pk)
    assert (match.status, match.negotiating_since) == ("proposed", None)
    notice = Notification.objects.get(kind="dealroom.offer_withdrawn")
    assert notice.user_id == market.supplier_owner.pk
    assert "withdrew" in notice.rendered_title
    # nobody answers a withdrawn offer, and it is not withdrawn twice
    accept = supplier.post(f"{url}{offer['id']}/accept/")
    assert accept.status_code == 409 and "offer" in accept.json()["errors"]
    assert buyer.post(f"{url}{offer['id']}/withdraw/").status_code == 409
    assert not Deal.objects.exists()
    # the history keeps it; a new offer may be made
    assert supplier.post(url, terms(unit_price="18.00"), format="json").status_code == 201
    assert [o["status"] for o in buyer.get(url).json()["results"]] == ["open", "withdrawn"]


def test_an_answered_offer_cannot_be_withdrawn(as_user, market, proposed):  # noqa: F811
    buyer, supplier = as_user(market.buyer_owner), as_user(market.supplier_owner)
    url = market.url(f"matches/{proposed.pk}/offers/")
    offer = buyer.post(url, terms(), format="json").json()
    assert supplier.post(f"{url}{offer['id']}/accept/").status_code == 200
    refused = buyer.post(f"{url}{offer['id']}/withdraw/")
    assert refused.status_code == 409 and refused.json()["code"] == "illegal_transition"
    assert Offer.objects.get(pk=offer["id"]).status == "accepted"
    assert Deal.objects.filter(match=proposed).count() == 1
