"""Real-browser journey of milestone evidence: where the rulebook asks for an inspection report
before "quality checked", the supplier is refused the step, uploads the report as the
milestone's evidence on the deal's documents page, and then records the milestone; the buyer
downloads the report through its signed link."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.dealroom.models import Document
from apps.marketplace.models import Deal, Match
from apps.marketplace.services import deals as deal_services
from apps.marketplace.services import matches as match_services
from apps.marketplace.services.listings import listing_create
from tests.browser.test_market_flow import ORDER_TITLE, scene  # noqa: F401 (fixture)
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import DESKTOP, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories.governance import RuleVersionFactory

REPORT = b"%PDF-1.7\n% inspection report: colour fastness grade 4\n%%EOF\n"


@pytest.fixture
def deal_in_production(scene):  # noqa: F811
    cluster, buyer, supplier = scene["cluster"], scene["buyer_owner"], scene["supplier_owner"]
    RuleVersionFactory(cluster=cluster, changes={"dealroom.evidence.quality_checked": "inspection_report"})
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
    deal_services.deal_advance(actor=supplier, cluster=cluster, deal_id=deal.pk, to="in_production")
    return deal


@pytest.mark.browser
def test_supplier_attaches_an_inspection_report_to_quality_checked(scene, deal_in_production, new_context):  # noqa: F811
    cluster, deal = scene["cluster"], deal_in_production
    path = f"/clusters/{cluster.slug}/deals/{deal.pk}/"
    supplier = log_in(new_context(viewport=DESKTOP), scene["supplier_owner"].email, next_path=path)

    # Without the report, the step is refused with the reason.
    supplier.get_by_test_id("step-quality_checked").click()
    expect(supplier.locator(".message-error")).to_contain_text("Upload the inspection report")
    expect(supplier.get_by_test_id("deal-status")).to_have_text("In production")

    # The documents page: upload the report as the milestone's evidence.
    supplier.get_by_test_id("deal-documents-link").click()
    expect(supplier).to_have_url(re.compile(rf"{path}documents/$"))
    form = supplier.get_by_test_id("upload-form")
    form.get_by_label("Kind").select_option("inspection_report")
    form.get_by_label("Evidence for").select_option("quality_checked")
    form.get_by_label("File").set_input_files(
        {"name": "inspection-report.pdf", "mimeType": "application/pdf", "buffer": REPORT}
    )
    form.get_by_test_id("upload").click()
    expect(supplier.locator(".message-success")).to_contain_text("inspection-report.pdf")
    document = Document.objects.get()
    row = supplier.get_by_test_id(f"document-{document.pk}")
    expect(row).to_contain_text("Inspection report")
    expect(row).to_contain_text("Quality checked")
    assert (document.kind, document.milestone, document.size) == ("inspection_report", "quality_checked", len(REPORT))

    # Back on the deal: the milestone is recorded.
    supplier.get_by_test_id("back-to-deal").click()
    supplier.get_by_test_id("step-quality_checked").click()
    expect(supplier.locator(".message-success")).to_contain_text("The deal is now quality checked.")
    expect(supplier.get_by_test_id("deal-status")).to_have_text("Quality checked")
    assert Deal.objects.get(pk=deal.pk).status == "quality_checked"

    # The buyer downloads the report through the link signed for it.
    buyer = log_in(new_context(viewport=DESKTOP), scene["buyer_owner"].email, next_path=f"{path}documents/")
    with buyer.expect_download() as download:
        buyer.get_by_test_id(f"document-{document.pk}").get_by_role("link", name="inspection-report.pdf").click()
    assert open(download.value.path(), "rb").read() == REPORT  # noqa: SIM115
