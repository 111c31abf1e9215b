"""Registering and editing enterprises: validation of the credit code, taxonomy and certifications."""

import datetime

import pytest
from django.utils import timezone

from apps.membership.credit_codes import make_credit_code
from apps.membership.models import Enterprise, EnterpriseMember
from apps.reference.models import CertificationScheme
from tests.factories import UserFactory
from tests.factories.membership import CertificationFactory, EnterpriseFactory, PersonFactory

pytestmark = pytest.mark.django_db

VALID_CODE = make_credit_code("330600", 424242)


def body(**overrides):
    data = {
        "legal_name_zh": "绍兴柯桥印染有限公司",
        "legal_name_en": "Shaoxing Keqiao Dyeing Co., Ltd.",
        "credit_code": VALID_CODE,
        "region_code": "330600",
        "region_name": "绍兴市",
        "latitude": "30.08",
        "longitude": "120.49",
        "capabilities": ["dyeing-finishing", "textile-printing"],
        "industry_codes": ["C", "17"],
        "size_band": "medium",
        "website": "https://keqiao-dyeing.example.cn",
        "certifications": [
            {
                "scheme": "iso14001",
                "number": "CN-EMS-2026-001",
                "issuer": "CQC",
                "valid_until": str(timezone.localdate() + datetime.timedelta(days=300)),
            }
        ],
    }
    data.update(overrides)
    return data


