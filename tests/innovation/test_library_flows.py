"""The library's consent, review and reuse flows through the API: a lesson from a closed deal is
published only once each party consented for itself (then reviewed); an entry is reviewed by the
administrators alone; reuse counts distinct enterprises other than the author, once per kind."""

import pytest

from apps.innovation.selectors import knowledge_reuse_figures
from apps.marketplace.models import Deal
from tests.factories.marketplace import DealFactory, MatchFactory

from .conftest import client_of

pytestmark = pytest.mark.django_db


def _entries(world, path=""):
    return world.url(f"knowledge/{path}")


def _found(world, user, q):
    answer = client_of(user).get(world.url("search/"), {"q": q, "kind": "knowledge"}).json()
    return [row["id"] for row in answer["results"]]


@pytest.fixture
def closed_deal(world):
    match = MatchFactory(
        order__cluster=world.cluster, order__owner=world.seeker, capacity__owner=world.solver, status="accepted"
    )
    return DealFactory(match=match, status=Deal.Status.CLOSED)


def test_a_lesson_needs_each_partys_own_consent_then_review(world, closed_deal):
    buyer, supplier, rival = (client_of(u) for u in (world.seeker_owner, world.solver_owner, world.rival_owner))
    body = {"enterprise": world.seeker.pk, "kind": "lesson", "title": "色样先确认 lab dip first", "body": "签样后投产"}
    created = buyer.post(_entries(world), {**body, "source_deal": closed_deal.pk}, format="json")
    assert created.status_code == 201, created.content
    lesson = created.json()["id"]
    assert buyer.post(_entries(world, f"{lesson}/submit/")).json()["status"] == "awaiting_consent"
    # the buyer's consent was its submission; nobody consents for another enterprise or a non-party
    for who, enterprise in ((supplier, world.seeker.pk), (rival, world.rival.pk)):
        refused = who.post(_entries(world, f"{lesson}/consent/"), {"enterprise": enterprise}, format="json")
        assert refused.status_code in (403, 404)
    assert rival.get(_entries(world, f"{lesson}/")).status_code == 404  # not published: not the rival's to read
    assert _found(world, world.rival_owner, "色样") == []
    consented = supplier.post(_entries(world, f"{lesson}/consent/"), {"enterprise": world.solver.pk}, format="json")
    assert consented.status_code == 200 and consented.json()["status"] == "in_review"
    again = supplier.post(_entries(world, f"{lesson}/consent/"), {"enterprise": world.solver.pk}, format="json")
    assert again.status_code == 409
    admin = client_of(world.admin)
    assert admin.post(_entries(world, f"{lesson}/review/"), {"approve": True}, format="json").json()["status"] == (
        "published"
    )
    assert _found(world, world.rival_owner, "色样") == [lesson]


def test_a_lesson_from_a_deal_that_is_not_closed_or_not_ones_own_is_a_400_naming_source_deal(world, closed_deal):
    closed_deal.status = Deal.Status.DELIVERED
    closed_deal.save()
    body = {"enterprise": world.seeker.pk, "kind": "lesson", "title": "t", "body": "b", "source_deal": closed_deal.pk}
    answer = client_of(world.seeker_owner).post(_entries(world), body, format="json")
    assert answer.status_code == 400 and "source_deal" in answer.json()["errors"]
    theirs = client_of(world.rival_owner).post(_entries(world), {**body, "enterprise": world.rival.pk}, format="json")
    assert theirs.status_code == 400 and "source_deal" in theirs.json()["errors"]


def test_review_is_the_administrators_and_sending_back_returns_a_draft(world):
    author, admin = client_of(world.seeker_owner), client_of(world.admin)
    guide = author.post(
        _entries(world),
        {"enterprise": world.seeker.pk, "kind": "guide", "title": "染整指南", "body": "b"},
        format="json",
    ).json()["id"]
    assert author.post(_entries(world, f"{guide}/submit/")).json()["status"] == "in_review"
    assert author.post(_entries(world, f"{guide}/review/"), {"approve": True}, format="json").status_code == 403
    assert (
        admin.post(_entries(world, f"{guide}/review/"), {"approve": False}, format="json").json()["status"] == "draft"
    )
    assert admin.post(_entries(world, f"{guide}/review/"), {"approve": True}, format="json").status_code == 409
    bad = admin.post(_entries(world, f"{guide}/review/"), {"approve": "perhaps"}, format="json")
    assert bad.status_code == 400 and "approve" in bad.json()["errors"]
    author.post(_entries(world, f"{guide}/submit/"))
    assert admin.post(_entries(world, f"{guide}/review/"), {"approve": True}, format="json").json()["status"] == (
        "published"
    )


def test_reuse_counts_other_enterprises_once_per_kind(world):
    author, admin = client_of(world.seeker_owner), client_of(world.admin)
    guide = author.post(
        _entries(world), {"enterprise": world.seeker.pk, "kind": "guide", "title": "g", "body": "b"}, format="json"
    ).json()["id"]
    draft_use = client_of(world.rival_owner).post(_entries(world, f"{guide}/use/"), {"kind": "helped"}, format="json")
    assert draft_use.status_code == 404  # a draft is not reused
    author.post(_entries(world, f"{guide}/submit/"))
    admin.post(_entries(world, f"{guide}/review/"), {"approve": True}, format="json")
    author.post(_entries(world, f"{guide}/use/"), {"kind": "view"}, format="json")  # the author's own: no reuse
    for user in (world.rival_owner, world.rival_owner, world.solver_owner):
        assert (
            client_of(user).post(_entries(world, f"{guide}/use/"), {"kind": "helped"}, format="json").status_code == 200
        )
    bad = client_of(world.rival_owner).post(_entries(world, f"{guide}/use/"), {"kind": "liked"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    entry = client_of(world.rival_owner).get(_entries(world, f"{guide}/")).json()
    assert entry["helped_count"] == 2 and entry["reuse_count"] == 3
    assert knowledge_reuse_figures(cluster=world.cluster) == {
        "library_entries": 1,
        "library_entries_reused": 1,
        "library_reusing_enterprises": 2,
    }


@pytest.mark.parametrize("tag", ["染色", "dyeing", "\x86\U000be3a7 odd"])
def test_the_library_filters_by_an_exact_tag_on_either_database(world, tag):
    author = client_of(world.seeker_owner)
    body = {"enterprise": world.seeker.pk, "kind": "guide", "title": "指南", "body": "b"}
    tagged = author.post(_entries(world), {**body, "tags": [tag, "other"]}, format="json").json()["id"]
    author.post(_entries(world), {**body, "tags": [f"{tag}s"]}, format="json")
    answer = author.get(_entries(world), {"tag": tag})
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [tagged]
