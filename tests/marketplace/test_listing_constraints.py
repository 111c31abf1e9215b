"""Every check constraint of a listing has its own check in the service, naming the field.

Posting does not ask the database to evaluate the constraints before the write (Django's
``validate_constraints`` costs a query and two savepoints each: 12 round trips of an order's
27); the service's checks and the fields' validators refuse the same values first, with the
field the database could not name, and the database keeps every constraint as the last word.
A new constraint without an entry here fails ``test_every_constraint_has_its_check``.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint, F
from django.test.utils import CaptureQueriesContext

from apps.marketplace.models import LISTING_MODELS
from apps.marketplace.services.listings import listing_create, listing_update
from tests.factories.marketplace import (
    CapacityOfferFactory,
    ChannelOfferFactory,
    ChannelRequestFactory,
    OrderFactory,
)

from .conftest import order_fields

pytestmark = pytest.mark.django_db

FACTORIES = {
    "order": OrderFactory,
    "capacity": CapacityOfferFactory,
    "channel_offer": ChannelOfferFactory,
    "channel_request": ChannelRequestFactory,
}

#: constraint -> (listing kind, what the row holds already, the change that breaks it, the field named);
#: a change's value may be a function of the listing
VIOLATIONS = {
    "order_never_overfilled": ("order", {"filled_quantity": 500}, {"quantity": 400}, "quantity"),
    "order_quantity_positive": ("order", {}, {"quantity": 0}, "quantity"),
    "order_delivery_latitude_in_range": ("order", {}, {"delivery_latitude": Decimal("90.5")}, "delivery_latitude"),
    "order_delivery_longitude_in_range": (
        "order",
        {},
        {"delivery_longitude": Decimal("-180.5")},
        "delivery_longitude",
    ),
    "capacity_never_oversold": (
        "capacity",
        {"reserved_quantity": 2500},
        {"quantity_per_period": 100},
        "quantity_per_period",
    ),
    "capacity_window_ordered": (
        "capacity",
        {},
        {"available_until": lambda offer: offer.available_from - datetime.timedelta(days=1)},
        "available_until",
    ),
    "capacity_latitude_in_range": ("capacity", {}, {"latitude": Decimal("-91")}, "latitude"),
    "capacity_longitude_in_range": ("capacity", {}, {"longitude": Decimal("181")}, "longitude"),
    "channel_never_oversold": ("channel_offer", {"reserved_volume": 800}, {"monthly_volume": 700}, "monthly_volume"),
    "channel_request_never_overfilled": (
        "channel_request",
        {"filled_volume": 300},
        {"monthly_volume": 200},
        "monthly_volume",
    ),
}


def test_every_constraint_has_its_check():
    names = {
        constraint.name
        for model in LISTING_MODELS.values()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert names == set(VIOLATIONS), "a listing's check constraint needs its check in _validate and a row here"


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_a_change_that_breaks_a_constraint_is_refused_naming_its_field(market, name):
    kind, held, change, field = VIOLATIONS[name]
    listing = FACTORIES[kind](cluster=market.cluster, owner=market.buyer, status="open")
    if held:
        type(listing).objects.filter(pk=listing.pk).update(**held)
        listing.refresh_from_db()
    change = {name: value(listing) if callable(value) else value for name, value in change.items()}
    before = {f.attname: getattr(listing, f.attname) for f in type(listing)._meta.concrete_fields}
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        listing_update(actor=market.buyer_owner, listing=listing, **change)
    assert field in refused.value.message_dict, refused.value.message_dict
    assert not [q for q in queries if "_check" in q["sql"]], "a constraint was asked of the database"
    listing.refresh_from_db()
    assert {f.attname: getattr(listing, f.attname) for f in type(listing)._meta.concrete_fields} == before


def test_posting_asks_the_database_no_constraint(market):
    with CaptureQueriesContext(connection) as queries:
        order = listing_create(
            actor=market.buyer_owner, cluster=market.cluster, listing_kind="order", owner=market.buyer, **order_fields()
        )
    assert order.pk
    assert not [q["sql"] for q in queries if "_check" in q["sql"]]


def test_the_database_keeps_every_constraint(market):
    order = OrderFactory(cluster=market.cluster, owner=market.buyer, quantity=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(order).objects.filter(pk=order.pk).update(filled_quantity=F("quantity") + 1)
    offer = CapacityOfferFactory(cluster=market.cluster, owner=market.supplier)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(offer).objects.filter(pk=offer.pk).update(latitude=Decimal("95"))


def test_a_capability_handed_over_is_not_read_again_but_an_unknown_code_is_refused(market):
    from apps.reference.models import Capability

    weaving = Capability.objects.get(code="weaving")
    fields = {k: v for k, v in order_fields().items() if k != "capability_id"}
    with CaptureQueriesContext(connection) as queries:
        listing_create(
            actor=market.buyer_owner,
            cluster=market.cluster,
            listing_kind="order",
            owner=market.buyer,
            capability=weaving,
            **fields,
        )
    assert not [q for q in queries if "reference_capability" in q["sql"]]
    with pytest.raises(ValidationError) as refused:
        listing_create(
            actor=market.buyer_owner,
            cluster=market.cluster,
            listing_kind="order",
            owner=market.buyer,
            **order_fields(capability_id="alchemy"),
        )
    assert "capability" in refused.value.message_dict
