"""The site's own error pages (styled, in the reader's language), the cluster list at
/clusters/, and allauth's specification page served with scripts the CSP allows."""

import pytest

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("address", ["/no-such-page/", "/clusters/no-such-cluster/"])
def test_an_unknown_page_is_the_sites_styled_404_in_the_readers_language(client, address):
    english = client.get(address, **EN)
    assert english.status_code == 404
    page = english.content.decode()
    assert 'data-testid="error-page"' in page and "/static/css/app.css" in page
    assert "Page not found" in page and 'href="/"' in page
    chinese = client.get(address, **ZH).content.decode()
    assert 'lang="zh-hans"' in chinese and "集群平台" in chinese  # the layout, translated


def test_the_api_keeps_its_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_500_page_is_styled_and_needs_no_request():
    from django.template import loader

    page = loader.get_template("500.html").render({})
    assert "Something went wrong" in page and "/static/css/app.css" in page


def test_the_403_page_is_styled(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "Not allowed" in response.content.decode()


def test_clusters_lists_the_clusters(client, cluster):
    response = client.get("/clusters/", **EN)
    assert response.status_code == 200 and cluster.name_en in response.content.decode()
    assert 'data-testid="cluster-directory"' in response.content.decode()


def test_allauths_specification_loads_redoc_from_our_static_files(client):
    response = client.get("/_allauth/openapi.html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in page
    assert "cdn." not in page and "//" not in page.split("<script", 1)[1].split(">", 1)[0]
    assert "script-src 'self'" in response["Content-Security-Policy"]
