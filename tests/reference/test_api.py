"""The public reference lists and their declared filters."""

import pytest

pytestmark = pytest.mark.django_db


def test_industry_codes_filter_by_level_and_parent(client):
    sections = client.get("/api/v1/reference/industry-codes/", {"level": "section"}).json()["results"]
    assert sections and {code["level"] for code in sections} == {"section"}
    divisions = client.get("/api/v1/reference/industry-codes/", {"parent": "C"}).json()["results"]
    assert divisions and {code["parent"] for code in divisions} == {"C"}
    wrong = client.get("/api/v1/reference/industry-codes/", {"level": "class"})
    assert wrong.status_code == 400 and "level" in wrong.json()["errors"]


def test_capabilities_filter_by_category(client):
    every = client.get("/api/v1/reference/capabilities/").json()
    category = every["results"][0]["category"]
    some = client.get("/api/v1/reference/capabilities/", {"category": category}).json()
    assert some["results"] and {c["category"] for c in some["results"]} == {category}
    assert some["count"] <= every["count"]


def test_the_lists_take_no_undeclared_ordering(client):
    answer = client.get("/api/v1/reference/regions/", {"ordering": "-code", "page_size": 100}).json()
    codes = [c["code"] for c in answer["results"]]
    assert codes == sorted(codes)
