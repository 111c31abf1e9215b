import pytest

from apps.tenancy.models import Cluster
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_directory_of_active_clusters(client):
    shown = ClusterFactory(name_en="Shaoxing Textile Cluster")
    ClusterFactory(name_en="Archived Park", status=Cluster.Status.ARCHIVED)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shaoxing Textile Cluster" in page
    assert f'href="/clusters/{shown.slug}/"' in page
    assert "Archived Park" not in page


def test_home_filters_by_search_and_kind(client):
    ClusterFactory(name_en="Shaoxing Textile Cluster", kind=Cluster.Kind.VIRTUAL)
    ClusterFactory(name_en="Dongguan Mould Park", kind=Cluster.Kind.PHYSICAL)
    page = client.get("/?q=mould", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Dongguan Mould Park" in page and "Shaoxing Textile Cluster" not in page
    page = client.get("/?kind=virtual", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shaoxing Textile Cluster" in page and "Dongguan Mould Park" not in page


def test_cluster_page_and_hidden_cluster(client):
    cluster = ClusterFactory(description="Weaving <script>alert(1)</script> and dyeing")
    page = client.get(f"/clusters/{cluster.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert cluster.name_en in page
    assert "<script>alert(1)</script>" not in page  # user text is escaped
    assert "&lt;script&gt;" in page
    hidden = ClusterFactory(status=Cluster.Status.SUSPENDED)
    assert client.get(f"/clusters/{hidden.slug}/").status_code == 404
    assert client.get("/clusters/unknown/").status_code == 404


def test_administrators_are_listed_only_to_people_with_a_role(client, cluster, cluster_admin, user):
    url = f"/clusters/{cluster.slug}/"
    assert cluster_admin.email not in client.get(url).content.decode()
    client.force_login(user)
    assert cluster_admin.email not in client.get(url).content.decode()
    client.force_login(cluster_admin)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert cluster_admin.email in page
    assert "You administer this cluster" in page


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/", "/accounts/confirm-email/"]
)
def test_account_pages_render_inside_the_site_layout(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "Cluster Platform" in response.content.decode()
        assert 'id="language-select"' in response.content.decode()


def test_signup_page_flow_requires_the_emailed_code(client, mailoutbox):
    response = client.post("/accounts/signup/", {"email": "weaver@shaoxing.cn", "password1": "Weaving-loom-2026"})
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert mailoutbox[-1].to == ["weaver@shaoxing.cn"]
    # not logged in yet
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_cluster_page_shows_figures_only_when_an_app_provides_them(client, cluster, monkeypatch):
    from apps.tenancy import figures

    assert 'data-testid="cluster-figures"' in client.get(f"/clusters/{cluster.slug}/").content.decode()
    monkeypatch.setattr(figures, "_provider", None)  # monitoring not installed
    page = client.get(f"/clusters/{cluster.slug}/")
    assert page.status_code == 200
    assert 'data-testid="cluster-figures"' not in page.content.decode()
