"""Membership names listings without importing the marketplace: the marketplace registers the
provider (``apps.membership.report_targets``) in its ``AppConfig.ready()``."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from apps.marketplace import selectors as marketplace_selectors
from apps.membership import report_targets
from tests.factories.membership import ReportFactory
from tests.membership.test_pages import post_listing

MEMBERSHIP = Path(__file__).resolve().parents[2] / "apps" / "membership"


def test_membership_imports_nothing_of_the_marketplace():
    found = []
    for path in MEMBERSHIP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [
                f"{path.relative_to(MEMBERSHIP)}: {name}" for name in names if name.startswith("apps.marketplace")
            ]
    assert not found


def test_the_marketplace_provides_the_listings():
    assert report_targets.listings().get is marketplace_selectors.listing_get


@pytest.mark.django_db
def test_without_a_provider_a_report_names_no_listing(client, world, monkeypatch):
    order = post_listing(world, owner=world.peer, title="Counterfeit denim")
    ReportFactory(
        cluster=world.cluster, reporter=world.member, subject=world.peer, listing_kind="order", listing_id=order.pk
    )
    monkeypatch.setattr(report_targets, "_provider", report_targets.NO_LISTINGS)
    client.force_login(world.owner)
    url = reverse("report-create", args=[world.cluster.slug])
    assert client.get(f"{url}?listing=order:{order.pk}").status_code == 404
    client.force_login(world.admin)
    page = client.get(reverse("cluster-reports", args=[world.cluster.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert f"Listing {order.pk}" in page.content.decode() and "Counterfeit denim" not in page.content.decode()
