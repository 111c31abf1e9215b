"""The schema is true to the wire (issue 15, item 14): JSON bodies only, integer ids, the shapes a client gets.

The generated client proves it end to end (``test_generated_client.py``); these walks say which
operation breaks the contract when one does.
"""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

#: path parameters that are names, not ids
NAMES = {"cluster_slug", "slug", "code"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def test_every_request_body_is_json_only(schema):
    bodies = {
        (method, path): sorted(operation["requestBody"]["content"])
        for path, method, operation in operations(schema)
        if "requestBody" in operation
    }
    assert len(bodies) > 40
    # a file is uploaded as multipart/form-data, and only there: the deal room's documents, the
    # messages, offers and quotes sent with one, a request for quotation's and a solution's documents
    uploads = {
        ("post", "/api/v1/clusters/{cluster_slug}/challenges/{challenge_pk}/solutions/{id}/files/"),
        ("post", "/api/v1/clusters/{cluster_slug}/deals/{deal_pk}/documents/"),
        ("post", "/api/v1/clusters/{cluster_slug}/matches/{match_pk}/documents/"),
        ("post", "/api/v1/clusters/{cluster_slug}/matches/{match_pk}/messages/with-document/"),
        ("post", "/api/v1/clusters/{cluster_slug}/deals/{deal_pk}/messages/with-document/"),
        ("post", "/api/v1/clusters/{cluster_slug}/matches/{match_pk}/offers/with-document/"),
        ("post", "/api/v1/clusters/{cluster_slug}/matches/{match_pk}/offers/{id}/counter-with-document/"),
        ("post", "/api/v1/clusters/{cluster_slug}/rfqs/{id}/documents/"),
        ("post", "/api/v1/clusters/{cluster_slug}/rfqs/{id}/quotes/with-document/"),
        ("post", "/api/v1/clusters/{cluster_slug}/rfqs/{id}/quotes/revise-with-document/"),
    }
    assert {key: bodies[key] for key in uploads} == {key: ["multipart/form-data"] for key in uploads}
    assert {key: media for key, media in bodies.items() if media != ["application/json"] and key not in uploads} == {}


def test_every_path_id_is_an_integer(schema):
    ids, wrong = 0, []
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", ()):
            if parameter["in"] != "path" or parameter["name"] in NAMES:
                continue
            ids += 1
            if parameter["schema"].get("type") != "integer":
                wrong.append((method, path, parameter["name"], parameter["schema"]))
    assert ids > 60
    assert wrong == []
    # every {…} in a path that is not a name is declared as one of those integers
    assert all(
        set(re.findall(r"\{([^}]+)\}", path))
        <= NAMES
        | {"id", "pk", "user_id", "enterprise_id"}
        | {"enterprise_pk", "proposal_pk"}
        | {"match_pk", "deal_pk", "challenge_pk", "file_id"}
        for path in schema["paths"]
    )


def test_the_enterprise_profile_is_one_of_its_two_shapes(schema):
    answer = schema["paths"]["/api/v1/enterprises/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    profile = schema["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert [part["$ref"].rsplit("/", 1)[-1] for part in profile["oneOf"]] == [
        "EnterpriseProfile",
        "PublicEnterpriseProfile",
    ]
    full, public = (schema["components"]["schemas"][name] for name in ("EnterpriseProfile", "PublicEnterpriseProfile"))
    # a client tries the full shape first: a public answer must fail it (it lacks a required field)
    assert set(full["required"]) - set(public["properties"])
    # and a full answer is no public one (it has more), so an answer is exactly one of them
    assert full["additionalProperties"] is False and public["additionalProperties"] is False
    assert set(full["properties"]) - set(public["properties"])


@pytest.mark.django_db
def test_each_answer_fits_exactly_one_of_the_two_shapes(as_user, schema):
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner)
    shapes = {name: schema["components"]["schemas"][name] for name in ("EnterpriseProfile", "PublicEnterpriseProfile")}

    def fits(body, name):
        return set(shapes[name]["required"]) <= set(body) <= set(shapes[name]["properties"])

    public = as_user(UserFactory()).get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert fits(public, "PublicEnterpriseProfile") and not fits(public, "EnterpriseProfile")
    assert "my_role" not in public and "latitude" not in public
    full = as_user(owner).get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert fits(full, "EnterpriseProfile") and not fits(full, "PublicEnterpriseProfile")


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=xx", "application/x-www-form-urlencoded"])
def test_a_form_body_is_a_415(client, content_type):
    cluster, owner = ClusterFactory(), UserFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner))
    client.force_login(owner)
    answer = client.post(f"/api/v1/clusters/{cluster.slug}/orders/", "title=x", content_type=content_type)
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_the_description_documents_both_error_formats_as_they_answer(client, schema):
    description = schema["info"]["description"]
    for documented in ("{status, code, detail, errors}", "{status, errors: [{code, message, param}]}", "/_allauth/"):
        assert documented in description
    ours = client.post("/api/v1/enterprises/", {"legal_name_en": ""}, content_type="application/json")
    assert set(ours.json()) >= {"status", "code", "detail"}  # 401 or 400: the API's own format
    user = UserFactory()
    theirs = client.post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": "wrong"}, content_type="application/json"
    ).json()
    assert theirs["status"] == 400 and {"code", "message", "param"} <= set(theirs["errors"][0])
