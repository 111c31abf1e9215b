"""Staff appoint and remove a cluster's administrators; administrators of another
cluster get nothing of this one."""

import pytest

from apps.tenancy.models import ClusterRole
from tests.factories import ClusterRoleFactory, UserFactory
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db


def url(cluster, user_id=None):
    base = f"/api/v1/clusters/{cluster.slug}/administrators/"
    return f"{base}{user_id}/" if user_id else base


def test_administrators_and_staff_list_the_administrators(as_user, cluster, cluster_admin, staff):
    for actor in (cluster_admin, staff):
        response = as_user(actor).get(url(cluster))
        assert response.status_code == 200
        assert [row["user"]["email"] for row in response.json()["results"]] == [cluster_admin.email]


@pytest.mark.parametrize(("actor", "expected"), [("anonymous", 401), ("user", 403), ("other_cluster_admin", 403)])
def test_others_cannot_list_administrators(as_user, request, cluster, cluster_admin, actor, expected):
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    response = as_user(user).get(url(cluster))
    assert response.status_code == expected
    assert cluster_admin.email not in response.content.decode()


def test_unknown_cluster_is_404_before_any_role_check(as_user, cluster_admin):
    response = as_user(cluster_admin).get("/api/v1/clusters/nowhere/administrators/")
    assert response.status_code == 404


def test_staff_appoint_an_administrator(as_user, staff, cluster):
    newcomer = UserFactory(email="new.admin@park.cn")
    response = as_user(staff).post(url(cluster), {"email": "New.Admin@park.cn"})
    assert response.status_code == 201, response.content
    assert response.json()["user"]["email"] == "new.admin@park.cn"
    assert response.json()["appointed_by"]["id"] == staff.id
    role = ClusterRole.objects.get(cluster=cluster, user=newcomer)
    assert role.role == "administrator"
    # and the appointee sees the role on /me/
    assert as_user(newcomer).get("/api/v1/me/").json()["roles"][0]["cluster"] == cluster.slug


@pytest.mark.parametrize("actor", ["cluster_admin", "other_cluster_admin", "user"])
def test_only_staff_appoint(as_user, request, cluster, actor):
    UserFactory(email="candidate@park.cn")
    response = as_user(request.getfixturevalue(actor)).post(url(cluster), {"email": "candidate@park.cn"})
    assert response.status_code == 403
    assert not ClusterRole.objects.filter(user__email="candidate@park.cn").exists()


def test_appointing_twice_is_a_conflict(as_user, staff, cluster, cluster_admin):
    response = as_user(staff).post(url(cluster), {"email": cluster_admin.email})
    assert response.status_code == 409
    assert response.json()["errors"] == {"email": ["This user is already an administrator of the cluster."]}
    assert ClusterRole.objects.filter(cluster=cluster).count() == 1


@pytest.mark.parametrize(
    ("body", "message_part"),
    [({"email": "ghost@park.cn"}, "No active user"), ({"email": "not-an-email"}, "valid"), ({}, "required")],
)
def test_appoint_with_bad_email_is_400_naming_email(as_user, staff, cluster, body, message_part):
    response = as_user(staff).post(url(cluster), body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]
    assert message_part in response.json()["errors"]["email"][0]


def test_staff_remove_an_administrator(as_user, staff, cluster, cluster_admin):
    assert as_user(staff).delete(url(cluster, cluster_admin.id)).status_code == 204
    assert not ClusterRole.objects.filter(cluster=cluster).exists()
    assert as_user(staff).delete(url(cluster, cluster_admin.id)).status_code == 404


def test_administrator_of_another_cluster_cannot_remove(as_user, cluster, cluster_admin, other_cluster_admin):
    response = as_user(other_cluster_admin).delete(url(cluster, cluster_admin.id))
    assert response.status_code == 403
    assert ClusterRole.objects.filter(cluster=cluster, user=cluster_admin).exists()


def test_an_administrator_cannot_remove_a_colleague(as_user, cluster, cluster_admin):
    colleague = ClusterRoleFactory(cluster=cluster).user
    assert as_user(cluster_admin).delete(url(cluster, colleague.id)).status_code == 403


def test_removing_in_one_cluster_leaves_the_other_alone(as_user, staff, cluster, other_cluster):
    person = UserFactory()
    ClusterRoleFactory(cluster=cluster, user=person)
    ClusterRoleFactory(cluster=other_cluster, user=person)
    assert as_user(staff).delete(url(other_cluster, person.id)).status_code == 204
    assert ClusterRole.objects.filter(cluster=cluster, user=person).exists()


def test_administrator_list_query_count_is_flat(as_user, staff, cluster):
    ClusterRoleFactory(cluster=cluster)
    client = as_user(staff)
    with cold_queries() as one:
        client.get(url(cluster))
    for _ in range(49):
        ClusterRoleFactory(cluster=cluster)
    with cold_queries() as fifty:
        response = client.get(url(cluster) + "?page_size=50")
    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)
