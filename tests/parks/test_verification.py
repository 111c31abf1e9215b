"""On-site verification through the API: auditors, visits, findings, the level and how it lapses."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from apps.membership.services.enterprises import enterprise_update
from apps.parks.models import Visit
from tests.factories import UserFactory
from tests.factories.parks import AuditorFactory, VisitFactory

pytestmark = pytest.mark.django_db

ALL_OK = {
    item: {"ok": True} for item in ("licence", "site", "equipment", "capacity_claimed", "certifications_seen", "photos")
}


def schedule(client, park, enterprise, **extra):
    when = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    return client.post(
        park.url("verifications/"), {"enterprise": enterprise.pk, "scheduled_for": when, **extra}, format="json"
    )


def test_an_appointed_auditor_visits_and_grants_a_level_shown_in_the_directory(park, as_user):
    auditor = UserFactory()
    admin = as_user(park.admin)
    assert as_user(park.a_owner).post(park.url("auditors/"), {"email": auditor.email}, format="json").status_code == 403
    assert admin.post(park.url("auditors/"), {"email": auditor.email}, format="json").status_code == 201
    assert admin.post(park.url("auditors/"), {"email": auditor.email}, format="json").status_code == 409
    client = as_user(auditor)
    assert schedule(as_user(park.a_owner), park, park.a).status_code == 403  # a member schedules nothing
    visit = schedule(client, park, park.a)
    assert visit.status_code == 201, visit.content
    pk = visit.json()["id"]
    recorded = client.post(
        park.url(f"verifications/{pk}/record/"),
        {"findings": ALL_OK, "photos": [{"caption": "Loom hall"}], "level": "gold"},
        format="json",
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["level_in_force"] == "gold"
    assert (
        client.post(
            park.url(f"verifications/{pk}/record/"), {"findings": ALL_OK, "level": "gold"}, format="json"
        ).status_code
        == 409
    )
    directory = {
        row["enterprise"]["id"]: row["verification"]
        for row in as_user(park.b_owner).get(park.url("members/")).json()["results"]
    }
    assert directory == {park.a.pk: "gold", park.b.pk: "none"}
    # the member sees its own visit, not another's
    assert as_user(park.a_owner).get(park.url("verifications/")).json()["count"] == 1
    assert as_user(park.b_owner).get(park.url("verifications/")).json()["count"] == 0
    assert as_user(park.b_owner).get(park.url(f"verifications/{pk}/")).status_code == 404


def test_the_level_must_be_supported_by_the_findings(park, as_user):
    pk = schedule(as_user(park.admin), park, park.a).json()["id"]
    response = as_user(park.admin).post(
        park.url(f"verifications/{pk}/record/"),
        {"findings": {"licence": {"ok": True}, "site": {"ok": False, "note": "No one there"}}, "level": "verified"},
        format="json",
    )
    assert response.status_code == 400 and "level" in response.json()["errors"]
    bad_item = as_user(park.admin).post(
        park.url(f"verifications/{pk}/record/"), {"findings": {"roof": {"ok": True}}, "level": "basic"}, format="json"
    )
    assert bad_item.status_code == 400 and "findings" in bad_item.json()["errors"]
    past = as_user(park.admin).post(
        park.url(f"verifications/{pk}/record/"),
        {"findings": ALL_OK, "level": "basic", "expires_at": (timezone.now() - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert past.status_code == 400 and "expires_at" in past.json()["errors"]
    assert Visit.objects.get(pk=pk).status == "scheduled"


def test_visits_are_to_active_members_only(park, as_user):
    from tests.factories.membership import EnterpriseFactory

    response = schedule(as_user(park.admin), park, EnterpriseFactory())
    assert response.status_code == 400 and "enterprise" in response.json()["errors"]


def granted(park, enterprise, level="verified", **extra):
    return VisitFactory(
        cluster=park.cluster,
        enterprise=enterprise,
        status="completed",
        level=level,
        findings=ALL_OK,
        granted_at=timezone.now(),
        expires_at=extra.pop("expires_at", timezone.now() + datetime.timedelta(days=100)),
        **extra,
    )


def levels(as_user, park):
    rows = as_user(park.admin).get(park.url("members/")).json()["results"]
    return {row["enterprise"]["id"]: row["verification"] for row in rows}


def test_a_level_lapses_when_its_expiry_passes(park, as_user):
    granted(park, park.a, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    granted(park, park.b, level="basic")
    assert levels(as_user, park) == {park.a.pk: "none", park.b.pk: "basic"}


def test_a_change_of_the_verified_identity_withdraws_the_level(park, as_user):
    visit = granted(park, park.a, level="gold")
    enterprise_update(actor=park.a_owner, enterprise=park.a, description="New description")
    assert levels(as_user, park)[park.a.pk] == "gold"  # not the identity
    enterprise_update(actor=park.a_owner, enterprise=park.a, legal_name_zh="改名后的纺织有限公司")
    visit.refresh_from_db()
    assert visit.withdrawn_reason == "identity_changed" and visit.withdrawn_at is not None
    assert levels(as_user, park)[park.a.pk] == "none"


def test_the_level_shows_on_the_profile_and_the_directory_page(park):
    granted(park, park.a, level="gold")
    client = Client()
    client.force_login(park.b_owner)
    directory = client.get(f"/clusters/{park.cluster.slug}/members/").content.decode()
    assert directory.count('data-testid="verification-level"') == 1 and "Gold" in directory
    profile = client.get(f"/enterprises/{park.a.pk}/").content.decode()
    assert 'data-testid="verification-level"' in profile and "Gold" in profile


def test_an_auditor_holds_the_role_only_while_appointed(park, as_user):
    auditor = AuditorFactory(cluster=park.cluster)
    client = as_user(auditor.user)
    assert client.get(park.url("verifications/")).status_code == 200
    assert as_user(park.admin).delete(park.url(f"auditors/{auditor.pk}/")).status_code == 204
    assert client.get(park.url("verifications/")).status_code in (403, 404)
