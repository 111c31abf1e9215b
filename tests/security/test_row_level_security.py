"""Row-level security on PostgreSQL: a query that forgets its tenant reaches no other cluster.

The application scopes every query itself (``ClusterScopedViewSet``, page selectors); these
tests prove the second line: with the tenant role and a cluster set for the transaction,
the database shows and accepts only that cluster's rows, and with no cluster it shows none.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from apps.governance.models import Comment
from apps.marketplace.api import views as market_views
from apps.marketplace.models import Order
from apps.tenancy.rls import tenant_role, tenant_scope
from tests.factories import ClusterFactory, UserFactory
from tests.factories.governance import CommentFactory, ProposalFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.marketplace.test_concurrency import make_order

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is a PostgreSQL feature; SQLite relies on the application's scoping",
)

#: tables with a cluster column that are deliberately not under a cluster policy
EXEMPT = {
    # a user's own inbox across clusters (the cluster is optional); scoped to the recipient
    "notifications_notification",
}
#: child tables without a cluster column, visible through their parent
CHILDREN = {
    "governance_proposalrevision",
    "governance_petitionsignature",
    "governance_comment",
    "governance_vote",
    "marketplace_dealevent",
    "marketplace_rating",
}
#: tables visible to the two clusters of a partnership (neither has one cluster column)
PARTIES = {"partnerships_partnership"}
#: tables with partner policies beside their tenant policy (``apps/partnerships/rls.py``): a shared
#: listing is read and reserved across while a partnership in force covers it; a cross-cluster
#: match or deal is its partner cluster's too
PARTNER_POLICIES = {
    "marketplace_order": {"tenant_isolation", "partner_visibility", "partner_reservation"},
    "marketplace_capacityoffer": {"tenant_isolation", "partner_visibility", "partner_reservation"},
    "marketplace_channeloffer": {"tenant_isolation", "partner_visibility", "partner_reservation"},
    "marketplace_channelrequest": {"tenant_isolation", "partner_visibility", "partner_reservation"},
    "marketplace_match": {"tenant_isolation", "partner_side"},
    "marketplace_deal": {"tenant_isolation", "partner_side"},
    # parks: a resource bookable by partners is read across while a partnership in force opens resources (or
    # once booked across); a booking across is its booker's cluster's too (``apps/parks/sharing.py``)
    "parks_resource": {"tenant_isolation", "partner_bookable"},
    "parks_booking": {"tenant_isolation", "partner_side"},
    # a challenge shared with partners: its search entry is read across a partnership in force
    "innovation_searchentry": {"tenant_isolation", "partner_search"},
}


def tenant_tables() -> set[str]:
    tables = set()
    for model in apps.get_models():
        if any(f.name == "cluster" and f.is_relation for f in model._meta.concrete_fields):
            tables.add(model._meta.db_table)
    return tables - EXEMPT


def one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@dataclass
class Tenant:
    cluster: object
    owner: object  # the user who owns the member enterprise
    order: object
    comment: object  # on a proposal of the cluster: a child row without a cluster column


@pytest.fixture
def two_markets(db):
    """Two clusters, each with a member enterprise, an order and a comment on a proposal."""
    tenants = []
    for _ in range(2):
        cluster, owner = ClusterFactory(), UserFactory()
        buyer = EnterpriseFactory(owner=owner)
        MembershipFactory(cluster=cluster, enterprise=buyer)
        order = make_order(SimpleNamespace(cluster=cluster), buyer, 100)
        proposal = ProposalFactory(cluster=cluster, kind="policy", title="Open data", body="…", author=owner)
        comment = CommentFactory(proposal=proposal, author=owner, body="Agreed.")
        tenants.append(Tenant(cluster, owner, order, comment))
    return tenants


def test_every_tenant_table_has_forced_row_security_and_a_policy(db):
    expected = tenant_tables() | CHILDREN | PARTIES
    assert len(expected) >= 20
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, array_remove(array_agg(p.polname), NULL)
            FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
            WHERE c.relname = ANY(%s) AND c.relkind = 'r'
            GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity
            """,
            [sorted(expected)],
        )
        rows = {name: (enabled, forced, set(policies)) for name, enabled, forced, policies in cursor.fetchall()}
    assert set(rows) == expected
    unprotected = {name for name, (enabled, forced, policies) in rows.items() if not (enabled and forced and policies)}
    assert unprotected == set(), f"tables without forced row-level security: {sorted(unprotected)}"
    # one policy per table, but for the partner policies named on purpose
    extra = {
        name: policies
        for name, (_e, _f, policies) in rows.items()
        if len(policies) != 1 and PARTNER_POLICIES.get(name) != policies
    }
    assert extra == {}, f"unexpected policies: {extra}"
    for name, policies in PARTNER_POLICIES.items():
        assert rows[name][2] == policies, name


