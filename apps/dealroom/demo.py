"""Demo deal rooms (after the market's deals, ``apps/marketplace/demo.py``): in each demo cluster
an inspection report as the evidence of a deal that passed quality, and a buyer's open dispute
on a deal in production, for the administrators' queue.

Idempotent: a cluster that already has documents is left as it is.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.governance import chain
from apps.marketplace.models import Deal
from apps.membership.models import EnterpriseMember
from apps.tenancy.models import Cluster

from .models import Document, DocumentKind
from .services.disputes import dispute_open
from .services.documents import document_upload

DEMO_CLUSTERS = ["yangtze-textile", "pearl-river-electronics", "chengdu-digital-hybrid"]
#: a small, valid PDF (one empty page)
REPORT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PASSED_QUALITY = (Deal.Status.QUALITY_CHECKED, Deal.Status.SHIPPED, Deal.Status.DELIVERED)


def _owner(enterprise_id):
    person = EnterpriseMember.objects.filter(enterprise_id=enterprise_id, role=EnterpriseMember.Role.OWNER).first()
    return person.user if person else None


def load(stdout=None) -> list[tuple[str, str, str]]:
    wrote = False
    for cluster in Cluster.objects.filter(slug__in=DEMO_CLUSTERS):
        if Document.objects.filter(cluster=cluster).exists():
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
