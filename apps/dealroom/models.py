"""The deal room's models, one section per concern (conversation, offers, documents, disputes)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.marketplace.models import CapacityOffer, Deal, Match, Order
from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- offers and requests for quotation ---------------------------------------------------------


#: the two sides of a match, as an offer names the side that made it
OFFER_SIDES = [("demand", _("Buyer")), ("supply", _("Supplier"))]


class RequestForQuotation(TimeStampedModel):
    """A buyer sends one of its orders to chosen suppliers, asking for quotes by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for quotes")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+", verbose_name=_("order"))
    buyer = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("buyer"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity asked"), validators=[MinValueValidator(1)])
    deadline = models.DateTimeField(_("quotes by"))
    message = models.TextField(_("message to the suppliers"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "buyer", "status"], name="rfq_buyer")]

    def __str__(self):
        return f"rfq {self.pk} ({self.get_status_display()})"


class RfqInvitation(models.Model):
    """One supplier asked for a quote, through one of its capacity offers of the order's capability."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        QUOTED = "quoted", _("Quoted")
        AWARDED = "awarded", _("Awarded")
        CLOSED = "closed", _("Not awarded")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    rfq = models.ForeignKey(RequestForQuotation, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("supplier"))
    capacity = models.ForeignKey(CapacityOffer, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"), default=0)
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    proposed_by_engine = models.BooleanField(_("proposed by the engine"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("invitation to quote")
        verbose_name_plural = _("invitations to quote")
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="one_invitation_per_supplier")]

    def __str__(self):
        return f"rfq {self.rfq_id} → {self.supplier_id}"


class Offer(models.Model):
    """Terms one side proposes: on a proposed match (answered by accept, decline or a counter that
    supersedes it) or, as a quote, to a request for quotation (awarded or closed by the buyer)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COUNTERED = "countered", _("Countered")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    invitation = models.OneToOneField(
        RfqInvitation, on_delete=models.CASCADE, null=True, blank=True, related_name="quote"
    )
    answers = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answers")
    )
    side = models.CharField(_("side"), max_length=6, choices=OFFER_SIDES)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("by"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    delivery_date = models.DateField(_("delivery date"))
    lot_size = models.PositiveIntegerField(_("lot size"), default=1, validators=[MinValueValidator(1)])
    payment_terms = models.CharField(_("payment terms"), max_length=20)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField(_("valid until"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awarded_quantity = models.PositiveIntegerField(_("awarded quantity"), null=True, blank=True)
    deal = models.ForeignKey(Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["match"], condition=Q(status="open"), name="one_open_offer_per_match"),
            models.CheckConstraint(
                condition=Q(match__isnull=False, invitation__isnull=True)
                | Q(match__isnull=True, invitation__isnull=False),
                name="offer_on_a_match_or_a_quote",
            ),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="offer_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="offer_quantity_positive"),
        ]
        indexes = [models.Index(fields=["cluster", "status", "expires_at"], name="offer_open")]

    def __str__(self):
        return f"offer {self.pk} ({self.get_status_display()})"
