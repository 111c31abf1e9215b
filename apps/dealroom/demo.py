"""Demo data of the deal room (run by ``manage.py load_demo`` after the marketplace's and the
matching's): a short conversation in the first deal of each demo cluster, in both languages.
Idempotent: a deal whose match already has a conversation is left as it is."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import DomainError
from apps.governance import chain
from apps.marketplace import demo as marketplace_demo
from apps.marketplace.demo import DEMO_CLUSTERS
from apps.marketplace.models import MATCHABLE, Deal, Match, MatchKind, Order
from apps.matching import demo_partners
from apps.membership.models import EnterpriseMember
from apps.tenancy.models import Cluster
from apps.tenancy.selectors import MEMBER

from .models import Conversation, Document, DocumentKind, Offer, RequestForQuotation
from .services.conversation import message_post
from .services.disputes import dispute_open
from .services.documents import document_upload
from .services.offers import match_terms, offer_make
from .services.rfq import ranked_suppliers, rfq_create, rfq_document_upload

# --- conversation ---------------------------------------------------------------------------

LINES = [
    ("buyer", "en", "Could you send photos of the first lot before it ships?"),
    ("supplier", "zh-hans", "好的，质检完成后我们会上传照片和检验报告。"),
    ("buyer", "en", "Thank you. Please pack in rolls of 100 m."),
]


def _person(enterprise):
    person = EnterpriseMember.objects.filter(enterprise=enterprise).select_related("user").order_by("pk").first()
    return person.user if person else None


def _load_conversations(stdout=None) -> list[tuple[str, str, str]]:
    for cluster in Cluster.objects.filter(slug__in=DEMO_CLUSTERS):
        deal = Deal.objects.filter(cluster=cluster).select_related("buyer", "supplier").order_by("pk").first()
        if deal is None or Conversation.objects.filter(match_id=deal.match_id).exists():
            continue
        people = {"buyer": _person(deal.buyer), "supplier": _person(deal.supplier)}
        if None in people.values():
            continue
        for side, language, body in LINES:
            message_post(
                actor=people[side],
                cluster=cluster,
                roles=frozenset({MEMBER}),
                match_id=deal.match_id,
                body=body,
                language=language,
            )
    return []


def _person_of(enterprise_id):
    member = EnterpriseMember.objects.filter(enterprise_id=enterprise_id).select_related("user").order_by("pk").first()
    return member.user if member else None


def _offer(cluster) -> None:
    match = (
        Match.objects.filter(cluster=cluster, kind=MatchKind.PRODUCTION, status=Match.Status.PROPOSED)
        .select_related("order", "capacity")
        .order_by("pk")
        .first()
    )
    buyer = _person_of(match.demand_owner_id) if match else None
    if buyer is None:
        return
    terms = match_terms(match)
    terms.update(
        unit_price=max(Decimal("0.01"), (terms["unit_price"] * Decimal("0.95")).quantize(Decimal("0.01"))),
        delivery_date=max(terms["delivery_date"], timezone.localdate() + datetime.timedelta(days=1)),
        payment_terms="net_30",
    )
    try:
        offer_make(actor=buyer, cluster=cluster, match_id=match.pk, terms=terms, note="")
    except DomainError:  # the demo market moved on (a listing filled): no offer then
        return


def _rfq(cluster) -> None:
    """The first open order with suppliers of its capability: to the engine's best three, or (none
    feasible) to the three it scores highest."""
    soon = timezone.localdate() + datetime.timedelta(days=7)
    deadline = timezone.now() + datetime.timedelta(days=3)
    for order in Order.objects.filter(cluster=cluster, status__in=MATCHABLE, need_by__gt=soon).order_by("pk")[:20]:
        buyer = _person_of(order.owner_id)
        ranked = ranked_suppliers(order)
        owners = list(dict.fromkeys(entry["owner"] for entry in ranked))[:3]
        if buyer is None or not owners:
            continue
        feasible = any(entry["feasible"] for entry in ranked)
        choice = {"best": 3} if feasible else {"suppliers": owners}
        try:
            rfq = rfq_create(actor=buyer, cluster=cluster, order_id=order.pk, deadline=deadline, **choice)
        except DomainError:  # not open for quotes after all: try the next order
            continue
        # the buyer's drawing, for every supplier asked
        rfq_document_upload(
            actor=buyer,
            cluster=cluster,
            rfq_id=rfq.pk,
            kind=DocumentKind.DRAWING,
            file=SimpleUploadedFile("drawing.pdf", REPORT),
        )
        return


def _load_offers(stdout=None) -> list[tuple[str, str, str]]:
    for cluster in Cluster.objects.filter(slug__in=marketplace_demo.DEMO_CLUSTERS):
        if (
            Offer.objects.filter(cluster=cluster).exists()
            or RequestForQuotation.objects.filter(cluster=cluster).exists()
        ):
            continue
        _offer(cluster)
        _rfq(cluster)
    return []


def _load_first(stdout=None) -> list[tuple[str, str, str]]:
    """The deal room's demo: conversations, then offers and requests for quotation (idempotent)."""
    return _load_conversations(stdout) + _load_offers(stdout)


#: a small, valid PDF (one empty page)
REPORT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PASSED_QUALITY = (Deal.Status.QUALITY_CHECKED, Deal.Status.SHIPPED, Deal.Status.DELIVERED)


def _owner(enterprise_id):
    person = EnterpriseMember.objects.filter(enterprise_id=enterprise_id, role=EnterpriseMember.Role.OWNER).first()
    return person.user if person else None


def _load_documents(stdout=None) -> list[tuple[str, str, str]]:
    wrote = False
    for cluster in Cluster.objects.filter(slug__in=DEMO_CLUSTERS):
        if Document.objects.filter(cluster=cluster, deal__isnull=False).exists():
            continue
        wrote = True
        checked = Deal.objects.filter(cluster=cluster, status__in=PASSED_QUALITY).order_by("pk").first()
        if checked is not None and _owner(checked.supplier_id):
            document_upload(
                actor=_owner(checked.supplier_id),
                cluster=cluster,
                deal_id=checked.pk,
                kind=DocumentKind.INSPECTION_REPORT,
                milestone=Deal.Status.QUALITY_CHECKED,
                file=SimpleUploadedFile("inspection-report.pdf", REPORT),
            )
        producing = Deal.objects.filter(cluster=cluster, status=Deal.Status.IN_PRODUCTION).order_by("pk").first()
        buyer = _owner(producing.buyer_id) if producing else None
        if buyer is not None:
            evidence = document_upload(
                actor=buyer,
                cluster=cluster,
                deal_id=producing.pk,
                kind=DocumentKind.INSPECTION_REPORT,
                file=SimpleUploadedFile("incoming-inspection.pdf", REPORT),
            )
            dispute_open(
                actor=buyer,
                cluster=cluster,
                deal_id=producing.pk,
                reason="The pre-production sample does not match the approved colour card.",
                documents=[evidence.pk],
            )
    if wrote:  # the disputes' audit events moved the chains' heads: sign them, as governance's demo does
        chain.checkpoint_all()
    return []


def load(stdout=None) -> list[tuple[str, str, str]]:
    """The deal room's demo: conversations, offers and requests for quotation, documents (idempotent)."""
    demo_partners.load()  # a cross-cluster deal across the park's partnership (partnerships and parks are laid)
    return _load_first(stdout) + _load_documents(stdout)
