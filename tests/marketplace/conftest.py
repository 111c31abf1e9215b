import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.reference.models import CertificationScheme
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import CertificationFactory, EnterpriseFactory, MembershipFactory


def days(n: int) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=n))


@dataclass
class Market:
    cluster: object
    admin: object
    buyer: object
    buyer_owner: object
    supplier: object
    supplier_owner: object
    rival: object  # a second supplier
    rival_owner: object
    outsider_admin: object
    foreign_owner: object  # owner of an active member of another cluster

    def url(self, path: str) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/{path}"


@pytest.fixture
def market(db):
    cluster, other = ClusterFactory(), ClusterFactory()
    buyer_owner, supplier_owner, rival_owner, foreign_owner = (UserFactory() for _ in range(4))
    buyer = EnterpriseFactory(owner=buyer_owner, legal_name_en="Hangzhou Buyer Apparel")
    supplier = EnterpriseFactory(
        owner=supplier_owner,
        legal_name_en="Shaoxing Supplier Weaving",
        region_code="330600",
        latitude="30.00000",
        longitude="120.58000",
    )
    rival = EnterpriseFactory(
        owner=rival_owner,
        legal_name_en="Chengdu Rival Weaving",
        region_code="510100",
        latitude="30.66000",
        longitude="104.06000",
    )
    CertificationFactory(enterprise=supplier, scheme=CertificationScheme.objects.get(code="iso9001"))
    for enterprise in (buyer, supplier, rival):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    foreign = EnterpriseFactory(owner=foreign_owner)
    MembershipFactory(cluster=other, enterprise=foreign)
    return Market(
        cluster=cluster,
        admin=ClusterRoleFactory(cluster=cluster).user,
        buyer=buyer,
        buyer_owner=buyer_owner,
        supplier=supplier,
        supplier_owner=supplier_owner,
        rival=rival,
        rival_owner=rival_owner,
        outsider_admin=ClusterRoleFactory(cluster=other).user,
        foreign_owner=foreign_owner,
    )


def order_body(market, **overrides):
    body = {
        "owner": market.buyer.pk,
        "title": "2,000 cotton shirts, woven fabric",
        "capability": "weaving",
        "product_category": "woven shirting",
        "quantity": 2000,
        "unit": "m",
        "target_unit_price": "18.50",
        "currency": "CNY",
        "need_by": days(60),
        "delivery_region_code": "330100",
        "delivery_latitude": "30.27000",
        "delivery_longitude": "120.15000",
        "required_certifications": ["iso9001"],
        "splittable": True,
        "min_lot": 200,
    }
    body.update(overrides)
    return body


def capacity_body(owner, **overrides):
    body = {
        "owner": owner.pk,
        "title": "Idle air-jet looms",
        "capability": "weaving",
        "quantity_per_period": 3000,
        "period": "month",
        "unit": "m",
        "available_from": days(1),
        "available_until": days(30),
        "unit_price": "17.80",
        "currency": "CNY",
        "min_order_quantity": 100,
        "lead_time_days": 14,
    }
    body.update(overrides)
    return body


# --- Listings and matches made through the services (for the page tests) ----------------------


def order_fields(**overrides) -> dict:
    """Keyword arguments of ``listing_create`` for an order (model values, not API strings)."""
    import decimal

    fields = {
        "title": "2,000 m cotton shirting",
        "capability_id": "weaving",
        "product_category": "woven shirting",
        "quantity": 2000,
        "unit": "m",
        "target_unit_price": decimal.Decimal("18.50"),
        "currency": "CNY",
        "need_by": timezone.localdate() + datetime.timedelta(days=60),
        "delivery_region_code": "330100",
        "delivery_latitude": decimal.Decimal("30.27000"),
        "delivery_longitude": decimal.Decimal("120.15000"),
        "splittable": True,
        "min_lot": 200,
    }
    fields.update(overrides)
    return fields


def capacity_fields(**overrides) -> dict:
    import decimal

    today = timezone.localdate()
    fields = {
        "title": "Idle air-jet looms",
        "capability_id": "weaving",
        "quantity_per_period": 3000,
        "period": "month",
        "unit": "m",
        "available_from": today + datetime.timedelta(days=1),
        "available_until": today + datetime.timedelta(days=30),
        "unit_price": decimal.Decimal("17.80"),
        "currency": "CNY",
        "min_order_quantity": 100,
        "lead_time_days": 14,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def post_listing(django_capture_on_commit_callbacks):
    """``post_listing(kind, actor=, owner=, cluster=, **fields)``: the service, with matching run on commit."""
    from apps.marketplace.services.listings import listing_create

    def _post(kind, *, actor, owner, cluster, publish=True, m2m=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return listing_create(
                actor=actor, cluster=cluster, listing_kind=kind, owner=owner, publish=publish, m2m=m2m, **fields
            )

    return _post


@pytest.fixture
def proposed_match(market, post_listing):
    """The supplier's capacity, then the buyer's order: the matching engine proposes one match."""
    from apps.marketplace.models import Match

    post_listing(
        "capacity", actor=market.supplier_owner, owner=market.supplier, cluster=market.cluster, **capacity_fields()
    )
    post_listing(
        "order",
        actor=market.buyer_owner,
        owner=market.buyer,
        cluster=market.cluster,
        m2m={"required_certifications": ["iso9001"]},
        **order_fields(),
    )
    return Match.objects.get(cluster=market.cluster, status="proposed")
