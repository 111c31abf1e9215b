"""``Idempotency-Key`` on POSTs (apps/core/idempotency.py): a retry creates one order, not two."""

import datetime
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import IdempotencyKey
from apps.core.tasks import purge_idempotency_keys
from apps.marketplace.models import Order
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    cluster, owner = ClusterFactory(), UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    client = APIClient()
    client.force_login(owner)  # the middleware sees the caller as the API will
    return client, f"/api/v1/clusters/{cluster.slug}/orders/", enterprise


def order(enterprise, **overrides):
    return {
        "owner": enterprise.pk,
        "title": "2,000 cotton shirts",
        "capability": "weaving",
        "product_category": "woven shirting",
        "quantity": 2000,
        "unit": "m",
        "target_unit_price": "18.50",
        "currency": "CNY",
        "delivery_region_code": "330100",
        "delivery_latitude": "30.27000",
        "delivery_longitude": "120.15000",
        "need_by": str(timezone.localdate() + datetime.timedelta(days=60)),
        **overrides,
    }


def test_two_posts_with_one_key_create_one_order_and_answer_alike(buyer):
    client, url, enterprise = buyer
    key = str(uuid.uuid4())
    first = client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == second.status_code == 201, first.content
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.filter(owner=enterprise).count() == 1
    # without a key, or with another, a POST is a new order
    assert client.post(url, order(enterprise), format="json").status_code == 201
    assert client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="other-key").status_code == 201
    assert Order.objects.filter(owner=enterprise).count() == 3


def test_a_key_reused_with_another_body_or_path_is_a_422_naming_it(buyer):
    client, url, enterprise = buyer
    assert client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    reused = client.post(url, order(enterprise, quantity=5), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in reused.json()["errors"]
    elsewhere = client.post(url.replace("orders", "capacities"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert elsewhere.status_code == 422
    assert Order.objects.filter(owner=enterprise).count() == 1


def test_a_failed_request_keeps_no_answer_so_its_key_can_be_retried(buyer):
    client, url, enterprise = buyer
    refused = client.post(url, order(enterprise, quantity=0), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert refused.status_code == 400
    assert "quantity" in refused.json()["errors"]
    assert not IdempotencyKey.objects.exists()
    fixed = client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert fixed.status_code == 201


def test_keys_belong_to_their_user(buyer):
    client, url, enterprise = buyer
    assert client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
    stranger = APIClient()
    stranger.force_login(UserFactory())
    answer = stranger.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert answer.status_code in (403, 404)  # their own request ran: not a replay of the owner's order
    assert "Idempotent-Replayed" not in answer


def test_a_key_still_running_is_a_409(buyer):
    client, url, enterprise = buyer
    user_id = int(client.session["_auth_user_id"])
    import json

    from django.test import RequestFactory

    from apps.core.idempotency import fingerprint_of

    body = json.dumps(order(enterprise)).encode()
    probe = RequestFactory().post(url, body, content_type="application/json")
    IdempotencyKey.objects.create(
        user_id=user_id,
        key="busy",
        fingerprint=fingerprint_of(probe),
        method="POST",
        path=url,
        created_at=timezone.now(),
    )
    answer = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")
    assert answer.status_code == 409
    assert answer.json()["code"] == "idempotency_key_in_use"
    assert not Order.objects.exists()


def test_keys_expire_after_24_hours(buyer):
    client, url, enterprise = buyer
    assert client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Order.objects.filter(owner=enterprise).count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert purge_idempotency_keys() == 1
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "中文"])
def test_a_malformed_key_is_a_400_naming_the_header(buyer, key):
    client, url, enterprise = buyer
    answer = client.post(url, order(enterprise), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()["errors"]
    assert not Order.objects.exists()


def test_the_schema_documents_the_header_on_every_post(client):
    schema = client.get("/api/schema/?format=json").json()
    posts = [item["post"] for item in schema["paths"].values() if "post" in item]
    assert len(posts) > 30
    for operation in posts:
        names = {(parameter["in"], parameter["name"]) for parameter in operation.get("parameters", ())}
        assert ("header", "Idempotency-Key") in names, operation["operationId"]
        assert "422" in operation["responses"]
