"""Every latitude and longitude is range-checked the same way: by its model field (built in
``apps/reference/coordinates.py``), by every API write that takes one (400 naming the field)
and by the database (a check constraint)."""

import pytest
from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, transaction
from drf_spectacular.generators import SchemaGenerator

from apps.marketplace.models import CapacityOffer, Order
from apps.membership.models import Enterprise
from apps.reference import coordinates
from apps.reference.models import Region
from tests.factories.membership import credit_code
from tests.factories.parks import ResourceFactory

from .conftest import capacity_body, order_body

OUT_OF_RANGE = {"latitude": ("91", "-90.5"), "longitude": ("500", "-180.00001")}


def coordinate_fields():
    return sorted(
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if coordinates.kind_of(field.name)
    )


def test_every_coordinate_field_of_every_model_is_built_from_the_one_definition():
    fields = coordinate_fields()
    assert ("marketplace.Order", "delivery_latitude") in fields and ("membership.Enterprise", "longitude") in fields
    for label, name in fields:
        model = apps.get_model(label)
        field, kind = model._meta.get_field(name), coordinates.kind_of(name)
        limit = coordinates.LIMITS[kind]
        bounds = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator | MaxValueValidator)]
        assert sorted(bounds) == [-limit, limit], (label, name)
        checks = [c for c in model._meta.constraints if c.name.endswith(f"_{name}_in_range")]
        assert checks, f"{label}.{name} has no check constraint"


def _schema_writes():
    """(method, path, field) for every API write whose body takes a coordinate."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
            found |= {(method.upper(), path, name) for name in properties if coordinates.kind_of(name)}
    return found


T = "/api/v1/clusters/{cluster_slug}/"
#: (method, path) -> (the caller, the URL, a valid body) for every API write that takes a coordinate
WRITES = {
    ("POST", T + "orders/"): lambda m, made: (m.buyer_owner, m.url("orders/"), order_body(m)),
    ("PATCH", T + "orders/{id}/"): lambda m, made: (m.buyer_owner, m.url(f"orders/{made['order']}/"), {}),
    ("POST", T + "capacities/"): lambda m, made: (m.supplier_owner, m.url("capacities/"), capacity_body(m.supplier)),
    ("PATCH", T + "capacities/{id}/"): lambda m, made: (
        m.supplier_owner,
        m.url(f"capacities/{made['capacity']}/"),
        {},
    ),
    ("POST", "/api/v1/enterprises/"): lambda m, made: (
        m.buyer_owner,
        "/api/v1/enterprises/",
        {
            "legal_name_zh": "坐标测试有限公司",
            "credit_code": credit_code(9901),
            "region_code": "330600",
            "region_name": "绍兴",
            "latitude": "30.00000",
            "longitude": "120.58000",
        },
    ),
    ("POST", T + "resources/"): lambda m, made: (
        m.admin,
        m.url("resources/"),
        {"kind": "office", "name_zh": "坐标测试办公室", "location": "柯桥", "capacity": 1},
    ),
    ("PATCH", T + "resources/{id}/"): lambda m, made: (m.admin, m.url(f"resources/{made['resource']}/"), {}),
    ("PATCH", "/api/v1/enterprises/{id}/"): lambda m, made: (m.buyer_owner, f"/api/v1/enterprises/{m.buyer.pk}/", {}),
}


def test_every_api_write_that_takes_a_coordinate_has_a_case():
    assert {(method, path) for method, path, _field in _schema_writes()} == set(WRITES)


@pytest.mark.django_db
def test_every_api_write_refuses_a_coordinate_out_of_range_naming_the_field(market, as_user):
    made = {
        "order": as_user(market.buyer_owner)
        .post(market.url("orders/"), order_body(market), format="json")
        .json()["id"],
        "capacity": as_user(market.supplier_owner)
        .post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        .json()["id"],
        "resource": ResourceFactory(cluster=market.cluster).pk,
    }
    checked = 0
    for method, path, field in sorted(_schema_writes()):
        user, url, body = WRITES[(method, path)](market, made)
        for value in OUT_OF_RANGE[coordinates.kind_of(field)]:
            response = getattr(as_user(user), method.lower())(url, {**body, field: value}, format="json")
            assert response.status_code == 400, (method, path, field, value, response.content)
            assert field in response.json()["errors"], (method, path, field, response.json())
            checked += 1
    assert checked >= 12
    # nothing out of range was written
    assert not Order.objects.filter(delivery_latitude__gt=90).exists()
    assert not CapacityOffer.objects.filter(longitude__gt=180).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_coordinate_out_of_range(market, as_user):
    as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
    rows = {
        "marketplace.Order": Order.objects.first(),
        "marketplace.CapacityOffer": CapacityOffer.objects.first(),
        "membership.Enterprise": Enterprise.objects.first(),
        "reference.Region": Region.objects.first(),
        "parks.Resource": ResourceFactory(cluster=market.cluster),
    }
    for label, name in coordinate_fields():
        row = rows[label]
        limit = coordinates.LIMITS[coordinates.kind_of(name)]
        for value in (limit + 1, -limit - 1):
            with pytest.raises(IntegrityError), transaction.atomic():
                type(row).objects.filter(pk=row.pk).update(**{name: value})
