"""Page tenancy is structural: a page of a cluster declares who may open it, the middleware
admits the caller before the view runs, and a query that forgets its cluster still sees that
cluster's rows only (on SQLite through the tenant managers, on PostgreSQL through row-level
security as well)."""

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import include, path

from apps.tenancy import scoping
from apps.tenancy.models import ClusterRole
from apps.tenancy.pages import ADMINISTRATOR, ANYONE, MEMBER, cluster_page
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory


@cluster_page(ADMINISTRATOR)
def forgetful(request, slug):
    """Forgets ``.filter(cluster=…)``: lists every role it can reach."""
    return JsonResponse({"clusters": sorted(set(ClusterRole.objects.values_list("cluster_id", flat=True)))})


def undeclared(request, slug):
    return HttpResponse("should never be reached")


@cluster_page(MEMBER, refusal="Members only, says the page.")
def members_only(request, slug):
    return HttpResponse(f"roles {sorted(request.cluster_access.roles)}")


@cluster_page(ANYONE)
def public(request, slug):
    return HttpResponse(f"hello {request.cluster_access.cluster.slug}")


urlpatterns = [
    path("clusters/<slug:slug>/forgetful/", forgetful),
    path("clusters/<slug:slug>/undeclared/", undeclared),
    path("clusters/<slug:slug>/members-only/", members_only),
    path("clusters/<slug:slug>/public/", public),
    path("", include("cluster_platform.urls")),  # the layout's links
]


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_page_whose_query_forgets_the_cluster_still_shows_only_its_own_rows(cluster, other_cluster, cluster_admin):
    ClusterRoleFactory(cluster=other_cluster)
    ClusterRoleFactory(cluster=ClusterFactory())
    assert ClusterRole.objects.values("cluster_id").distinct().count() == 3  # outside a request: every row

    answer = client_of(cluster_admin).get(f"/clusters/{cluster.slug}/forgetful/")

    assert answer.status_code == 200
    assert answer.json() == {"clusters": [cluster.pk]}


@pytest.mark.django_db
def test_the_tenant_manager_filters_by_the_active_cluster_where_the_database_does_not(
    cluster, other_cluster, monkeypatch
):
    """The manager's own rule, on any database (the test runs outside row-level security)."""
    ClusterRoleFactory(cluster=cluster)
    ClusterRoleFactory(cluster=other_cluster)
    monkeypatch.setattr(scoping, "enforced", lambda connection=None: False)
    with scoping.active(cluster.pk):
        assert set(ClusterRole.objects.values_list("cluster_id", flat=True)) == {cluster.pk}
        assert scoping.current_cluster_id() == cluster.pk
    assert scoping.current_cluster_id() is None
    assert set(ClusterRole.objects.values_list("cluster_id", flat=True)) == {cluster.pk, other_cluster.pk}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_page_that_declares_no_roles_is_refused_even_to_an_administrator(cluster, cluster_admin):
    answer = client_of(cluster_admin).get(f"/clusters/{cluster.slug}/undeclared/")
    assert answer.status_code == 403
    assert b"should never be reached" not in answer.content


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_caller_without_the_declared_role_reads_the_pages_reason(cluster, cluster_admin):
    answer = client_of(cluster_admin).get(f"/clusters/{cluster.slug}/members-only/")
    assert answer.status_code == 403
    assert "Members only, says the page." in answer.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_anonymous_caller_is_sent_to_sign_in_and_staff_pass(cluster, staff):
    answer = client_of().get(f"/clusters/{cluster.slug}/members-only/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")
    assert client_of(staff).get(f"/clusters/{cluster.slug}/members-only/").status_code == 200


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_hidden_or_unknown_cluster_is_a_404_even_for_a_public_page(cluster):
    assert client_of().get(f"/clusters/{cluster.slug}/public/").content == f"hello {cluster.slug}".encode()
    cluster.status = cluster.Status.SUSPENDED
    cluster.save()
    assert client_of(UserFactory()).get(f"/clusters/{cluster.slug}/public/").status_code == 404
    assert client_of().get("/clusters/no-such-cluster/public/").status_code == 404


def test_a_page_must_declare_at_least_one_known_role():
    with pytest.raises(TypeError, match="at least one role"):
        cluster_page()
    with pytest.raises(TypeError, match="unknown roles"):
        cluster_page("janitor")


def _routes(resolver=None, prefix=""):
    """Every (route, view) the URL configuration serves."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def test_every_page_of_a_cluster_declares_the_roles_that_may_open_it():
    pages = [
        (route, view)
        for route, view in _routes()
        if "clusters/<" in route and getattr(view, "cls", None) is None  # API viewsets have required_roles
    ]
    assert len(pages) > 40  # the walk does reach the pages
    undeclared = [
        f"{route} ({view.__module__}.{view.__name__})"
        for route, view in pages
        if not getattr(view, "cluster_page_roles", None)
    ]
    assert undeclared == []


@pytest.mark.django_db
def test_a_child_table_follows_its_parents_cluster_where_the_database_does_not(monkeypatch):
    """Deal events carry no cluster of their own: the manager reaches it through the deal, as the policy does."""
    from apps.marketplace.models import DealEvent
    from tests.factories.marketplace import DealEventFactory

    mine, theirs = DealEventFactory(), DealEventFactory()
    assert mine.deal.cluster_id != theirs.deal.cluster_id
    monkeypatch.setattr(scoping, "enforced", lambda connection=None: False)
    with scoping.active(mine.deal.cluster_id):
        assert list(DealEvent.objects.values_list("pk", flat=True)) == [mine.pk]
        assert list(mine.deal.events.values_list("pk", flat=True)) == [mine.pk]  # related managers too
    assert DealEvent.objects.count() == 2
