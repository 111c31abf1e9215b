"""A resource's capacity unit and currency are codes, shown in the reader's language: an administrator
who writes in Chinese and a member who reads in English see the same resource each in their own words."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.test import Client

from apps.core.errors import DomainError
from apps.parks.models import Resource
from apps.parks.services.resources import resource_update
from tests.factories.parks import ResourceFactory

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "showroom",
    "name_zh": "展厅",
    "location": "Hall 3",
    "capacity": 12,
    "bookable_by": "members",
    "price": "50.00",
    "price_unit": "hour",
    "currency": "CNY",
    "active": "on",
    "mon_open": "09:00",
    "mon_close": "17:00",
}


def reader(user, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_a_unit_chosen_in_chinese_reads_in_english_to_an_english_reader(park):
    admin = reader(park.admin, "zh-hans")
    new = f"/clusters/{park.cluster.slug}/resources/new/"
    assert 'value="booths"' in admin.get(new).content.decode()  # the choice is offered as a code
    assert admin.post(new, {**BODY, "capacity_unit": "booths"}).status_code == 302
    showroom = Resource.objects.get(name_zh="展厅")
    assert showroom.capacity_unit == "booths"
    detail = f"/clusters/{park.cluster.slug}/resources/{showroom.pk}/"
    assert "12 个展位" in reader(park.a_owner, "zh-hans").get(detail).content.decode()
    english = reader(park.a_owner, "en").get(detail).content.decode()
    assert "12 booths" in english and "个展位" not in english


def test_the_default_unit_reads_in_the_readers_language(park, as_user):
    answer = as_user(park.admin).post(
        park.url("resources/"),
        {"kind": "equipment", "name_zh": "注塑机", "location": "B", "capacity": 3},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["capacity_unit"] == "units" and answer.json()["currency"] == "CNY"
    listing = f"/clusters/{park.cluster.slug}/resources/"
    assert "容量 3 个" in reader(park.a_owner, "zh-hans").get(listing).content.decode()
    assert "Capacity 3 units" in reader(park.a_owner, "en").get(listing).content.decode()


@pytest.mark.parametrize(("field", "value"), [("capacity_unit", "racks"), ("currency", "XYZ")])
def test_a_unit_or_currency_not_offered_is_a_400_naming_the_field(park, as_user, field, value):
    api = as_user(park.admin)
    created = api.post(park.url("resources/"), {"kind": "office", "name_zh": "办公室", "location": "C", field: value})
    assert created.status_code == 400 and field in created.json()["errors"], created.content
    updated = api.patch(park.url(f"resources/{park.lab.pk}/"), {field: value}, format="json")
    assert updated.status_code == 400 and field in updated.json()["errors"], updated.content
    page = reader(park.admin, "en").post(f"/clusters/{park.cluster.slug}/resources/new/", {**BODY, field: value})
    assert page.status_code == 400 and not Resource.objects.filter(name_zh="展厅").exists()
    with pytest.raises(DomainError) as refused:
        resource_update(actor=park.admin, cluster=park.cluster, resource_id=park.lab.pk, **{field: value})
    assert refused.value.field == field
    park.lab.refresh_from_db()
    assert (park.lab.capacity_unit, park.lab.currency) == ("units", "CNY")


def test_the_migration_turns_the_stored_words_into_codes_and_keeps_unknown_words(park):
    migration = importlib.import_module("apps.parks.migrations.0006_capacity_units_from_free_text")
    written = {"Units": "units", "托盘": "pallets", " Square  metres ": "m2", "车次": "truckloads", "seats": "seats"}
    rows = {text: ResourceFactory(cluster=park.cluster, capacity_unit=text) for text in written}
    racks = ResourceFactory(cluster=park.cluster, capacity=12, capacity_unit="racks", description="Cold store.")
    blank = ResourceFactory(cluster=park.cluster, capacity_unit="", description="")
    lower = ResourceFactory(cluster=park.cluster, currency="usd")
    migration.forwards(global_apps, None)
    assert {text: Resource.objects.get(pk=row.pk).capacity_unit for text, row in rows.items()} == written
    racks.refresh_from_db()
    assert racks.capacity_unit == "units" and racks.description == "Cold store.\n\n[12 racks]"
    blank.refresh_from_db()
    assert (blank.capacity_unit, blank.description) == ("units", "")
    lower.refresh_from_db()
    assert lower.currency == "USD"
    migration.forwards(global_apps, None)  # a rerun changes nothing
    racks.refresh_from_db()
    assert racks.description == "Cold store.\n\n[12 racks]"
