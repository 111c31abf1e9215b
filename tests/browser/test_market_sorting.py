"""Real-browser market: a supplier finds a region by typing its name in the region filter's
search box, sorts by price, and reads the listings in that order; in English and in Chinese,
on a desktop and on a phone. Screenshots under /tmp/shots-ux/ (looked at while building)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import DESKTOP, PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, UserFactory
from tests.factories.marketplace import OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.marketplace.conftest import order_fields

SHOTS = Path("/tmp/shots-ux")
# title, delivery region, point, target unit price
ORDERS = [
    ("Shaoxing poplin", "330600", ("30.00", "120.58"), "24.00"),
    ("Shaoxing denim", "330600", ("30.00", "120.58"), "12.50"),
    ("Hangzhou twill", "330100", ("30.27", "120.15"), "8.00"),
    ("Chengdu knit", "510100", ("30.66", "104.06"), "5.00"),
]


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile")
    buyer = EnterpriseFactory(owner=UserFactory(), legal_name_en="Hangzhou Buyer Apparel")
    supplier_owner = UserFactory(email="owner@huafang.cn")
    supplier = EnterpriseFactory(owner=supplier_owner, legal_name_en="Shaoxing Huafang Weaving")
    for enterprise in (buyer, supplier):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    for index, (title, region, point, price) in enumerate(ORDERS):
        fields = order_fields(
            title=title,
            delivery_region_code=region,
            delivery_latitude=Decimal(point[0]),
            delivery_longitude=Decimal(point[1]),
            target_unit_price=Decimal(price),
        )
        fields["published_at"] = timezone.now() - datetime.timedelta(hours=index)
        OrderFactory(cluster=cluster, owner=buyer, **fields)
    return {"cluster": cluster, "supplier_owner": supplier_owner}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("locale", "typed", "city", "province", "sort_label"),
    [
        ("en-US", "Shaoxing", "Shaoxing", "Zhejiang", "Price, lowest first"),
        ("zh-CN", "绍兴", "绍兴市", "浙江省", None),  # the sorts' labels are translated after the merge
    ],
)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_supplier_filters_by_region_name_and_sorts_by_price(
    scene,
    new_context,  # noqa: F811
    locale,
    typed,
    city,
    province,
    sort_label,
    viewport,
):
    cluster = scene["cluster"]
    market = f"/clusters/{cluster.slug}/market/"
    page = log_in(new_context(locale=locale, viewport=viewport), scene["supplier_owner"].email, next_path=market)
    filters = page.get_by_test_id("market-filters")
    region = filters.locator("select[name=region]")
    expect(region.locator(f'optgroup[label="{province}"]')).to_have_count(1)  # by name, grouped by province

    # typing a name in the search box keeps the matching cities and picks the first
    search = filters.locator("input.select-search")
    search.fill(typed)
    expect(region).to_have_value("3306")
    expect(region.locator("option:checked")).to_have_text(city)
    visible = region.locator("option:not([hidden])")
    with translation.override("zh-hans" if locale.startswith("zh") else "en"):
        any_region = translation.gettext("Any region")
    expect(visible.first).to_have_text(re.compile(r"^(" + re.escape(any_region) + "|" + re.escape(city) + ")$"))

    sort = filters.locator("select[name=ordering]")
    if sort_label:
        sort.select_option(label=sort_label)
    else:
        sort.select_option("price")
    filters.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"region=3306.*ordering=price|ordering=price.*region=3306"))
    listings = page.get_by_test_id("market-listings")
    expect(listings.locator(".listing-row")).to_have_count(2)
    rows = listings.locator(".listing-row")
    expect(rows.nth(0)).to_contain_text("Shaoxing denim")  # 12.50 before 24.00
    expect(rows.nth(1)).to_contain_text("Shaoxing poplin")
    expect(rows.nth(0)).to_contain_text(city)  # the delivery city, named in the reader's language
    expect(region).to_have_value("3306")  # the form keeps what was chosen

    # the other way round, the whole province
    region.select_option("33")
    sort.select_option("-price")
    filters.locator("button[type=submit]").click()
    rows = page.get_by_test_id("market-listings").locator(".listing-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Shaoxing poplin")
    expect(rows.nth(2)).to_contain_text("Hangzhou twill")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"market-sorted-{locale}-{viewport['width']}.png", full_page=True)
