"""The one search: Chinese and English queries, tenancy, drafts, bad input, and the SQLite backend."""

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from apps.innovation.migrations import __path__ as _migrations  # noqa: F401  (the package exists)
from apps.innovation.search import backends, tokens
from apps.innovation.services import knowledge as services
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.marketplace import OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

TEXT = "涤纶长丝染色工艺指南 Polyester filament dyeing guide"


def test_cjk_text_gives_unigrams_and_bigrams_and_latin_words_a_light_stem():
    found = tokens.document_tokens("涤纶长丝染色 Dyeing standards")
    assert {"涤纶", "染色", "长丝", "涤", "色"} <= set(found)
    assert {"dye", "standard"} <= set(found)
    assert tokens.tsquery("涤纶 染色 dyeing") == "涤纶 & 染色 & dye:*"
    assert tokens.tsquery("!!! ;;") == ""
    assert tokens.fts5_query('x" OR y') == '"x"* AND "or"* AND "y"*'


@pytest.fixture
def scene(db):
    cluster, other = ClusterFactory(), ClusterFactory()
    owner, rival_owner, foreign_owner = UserFactory(), UserFactory(), UserFactory()
    a = EnterpriseFactory(owner=owner, legal_name_zh="绍兴印染有限公司", legal_name_en="Shaoxing Dyeing Co")
    b = EnterpriseFactory(owner=rival_owner, legal_name_zh="杭州服装", legal_name_en="Hangzhou Apparel")
    f = EnterpriseFactory(owner=foreign_owner)
    MembershipFactory(cluster=cluster, enterprise=a)
    MembershipFactory(cluster=cluster, enterprise=b)
    MembershipFactory(cluster=other, enterprise=f)
    admin = ClusterRoleFactory(cluster=cluster).user
    guide = services.knowledge_create(
        actor=admin if False else owner,
        cluster=cluster,
        enterprise_id=a.pk,
        kind="guide",
        title=TEXT,
        body="染色 **温度**",
    )
    services.knowledge_submit(actor=owner, cluster=cluster, entry_id=guide.pk)  # review required by default
    services.knowledge_review(actor=admin, cluster=cluster, entry_id=guide.pk, approve=True)
    draft = OrderFactory(cluster=cluster, owner=a, title="涤纶草稿 polyester draft", status="draft")
    order = OrderFactory(cluster=cluster, owner=b, title="采购涤纶面料 polyester fabric order")
    foreign = OrderFactory(cluster=other, owner=f, title="涤纶 polyester elsewhere")
    return locals()


def _search(as_user, user, cluster, **params):
    return as_user(user).get(f"/api/v1/clusters/{cluster.slug}/search/", params)


@pytest.mark.django_db
def test_a_chinese_and_an_english_query_find_library_listings_and_members(as_user, scene):
    s = scene
    answer = _search(as_user, s["rival_owner"], s["cluster"], q="涤纶 染色").json()
    assert [(r["kind"], r["id"]) for r in answer["results"]] == [("knowledge", s["guide"].pk)]
    english = _search(as_user, s["rival_owner"], s["cluster"], q="polyester").json()["results"]
    assert {(r["kind"], r["id"]) for r in english} == {("knowledge", s["guide"].pk), ("order", s["order"].pk)}
    members = _search(as_user, s["rival_owner"], s["cluster"], q="印染", kind="member").json()["results"]
    assert [(r["kind"], r["id"]) for r in members] == [("member", s["a"].pk)]
    assert members[0]["url"].startswith(f"/clusters/{s['cluster'].slug}/")


@pytest.mark.django_db
def test_a_draft_is_its_owners_alone_and_another_cluster_never_appears(as_user, scene):
    s = scene
    theirs = {(r["kind"], r["id"]) for r in _search(as_user, s["owner"], s["cluster"], q="涤纶").json()["results"]}
    others = {
        (r["kind"], r["id"]) for r in _search(as_user, s["rival_owner"], s["cluster"], q="涤纶").json()["results"]
    }
    assert ("order", s["draft"].pk) in theirs and ("order", s["draft"].pk) not in others
    assert ("order", s["foreign"].pk) not in theirs | others
    assert _search(as_user, s["foreign_owner"], s["cluster"], q="涤纶").status_code in (403, 404)


@pytest.mark.django_db
def test_the_index_follows_edits_and_unpublished_entries_are_not_found(as_user, scene):
    s = scene
    s["order"].title = "棉纱 cotton yarn"
    s["order"].save()
    found = {r["id"] for r in _search(as_user, s["owner"], s["cluster"], q="polyester", kind="order").json()["results"]}
    assert s["order"].pk not in found
    assert [r["id"] for r in _search(as_user, s["owner"], s["cluster"], q="棉纱").json()["results"]] == [s["order"].pk]
    services.knowledge_withdraw(actor=s["owner"], cluster=s["cluster"], entry_id=s["guide"].pk)
    assert _search(as_user, s["owner"], s["cluster"], q="染色", kind="knowledge").json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "   ", "x" * 101, "!!!"])
def test_an_empty_overlong_or_wordless_query_is_a_400_naming_q(as_user, scene, q):
    response = _search(as_user, scene["owner"], scene["cluster"], q=q)
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


@pytest.mark.django_db
def test_an_unknown_kind_is_a_400_naming_kind(as_user, scene):
    response = _search(as_user, scene["owner"], scene["cluster"], q="涤纶", kind="secrets")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


@pytest.mark.django_db
def test_the_sqlite_backend_finds_the_same_with_fts5():
    """The SQLite backend over an in-memory database with the migration's FTS5 table and triggers."""
    from importlib import import_module

    migration = import_module("apps.innovation.migrations.0002_knowledge")
    db = DatabaseWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {},
        },
        alias="fts",
    )
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE innovation_searchentry (id integer primary key, cluster_id int, kind text, object_id int,"
                " owner_id int, visibility text, title text, summary text, tokens text, updated_at text)"
            )
            for statement in migration.SQLITE_FTS:
                cursor.execute(statement)
            rows = [
                (1, 1, "knowledge", 10, None, "members", "guide", TEXT),
                (2, 1, "order", 11, 7, "owner", "draft", "涤纶草稿 polyester draft"),
                (3, 2, "order", 12, None, "members", "elsewhere", "涤纶 polyester elsewhere"),
                (4, 1, "order", 13, None, "members", "cotton", "棉纱 cotton"),
            ]
            for id_, cluster, kind, obj, owner, vis, title, text in rows:
                cursor.execute(
                    "INSERT INTO innovation_searchentry VALUES (%s, %s, %s, %s, %s, %s, %s, '', %s, '')",
                    [id_, cluster, kind, obj, owner, vis, title, tokens.document_text(text)],
                )
        found = lambda q, **kw: [h.object_id for h in backends.search(q, cluster=1, connection=db, **kw)]  # noqa: E731
        assert found("涤纶 染色") == [10]
        assert sorted(found("polyester")) == [10]
        assert sorted(found("polyest", enterprise_ids=[7])) == [10, 11]
        assert found("dyeing", kinds=["order"]) == []
        assert found("棉纱") == [13]
    finally:
        db.close()
