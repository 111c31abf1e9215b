"""Real browser: a match-proposed notification, raised while the UI was Chinese, reads in the
language of whoever opens the notifications page — English for one reader, Chinese for another.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.marketplace.conftest import capacity_body, order_body

CLUSTER_EN, CLUSTER_ZH = "Yangtze Delta Textile & Apparel Cluster", "长三角纺织服装虚拟产业集群"
TITLE = ("%(count)d new match proposed in %(cluster)s", "%(count)d new matches proposed in %(cluster)s")


def title_in(language: str, cluster: str) -> str:
    with translation.override(language):
        return ngettext(*TITLE, 1) % {"count": 1, "cluster": cluster}


@pytest.fixture
def proposal(transactional_db):
    """A buyer and a supplier whose listings met, both posted from a Chinese UI."""
    cluster = ClusterFactory(slug="yangtze-textile", name_en=CLUSTER_EN, name_zh=CLUSTER_ZH)
    buyer_owner, supplier_owner = UserFactory(email="buyer@demo.cn"), UserFactory(email="supplier@demo.cn")
    buyer = EnterpriseFactory(owner=buyer_owner, legal_name_en="Hangzhou Buyer Apparel")
    supplier = EnterpriseFactory(owner=supplier_owner, legal_name_en="Shaoxing Supplier Weaving")
    for enterprise in (buyer, supplier):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    market = type("Market", (), {"buyer": buyer})()
    url = f"/api/v1/clusters/{cluster.slug}/"
    for user, path, body in (
        (supplier_owner, "capacities/", capacity_body(supplier)),
        (buyer_owner, "orders/", order_body(market, required_certifications=[])),
    ):
        client = APIClient()
        client.force_authenticate(user)
        answer = client.post(url + path, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert answer.status_code == 201, answer.content
    return buyer_owner, supplier_owner


@pytest.mark.browser
def test_the_match_proposed_notification_reads_in_each_readers_language(proposal, new_context):  # noqa: F811
    buyer, supplier = proposal
    english = log_in(new_context(locale="en-US"), buyer.email, "/notifications/")
    notices = english.get_by_test_id("notifications")
    expect(notices).to_contain_text(title_in("en", CLUSTER_EN))
    expect(notices).to_contain_text("Accept or decline them before they expire.")
    expect(notices).not_to_contain_text(CLUSTER_ZH)
    expect(english.get_by_test_id("nav-notifications")).to_contain_text(re.compile(r"1"))

    chinese = log_in(new_context(locale="zh-CN"), supplier.email, "/notifications/")
    notices = chinese.get_by_test_id("notifications")
    expect(notices).to_contain_text(title_in("zh-hans", CLUSTER_ZH))
    expect(notices).not_to_contain_text(CLUSTER_EN)
    expect(chinese.locator("html")).to_have_attribute("lang", "zh-hans")
    # the link leads to the reader's matches
    notices.get_by_role("link").first.click()
    expect(chinese).to_have_url(re.compile(r"/clusters/yangtze-textile/matches/$"))
