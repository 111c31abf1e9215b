"""The deal room's models. Each concern of the room keeps its own section (conversation, offers,
documents and disputes); the sections share only the match and the deal of the marketplace."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.marketplace.models import DEAL_SIDES, CapacityOffer, Deal, Match, Order
from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- conversation ---------------------------------------------------------------------------

#: the longest message a person may write (the API and the page refuse longer, naming ``body``)
MESSAGE_MAX_LENGTH = 4000
#: the languages a message may be marked as written in (the site's own)
MESSAGE_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES]


class Conversation(models.Model):
    """The conversation of one match, continued by its deal (one deal per match): between the
    people of the match's two enterprises, and the cluster's administrators while its deal is
    disputed (``lifecycle.participants_may_include_admins``)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="conversation")
    #: the id of the newest message (0: none yet), kept by ``message_post`` for unread counts and digests
    last_message_id = models.PositiveBigIntegerField(_("newest message"), default=0)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"conversation of match {self.match_id}"


class Message(models.Model):
    """One message, in its author's words and in the language the author wrote it in."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    #: the side the author wrote for (empty for an administrator or platform staff)
    author_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    from_administrator = models.BooleanField(_("written by an administrator"), default=False)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    language = models.CharField(_("language"), max_length=10, choices=MESSAGE_LANGUAGES)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="dealroom_message_page")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="dealroom_message_not_empty", violation_error_code="blank"
            )
        ]

    def __str__(self):
        return f"message {self.pk} in {self.conversation_id}"


class ReadState(models.Model):
    """How far one participant has read a conversation, and how far their e-mail digest went."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(_("read up to message"), default=0)
    digested_id = models.PositiveBigIntegerField(_("e-mailed up to message"), default=0)

    objects = tenant_manager(path="conversation__cluster_id")

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="dealroom_one_read_state")]
        indexes = [models.Index(fields=["user", "conversation"], name="dealroom_read_state_user")]

    def __str__(self):
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_id}"


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
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=2000)

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
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Revised")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: a quote's invitation: its revisions share it, the latest one not superseded
    invitation = models.ForeignKey(
        RfqInvitation, on_delete=models.CASCADE, null=True, blank=True, related_name="quotes"
    )
    answers = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answers")
    )
    #: the quote this one revised (superseded by it)
    revises = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revises")
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
            models.UniqueConstraint(
                fields=["invitation"], condition=~Q(status="superseded"), name="one_current_quote_per_invitation"
            ),
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
    #: the match's room the document is in: none for a request for quotation's documents until
    #: a quote is awarded (its documents then move into the awarded match's room)
    match = models.ForeignKey(Match, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: a request for quotation's documents: the buyer's (a drawing for every invited supplier), or,
    #: with ``invitation``, one supplier's sent with its quote (the buyer and that supplier only)
    rfq = models.ForeignKey(
        RequestForQuotation, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    invitation = models.ForeignKey(RfqInvitation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    milestone = models.CharField(
        _("milestone"), max_length=16, blank=True, choices=Deal.Status.choices, help_text=_("Evidence for it.")
    )
    dispute = models.ForeignKey("Dispute", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents")
    #: the message or the offer the document was attached to (sent in the same write)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
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
            models.Index(fields=["rfq", "invitation"], name="document_rfq"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(match__isnull=False) | Q(rfq__isnull=False), name="document_in_a_room"),
            models.CheckConstraint(
                condition=Q(invitation__isnull=True) | Q(rfq__isnull=False), name="document_invitation_of_its_rfq"
            ),
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
    side = models.CharField(_("opened by the"), max_length=10, choices=DEAL_SIDES)
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
