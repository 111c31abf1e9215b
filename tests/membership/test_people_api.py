"""The people of an enterprise: invitations by e-mail, roles, removal, ownership transfer."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from apps.membership.models import EnterpriseMember, Invitation
from tests.factories import UserFactory
from tests.factories.membership import EnterpriseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    owner = UserFactory(email="owner@firm.cn")
    enterprise = EnterpriseFactory(owner=owner)
    admin = PersonFactory(enterprise=enterprise, role="admin", user=UserFactory(email="admin@firm.cn")).user
    staff = PersonFactory(enterprise=enterprise, role="staff", user=UserFactory(email="staff@firm.cn")).user
    return enterprise, owner, admin, staff


def token_from_last_mail() -> str:
    match = re.search(r"/invitations/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_invite_then_accept(as_user, firm, django_capture_on_commit_callbacks):
    enterprise, _owner, admin, _staff = firm
    newcomer = UserFactory(email="newcomer@firm.cn")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(admin).post(
            f"/api/v1/enterprises/{enterprise.pk}/invitations/", {"email": "Newcomer@Firm.cn", "role": "staff"}
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert mail.outbox[-1].to == ["newcomer@firm.cn"]
    token = token_from_last_mail()
    assert token not in response.content.decode()  # the inviter never sees the token

    # someone else signed in cannot use it
    assert as_user(UserFactory()).post("/api/v1/invitations/accept/", {"token": token}).status_code == 403
    response = as_user(newcomer).post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "staff"
    assert EnterpriseMember.objects.filter(enterprise=enterprise, user=newcomer, role="staff").exists()
    # and a second use is a conflict
    assert as_user(newcomer).post("/api/v1/invitations/accept/", {"token": token}).status_code == 409


def test_forged_and_expired_tokens(as_user, firm, django_capture_on_commit_callbacks):
    enterprise, owner, _admin, _staff = firm
    invitee = UserFactory(email="late@firm.cn")
    response = as_user(invitee).post("/api/v1/invitations/accept/", {"token": "forged:token"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["token"]
    with django_capture_on_commit_callbacks(execute=True):
        as_user(owner).post(
            f"/api/v1/enterprises/{enterprise.pk}/invitations/", {"email": "late@firm.cn", "role": "admin"}
        )
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = as_user(invitee).post("/api/v1/invitations/accept/", {"token": token_from_last_mail()})
    assert response.status_code == 400
    assert "expired" in response.json()["errors"]["token"][0]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"email": "staff@firm.cn", "role": "staff"}, 409, "email"),  # already a person
        ({"email": "x@firm.cn", "role": "owner"}, 400, "role"),
        ({"email": "not-an-address", "role": "staff"}, 400, "email"),
        ({"role": "staff"}, 400, "email"),
    ],
)
def test_bad_invitations(as_user, firm, payload, status, field):
    enterprise, owner, _admin, _staff = firm
    response = as_user(owner).post(f"/api/v1/enterprises/{enterprise.pk}/invitations/", payload)
    assert response.status_code == status
    assert field in response.json()["errors"]


def test_one_pending_invitation_per_address_and_revoke(as_user, firm):
    enterprise, owner, _admin, _staff = firm
    url = f"/api/v1/enterprises/{enterprise.pk}/invitations/"
    first = as_user(owner).post(url, {"email": "twice@firm.cn", "role": "staff"})
    assert as_user(owner).post(url, {"email": "twice@firm.cn", "role": "staff"}).status_code == 409
    assert as_user(owner).delete(f"{url}{first.json()['id']}/").status_code == 204
    assert as_user(owner).post(url, {"email": "twice@firm.cn", "role": "staff"}).status_code == 201


def test_staff_cannot_invite_and_outsiders_see_nothing(as_user, firm):
    enterprise, _owner, _admin, staff = firm
    url = f"/api/v1/enterprises/{enterprise.pk}/invitations/"
    assert as_user(staff).post(url, {"email": "x@firm.cn", "role": "staff"}).status_code == 403
    assert as_user(staff).get(url).status_code == 403
    assert as_user(UserFactory()).get(url).status_code == 404
    assert as_user(UserFactory()).get(f"/api/v1/enterprises/{enterprise.pk}/people/").status_code == 404


def test_roles_change_and_people_are_removed(as_user, firm):
    enterprise, owner, admin, staff = firm
    people = f"/api/v1/enterprises/{enterprise.pk}/people/"
    assert as_user(staff).patch(f"{people}{admin.pk}/", {"role": "staff"}).status_code == 403
    assert as_user(admin).patch(f"{people}{staff.pk}/", {"role": "admin"}).json()["role"] == "admin"
    assert as_user(admin).patch(f"{people}{owner.pk}/", {"role": "staff"}).status_code == 409
    assert as_user(admin).patch(f"{people}{staff.pk}/", {"role": "owner"}).status_code == 400
    assert as_user(admin).delete(f"{people}{owner.pk}/").status_code == 409
    assert as_user(admin).delete(f"{people}{staff.pk}/").status_code == 204
    assert {p["user"]["email"] for p in as_user(owner).get(people).json()["results"]} == {
        "owner@firm.cn",
        "admin@firm.cn",
    }


def test_anyone_may_leave_but_the_owner(as_user, firm):
    enterprise, owner, _admin, staff = firm
    people = f"/api/v1/enterprises/{enterprise.pk}/people/"
    assert as_user(staff).delete(f"{people}{staff.pk}/").status_code == 204
    assert as_user(owner).delete(f"{people}{owner.pk}/").status_code == 409


def test_ownership_transfer(as_user, firm):
    enterprise, owner, admin, staff = firm
    url = f"/api/v1/enterprises/{enterprise.pk}/people/transfer-ownership/"
    assert as_user(admin).post(url, {"user": admin.pk}).status_code == 403
    assert as_user(owner).post(url, {"user": UserFactory().pk}).status_code == 400
    response = as_user(owner).post(url, {"user": staff.pk})
    assert response.status_code == 200
    roles = dict(EnterpriseMember.objects.filter(enterprise=enterprise).values_list("user__email", "role"))
    assert roles == {"owner@firm.cn": "admin", "admin@firm.cn": "admin", "staff@firm.cn": "owner"}


def test_a_user_belongs_to_several_enterprises(as_user):
    person = UserFactory()
    first, second = EnterpriseFactory(owner=person), EnterpriseFactory()
    PersonFactory(enterprise=second, user=person, role="staff")
    mine = as_user(person).get("/api/v1/enterprises/").json()["results"]
    assert {(e["id"], e["my_role"]) for e in mine} == {(first.pk, "owner"), (second.pk, "staff")}
