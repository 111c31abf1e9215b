import io
import zipfile

import pytest

from apps.marketplace.models import Deal, Match
from tests.marketplace.conftest import Market, capacity_body, market, order_body  # noqa: F401 -- the fixture

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.fixture
def deal(as_user, market, django_capture_on_commit_callbacks):  # noqa: F811 -- the imported fixture
    """A confirmed production deal between the market's buyer and supplier (through the API)."""
    with django_capture_on_commit_callbacks(execute=True):
        as_user(market.supplier_owner).post(market.url("capacities/"), capacity_body(market.supplier), format="json")
        as_user(market.buyer_owner).post(market.url("orders/"), order_body(market), format="json")
    match = Match.objects.get()
    as_user(market.buyer_owner).post(market.url(f"matches/{match.pk}/accept/"))
    as_user(market.supplier_owner).post(market.url(f"matches/{match.pk}/accept/"))
    return Deal.objects.get(match=match)


@pytest.fixture(autouse=True)
def _empty_documents_storage():
    """Each test starts with an empty documents storage (the in-memory one of the test settings)."""
    from django.core.files.storage import storages

    storages._storages.pop("documents", None)
    yield
    storages._storages.pop("documents", None)
