"""The verified badge belongs to the identity that was verified (issue 13, item 11).

``Enterprise.IDENTITY_FIELDS`` is the one list of that identity. Each of its fields, changed
through the API and through the page form, withdraws the badge: audited in every cluster the
enterprise belongs to (the member's history), and the owner is notified. Other profile edits
keep it. A new model field fails ``test_every_enterprise_field_is_classified`` until someone
decides whether it is identity.
"""

import pytest
from django.urls import reverse

from apps.membership.models import AuditEvent, Enterprise, Membership
from apps.membership.services.enterprises import PROFILE_FIELDS
from apps.notifications.models import Notification
from apps.reference.models import Region
from tests.factories.membership import MembershipFactory, credit_code

pytestmark = pytest.mark.django_db

#: Profile fields that are not the verified identity (a new field must be put here or in IDENTITY_FIELDS).
NOT_IDENTITY = {
    "latitude",  # the exact point, not the registered address (the city is region_code / region_name)
    "longitude",
    "industry_codes",
    "capabilities",
    "size_band",
    "description",
    "website",
}
#: Not edited by the enterprise at all.
MANAGED = {"id", "created_at", "updated_at", "verified", "created_by"}

#: A new value for each identity field, through the API.
API_CHANGES = {
    "legal_name_zh": "绍兴新华纺织有限公司",
    "legal_name_en": "Shaoxing Xinhua Textiles",
    "credit_code": credit_code(424242),
    "region_code": "320500",
    "region_name": "Suzhou",
}
#: The page form's way of changing each identity field (the city sets region_code and region_name together).
FORM_CHANGES = {
    "legal_name_zh": {"legal_name_zh": "绍兴新华纺织有限公司"},
    "legal_name_en": {"legal_name_en": "Shaoxing Xinhua Textiles"},
    "credit_code": {"credit_code": credit_code(424243)},
    "region_code": {"region": "320500"},
    "region_name": {"region": "320500"},
}


def test_every_enterprise_field_is_classified():
    fields = {f.name for f in Enterprise._meta.get_fields() if f.concrete or f.many_to_many}
    identity = set(Enterprise.IDENTITY_FIELDS)
    assert not identity & NOT_IDENTITY
    assert fields - MANAGED == identity | NOT_IDENTITY, "classify the new field: identity or not"
    assert identity <= set(PROFILE_FIELDS)  # the service edits them all
    assert set(API_CHANGES) == identity and set(FORM_CHANGES) == identity


def verified(world):
    Enterprise.objects.filter(pk=world.member.pk).update(verified=True)
    world.member.refresh_from_db()


def assert_withdrawn(world, field, *, memberships):
    world.member.refresh_from_db()
    assert world.member.verified is False, field
    events = AuditEvent.objects.filter(action="enterprise.verification_withdrawn", enterprise=world.member)
    assert {e.membership_id for e in events} == {m.pk for m in memberships}, field
    for event in events:
        assert event.actor == world.owner
        assert field in event.after and event.after["verified"] is False and event.before["verified"] is True
    notice = Notification.objects.get(user=world.owner, kind="membership.verification_withdrawn")
    assert "no longer shown as verified" in notice.rendered_title
    assert notice.link == reverse("enterprise-detail", args=[world.member.pk])


@pytest.mark.parametrize("field", Enterprise.IDENTITY_FIELDS)
def test_changing_an_identity_field_through_the_api_withdraws_the_badge(as_user, world, field):
    second = MembershipFactory(cluster=world.other_cluster, enterprise=world.member, status="pending", joined_at=None)
    verified(world)
    response = as_user(world.owner).patch(f"/api/v1/enterprises/{world.member.pk}/", {field: API_CHANGES[field]})
    assert response.status_code == 200, response.content
    assert response.json()["verified"] is False
    assert_withdrawn(world, field, memberships=[world.membership, second])
    # the withdrawal shows in the member's history in the cluster (API and page)
    trail = (
        as_user(world.admin)
        .get(f"/api/v1/clusters/{world.cluster.slug}/audit-events/?enterprise={world.member.pk}")
        .json()["results"]
    )
    assert "enterprise.verification_withdrawn" in {e["action"] for e in trail}


@pytest.mark.parametrize("field", Enterprise.IDENTITY_FIELDS)
def test_changing_an_identity_field_through_the_page_withdraws_the_badge(client, world, field):
    verified(world)
    region = Region.objects.get(code=world.member.region_code)
    data = {
        "legal_name_zh": world.member.legal_name_zh,
        "legal_name_en": world.member.legal_name_en,
        "credit_code": world.member.credit_code,
        "region": region.code,
        "latitude": str(world.member.latitude),
        "longitude": str(world.member.longitude),
        "size_band": world.member.size_band,
        "description": world.member.description,
        "website": "",
        **FORM_CHANGES[field],
    }
    client.force_login(world.owner)
    response = client.post(reverse("enterprise-edit", args=[world.member.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert_withdrawn(world, field, memberships=[world.membership])
    client.force_login(world.admin)
    history = client.get(
        reverse("member-history", args=[world.cluster.slug, world.membership.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Verification withdrawn: identity changed" in history.content.decode()


def test_other_edits_and_unchanged_identity_keep_the_badge(as_user, world):
    verified(world)
    url = f"/api/v1/enterprises/{world.member.pk}/"
    same = {name: getattr(world.member, name) for name in Enterprise.IDENTITY_FIELDS}
    for body in (
        {"description": "New looms", "website": "https://example.cn", "size_band": "medium"},
        {"latitude": "30.10000", "longitude": "120.60000", "capabilities": ["weaving"]},
        same,  # the same identity sent again
        {"credit_code": world.member.credit_code.lower()},  # the same code, written differently
    ):
        assert as_user(world.owner).patch(url, body, format="json").status_code == 200, body
    world.member.refresh_from_db()
    assert world.member.verified is True
    assert not AuditEvent.objects.filter(action="enterprise.verification_withdrawn").exists()
    assert not Notification.objects.filter(kind="membership.verification_withdrawn").exists()


def test_an_unverified_enterprise_records_no_withdrawal(as_user, world):
    response = as_user(world.owner).patch(f"/api/v1/enterprises/{world.member.pk}/", {"legal_name_en": "Renamed"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="enterprise.verification_withdrawn").exists()
    assert Membership.objects.get(pk=world.membership.pk).status == "active"
