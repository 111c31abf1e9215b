"""Real browser: the supplier sends a message with a drawing from the room's composer (the page's
own multipart post); the buyer's open page shows the message and its document without a reload,
and the document opens through a link signed for the buyer."""

import pytest
from playwright.sync_api import expect

from apps.dealroom.models import Document
from tests.browser.test_deal_room_conversation import LIVE, scene  # noqa: F401 (fixture)
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.dealroom.conftest import PDF


@pytest.mark.browser
def test_a_drawing_sent_with_a_message_reaches_the_other_side_live(scene, new_context, tmp_path):  # noqa: F811
    cluster, match = scene["cluster"], scene["match"]
    room = f"/clusters/{cluster.slug}/matches/{match.pk}/room/"
    buyer = log_in(new_context(), scene["buyer_owner"].email, next_path=room)
    supplier = log_in(new_context(), scene["supplier_owner"].email, next_path=room)
    expect(buyer.locator("[data-conversation]")).to_have_attribute("data-live", "open", timeout=LIVE)
    buyer.evaluate("window.notReloaded = true")

    drawing = tmp_path / "poplin-drawing.pdf"
    drawing.write_bytes(PDF)
    supplier.get_by_test_id("message-body").fill("The drawing of the selvedge, as asked.")
    supplier.locator("details.chat-attach summary").click()
    supplier.locator("select[name=kind]").select_option("drawing")
    supplier.locator("input[type=file][name=file]").set_input_files(str(drawing))
    supplier.get_by_test_id("send-message").click()

    arrived = buyer.get_by_test_id("message").first
    expect(arrived).to_contain_text("The drawing of the selvedge, as asked.", timeout=LIVE)
    document = Document.objects.get()
    link = arrived.get_by_test_id(f"attachment-{document.pk}")
    expect(link).to_have_text("poplin-drawing.pdf")
    assert buyer.evaluate("window.notReloaded") is True
    assert document.message_id is not None and document.kind == "drawing"
    with buyer.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "poplin-drawing.pdf"
