"""Django admin shows platform staff every app's rows, read-only: enterprises, memberships,
reports and the audit trail; listings, matches, deals, ratings and matching runs; seats,
proposals, rule versions and the audit chain; alerts and KPI snapshots.

Each changelist lists the rows of every cluster, filters by cluster, searches, and costs the
same number of queries for 5 rows as for 20; a change view shows an object without a form to
save, and adding or deleting is refused: state changes go through the apps' services.
"""

import itertools

import pytest
from django.urls import reverse

from apps.governance.chain import chain_append, checkpoint_create
from apps.membership.models import AuditEvent
from tests.factories import ClusterFactory, StaffFactory
from tests.factories.dealroom import DisputeFactory, DocumentFactory
from tests.factories.governance import CommentFactory, ProposalFactory, RuleVersionFactory, SeatFactory, VoteFactory
from tests.factories.marketplace import (
    CapacityOfferFactory,
    ChannelOfferFactory,
    ChannelRequestFactory,
    DealEventFactory,
    DealFactory,
    MatchFactory,
    MatchingRunFactory,
    OrderFactory,
    RatingFactory,
)
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory, ReportFactory
from tests.factories.monitoring import AlertFactory, KpiSnapshotFactory
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db

_kinds = itertools.count()


def _chain_checkpoint(cluster):
    chain_append(cluster=cluster, kind="test.entry", payload={"n": next(_kinds)})
    return checkpoint_create(cluster=cluster)[0]


#: (app label, model name, the filter that keeps one cluster's rows, make one row in a cluster)
ADMINS = [
    ("membership", "enterprise", "memberships__cluster__id__exact", lambda c: MembershipFactory(cluster=c).enterprise),
    ("membership", "membership", "cluster__id__exact", lambda c: MembershipFactory(cluster=c)),
    ("membership", "report", "cluster__id__exact", lambda c: ReportFactory(cluster=c)),
    (
        "membership",
        "auditevent",
        "cluster__id__exact",
        lambda c: AuditEvent.objects.create(cluster=c, action="membership.approved", enterprise=EnterpriseFactory()),
    ),
    ("marketplace", "order", "cluster__id__exact", lambda c: OrderFactory(cluster=c)),
    ("marketplace", "capacityoffer", "cluster__id__exact", lambda c: CapacityOfferFactory(cluster=c)),
    ("marketplace", "channeloffer", "cluster__id__exact", lambda c: ChannelOfferFactory(cluster=c)),
    ("marketplace", "channelrequest", "cluster__id__exact", lambda c: ChannelRequestFactory(cluster=c)),
    ("marketplace", "match", "cluster__id__exact", lambda c: MatchFactory(order__cluster=c)),
    ("marketplace", "deal", "cluster__id__exact", lambda c: DealFactory(match__order__cluster=c)),
    ("marketplace", "rating", "deal__cluster__id__exact", lambda c: RatingFactory(deal__match__order__cluster=c)),
    ("marketplace", "matchingrun", "cluster__id__exact", lambda c: MatchingRunFactory(cluster=c)),
    ("governance", "seat", "cluster__id__exact", lambda c: SeatFactory(cluster=c)),
    ("governance", "proposal", "cluster__id__exact", lambda c: ProposalFactory(cluster=c)),
    ("governance", "ruleversion", "cluster__id__exact", lambda c: RuleVersionFactory(cluster=c)),
    (
        "governance",
        "chainentry",
        "cluster__id__exact",
        lambda c: chain_append(cluster=c, kind="test.entry", payload={"n": next(_kinds)}),
    ),
    ("governance", "chaincheckpoint", "cluster__id__exact", _chain_checkpoint),
    ("monitoring", "alert", "cluster__id__exact", lambda c: AlertFactory(cluster=c)),
    ("monitoring", "kpisnapshot", "cluster__id__exact", lambda c: KpiSnapshotFactory(cluster=c)),
    ("dealroom", "document", "cluster__id__exact", lambda c: DocumentFactory(match=MatchFactory(order__cluster=c))),
    ("dealroom", "dispute", "cluster__id__exact", lambda c: DisputeFactory(deal=DealFactory(match__order__cluster=c))),
]
IDS = [f"{app}.{model}" for app, model, *_ in ADMINS]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def url(app, model, view, *args):
    return reverse(f"admin:{app}_{model}_{view}", args=args)


