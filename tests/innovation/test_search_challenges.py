"""Challenges in the one search: found by their public summary only (never their confidential
details or terms), a draft by its seeker alone, a challenge shared with partners by the members of
a partner cluster in force (and no other cluster), on PostgreSQL and on SQLite's FTS5."""

from importlib import import_module

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client

from apps.innovation.search import backends, tokens
from tests.factories import ClusterFactory, UserFactory
from tests.factories.innovation import ChallengeFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.partnerships import PartnershipFactory

from .conftest import client_of


def _found(user, cluster, **params) -> set:
    answer = client_of(user).get(f"/api/v1/clusters/{cluster.slug}/search/", params)
    assert answer.status_code == 200, answer.content
    return {(row["kind"], row["id"], row["partner"]) for row in answer.json()["results"]}


def _page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def _member_of(cluster):
    owner = UserFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner))
    return owner


@pytest.fixture
def posted(world):
    open_one = ChallengeFactory(
        cluster=world.cluster,
        seeker=world.seeker,
        title="低温涤纶染色 Low-temperature dyeing",
        summary="涤纶面料低于100度染色 polyester below 100 degrees",
        details="SECRETRECIPE 分散染料配方",
        terms="CONFIDENTIALITYCLAUSE",
        tags=["polyester"],
        capabilities=["dyeing-finishing"],
        shared_with_partners=True,
    )
    draft = ChallengeFactory(
        cluster=world.cluster, seeker=world.seeker, title="涤纶回收 polyester recycling", status="draft", opened_at=None
    )
    return open_one, draft


@pytest.mark.django_db
def test_a_challenge_is_found_in_chinese_and_english_by_its_summary_never_its_details(world, posted):
    open_one, _draft = posted
    assert ("challenge", open_one.pk, False) in _found(world.rival_owner, world.cluster, q="染色")
    assert ("challenge", open_one.pk, False) in _found(
        world.rival_owner, world.cluster, q="polyester", kind="challenge"
    )
    for secret in ("SECRETRECIPE", "分散染料", "CONFIDENTIALITYCLAUSE"):
        assert _found(world.seeker_owner, world.cluster, q=secret) == set()
    url = client_of(world.rival_owner).get(f"/api/v1/clusters/{world.cluster.slug}/search/", {"q": "染色"}).json()
    assert url["results"][0]["url"] == f"/clusters/{world.cluster.slug}/challenges/{open_one.pk}/"


@pytest.mark.django_db
def test_a_draft_is_its_seekers_alone_and_opening_or_withdrawing_keeps_the_index_in_step(world, posted):
    open_one, draft = posted
    assert ("challenge", draft.pk, False) in _found(world.seeker_owner, world.cluster, q="回收")
    assert _found(world.rival_owner, world.cluster, q="回收") == set()
    draft.status = "open"
    draft.save()
    assert ("challenge", draft.pk, False) in _found(world.rival_owner, world.cluster, q="回收")
    open_one.delete()
    assert ("challenge", open_one.pk, False) not in _found(world.rival_owner, world.cluster, q="染色")


@pytest.mark.django_db
def test_a_shared_challenge_is_found_by_partner_members_only_and_only_while_shared(world, posted):
    open_one, _draft = posted
    partner_cluster, stranger_cluster = ClusterFactory(), ClusterFactory()
    PartnershipFactory(proposer=world.cluster, partner=partner_cluster)
    partner_member, stranger = _member_of(partner_cluster), _member_of(stranger_cluster)
    answer = client_of(partner_member).get(f"/api/v1/clusters/{partner_cluster.slug}/search/", {"q": "涤纶"}).json()
    hits = [row for row in answer["results"] if row["kind"] == "challenge"]
    assert [(row["id"], row["partner"]) for row in hits] == [(open_one.pk, True)]  # never the draft
    page = _page(partner_member, hits[0]["url"])
    assert page.status_code == 200 and "100" in page.content.decode()
    assert "SECRETRECIPE" not in page.content.decode()
    assert _found(stranger, stranger_cluster, q="涤纶") == set()
    assert _page(stranger, hits[0]["url"].replace(partner_cluster.slug, stranger_cluster.slug)).status_code == 404
    open_one.shared_with_partners = False
    open_one.save()
    assert _found(partner_member, partner_cluster, q="涤纶") == set()
    assert _page(partner_member, hits[0]["url"]).status_code == 404


@pytest.mark.django_db
def test_the_sqlite_backend_finds_own_and_partner_shared_challenges_with_fts5():
    migration = import_module("apps.innovation.migrations.0002_knowledge")
    db = DatabaseWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {},
        },
        alias="fts-challenges",
    )
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE innovation_searchentry (id integer primary key, cluster_id int, kind text, object_id int,"
                " owner_id int, visibility text, title text, summary text, tokens text, updated_at text,"
                " shared_with_partners bool)"
            )
            for statement in migration.SQLITE_FTS:
                cursor.execute(statement)
            rows = [
                (1, 1, 10, "members", 1, "涤纶染色 polyester dyeing"),  # own cluster
                (2, 2, 20, "members", 1, "涤纶染色 shared by a partner"),  # partner, shared
                (3, 2, 21, "members", 0, "涤纶染色 not shared"),  # partner, not shared
                (4, 3, 30, "members", 1, "涤纶染色 shared, no partnership"),
            ]
            for id_, cluster, obj, vis, shared, text in rows:
                cursor.execute(
                    "INSERT INTO innovation_searchentry VALUES (%s, %s, 'challenge', %s, NULL, %s, 't', '', %s, '', %s)",
                    [id_, cluster, obj, vis, tokens.document_text(text), shared],
                )
        found = lambda q, **kw: sorted(h.object_id for h in backends.search(q, cluster=1, connection=db, **kw))  # noqa: E731
        assert found("染色") == [10]
        assert found("染色", partner_ids=[2]) == [10, 20]
        assert found("dyeing", partner_ids=[2], kinds=["challenge"]) == [10]
        assert found("染色", partner_ids=[2], kinds=["order"]) == []
    finally:
        db.close()
