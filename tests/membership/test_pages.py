"""The membership pages, through the Django test client: each page's journey and its refusals.

Uses the ``world`` of tests/membership/conftest.py: ``cluster`` with its ``admin``, an active
``member`` (owner ``owner``, staff ``staff_person``), an active ``peer``, a pending
``application`` of ``applicant``, and ``foreign``, a member of ``other_cluster`` only.
"""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.marketplace.models import Match, Order
from apps.marketplace.services.listings import listing_create
from apps.membership.models import AuditEvent, Enterprise, EnterpriseMember, Invitation, Membership, Report
from apps.membership.services.people import invitation_from_token, invitation_token
from apps.notifications.models import Notification
from apps.notifications.services import notify_users
from apps.reference.models import CertificationScheme, Region
from tests.factories import UserFactory
from tests.factories.membership import (
    CertificationFactory,
    EnterpriseFactory,
    InvitationFactory,
    MembershipFactory,
    PersonFactory,
    ReportFactory,
    credit_code,
)
from tests.marketplace.conftest import capacity_fields, order_fields

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def as_(client):
    """``as_(user)``: the Django test client signed in as ``user`` (anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def field_errors(response, form="form") -> dict:
    return response.context[form].errors


# --- My enterprises, registration ---------------------------------------------------------------


def test_my_enterprises_lists_each_with_my_role(as_, world):
    PersonFactory(enterprise=world.peer, user=world.owner, role="admin")
    response = as_(world.owner).get(reverse("enterprise-list"), **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Shaoxing Huafang Weaving" in page and "Suzhou Precision Machinery" in page
    assert "Owner" in page and "Administrator" in page
    assert "Huzhou Silk" not in page
    assert reverse("enterprise-create") in page


def test_my_enterprises_needs_a_login(as_):
    response = as_(None).get(reverse("enterprise-list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def registration(**overrides) -> dict:
    data = {
        "legal_name_zh": "宁波新材料有限公司",
        "legal_name_en": "Ningbo New Materials",
        "credit_code": credit_code(777, prefix="91330200"),
        "region": "330200",
        "latitude": "",
        "longitude": "",
        "capabilities": ["cnc-machining", "weaving"],
        "industry_codes": ["17", "33"],
        "size_band": "medium",
        "description": "Composite fabrics.",
        "website": "https://nbnm.example.cn",
    }
    data.update(overrides)
    return data


def test_register_an_enterprise(as_, user):
    response = as_(user).post(reverse("enterprise-create"), registration(), **EN)
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302 and response.url == reverse("enterprise-detail", args=[enterprise.pk])
    region = Region.objects.get(code="330200")
    assert (enterprise.region_code, enterprise.latitude, enterprise.longitude) == (
        "330200",
        region.latitude,
        region.longitude,
    )
    assert region.name_zh in enterprise.region_name and region.name_en in enterprise.region_name
    assert {c.code for c in enterprise.capabilities.all()} == {"cnc-machining", "weaving"}
    assert {c.code for c in enterprise.industry_codes.all()} == {"17", "33"}
    assert EnterpriseMember.objects.get(enterprise=enterprise).user == user
    assert EnterpriseMember.objects.get(enterprise=enterprise).role == "owner"


def test_register_keeps_typed_coordinates_and_normalizes_the_code(as_, user):
    code = credit_code(778, prefix="91330200")
    as_(user).post(
        reverse("enterprise-create"),
        registration(credit_code=f" {code[:9].lower()} {code[9:]} ", latitude="29.87654", longitude="121.54321"),
    )
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == code
    assert (str(enterprise.latitude), str(enterprise.longitude)) == ("29.87654", "121.54321")


def test_register_form_page_offers_grouped_capabilities_and_cities(as_, user):
    page = text(as_(user).get(reverse("enterprise-create"), **EN))
    assert 'name="credit_code"' in page and 'name="region"' in page
    assert "Machining" in page and 'value="cnc-machining"' in page
    assert '<optgroup label="Zhejiang">' in page and 'value="330600"' in page
    assert 'value="13"' in page  # a manufacturing division; not section A
    assert 'value="01"' not in page


def test_a_wrong_check_character_is_an_error_on_the_credit_code(as_, user):
    good = credit_code(779, prefix="91330200")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = as_(user).post(reverse("enterprise-create"), registration(credit_code=bad), **EN)
    assert response.status_code == 200
    errors = field_errors(response)
    assert list(errors) == ["credit_code"]
    assert "check character" in errors["credit_code"][0]
    assert "check character" in text(response)
    assert not Enterprise.objects.exists()


def test_a_registered_credit_code_comes_back_from_the_service_onto_the_field(as_, user):
    existing = EnterpriseFactory()
    response = as_(user).post(reverse("enterprise-create"), registration(credit_code=existing.credit_code), **EN)
    assert response.status_code == 200
    assert list(field_errors(response)) == ["credit_code"]
    assert Enterprise.objects.count() == 1


def test_missing_region_and_name_are_field_errors(as_, user):
    response = as_(user).post(reverse("enterprise-create"), registration(region="", legal_name_zh=""), **EN)
    assert set(field_errors(response)) == {"region", "legal_name_zh"}


# --- Enterprise page, certifications, memberships -----------------------------------------------


def test_outsiders_see_the_public_profile_and_its_people_the_full_one(as_, world):
    CertificationFactory(enterprise=world.member, number="SECRET-NUMBER-1")
    CertificationFactory(
        enterprise=world.member,
        scheme=CertificationScheme.objects.get(code="iatf16949"),
        number="OLD-NUMBER",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    url = reverse("enterprise-detail", args=[world.member.pk])
    public = text(as_(world.outsider).get(url, **EN))
    assert "Shaoxing Huafang Weaving" in public and "ISO 9001" in public
    assert "SECRET-NUMBER-1" not in public and "IATF" not in public and "30.00000" not in public
    assert world.cluster.name_en not in public  # memberships are for its people
    assert reverse("enterprise-edit", args=[world.member.pk]) not in public
    full = text(as_(world.owner).get(url, **EN))
    assert "SECRET-NUMBER-1" in full and "Expired" in full and "30.00000" in full
    assert world.cluster.name_en in full
    assert reverse("membership-leave", args=[world.member.pk, world.membership.pk]) in full
    staff = text(as_(world.staff_person).get(url, **EN))
    assert "SECRET-NUMBER-1" in staff
    assert reverse("membership-leave", args=[world.member.pk, world.membership.pk]) not in staff
    assert as_(None).get(url).status_code == 302
    assert as_(world.owner).get(reverse("enterprise-detail", args=[999999])).status_code == 404


def test_owner_adds_and_removes_a_certification(as_, world):
    url = reverse("enterprise-detail", args=[world.member.pk])
    valid_until = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    body = {"scheme": "iso14001", "number": "EMS-1", "issuer": "CQC", "valid_until": valid_until}
    response = as_(world.owner).post(url, body, **EN)
    assert response.status_code == 302
    certification = world.member.certifications.get()
    assert (certification.scheme_id, certification.number) == ("iso14001", "EMS-1")

    again = as_(world.owner).post(url, body, **EN)  # the service refuses a duplicate: on the number field
    assert again.status_code == 200
    assert list(field_errors(again, "certification_form")) == ["number"]

    remove = reverse("certification-remove", args=[world.member.pk, certification.pk])
    assert as_(world.staff_person).post(remove).status_code == 403
    assert as_(world.outsider).post(remove).status_code == 404
    assert world.member.certifications.exists()
    response = as_(world.owner).post(remove, **EN)
    assert response.status_code == 302
    assert not world.member.certifications.exists()


def test_an_expired_certification_is_an_error_on_valid_until(as_, world):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = as_(world.owner).post(
        reverse("enterprise-detail", args=[world.member.pk]),
        {"scheme": "iso9001", "number": "Q-1", "issuer": "CQC", "valid_until": yesterday},
        **EN,
    )
    assert response.status_code == 200
    assert list(field_errors(response, "certification_form")) == ["valid_until"]
    assert "already expired" in text(response)


def test_staff_and_outsiders_cannot_add_certifications(as_, world):
    url = reverse("enterprise-detail", args=[world.member.pk])
    body = {"scheme": "iso9001", "number": "Q-1", "issuer": "CQC", "valid_until": "2099-01-01"}
    assert as_(world.staff_person).post(url, body).status_code == 403
    assert as_(world.outsider).post(url, body).status_code == 403
    assert not world.member.certifications.exists()


def test_owner_leaves_a_cluster_from_the_enterprise_page(as_, world):
    url = reverse("membership-leave", args=[world.member.pk, world.membership.pk])
    assert as_(world.staff_person).post(url).status_code == 403
    assert as_(world.outsider).post(url).status_code == 404
    # a membership of another enterprise is not reachable through this one
    assert (
        as_(world.owner).post(reverse("membership-leave", args=[world.member.pk, world.peer_membership.pk])).status_code
        == 404
    )
    response = as_(world.owner).post(url, {"reason": "Moving to another park"}, follow=True, **EN)
    world.membership.refresh_from_db()
    assert (world.membership.status, world.membership.reason) == ("left", "Moving to another park")
    assert any("left" in m for m in messages_of(response))
    again = as_(world.owner).post(url, follow=True, **EN)  # a second click: a message, not a 500
    assert again.status_code == 200
    assert any("Cannot leave" in m for m in messages_of(again))


def test_edit_the_profile(as_, world):
    url = reverse("enterprise-edit", args=[world.member.pk])
    form = as_(world.owner).get(url, **EN)
    assert form.status_code == 200
    assert form.context["form"]["credit_code"].value() == world.member.credit_code
    data = registration(
        legal_name_zh=world.member.legal_name_zh,
        credit_code=world.member.credit_code,
        region="330600",
        latitude="30.00000",
        longitude="120.58000",
        description="Now also digital printing.",
    )
    response = as_(world.owner).post(url, data, **EN)
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.description == "Now also digital printing."
    assert {c.code for c in world.member.capabilities.all()} == {"cnc-machining", "weaving"}

    # another city with the coordinates left as they were: the new city's centre
    response = as_(world.owner).post(url, {**data, "region": "320500"}, **EN)
    world.member.refresh_from_db()
    suzhou = Region.objects.get(code="320500")
    assert (world.member.region_code, world.member.latitude) == ("320500", suzhou.latitude)


def test_edit_keeps_a_region_the_city_list_does_not_hold(as_, world):
    Enterprise.objects.filter(pk=world.member.pk).update(region_code="330681", region_name="诸暨市")
    url = reverse("enterprise-edit", args=[world.member.pk])
    page = text(as_(world.owner).get(url, **EN))
    assert "Keep 诸暨市" in page
    data = registration(legal_name_zh=world.member.legal_name_zh, credit_code=world.member.credit_code, region="")
    assert as_(world.owner).post(url, data).status_code == 302
    world.member.refresh_from_db()
    assert (world.member.region_code, world.member.region_name, str(world.member.latitude)) == (
        "330681",
        "诸暨市",
        "30.00000",
    )


def test_only_owners_and_administrators_edit(as_, world):
    url = reverse("enterprise-edit", args=[world.member.pk])
    assert as_(world.staff_person).get(url).status_code == 403
    assert as_(world.outsider).get(url).status_code == 403
    assert as_(world.admin).post(url, registration()).status_code == 403
    assert as_(world.owner).get(reverse("enterprise-edit", args=[999999])).status_code == 404


# --- People and invitations ---------------------------------------------------------------------


def people_url(world):
    return reverse("enterprise-people", args=[world.member.pk])


def test_people_page_is_for_the_enterprises_people_only(as_, world):
    page = text(as_(world.staff_person).get(people_url(world), **EN))
    assert world.owner.email in page and world.staff_person.email in page
    assert 'name="email"' not in page  # staff cannot invite
    assert "Leave the enterprise" in page
    assert as_(world.outsider).get(people_url(world)).status_code == 404
    assert as_(world.admin).get(people_url(world)).status_code == 404


def test_owner_invites_and_revokes(as_, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(world.owner).post(people_url(world), {"email": "New.Hire@Firm.cn", "role": "admin"}, **EN)
    assert response.status_code == 302
    invitation = Invitation.objects.get(enterprise=world.member)
    assert (invitation.email, invitation.role) == ("new.hire@firm.cn", "admin")
    assert mail.outbox[-1].to == ["new.hire@firm.cn"]
    # the link in the e-mail carries a signed token (with its own timestamp) naming this invitation
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body).group(1)
    assert invitation_from_token(token).pk == invitation.pk
    page = text(as_(world.owner).get(people_url(world), **EN))
    assert "new.hire@firm.cn" in page

    duplicate = as_(world.owner).post(people_url(world), {"email": "new.hire@firm.cn", "role": "staff"}, **EN)
    assert duplicate.status_code == 200
    assert list(field_errors(duplicate, "invite_form")) == ["email"]
    member_again = as_(world.owner).post(people_url(world), {"email": world.staff_person.email, "role": "staff"})
    assert list(field_errors(member_again, "invite_form")) == ["email"]

    revoke = reverse("invitation-revoke", args=[world.member.pk, invitation.pk])
    assert as_(world.staff_person).post(revoke).status_code == 403
    assert as_(world.owner).post(revoke).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_staff_cannot_invite(as_, world):
    assert as_(world.staff_person).post(people_url(world), {"email": "x@firm.cn", "role": "staff"}).status_code == 403
    assert not Invitation.objects.exists()


def test_change_role_remove_and_leave(as_, world):
    role_url = reverse("person-role", args=[world.member.pk, world.staff_person.pk])
    as_(world.owner).post(role_url, {"role": "admin"})
    assert EnterpriseMember.objects.get(enterprise=world.member, user=world.staff_person).role == "admin"
    # nobody becomes owner through a role change, and the owner's role does not change here
    owner_role = reverse("person-role", args=[world.member.pk, world.owner.pk])
    response = as_(world.staff_person).post(owner_role, {"role": "staff"}, follow=True, **EN)
    assert any("transferring ownership" in m for m in messages_of(response))
    assert EnterpriseMember.objects.get(enterprise=world.member, user=world.owner).role == "owner"

    colleague = PersonFactory(enterprise=world.member).user
    remove = reverse("person-remove", args=[world.member.pk, colleague.pk])
    assert as_(world.outsider).post(remove).status_code == 404
    assert as_(world.owner).post(remove).status_code == 302
    assert not EnterpriseMember.objects.filter(enterprise=world.member, user=colleague).exists()

    leave = reverse("person-remove", args=[world.member.pk, world.staff_person.pk])
    response = as_(world.staff_person).post(leave)
    assert response.status_code == 302 and response.url == reverse("enterprise-list")
    assert not EnterpriseMember.objects.filter(enterprise=world.member, user=world.staff_person).exists()

    owner_leaves = as_(world.owner).post(
        reverse("person-remove", args=[world.member.pk, world.owner.pk]), follow=True, **EN
    )
    assert any("transfer ownership first" in m for m in messages_of(owner_leaves))


def test_owner_transfers_ownership(as_, world):
    url = reverse("ownership-transfer", args=[world.member.pk])
    page = text(as_(world.owner).get(people_url(world), **EN))
    assert url in page
    assert as_(world.staff_person).post(url, {"user": world.staff_person.pk}).status_code == 403
    response = as_(world.owner).post(url, {"user": world.staff_person.pk}, follow=True, **EN)
    assert response.status_code == 200
    roles = dict(EnterpriseMember.objects.filter(enterprise=world.member).values_list("user_id", "role"))
    assert roles == {world.staff_person.pk: "owner", world.owner.pk: "admin"}
    # someone outside the enterprise cannot be chosen
    response = as_(world.staff_person).post(url, {"user": world.outsider.pk}, follow=True, **EN)
    assert any("Choose the new owner" in m for m in messages_of(response))


def invitation_for(world, email="newcomer@firm.cn", role="staff"):
    return InvitationFactory(
        enterprise=world.member,
        email=email,
        role=role,
        invited_by=world.owner,
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )


def test_accept_an_invitation(as_, world):
    invitation = invitation_for(world)
    url = reverse("invitation-accept", args=[invitation_token(invitation)])
    anonymous = as_(None).get(url, **EN)
    assert anonymous.status_code == 200
    assert "Shaoxing Huafang Weaving" in text(anonymous) and "Staff" in text(anonymous)
    assert as_(None).post(url).status_code == 302  # to the login page

    newcomer = UserFactory(email="newcomer@firm.cn")
    response = as_(newcomer).post(url)
    assert response.status_code == 302 and response.url == reverse("enterprise-detail", args=[world.member.pk])
    assert EnterpriseMember.objects.get(enterprise=world.member, user=newcomer).role == "staff"

    used = as_(newcomer).get(url, **EN)
    assert used.status_code == 409
    assert "already accepted" in text(used)


def test_an_invitation_for_someone_else_says_so(as_, world):
    invitation = invitation_for(world)
    url = reverse("invitation-accept", args=[invitation_token(invitation)])
    page = as_(world.outsider).get(url, **EN)
    assert page.status_code == 200 and "newcomer@firm.cn" in text(page) and world.outsider.email in text(page)
    response = as_(world.outsider).post(url, **EN)
    assert response.status_code == 403
    assert "sign in with that address" in text(response)
    assert not EnterpriseMember.objects.filter(user=world.outsider).exists()


def test_expired_and_forged_invitations(as_, world):
    invitation = invitation_for(world)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    expired = as_(None).get(reverse("invitation-accept", args=[invitation_token(invitation)]), **EN)
    assert expired.status_code == 400 and "expired" in text(expired)
    forged = as_(world.outsider).post(reverse("invitation-accept", args=["not-a-token"]), **EN)
    assert forged.status_code == 400 and "not valid" in text(forged)


# --- Applying to a cluster ----------------------------------------------------------------------


def test_cluster_page_offers_apply_and_the_administrators_links(as_, world):
    url = reverse("cluster-detail", args=[world.cluster.slug])
    apply_url = reverse("cluster-apply", args=[world.cluster.slug])
    assert apply_url not in text(as_(None).get(url))
    outsider = text(as_(world.outsider).get(url, **EN))
    assert apply_url in outsider and reverse("moderation-queue", args=[world.cluster.slug]) not in outsider
    admin = text(as_(world.admin).get(url, **EN))
    for name in ("moderation-queue", "member-directory", "cluster-reports"):
        assert reverse(name, args=[world.cluster.slug]) in admin
    member = text(as_(world.owner).get(url, **EN))
    assert apply_url not in member and reverse("member-directory", args=[world.cluster.slug]) in member
    assert reverse("moderation-queue", args=[world.cluster.slug]) not in member
    other_admin = text(as_(world.other_admin).get(url, **EN))
    assert reverse("moderation-queue", args=[world.cluster.slug]) not in other_admin
    staff = text(as_(world.platform_staff).get(url, **EN))
    assert reverse("moderation-queue", args=[world.cluster.slug]) in staff


def test_apply_to_join(as_, world):
    url = reverse("cluster-apply", args=[world.cluster.slug])
    form = as_(world.foreign_owner).get(url, **EN)
    assert [label for _value, label in form.context["form"].fields["enterprise"].choices] == [world.foreign.name]
    response = as_(world.foreign_owner).post(url, {"enterprise": world.foreign.pk, "note": "Moulds for textiles"})
    assert response.status_code == 302 and response.url == reverse("cluster-detail", args=[world.cluster.slug])
    membership = Membership.objects.get(cluster=world.cluster, enterprise=world.foreign)
    assert (membership.status, membership.note, membership.applied_by) == (
        "pending",
        "Moulds for textiles",
        world.foreign_owner,
    )
    assert Notification.objects.filter(user=world.admin, kind="membership.application").exists()


def test_applying_twice_is_an_error_on_the_enterprise_field(as_, world):
    response = as_(world.owner).post(
        reverse("cluster-apply", args=[world.cluster.slug]), {"enterprise": world.member.pk}, **EN
    )
    assert response.status_code == 200
    assert list(field_errors(response)) == ["enterprise"]
    assert "already has a membership here, which is active" in text(response)


def test_only_owners_and_administrators_apply_for_their_enterprise(as_, world):
    url = reverse("cluster-apply", args=[world.other_cluster.slug])
    staff_page = as_(world.staff_person).get(url, **EN)
    assert staff_page.context["form"].fields["enterprise"].choices == []
    assert reverse("enterprise-create") in text(staff_page)
    response = as_(world.staff_person).post(url, {"enterprise": world.member.pk})
    assert response.status_code == 200 and list(field_errors(response)) == ["enterprise"]
    # someone else's enterprise is not a valid choice either
    response = as_(world.outsider).post(url, {"enterprise": world.member.pk})
    assert list(field_errors(response)) == ["enterprise"]
    assert not Membership.objects.filter(cluster=world.other_cluster, enterprise=world.member).exists()
    assert as_(world.owner).get(reverse("cluster-apply", args=["no-such-cluster"])).status_code == 404


# --- Moderation queue ---------------------------------------------------------------------------


def queue_url(world, query=""):
    return reverse("moderation-queue", args=[world.cluster.slug]) + query


def test_moderation_queue_shows_pending_applications(as_, world):
    ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.applicant)
    response = as_(world.admin).get(queue_url(world), **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Huzhou Silk" in page and "请审核" in page and "1 open report" in page
    assert "Shaoxing Huafang Weaving" not in page  # active: another tab
    assert "Foreign" not in page and "Dongguan" not in page
    assert 'form="bulk-approve"' in page
    for action in ("approve", "reject"):
        assert f'value="{action}"' in page
    assert 'value="suspend"' not in page

    active = text(as_(world.admin).get(queue_url(world, "?status=active"), **EN))
    assert (
        "Shaoxing Huafang Weaving" in active and "Suzhou Precision Machinery" in active and "Huzhou Silk" not in active
    )
    assert 'value="suspend"' in active and 'value="expel"' in active and 'value="approve"' not in active
    everything = text(as_(world.admin).get(queue_url(world, "?status=all&q=silk"), **EN))
    assert "Huzhou Silk" in everything and "Shaoxing Huafang Weaving" not in everything
    assert as_(world.platform_staff).get(queue_url(world)).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "owner", "staff_person", "applicant_owner", "other_admin"])
def test_moderation_queue_refuses_everyone_but_the_administrators(as_, world, who):
    response = as_(getattr(world, who)).get(queue_url(world), **EN)
    assert response.status_code == 403
    assert "Huzhou Silk" not in text(response) and "请审核" not in text(response)


def test_moderation_queue_needs_a_login(as_, world):
    assert as_(None).get(queue_url(world)).status_code == 302


def test_moderation_queue_paginates_by_25(as_, world):
    for _ in range(26):
        MembershipFactory(cluster=world.cluster, status="pending", joined_at=None)
    first = as_(world.admin).get(queue_url(world), **EN)
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in text(first)
    assert len(as_(world.admin).get(queue_url(world, "?page=2")).context["page"].object_list) == 2


def decide_url(world, membership):
    return reverse("membership-decide", args=[world.cluster.slug, membership.pk])


def test_approve_an_application(as_, world):
    response = as_(world.admin).post(
        decide_url(world, world.application), {"action": "approve", "next": queue_url(world, "?status=pending")}
    )
    assert response.status_code == 302 and response.url == queue_url(world, "?status=pending")
    world.application.refresh_from_db()
    assert world.application.status == "active"
    assert AuditEvent.objects.filter(
        membership=world.application, action="membership.approve", actor=world.admin
    ).exists()
    assert Notification.objects.filter(user=world.applicant_owner, kind="membership.approve").exists()


def test_a_decision_without_a_required_reason_is_a_message_not_a_change(as_, world):
    response = as_(world.admin).post(
        decide_url(world, world.application), {"action": "reject", "reason": " "}, follow=True, **EN
    )
    assert response.status_code == 200
    assert any("Give a reason" in m for m in messages_of(response))
    world.application.refresh_from_db()
    assert world.application.status == "pending"
    as_(world.admin).post(decide_url(world, world.application), {"action": "reject", "reason": "Licence expired"})
    world.application.refresh_from_db()
    assert (world.application.status, world.application.reason) == ("rejected", "Licence expired")


def test_an_illegal_transition_is_a_message(as_, world):
    response = as_(world.admin).post(decide_url(world, world.membership), {"action": "reinstate"}, follow=True, **EN)
    assert any("Cannot reinstate a membership that is active" in m for m in messages_of(response))
    response = as_(world.admin).post(decide_url(world, world.membership), {"action": "explode"}, follow=True, **EN)
    assert any("Choose a decision" in m for m in messages_of(response))


def test_open_redirects_are_ignored(as_, world):
    response = as_(world.admin).post(
        decide_url(world, world.application), {"action": "approve", "next": "https://evil.example/"}
    )
    assert response.url == queue_url(world)


def test_another_clusters_administrator_decides_nothing_here(as_, world):
    for membership, action in ((world.application, "approve"), (world.membership, "suspend")):
        response = as_(world.other_admin).post(decide_url(world, membership), {"action": action, "reason": "x"})
        assert response.status_code == 403
        membership.refresh_from_db()
    assert world.application.status == "pending" and world.membership.status == "active"
    # nor can this cluster's administrator reach the other cluster's memberships through this cluster
    response = as_(world.admin).post(decide_url(world, world.foreign_membership), {"action": "suspend", "reason": "x"})
    assert response.status_code == 404
    world.foreign_membership.refresh_from_db()
    assert world.foreign_membership.status == "active"


def test_bulk_approve(as_, world):
    second = MembershipFactory(cluster=world.cluster, status="pending", joined_at=None)
    url = reverse("memberships-bulk-approve", args=[world.cluster.slug])
    response = as_(world.admin).post(
        url, {"memberships": [world.application.pk, second.pk], "reason": "Licences checked"}, follow=True, **EN
    )
    assert any("2 applications were approved" in m for m in messages_of(response))
    assert set(
        Membership.objects.filter(pk__in=[world.application.pk, second.pk]).values_list("status", flat=True)
    ) == {"active"}


def test_bulk_approve_is_all_or_nothing(as_, world):
    url = reverse("memberships-bulk-approve", args=[world.cluster.slug])
    response = as_(world.admin).post(
        url, {"memberships": [world.application.pk, world.membership.pk]}, follow=True, **EN
    )
    assert any("Only pending applications" in m for m in messages_of(response))
    world.application.refresh_from_db()
    assert world.application.status == "pending"
    response = as_(world.admin).post(url, {"reason": "nothing chosen"}, follow=True, **EN)
    assert any("Select at least one" in m for m in messages_of(response))
    assert as_(world.other_admin).post(url, {"memberships": [world.application.pk]}).status_code == 403
    world.application.refresh_from_db()
    assert world.application.status == "pending"


# --- Member history -----------------------------------------------------------------------------


def test_member_history_shows_the_timeline_and_reports(as_, world):
    as_(world.admin).post(decide_url(world, world.application), {"action": "approve", "reason": "Welcome"})
    as_(world.admin).post(decide_url(world, world.application), {"action": "suspend", "reason": "Unpaid invoices"})
    ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.applicant, text="Invoice 42 unpaid")
    url = reverse("member-history", args=[world.cluster.slug, world.application.pk])
    response = as_(world.admin).get(url, **EN)
    page = text(response)
    assert response.status_code == 200
    assert "Huzhou Silk" in page and world.applicant.credit_code in page
    assert "Approved" in page and "Suspended" in page and "Unpaid invoices" in page
    assert "Pending → Active" in page and "Active → Suspended" in page
    assert str(world.admin) in page
    assert "Invoice 42 unpaid" in page
    assert 'value="reinstate"' in page


def test_member_history_is_for_this_clusters_administrators(as_, world):
    url = reverse("member-history", args=[world.cluster.slug, world.application.pk])
    for user in (world.other_admin, world.applicant_owner, world.owner):
        assert as_(user).get(url).status_code == 403
    foreign = reverse("member-history", args=[world.cluster.slug, world.foreign_membership.pk])
    assert as_(world.admin).get(foreign).status_code == 404


# --- Member directory ---------------------------------------------------------------------------


def directory_url(world, query=""):
    return reverse("member-directory", args=[world.cluster.slug]) + query


def test_directory_lists_active_members_with_filters(as_, world):
    world.peer.capabilities.set(["cnc-machining"])
    CertificationFactory(enterprise=world.peer, scheme=CertificationScheme.objects.get(code="iatf16949"))
    response = as_(world.owner).get(directory_url(world), **EN)
    page = text(response)
    assert "Shaoxing Huafang Weaving" in page and "Suzhou Precision Machinery" in page
    assert "Huzhou Silk" not in page and "Dongguan Moulds" not in page
    assert "CNC machining" in page and "IATF 16949" in page
    report_peer = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.peer.pk}"
    report_self = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.member.pk}"
    assert report_peer in page and report_self not in page

    def names(query):
        return [m.enterprise.legal_name_en for m in as_(world.owner).get(directory_url(world, query)).context["page"]]

    assert names("?capability=cnc-machining") == ["Suzhou Precision Machinery"]
    assert names("?certification=iatf16949") == ["Suzhou Precision Machinery"]
    assert names("?q=Huafang") == ["Shaoxing Huafang Weaving"]
    assert names("?region=3306") == ["Shaoxing Huafang Weaving", "Suzhou Precision Machinery"]
    assert len(names("?capability=no-such-thing")) == 2  # an unknown choice is shown as an error and ignored

    admin_page = text(as_(world.admin).get(directory_url(world), **EN))
    assert "Suzhou Precision Machinery" in admin_page and report_peer not in admin_page


@pytest.mark.parametrize("who", ["outsider", "applicant_owner", "foreign_owner", "other_admin"])
def test_directory_refuses_non_members(as_, world, who):
    response = as_(getattr(world, who)).get(directory_url(world))
    assert response.status_code == 403
    assert "Suzhou Precision Machinery" not in text(response)


# --- Reports ------------------------------------------------------------------------------------


def test_a_member_files_a_report(as_, world):
    url = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.peer.pk}"
    form = as_(world.owner).get(url, **EN)
    assert form.status_code == 200 and "Suzhou Precision Machinery" in text(form)
    response = as_(world.owner).post(url, {"reporter": world.member.pk, "category": "delivery", "reason": "Late twice"})
    assert response.status_code == 302 and response.url == reverse("cluster-reports", args=[world.cluster.slug])
    report = Report.objects.get()
    assert (report.reporter, report.subject, report.category, report.reported_by_user) == (
        world.member,
        world.peer,
        "delivery",
        world.owner,
    )
    mine = text(as_(world.staff_person).get(reverse("cluster-reports", args=[world.cluster.slug]), **EN))
    assert "Late twice" in mine


def test_report_form_errors_and_refusals(as_, world):
    url = reverse("report-create", args=[world.cluster.slug])
    empty = as_(world.owner).post(f"{url}?subject={world.peer.pk}", {"reporter": world.member.pk, "reason": ""})
    assert empty.status_code == 400
    assert set(field_errors(empty)) == {"category", "reason"}
    # the subject must be a member: the service's refusal is shown on the form
    response = as_(world.owner).post(
        f"{url}?subject={world.foreign.pk}",
        {"reporter": world.member.pk, "category": "spam", "reason": "Sends spam every day"},
        **EN,
    )
    assert response.status_code == 400 and "not a member of the cluster" in text(response)
    assert as_(world.owner).get(f"{url}?subject={world.member.pk}").status_code == 403  # itself
    assert as_(world.owner).get(f"{url}?subject=999999").status_code == 404
    assert as_(world.owner).get(url).status_code == 404
    for user in (world.applicant_owner, world.outsider, world.admin, world.foreign_owner):
        assert as_(user).get(f"{url}?subject={world.peer.pk}").status_code == 403
    assert not Report.objects.exists()


def test_administrators_resolve_reports_members_see_their_own(as_, world):
    filed = ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.peer, text="Fake invoices")
    ReportFactory(cluster=world.cluster, reporter=world.peer, subject=world.member, text="Rude calls")
    foreign = ReportFactory(
        cluster=world.other_cluster, reporter=world.foreign, subject=EnterpriseFactory(), text="Foreign thing"
    )
    url = reverse("cluster-reports", args=[world.cluster.slug])
    admin_page = text(as_(world.admin).get(url, **EN))
    assert "Fake invoices" in admin_page and "Rude calls" in admin_page and "Foreign thing" not in admin_page
    assert reverse("report-resolve", args=[world.cluster.slug, filed.pk]) in admin_page
    member_page = text(as_(world.owner).get(url, **EN))
    assert "Fake invoices" in member_page and "Rude calls" not in member_page
    assert reverse("report-resolve", args=[world.cluster.slug, filed.pk]) not in member_page
    for user in (world.outsider, world.applicant_owner, world.other_admin):
        assert as_(user).get(url).status_code == 403

    resolve = reverse("report-resolve", args=[world.cluster.slug, filed.pk])
    assert as_(world.owner).post(resolve, {"resolution": "dismiss", "reason": "mine"}).status_code == 403
    assert as_(world.other_admin).post(resolve, {"resolution": "dismiss", "reason": "x"}).status_code == 403
    no_reason = as_(world.admin).post(resolve, {"resolution": "warn", "reason": ""}, follow=True, **EN)
    assert any("give a reason" in m for m in messages_of(no_reason))
    response = as_(world.admin).post(
        resolve, {"resolution": "warn", "reason": "Checked the invoices"}, follow=True, **EN
    )
    assert any("resolved" in m for m in messages_of(response))
    filed.refresh_from_db()
    assert (filed.status, filed.resolution_reason) == ("warned", "Checked the invoices")
    assert Notification.objects.filter(user=world.peer_owner, kind="report.warning").exists()
    again = as_(world.admin).post(resolve, {"resolution": "dismiss", "reason": "again"}, follow=True, **EN)
    assert any("already resolved" in m for m in messages_of(again))
    foreign_resolve = reverse("report-resolve", args=[world.cluster.slug, foreign.pk])
    assert as_(world.admin).post(foreign_resolve, {"resolution": "dismiss", "reason": "x"}).status_code == 404
    open_only = text(as_(world.admin).get(url, **EN))
    assert "Fake invoices" not in open_only and "Rude calls" in open_only
    assert "Fake invoices" in text(as_(world.admin).get(url + "?status=all", **EN))


# --- Reports on listings ------------------------------------------------------------------------


def post_listing(world, kind="order", *, owner, cluster=None, publish=True, **overrides):
    """A listing through the service (matching runs only inside ``django_capture_on_commit_callbacks``)."""
    actor = EnterpriseMember.objects.filter(enterprise=owner, role="owner").get().user
    fields = order_fields(**overrides) if kind == "order" else capacity_fields(**overrides)
    return listing_create(
        actor=actor, cluster=cluster or world.cluster, listing_kind=kind, owner=owner, publish=publish, **fields
    )


def listing_url(world, listing, kind="order"):
    return reverse("listing-detail", args=[world.cluster.slug, kind, listing.pk])


def report_listing_url(world, listing, kind="order", cluster=None):
    return reverse("report-create", args=[(cluster or world.cluster).slug]) + f"?listing={kind}:{listing.pk}"


def test_a_member_reports_a_listing_from_its_page(as_, world):
    order = post_listing(world, owner=world.peer, title="Counterfeit denim, 5,000 m")
    link = report_listing_url(world, order)
    page = text(as_(world.owner).get(listing_url(world, order), **EN))
    assert link in page and "Report this listing" in page
    for user in (world.peer_owner, world.admin):  # the owner's people; an administrator who is no member
        assert link not in text(as_(user).get(listing_url(world, order), **EN))

    form = as_(world.staff_person).get(link, **EN)
    assert form.status_code == 200
    shown = text(form)
    assert "Counterfeit denim, 5,000 m" in shown and "Production order of Suzhou Precision Machinery" in shown
    assert listing_url(world, order) in shown
    response = as_(world.staff_person).post(
        link, {"reporter": world.member.pk, "category": "fraud", "reason": "Photos of another mill"}, **EN
    )
    assert response.status_code == 302 and response.url == reverse("cluster-reports", args=[world.cluster.slug])
    report = Report.objects.get()
    assert (report.reporter, report.subject, report.listing_kind, report.listing_id, report.reported_by_user) == (
        world.member,
        world.peer,
        "order",
        order.pk,
        world.staff_person,
    )
    assert AuditEvent.objects.filter(report=report, action="report.file").exists()
    mine = text(as_(world.owner).get(reverse("cluster-reports", args=[world.cluster.slug]), **EN))
    assert "Photos of another mill" in mine and f'href="{listing_url(world, order)}"' in mine


def test_listing_report_form_refusals(as_, world):
    own = post_listing(world, owner=world.member)
    draft = post_listing(world, owner=world.peer, publish=False)
    foreign = post_listing(world, owner=world.foreign, cluster=world.other_cluster)
    client = as_(world.owner)
    assert client.get(report_listing_url(world, own)).status_code == 403  # its own listing
    assert client.post(report_listing_url(world, own), {"reporter": world.member.pk}).status_code == 403
    assert client.get(report_listing_url(world, draft)).status_code == 404  # others' drafts are not shown
    assert client.get(report_listing_url(world, foreign)).status_code == 404  # another cluster's listing
    url = reverse("report-create", args=[world.cluster.slug])
    for bogus in ("order", "order:", "deal:1", f"capacity:{own.pk}", "order:1x", "order:" + "9" * 30):
        assert client.get(f"{url}?listing={bogus}").status_code == 404, bogus
    # a member of the other cluster, through its own cluster, does not find the target cluster's listing
    other = report_listing_url(world, own, cluster=world.other_cluster)
    assert as_(world.foreign_owner).get(other).status_code == 404
    assert (
        as_(world.foreign_owner)
        .post(other, {"reporter": world.foreign.pk, "category": "spam", "reason": "Spam listing, again"})
        .status_code
        == 404
    )
    # and has no role in the target cluster
    assert as_(world.foreign_owner).get(report_listing_url(world, foreign)).status_code == 403
    assert not Report.objects.exists()


def test_administrators_remove_a_reported_listing_from_the_reports_page(
    as_, world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = post_listing(world, owner=world.peer, title="Counterfeit denim")
    with django_capture_on_commit_callbacks(execute=True):
        capacity = post_listing(world, "capacity", owner=world.member)
    match = Match.objects.get(order=order, capacity=capacity, status=Match.Status.PROPOSED)
    on_listing = ReportFactory(
        cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind="order", listing_id=order.pk
    )
    plain = ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.peer, text="Rude calls")
    market_page = reverse("market", args=[world.cluster.slug])
    assert "Counterfeit denim" in text(as_(world.owner).get(market_page, **EN))
    url = reverse("cluster-reports", args=[world.cluster.slug])
    response = as_(world.admin).get(url, **EN)
    listed = {report.pk: report for report in response.context["page"].object_list}
    assert "listing_removed" in dict(listed[on_listing.pk].resolve_form.fields["resolution"].choices)
    assert "listing_removed" not in dict(listed[plain.pk].resolve_form.fields["resolution"].choices)
    page = text(response)
    assert f'href="{listing_url(world, order)}"' in page and "Counterfeit denim" in page
    assert page.count('value="listing_removed"') == 1 and "Remove the listing" in page

    # not on a report without a listing: refused, nothing written
    refused = as_(world.admin).post(
        reverse("report-resolve", args=[world.cluster.slug, plain.pk]),
        {"resolution": "listing_removed", "reason": "No"},
        follow=True,
        **EN,
    )
    assert any("names no listing" in m for m in messages_of(refused))
    assert Report.objects.get(pk=plain.pk).status == "open"
    assert not AuditEvent.objects.filter(action="report.listing_removed").exists()
    # members cannot resolve
    resolve = reverse("report-resolve", args=[world.cluster.slug, on_listing.pk])
    assert as_(world.owner).post(resolve, {"resolution": "listing_removed", "reason": "x"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "open"

    response = as_(world.admin).post(
        resolve, {"resolution": "listing_removed", "reason": "Counterfeit goods"}, follow=True, **EN
    )
    assert any("resolved" in m for m in messages_of(response))
    order.refresh_from_db()
    match.refresh_from_db()
    on_listing.refresh_from_db()
    assert (order.status, match.status, on_listing.status) == ("cancelled", "withdrawn", "listing_removed")
    event = AuditEvent.objects.get(report=on_listing, action="report.listing_removed")
    assert (event.actor, event.enterprise, event.after["listing_status"]) == (world.admin, world.peer, "cancelled")
    notice = Notification.objects.get(user=world.peer_owner, kind="report.listing_removed")
    assert "Counterfeit denim" in notice.rendered_title and notice.link == listing_url(world, order)
    api.force_authenticate(world.owner)
    market = api.get(f"/api/v1/clusters/{world.cluster.slug}/orders/?status=open")
    assert order.pk not in {row["id"] for row in market.json()["results"]}
    assert "Counterfeit denim" not in text(as_(world.owner).get(market_page, **EN))
    history = text(as_(world.admin).get(url + "?status=all", **EN))
    assert "Listing removed" in history


def test_reports_page_queries_do_not_grow_with_listing_reports(as_, world):
    def report_on(kind, **overrides):
        listing = post_listing(world, kind, owner=world.peer, **overrides)
        ReportFactory(
            cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind=kind, listing_id=listing.pk
        )

    url = reverse("cluster-reports", args=[world.cluster.slug])
    client = as_(world.admin)
    report_on("order")
    client.get(url)  # warm up
    one = count_queries(client, url)
    for index in range(19):
        report_on("order" if index % 2 else "capacity", title=f"Listing {index}")
    response = client.get(url, **EN)
    reports = response.context["page"].object_list
    assert len(reports) == 20 and all(report.listing["url"] for report in reports)
    assert text(response).count('data-testid="report-listing"') == 20
    assert count_queries(client, url) == one


# --- Notifications ------------------------------------------------------------------------------


def notify(user, title, link=""):
    """A notification whose title names ``title`` (a warning from the administrators of ``title``)."""
    params = {"cluster": title, "reason": "body"}
    return notify_users(users=[user], kind="report.warning", params=params, link=link, email=False)[0]


def test_notifications_page_mark_read_and_the_nav_count(as_, user):
    old = notify(user, "Older news", link="/clusters/x/")
    new = notify(user, "Newer news", link="javascript:alert(1)")
    notify(UserFactory(), "Someone else's")
    response = as_(user).get(reverse("notification-list"), **EN)
    page = text(response)
    assert page.index("Newer news") < page.index("Older news")
    assert "Someone else's" not in page
    assert page.count("notification-unread") == 2
    assert 'href="/clusters/x/"' in page and "javascript:" not in page
    assert re.search(r'data-testid="nav-notifications">Notifications <span class="count-badge">2', page)

    as_(user).post(reverse("notification-read", args=[old.pk]))
    old.refresh_from_db()
    assert old.read_at is not None
    assert text(as_(user).get(reverse("notification-list"))).count("notification-unread") == 1
    assert as_(UserFactory()).post(reverse("notification-read", args=[new.pk])).status_code == 404
    new.refresh_from_db()
    assert new.read_at is None

    as_(user).post(reverse("notifications-read-all"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    page = text(as_(user).get(reverse("notification-list"), **EN))
    assert "count-badge" not in page and "notification-unread" not in page
    assert as_(user).get(reverse("notifications-read-all")).status_code == 405


def test_the_unread_count_costs_one_query(as_, user):
    for index in range(5):
        notify(user, f"News {index}")
    client = as_(user)
    client.get(reverse("enterprise-list"))  # warm up the session
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("enterprise-list"))
    counting = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_moderation_queue_queries_do_not_grow_with_rows(as_, world):
    client = as_(world.admin)
    client.get(queue_url(world))  # warm up
    one = count_queries(client, queue_url(world, "?status=pending"))
    for index in range(29):
        membership = MembershipFactory(cluster=world.cluster, status="pending", joined_at=None)
        if index % 3 == 0:
            ReportFactory(cluster=world.cluster, reporter=world.member, subject=membership.enterprise)
    thirty = as_(world.admin).get(queue_url(world, "?status=pending"))
    assert len(thirty.context["page"].object_list) == 25
    assert count_queries(client, queue_url(world, "?status=pending")) == one


def test_directory_queries_do_not_grow_with_rows(as_, world):
    Membership.objects.filter(pk=world.peer_membership.pk).update(status="left")
    client = as_(world.owner)
    client.get(directory_url(world))  # warm up
    one = count_queries(client, directory_url(world))
    assert len(client.get(directory_url(world)).context["page"].object_list) == 1
    for _ in range(29):
        enterprise = EnterpriseFactory(capabilities=["weaving", "garment-sewing"])
        CertificationFactory(enterprise=enterprise)
        MembershipFactory(cluster=world.cluster, enterprise=enterprise)
    assert len(client.get(directory_url(world)).context["page"].object_list) == 24
    assert count_queries(client, directory_url(world)) == one
