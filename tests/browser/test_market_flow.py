"""Real-browser journey of the marketplace: post an order, read the proposal's explanation, accept.

A supplier's capacity offer exists (posted through the service, matched on commit). A buyer
logs in through the login page, posts an order on the listing form, opens "My matches",
reads the proposed match's score explanation and accepts it; the page then says it waits for
the supplier. A second test walks a deal page on a phone and on a desktop.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.marketplace.models import Deal, Match, Order
from apps.marketplace.services import deals as deal_services
from apps.marketplace.services import matches as match_services
from apps.marketplace.services.listings import listing_create
from apps.reference.models import CertificationScheme
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import DESKTOP, PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import CertificationFactory, EnterpriseFactory, MembershipFactory

BUYER_EN = "Hangzhou Xihu Apparel"
SUPPLIER_EN = "Shaoxing Huafang Weaving"
ORDER_TITLE = "2,000 m poplin for summer shirts"


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    buyer_owner = UserFactory(email="buyer@xihu-apparel.cn", name="Chen Jing")
    supplier_owner = UserFactory(email="owner@huafang.cn", name="Wang Fang")
    buyer = EnterpriseFactory(owner=buyer_owner, legal_name_zh="杭州西湖服饰有限公司", legal_name_en=BUYER_EN)
    supplier = EnterpriseFactory(owner=supplier_owner, legal_name_zh="绍兴华纺织造有限公司", legal_name_en=SUPPLIER_EN)
    CertificationFactory(enterprise=supplier, scheme=CertificationScheme.objects.get(code="iso9001"))
    for enterprise in (buyer, supplier):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    today = timezone.localdate()
    # The supplier's capacity: posted through the service; not inside a transaction here, so the
    # incremental matching job runs on commit (eagerly in the test settings).
    capacity = listing_create(
        actor=supplier_owner,
        cluster=cluster,
        listing_kind="capacity",
        owner=supplier,
        title="Idle air-jet looms, poplin and twill",
        capability_id="weaving",
        quantity_per_period=3000,
        period="month",
        unit="m",
        available_from=today + datetime.timedelta(days=1),
        available_until=today + datetime.timedelta(days=40),
        unit_price=Decimal("17.80"),
        currency="CNY",
        min_order_quantity=100,
        lead_time_days=14,
    )
    return {
        "cluster": cluster,
        "buyer_owner": buyer_owner,
        "supplier_owner": supplier_owner,
        "buyer": buyer,
        "supplier": supplier,
        "capacity": capacity,
    }


@pytest.mark.browser
def test_buyer_posts_an_order_reads_the_explanation_and_accepts(scene, new_context):  # noqa: F811
    cluster = scene["cluster"]
    need_by = timezone.localdate() + datetime.timedelta(days=60)

    # The buyer logs in and posts an order on the listing form.
    buyer = log_in(new_context(), scene["buyer_owner"].email, next_path=f"/clusters/{cluster.slug}/")
    buyer.get_by_test_id("market-link").click()
    expect(buyer).to_have_url(re.compile(rf"/clusters/{cluster.slug}/market/$"))
    buyer.get_by_test_id("new-listing").click()
    form = buyer.get_by_test_id("listing-form")
    expect(form).to_be_visible()
    expect(buyer.get_by_text(f"Posting for {BUYER_EN}.")).to_be_visible()
    form.get_by_label("Title").fill(ORDER_TITLE)
    form.get_by_label("Capability").select_option("weaving")
    form.get_by_label("Product category").fill("poplin")
    form.get_by_label("Quantity").fill("2000")
    form.get_by_label(re.compile(r"^Unit")).select_option("m")
    form.get_by_label("Target unit price").fill("18.50")
    form.get_by_label("Need by").fill(need_by.isoformat())
    form.get_by_label("Delivery region").select_option("330100")
    form.get_by_label("ISO 9001", exact=False).check()
    form.get_by_label("Minimum lot").fill("200")
    form.get_by_test_id("publish").click()

    order = Order.objects.get(title=ORDER_TITLE)
    expect(buyer).to_have_url(re.compile(rf"/clusters/{cluster.slug}/market/order/{order.pk}/$"))
    expect(buyer.locator(".message-success")).to_contain_text("is published")
    expect(buyer.get_by_test_id("listing-status")).to_have_text("Open")
    assert (order.status, order.owner_id, order.quantity) == ("open", scene["buyer"].pk, 2000)

    # My matches: the proposal, explained.
    buyer.get_by_test_id("nav-my-matches").click()
    match = Match.objects.get(order=order, status="proposed")
    card = buyer.get_by_test_id(f"match-{match.pk}")
    expect(card).to_contain_text(SUPPLIER_EN)
    expect(card).to_contain_text("2000 m")
    score = card.get_by_test_id(f"score-{match.pk}")
    expect(score).to_contain_text(f"{round(match.score * 100)} %")
    price = score.locator('[data-factor="price"]')
    expect(price).to_be_visible()
    expect(price).to_contain_text("Price")
    value, weight = (round(match.breakdown["price"][k] * 100) for k in ("value", "weight"))
    expect(price).to_contain_text(f"{value} % × weight {weight} %")
    expect(score.locator(".factor")).to_have_count(7)
    buyer.screenshot(path="/tmp/my-matches-desktop.png", full_page=True)

    # The buyer accepts; the page says it now waits for the supplier.
    card.get_by_test_id(f"accept-{match.pk}").click()
    expect(buyer.locator(".message-success")).to_contain_text("You accepted the match")
    expect(buyer.get_by_test_id(f"match-state-{match.pk}")).to_have_text("You accepted — waiting for the supplier.")
    expect(buyer.get_by_test_id(f"accept-{match.pk}")).to_have_count(0)
    match.refresh_from_db()
    assert match.demand_accepted_at is not None and match.supply_accepted_at is None
    assert match.status == "proposed" and not Deal.objects.exists()

    # The same page on a phone: nothing sticks out sideways.
    phone = log_in(
        new_context(viewport=PHONE), scene["buyer_owner"].email, next_path=f"/clusters/{cluster.slug}/matches/"
    )
    expect(phone.get_by_test_id(f"match-{match.pk}")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path="/tmp/my-matches-phone.png", full_page=True)


@pytest.mark.browser
def test_deal_page_on_a_phone_and_a_desktop(scene, new_context):  # noqa: F811
    cluster, buyer, supplier = scene["cluster"], scene["buyer_owner"], scene["supplier_owner"]
    order = listing_create(
        actor=buyer,
        cluster=cluster,
        listing_kind="order",
        owner=scene["buyer"],
        title=ORDER_TITLE,
        capability_id="weaving",
        product_category="poplin",
        quantity=2000,
        unit="m",
        target_unit_price=Decimal("18.50"),
        currency="CNY",
        need_by=timezone.localdate() + datetime.timedelta(days=60),
        delivery_region_code="330100",
        delivery_latitude=Decimal("30.27"),
        delivery_longitude=Decimal("120.15"),
    )
    match = Match.objects.get(order=order, status="proposed")
    match_services.match_accept(actor=buyer, cluster=cluster, match_id=match.pk)
    match_services.match_accept(actor=supplier, cluster=cluster, match_id=match.pk)
    deal = Deal.objects.get(match=match)
    deal_services.deal_advance(
        actor=supplier, cluster=cluster, deal_id=deal.pk, to="in_production", note="Warps on the looms, day 1 of 12."
    )
    path = f"/clusters/{cluster.slug}/deals/{deal.pk}/"

    # The supplier, on a phone, records quality checked from the deal page.
    phone = log_in(new_context(viewport=PHONE), supplier.email, next_path=path)
    expect(phone.get_by_test_id("deal-status")).to_have_text("In production")
    expect(phone.get_by_test_id("deal-timeline")).to_contain_text("Warps on the looms")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path="/tmp/deal-detail-phone.png", full_page=True)
    button = phone.get_by_test_id("step-quality_checked")
    expect(button).to_be_visible()
    phone.get_by_test_id("step-form").get_by_label("Note (optional)").fill("Colour fastness grade 4.")
    button.click()
    expect(phone.locator(".message-success")).to_contain_text("The deal is now quality checked.")
    expect(phone.get_by_test_id("deal-status")).to_have_text("Quality checked")
    deal.refresh_from_db()
    assert deal.status == "quality_checked"

    # The buyer, on a desktop, sees no step of its own yet, and can open a dispute with a reason.
    desktop = log_in(new_context(viewport=DESKTOP), buyer.email, next_path=path)
    expect(desktop.get_by_test_id("waiting-other-side")).to_be_visible()
    expect(desktop.get_by_test_id("deal-timeline")).to_contain_text("Colour fastness grade 4.")
    desktop.screenshot(path="/tmp/deal-detail-desktop.png", full_page=True)
    desktop.get_by_text("Dispute or cancel").click()
    desktop.get_by_test_id("step-disputed").click()  # no reason: refused on the field
    expect(desktop.get_by_test_id("stop-form").locator(".errorlist")).to_contain_text("Give a reason.")
    assert Deal.objects.get(pk=deal.pk).status == "quality_checked"
