"""Real browser: the two sides of a match talk in its deal room, each in their own browser
context, and each message appears on the other's page without a reload (server-sent events,
under the site's Content Security Policy). The supplier's owner is on a phone."""

import pytest
from playwright.sync_api import expect

from apps.dealroom.models import Message
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, UserFactory
from tests.factories.marketplace import CapacityOfferFactory, MatchFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

LIVE = 10_000  # ms: a stream delivers within a second or two (Redis at once, polling every second)


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    buyer_owner = UserFactory(email="zhang@hzbuyer.cn", name="Zhang Wei", preferred_language="en")
    supplier_owner = UserFactory(email="li@sxweaving.cn", name="Li Na", preferred_language="zh-hans")
    buyer = EnterpriseFactory(owner=buyer_owner, legal_name_en="Hangzhou Buyer Apparel", legal_name_zh="杭州采购服饰")
    supplier = EnterpriseFactory(owner=supplier_owner, legal_name_en="Shaoxing Weaving", legal_name_zh="绍兴织造")
    for enterprise in (buyer, supplier):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    match = MatchFactory(
        order=OrderFactory(cluster=cluster, owner=buyer, title="2,000 m cotton poplin"),
        capacity=CapacityOfferFactory(cluster=cluster, owner=supplier),
        quantity=2000,
    )
    return {"cluster": cluster, "match": match, "buyer_owner": buyer_owner, "supplier_owner": supplier_owner}


@pytest.mark.browser
def test_two_sides_exchange_messages_that_appear_without_a_reload(scene, new_context):  # noqa: F811
    cluster, match = scene["cluster"], scene["match"]
    room = f"/clusters/{cluster.slug}/matches/{match.pk}/room/"

    buyer = log_in(new_context(), scene["buyer_owner"].email, next_path=room)
    supplier = log_in(new_context(locale="zh-CN", viewport=PHONE), scene["supplier_owner"].email, next_path=room)
    errors = []
    for page in (buyer, supplier):
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        expect(page.get_by_test_id("deal-room")).to_be_visible()
        expect(page.locator("[data-conversation]")).to_have_attribute("data-live", "open", timeout=LIVE)
        page.evaluate("window.notReloaded = true")

    # The buyer asks; the supplier's page shows it, marked as written in English.
    buyer.get_by_test_id("message-body").fill("Can you deliver the 2,000 m by the 20th?")
    buyer.get_by_test_id("send-message").click()
    expect(buyer.get_by_test_id("message")).to_have_count(1)
    expect(buyer.get_by_test_id("message-body")).to_have_value("")
    arrived = supplier.get_by_test_id("message").first
    expect(arrived).to_contain_text("Can you deliver the 2,000 m by the 20th?", timeout=LIVE)
    expect(arrived).to_contain_text("杭州采购服饰")  # the buyer's name in the reader's script
    expect(arrived.get_by_test_id("message-language")).to_have_text("英语")
    supplier.screenshot(path="/tmp/deal-room-phone.png", full_page=True)

    # The supplier answers in Chinese; the buyer's page shows it.
    supplier.get_by_test_id("message-body").fill("可以，二十号前发货。")
    supplier.get_by_test_id("send-message").click()
    answer = buyer.get_by_test_id("message").nth(1)
    expect(answer).to_contain_text("可以，二十号前发货。", timeout=LIVE)
    expect(answer.get_by_test_id("message-language")).to_have_text("Simplified Chinese")
    expect(answer).to_contain_text("Shaoxing Weaving")
    expect(supplier.get_by_test_id("message")).to_have_count(2)  # each message once, not twice
    buyer.screenshot(path="/tmp/deal-room-desktop.png", full_page=True)

    # An empty message is refused with the field's error, and nothing is sent.
    buyer.get_by_test_id("message-body").fill("   ")
    buyer.get_by_test_id("send-message").click()
    expect(buyer.get_by_test_id("message-error")).to_be_visible()

    assert [m.body for m in Message.objects.order_by("pk")] == [
        "Can you deliver the 2,000 m by the 20th?",
        "可以，二十号前发货。",
    ]
    for page in (buyer, supplier):
        assert page.evaluate("window.notReloaded") is True
    assert errors == [] or all("400" in e for e in errors), errors