def test_the_tenant_role_may_not_bypass_and_owns_nothing(db):
    superuser, bypass = one("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [tenant_role()])
    assert (superuser, bypass) == (False, False)
    owned = one("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [tenant_role()])[0]
    assert owned == 0


def test_an_unscoped_query_under_the_tenant_role_sees_nothing(two_markets):
    assert Order.objects.count() == 2  # the login role (migrations, system work) sees both
    with transaction.atomic():
        one("SELECT set_config('role', %s, true)", [tenant_role()])
        assert one("SELECT current_user")[0] == tenant_role()
        assert Order.objects.count() == 0
        assert Order.objects.filter(pk=two_markets[0].order.pk).first() is None
        assert one("SELECT count(*) FROM marketplace_order")[0] == 0
        one("SELECT set_config('role', 'none', true)")


def test_a_cluster_scope_shows_and_changes_only_its_own_rows(two_markets):
    mine, theirs = two_markets
    my_order, their_order = mine.order, theirs.order
    with tenant_scope(mine.cluster.pk):
        assert list(Order.objects.values_list("pk", flat=True)) == [my_order.pk]
        # forgetting the tenant filter, or asking for another cluster's row by id, finds nothing
        assert not Order.objects.filter(pk=their_order.pk).exists()
        assert not Order.objects.filter(cluster=theirs.cluster).exists()
        # nor can it be changed or deleted
        assert Order.objects.filter(pk=their_order.pk).update(title="hijacked") == 0
        assert Order.objects.filter(pk=their_order.pk).delete()[0] == 0
    their_order.refresh_from_db()
    assert their_order.title != "hijacked"


def test_a_cluster_scope_refuses_to_write_into_another_cluster(two_markets):
    mine, theirs = two_markets
    with pytest.raises(DatabaseError, match="row-level security"), tenant_scope(mine.cluster.pk):
        Order.objects.filter(pk=mine.order.pk).update(cluster=theirs.cluster)  # moving a row out
    planted = mine.order
    planted.pk = None
    planted.cluster = theirs.cluster
    with pytest.raises(DatabaseError, match="row-level security"), tenant_scope(mine.cluster.pk):
        planted.save()  # planting a row in another cluster
    assert Order.objects.filter(cluster=theirs.cluster).count() == 1
    assert Order.objects.filter(cluster=mine.cluster).count() == 1


def test_child_rows_follow_their_parent(two_markets):
    mine, theirs = two_markets
    with tenant_scope(mine.cluster.pk):
        assert list(Comment.objects.values_list("pk", flat=True)) == [mine.comment.pk]
        assert not Comment.objects.filter(pk=theirs.comment.pk).exists()
        assert Comment.objects.filter(pk=theirs.comment.pk).update(body="hijacked") == 0


def test_the_scope_restores_the_callers_role_and_cluster(two_markets):
    mine, theirs = two_markets
    login = one("SELECT current_user")[0]
    with tenant_scope(mine.cluster.pk):
        with tenant_scope(theirs.cluster.pk):
            assert one("SELECT current_setting('app.cluster_id')")[0] == str(theirs.cluster.pk)
        assert one("SELECT current_user::text, current_setting('app.cluster_id')") == (
            tenant_role(),
            str(mine.cluster.pk),
        )
    assert one("SELECT current_user")[0] == login
    assert Order.objects.count() == 2


def test_the_scope_binds_streamed_reads_and_survives_a_failed_inner_scope(two_markets):
    mine, theirs = two_markets
    with tenant_scope(mine.cluster.pk):
        # iterator() reads through a server-side (named) cursor
        assert [order.pk for order in Order.objects.iterator(chunk_size=1)] == [mine.order.pk]
        with pytest.raises(RuntimeError), tenant_scope(theirs.cluster.pk):
            assert Order.objects.get().pk == theirs.order.pk
            raise RuntimeError("the inner work failed")
        assert one("SELECT current_setting('app.cluster_id')")[0] == str(mine.cluster.pk)
        assert list(Order.objects.values_list("pk", flat=True)) == [mine.order.pk]
        with tenant_scope(theirs.cluster.pk):
            pass  # a scope that sends no statement changes nothing for its caller
        assert list(Order.objects.values_list("pk", flat=True)) == [mine.order.pk]
    assert Order.objects.count() == 2


def test_an_api_view_that_forgets_its_tenant_still_returns_only_this_cluster(two_markets, as_user, monkeypatch):
    """Break the application's scoping on purpose: the database still keeps the clusters apart."""
    mine, theirs = two_markets
    client = as_user(mine.owner)
    monkeypatch.setattr(
        market_views.OrderViewSet, "scoped_queryset", lambda self, *, cluster, user: Order.objects.all()
    )
    response = client.get(f"/api/v1/clusters/{mine.cluster.slug}/orders/")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [mine.order.pk]
    assert client.get(f"/api/v1/clusters/{mine.cluster.slug}/orders/{theirs.order.pk}/").status_code == 404
    # outside the scope the test's own connection is back to the login role
    assert Order.objects.count() == 2


def test_migrate_refuses_a_login_role_that_would_see_no_rows(db):
    from apps.tenancy.checks import login_role_may_bypass_row_security

    assert login_role_may_bypass_row_security(databases=["default"]) == []
    with transaction.atomic():
        one("SELECT set_config('role', %s, true)", [tenant_role()])
        errors = login_role_may_bypass_row_security(databases=["default"])
        one("SELECT set_config('role', 'none', true)")
    assert [e.id for e in errors] == ["tenancy.E001"]
    assert tenant_role() in errors[0].msg
