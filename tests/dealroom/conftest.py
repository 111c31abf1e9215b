"""The marketplace's scene (a cluster, a buyer, a supplier, a rival, an outsider) for the deal room."""

import io
import zipfile
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from apps.marketplace.models import Deal, Match
from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory, UserFactory
from tests.factories.marketplace import CapacityOfferFactory, DealFactory, MatchFactory, OrderFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory
from tests.marketplace.conftest import Market, capacity_body, days, market, order_body  # noqa: F401


@dataclass
class Room:
    cluster: object
    match: object
    buyer: object
    supplier: object
    buyer_owner: object
    buyer_staff: object
    supplier_owner: object
    bystander: object  # the owner of a third member of the same cluster, no party to the match
    admin: object
    foreign_member: object
    foreign_admin: object
    staff: object

    def api(self, user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def messages_url(self, match=None) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/matches/{(match or self.match).pk}/messages/"

    def deal_messages_url(self, deal) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/deals/{deal.pk}/messages/"

    def page_url(self, match=None) -> str:
        return f"/clusters/{self.cluster.slug}/matches/{(match or self.match).pk}/room/"

    def accepted_with_deal(self, **deal):
        match = MatchFactory(order=self.match.order, capacity=self.match.capacity, status="accepted", quantity=100)
        return DealFactory(match=match, **deal)


@pytest.fixture
def room(db):
    cluster, other = ClusterFactory(), ClusterFactory()
    buyer_owner = UserFactory(name="Zhang Wei", preferred_language="en")
    supplier_owner = UserFactory(name="Li Na", preferred_language="zh-hans")
    bystander, foreign_member = UserFactory(), UserFactory()
    buyer = EnterpriseFactory(owner=buyer_owner, legal_name_en="Hangzhou Buyer Apparel", legal_name_zh="杭州采购服饰")
    supplier = EnterpriseFactory(owner=supplier_owner, legal_name_en="Shaoxing Weaving", legal_name_zh="绍兴织造")
    third = EnterpriseFactory(owner=bystander)
    for enterprise in (buyer, supplier, third):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    MembershipFactory(cluster=other, enterprise=EnterpriseFactory(owner=foreign_member))
    buyer_staff = PersonFactory(enterprise=buyer, role="staff").user
    order = OrderFactory(cluster=cluster, owner=buyer)
    capacity = CapacityOfferFactory(cluster=cluster, owner=supplier)
    match = MatchFactory(order=order, capacity=capacity, quantity=200)
    return Room(
        cluster=cluster,
        match=match,
        buyer=buyer,
        supplier=supplier,
        buyer_owner=buyer_owner,
        buyer_staff=buyer_staff,
        supplier_owner=supplier_owner,
        bystander=bystander,
        admin=ClusterRoleFactory(cluster=cluster).user,
        foreign_member=foreign_member,
        foreign_admin=ClusterRoleFactory(cluster=other).user,
        staff=StaffFactory(),
    )


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