@pytest.mark.parametrize(("app", "model", "cluster_filter", "make"), ADMINS, ids=IDS)
def test_a_changelist_lists_every_clusters_rows_and_filters_by_cluster(staff_client, app, model, cluster_filter, make):
    one, other = ClusterFactory(), ClusterFactory()
    mine, theirs = make(one), make(other)

    response = staff_client.get(url(app, model, "changelist"))
    assert response.status_code == 200
    assert {row.pk for row in response.context["cl"].result_list} == {mine.pk, theirs.pk}

    response = staff_client.get(url(app, model, "changelist"), {cluster_filter: one.pk})
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [mine.pk]


@pytest.mark.parametrize(("app", "model", "cluster_filter", "make"), ADMINS, ids=IDS)
def test_a_changelist_costs_as_many_queries_for_20_rows_as_for_5(staff_client, app, model, cluster_filter, make):
    clusters = [ClusterFactory(), ClusterFactory()]
    for n in range(5):
        make(clusters[n % 2])
    with cold_queries() as five:
        assert staff_client.get(url(app, model, "changelist")).status_code == 200
    for n in range(15):
        make(clusters[n % 2])
    with cold_queries() as twenty:
        response = staff_client.get(url(app, model, "changelist"))
    assert response.context["cl"].result_count == 20
    assert len(twenty) == len(five), [q["sql"] for q in twenty.captured_queries]


@pytest.mark.parametrize(("app", "model", "cluster_filter", "make"), ADMINS, ids=IDS)
def test_a_change_view_is_read_only_and_add_and_delete_are_refused(staff_client, app, model, cluster_filter, make):
    row = make(ClusterFactory())

    response = staff_client.get(url(app, model, "change", row.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert response.context["has_change_permission"] is False

    assert staff_client.get(url(app, model, "add")).status_code == 403
    assert staff_client.post(url(app, model, "add"), {}).status_code == 403
    assert staff_client.get(url(app, model, "delete", row.pk)).status_code == 403
    assert staff_client.post(url(app, model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert type(row)._base_manager.filter(pk=row.pk).exists()
    listing = staff_client.get(url(app, model, "changelist"))
    assert "delete_selected" not in listing.context["cl"].model_admin.get_actions(listing.wsgi_request)


@pytest.mark.parametrize(
    ("app", "model", "make", "term"),
    [
        ("membership", "enterprise", lambda c: MembershipFactory(cluster=c).enterprise, lambda e: e.credit_code),
        ("membership", "membership", lambda c: MembershipFactory(cluster=c), lambda m: m.enterprise.legal_name_zh),
        ("marketplace", "order", lambda c: OrderFactory(cluster=c), lambda o: o.title),
        ("marketplace", "deal", lambda c: DealFactory(match__order__cluster=c), lambda d: d.buyer.legal_name_en),
        ("governance", "proposal", lambda c: ProposalFactory(cluster=c), lambda p: p.title),
        ("monitoring", "alert", lambda c: AlertFactory(cluster=c), lambda a: a.subject),
    ],
    ids=["enterprise", "membership", "order", "deal", "proposal", "alert"],
)
def test_search_finds_the_row_named(staff_client, app, model, make, term):
    wanted, other = make(ClusterFactory()), make(ClusterFactory())
    response = staff_client.get(url(app, model, "changelist"), {"q": term(wanted)})
    assert response.status_code == 200
    found = {row.pk for row in response.context["cl"].result_list}
    assert wanted.pk in found and other.pk not in found


def test_a_status_filter_keeps_the_rows_in_that_status(staff_client):
    cluster = ClusterFactory()
    active = MembershipFactory(cluster=cluster)
    MembershipFactory(cluster=cluster, status="pending")
    response = staff_client.get(url("membership", "membership", "changelist"), {"status__exact": "active"})
    assert [row.pk for row in response.context["cl"].result_list] == [active.pk]


def test_change_views_show_their_inlines_read_only(staff_client):
    enterprise = MembershipFactory().enterprise
    PersonFactory(enterprise=enterprise)
    response = staff_client.get(url("membership", "enterprise", "change", enterprise.pk))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.queryset) == 2  # the owner and the person

    vote = VoteFactory()
    CommentFactory(proposal=vote.proposal, body="A fair rule.")
    response = staff_client.get(url("governance", "proposal", "change", vote.proposal.pk))
    assert response.status_code == 200
    assert "A fair rule." in response.content.decode()
    assert str(vote.seat.holder) in response.content.decode()

    event = DealEventFactory()
    response = staff_client.get(url("marketplace", "deal", "change", event.deal.pk))
    assert response.status_code == 200
    assert all(not formset.has_add_permission for formset in response.context["inline_admin_formsets"])
