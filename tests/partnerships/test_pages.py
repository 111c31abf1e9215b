"""The pages of partnerships and the partner view, in both languages."""

import pytest
from django.test import Client

from apps.partnerships.models import Partnership
from tests.factories.marketplace import OrderFactory
from tests.factories.partnerships import PartnershipFactory

from .conftest import days

pytestmark = pytest.mark.django_db


def client_of(user, language="en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_propose_through_the_page_and_see_both_councils(textile, park):
    seat = client_of(textile.seats[0])
    page = seat.get(f"/clusters/{textile.cluster.slug}/partnerships/new/")
    assert page.status_code == 200 and b"partnership-form" in page.content
    bad = seat.post(
        f"/clusters/{textile.cluster.slug}/partnerships/new/",
        {"partner": textile.cluster.slug, "title": "t", "body": "b", "shared_kinds": ["order"]}
        | {"starts_on": days(0), "ends_on": days(30), "governing_rulebook": "demand_side"},
    )
    assert bad.status_code == 200 and "itself" in bad.content.decode()  # the refusal on the form
    done = seat.post(
        f"/clusters/{textile.cluster.slug}/partnerships/new/",
        {"partner": park.cluster.slug, "title": "t", "body": "b", "shared_kinds": ["order", "capacity"]}
        | {"starts_on": days(0), "ends_on": days(30), "governing_rulebook": "demand_side"},
    )
    partnership = Partnership.objects.get()
    assert done.status_code == 302 and done.url.endswith(f"/partnerships/{partnership.pk}/")
    detail = client_of(park.seats[0]).get(f"/clusters/{park.cluster.slug}/partnerships/{partnership.pk}/")
    assert detail.status_code == 200
    assert b"motion-form" in detail.content and f"council-{textile.cluster.pk}".encode() in detail.content
    motion = client_of(park.seats[0]).post(
        f"/clusters/{park.cluster.slug}/partnerships/{partnership.pk}/motions/",
        {"action": "establish", "title": "Enter", "body": "Yes"},
    )
    assert motion.status_code == 302 and "/proposals/" in motion.url
    assert client_of(park.owner).get(f"/clusters/{park.cluster.slug}/partnerships/new/").status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_partner_market_shows_only_shared_listings(textile, park, language):
    PartnershipFactory(proposer=textile.cluster, partner=park.cluster, shared_kinds=["order"])
    OrderFactory(cluster=textile.cluster, owner=textile.enterprise, title="Shared order", shared_with_partners=True)
    OrderFactory(cluster=textile.cluster, owner=textile.enterprise, title="Private order")
    page = client_of(park.owner, language).get(f"/clusters/{park.cluster.slug}/partner-market/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Shared order" in body and "Private order" not in body
    listing = client_of(park.owner, language).get(f"/clusters/{park.cluster.slug}/partnerships/")
    assert listing.status_code == 200 and "partnerships" in listing.content.decode()


def test_a_partnership_proposal_reads_on_the_councils_proposal_page(as_user, textile, park):
    seat = textile.seats[0]
    response = as_user(seat).post(
        textile.url("partnerships/"),
        {"partner": park.cluster.slug, "title": "Join the park", "body": "b", "shared_kinds": ["order"]}
        | {"starts_on": days(0), "ends_on": days(30)},
        format="json",
    )
    proposal_id = response.json()["councils"][0]["open_motion"]["proposal"]
    page = client_of(seat).get(f"/clusters/{textile.cluster.slug}/proposals/{proposal_id}/")
    assert page.status_code == 200 and "Join the park" in page.content.decode()
    form = client_of(seat).get(f"/clusters/{textile.cluster.slug}/proposals/new/")
    assert form.status_code == 200 and 'value="partnership"' not in form.content.decode()
