"""Models of the deal room: a match's and its deal's conversation, offers, documents and disputes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.marketplace.models import Deal, Match
from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- documents and disputes ---


class DocumentKind(models.TextChoices):
    DRAWING = "drawing", _("Drawing")
    SPECIFICATION = "specification", _("Specification")
    TECH_PACK = "tech_pack", _("Tech pack")
    CERTIFICATE = "certificate", _("Certificate of conformity")
    INSPECTION_REPORT = "inspection_report", _("Inspection report")
    SHIPPING_DOCUMENT = "shipping_document", _("Shipping document")
    PHOTO = "photo", _("Photo")


class Document(models.Model):
    """A file uploaded to a match's room (and its deal's, once there is one): stored through the
    "documents" storage under ``storage_key``, served only to the parties by a short-lived link.

    ``name`` is the uploader's file name, kept for display; the type was sniffed from the content
    (``files.py``), never taken from the name or the browser."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="+")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    milestone = models.CharField(
        _("milestone"), max_length=16, blank=True, choices=Deal.Status.choices, help_text=_("Evidence for it.")
    )
    dispute = models.ForeignKey("Dispute", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    name = models.CharField(_("file name"), max_length=200)
    storage_key = models.CharField(_("storage key"), max_length=300, unique=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("side"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["match", "-created_at"], name="document_match"),
            models.Index(fields=["deal", "kind"], name="document_deal_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class Dispute(models.Model):
    """A side's dispute on a deal, decided by the cluster's administrators (one open per deal)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", _("Closed by the sides")  # the buyer confirmed delivery, or a side cancelled

    class Outcome(models.TextChoices):
        RESUME = "resume", _("Resume the deal")
        PARTIAL = "partial", _("Partial delivery")
        CANCEL = "cancel", _("Cancel the deal")

    class Against(models.TextChoices):
        NONE = "none", _("Neither side")
        BUYER = "buyer", _("The buyer")
        SUPPLIER = "supplier", _("The supplier")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    side = models.CharField(
        _("opened by the"), max_length=10, choices=[("buyer", _("Buyer")), ("supplier", _("Supplier"))]
    )
    reason = models.TextField(_("reason"), max_length=2000)
    status_before = models.CharField(_("deal status before"), max_length=16, choices=Deal.Status.choices)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True, choices=Outcome.choices)
    against = models.CharField(_("decided against"), max_length=10, blank=True, choices=Against.choices)
    delivered_quantity = models.PositiveIntegerField(_("delivered quantity"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["deal"], condition=Q(status="open"), name="one_open_dispute_per_deal"),
        ]
        indexes = [models.Index(fields=["cluster", "status"], name="dispute_cluster_status")]

    def __str__(self):
        return f"dispute {self.pk} on deal {self.deal_id} ({self.get_status_display()})"