def test_register_an_enterprise_and_become_its_owner(as_user, user):
    response = as_user(user).post("/api/v1/enterprises/", body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["my_role"] == "owner"
    assert data["capabilities"] == ["dyeing-finishing", "textile-printing"]
    assert data["certifications"][0]["scheme"] == "iso14001"
    assert data["verified"] is False
    enterprise = Enterprise.objects.get(pk=data["id"])
    assert EnterpriseMember.objects.get(enterprise=enterprise).user == user
    assert [e["id"] for e in as_user(user).get("/api/v1/enterprises/").json()["results"]] == [enterprise.pk]


def test_credit_code_is_normalised(as_user, user):
    spaced = f"{VALID_CODE[:6]} {VALID_CODE[6:12]} {VALID_CODE[12:]}".lower()
    response = as_user(user).post("/api/v1/enterprises/", body(credit_code=spaced), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == VALID_CODE


def wrong_check_character(code):
    return code[:-1] + ("0" if code[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("override", "field", "message_part"),
    [
        ({"credit_code": wrong_check_character(VALID_CODE)}, "credit_code", "check character"),
        ({"credit_code": VALID_CODE[:17]}, "credit_code", "18 characters"),
        ({"credit_code": "91330600MA2ABCDEFO"}, "credit_code", "not a valid"),
        ({"capabilities": ["cnc-machining", "teleportation"]}, "capabilities", "teleportation"),
        ({"industry_codes": ["99Z"]}, "industry_codes", "99Z"),
        ({"legal_name_zh": "名" * 121}, "legal_name_zh", "120"),
        ({"description": "x" * 5001}, "description", "5000"),
        ({"region_code": "990000"}, "region_code", "division code"),
        ({"latitude": "123.5"}, "latitude", ""),
        ({"size_band": "huge"}, "size_band", "huge"),
        ({"website": "not a url"}, "website", ""),
        (
            {"certifications": [{"scheme": "iso9001", "number": "N1", "issuer": "CQC", "valid_until": "2020-01-01"}]},
            "certifications.0.valid_until",
            "expired",
        ),
        (
            {"certifications": [{"scheme": "iso-9999", "number": "N1", "issuer": "CQC", "valid_until": "2099-01-01"}]},
            "certifications.0.scheme",
            "",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(as_user, user, override, field, message_part):
    response = as_user(user).post("/api/v1/enterprises/", body(**override), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert message_part in " ".join(errors[field])
    assert not Enterprise.objects.exists()
    assert not EnterpriseMember.objects.exists()


def test_duplicate_credit_code_is_400(as_user, user):
    EnterpriseFactory(credit_code=VALID_CODE)
    response = as_user(user).post("/api/v1/enterprises/", body(), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["credit_code"]
    assert Enterprise.objects.count() == 1


def test_anonymous_cannot_register(api):
    assert api.post("/api/v1/enterprises/", body(), format="json").status_code == 401


def test_outsiders_see_the_public_profile_only(as_user):
    owner, outsider = UserFactory(), UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    CertificationFactory(enterprise=enterprise, number="SECRET-NUMBER-1")
    CertificationFactory(
        enterprise=enterprise,
        scheme=CertificationScheme.objects.get(code="iatf16949"),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    public = as_user(outsider).get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert "latitude" not in public and "my_role" not in public
    assert [c["scheme"] for c in public["certifications"]] == ["iso9001"]  # expired ones do not count
    assert "SECRET-NUMBER-1" not in str(public)
    private = as_user(owner).get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert private["my_role"] == "owner"
    assert private["latitude"] == "30.00000"
    assert {c["number"] for c in private["certifications"]} >= {"SECRET-NUMBER-1"}


def test_only_owners_and_admins_edit_and_verified_is_not_writable(as_user):
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    admin = PersonFactory(enterprise=enterprise, role="admin").user
    staff = PersonFactory(enterprise=enterprise, role="staff").user
    url = f"/api/v1/enterprises/{enterprise.pk}/"

    assert as_user(staff).patch(url, {"description": "staff edit"}).status_code == 403
    assert as_user(UserFactory()).patch(url, {"description": "outsider edit"}).status_code == 403
    response = as_user(admin).patch(
        url, {"description": "Dyeing since 1998", "verified": True, "capabilities": ["dyeing-finishing"]}
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.description == "Dyeing since 1998"
    assert enterprise.verified is False
    assert list(enterprise.capabilities.values_list("code", flat=True)) == ["dyeing-finishing"]

    response = as_user(owner).patch(url, {"credit_code": wrong_check_character(enterprise.credit_code)})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["credit_code"]


def test_certifications_are_added_and_removed_by_managers(as_user):
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    staff = PersonFactory(enterprise=enterprise).user
    url = f"/api/v1/enterprises/{enterprise.pk}/certifications/"
    cert = {"scheme": "iatf16949", "number": "IATF-0001", "issuer": "TÜV", "valid_until": "2099-12-31"}
    assert as_user(staff).post(url, cert).status_code == 403
    response = as_user(owner).post(url, cert)
    assert response.status_code == 201
    assert as_user(owner).post(url, cert).status_code == 400  # the same certificate twice
    expired = {**cert, "number": "IATF-0002", "valid_until": "2001-01-01"}
    assert list(as_user(owner).post(url, expired).json()["errors"]) == ["valid_until"]
    assert [c["number"] for c in as_user(staff).get(url).json()["results"]] == ["IATF-0001"]
    assert as_user(UserFactory()).get(url).status_code == 404
    assert as_user(owner).delete(f"{url}{response.json()['id']}/").status_code == 204


def test_reference_lists_are_public(api):
    capabilities = api.get("/api/v1/reference/capabilities/?page_size=100").json()["results"]
    assert {"cnc-machining", "garment-sewing", "injection-moulding", "smt-assembly"} <= {
        c["code"] for c in capabilities
    }
    sections = {c["code"]: c for c in api.get("/api/v1/reference/industry-codes/?level=section").json()["results"]}
    assert sections["C"]["name_zh"] == "制造业"
    assert api.get("/api/v1/reference/industry-codes/?parent=C").json()["count"] == 31
    schemes = api.get("/api/v1/reference/certification-schemes/?page_size=100").json()["results"]
    assert any(s["code"] == "iso9001" for s in schemes)


def test_a_new_credit_code_must_be_verified_again(as_user):
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner, verified=True)
    new_code = make_credit_code("330600", 777777)
    response = as_user(owner).patch(f"/api/v1/enterprises/{enterprise.pk}/", {"credit_code": new_code})
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert (enterprise.credit_code, enterprise.verified) == (new_code, False)
    # editing anything else keeps the verification
    Enterprise.objects.filter(pk=enterprise.pk).update(verified=True)
    as_user(owner).patch(f"/api/v1/enterprises/{enterprise.pk}/", {"description": "New looms"})
    enterprise.refresh_from_db()
    assert enterprise.verified is True
