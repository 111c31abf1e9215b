"""Listings (orders, capacity offers, channel offers and requests), matches, deals, ratings.

Quantities are whole units of the listing's unit; money is a Decimal with an ISO 4217
currency. Limited resources are guarded by the database: a capacity offer's reserved
quantity and an order's filled quantity can never exceed what is there
(``CheckConstraint`` + conditional ``UPDATE`` in the services).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.membership.models import Enterprise
from apps.reference import coordinates
from apps.reference.currencies import CURRENCIES
from apps.reference.models import Capability, CertificationScheme
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

from .deal_notes import DEAL_SYSTEM_NOTES
from .partner_sides import PARTNER_KINDS, PartnerSides

#: the two sides of a deal, as its timeline and its disputes name them
DEAL_SIDES = [("buyer", _("Buyer")), ("supplier", _("Supplier"))]


class Unit(models.TextChoices):
    """The units a quantity is counted in: stored as a code, shown in the reader's language."""

    PIECES = "pcs", _("pcs")
    SETS = "sets", _("sets")
    KILOGRAMS = "kg", _("kg")
    TONNES = "t", _("t")
    METRES = "m", _("m")
    SQUARE_METRES = "m2", _("m²")
    HOURS = "hours", _("hours")
    ORDERS = "orders", _("orders")


UNITS = Unit.choices


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTIALLY_FILLED = "partially_filled", _("Partially filled")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


#: Statuses an owner may move a listing to by hand (publish, close, cancel).
LISTING_TRANSITION_TARGETS = [
    (status.value, status.label) for status in (ListingStatus.OPEN, ListingStatus.CLOSED, ListingStatus.CANCELLED)
]

#: Statuses in which a listing takes part in matching.
MATCHABLE = (ListingStatus.OPEN, ListingStatus.PARTIALLY_FILLED)


class ListingQuerySet(models.QuerySet):
    def visible_to(self, enterprise_ids):
        """The listings a viewer whose enterprises are ``enterprise_ids`` may see: a draft is its
        owner's alone (the owner enterprise's people), whoever else asks (members, administrators,
        platform staff). The one rule behind every page, API answer and selector that shows listings.
        """
        return self.filter(~Q(status=ListingStatus.DRAFT) | Q(owner_id__in=list(enterprise_ids)))


class Listing(TimeStampedModel):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    shared_with_partners = models.BooleanField(_("open to partner clusters"), default=False)

    objects = tenant_manager(ListingQuerySet, partner_kind=PARTNER_KINDS)  # shared rows: partners see them

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Order(Listing):
    """Demand: a production order."""

    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="+", verbose_name=_("capability"))
    product_category = models.CharField(_("product category"), max_length=80)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=8, choices=UNITS)
    filled_quantity = models.PositiveIntegerField(_("filled quantity"), default=0)
    target_unit_price = models.DecimalField(
        _("target unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    need_by = models.DateField(_("need by"))
    delivery_region_code = models.CharField(_("delivery region code"), max_length=6)
    delivery_latitude = coordinates.model_field("latitude", _("delivery latitude"))
    delivery_longitude = coordinates.model_field("longitude", _("delivery longitude"))
    required_certifications = models.ManyToManyField(CertificationScheme, blank=True, related_name="+")
    splittable = models.BooleanField(_("may be split across suppliers"), default=True)
    min_lot = models.PositiveIntegerField(_("minimum lot"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(filled_quantity__lte=F("quantity")), name="order_never_overfilled"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_quantity_positive"),
            coordinates.check("order", "delivery_latitude"),
            coordinates.check("order", "delivery_longitude"),
        ]
        indexes = [
            # the market: a cluster's open listings of a capability, newest first (the LIMIT reads the index)
            models.Index(fields=["cluster", "status", "capability", "created_at"], name="order_market_recent"),
            models.Index(fields=["cluster", "status", "created_at"], name="order_recent"),
            models.Index(fields=["cluster", "owner", "status"], name="order_owner_status"),
        ]

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.filled_quantity


class CapacityOffer(Listing):
    """Supply: idle production capacity in a window."""

    class Period(models.TextChoices):
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")

    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="+", verbose_name=_("capability"))
    quantity_per_period = models.PositiveIntegerField(_("quantity per period"), validators=[MinValueValidator(1)])
    period = models.CharField(_("period"), max_length=6, choices=Period.choices, default=Period.MONTH)
    unit = models.CharField(_("unit"), max_length=8, choices=UNITS)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"))
    total_quantity = models.PositiveIntegerField(_("total quantity in the window"))
    reserved_quantity = models.PositiveIntegerField(_("reserved quantity"), default=0)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    min_order_quantity = models.PositiveIntegerField(_("minimum order quantity"), default=1)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), validators=[MaxValueValidator(365)])
    region_code = models.CharField(_("region code"), max_length=6)
    latitude = coordinates.model_field("latitude", _("latitude"))
    longitude = coordinates.model_field("longitude", _("longitude"))

    class Meta:
        verbose_name = _("capacity offer")
        verbose_name_plural = _("capacity offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_quantity__lte=F("total_quantity")), name="capacity_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(available_until__gte=F("available_from")), name="capacity_window_ordered"
            ),
            coordinates.check("capacity", "latitude"),
            coordinates.check("capacity", "longitude"),
        ]
        indexes = [
            # the market: a cluster's open listings of a capability, newest first (the LIMIT reads the index)
            models.Index(fields=["cluster", "status", "capability", "created_at"], name="capacity_market_recent"),
            models.Index(fields=["cluster", "status", "created_at"], name="capacity_recent"),
            models.Index(fields=["cluster", "owner", "status"], name="capacity_owner_status"),
        ]

    @property
    def remaining_quantity(self) -> int:
        return self.total_quantity - self.reserved_quantity


class ChannelOffer(Listing):
    """Supply of distribution: a store, distributor, retail chain or exporter with reach to spare."""

    class Kind(models.TextChoices):
        ONLINE_STORE = "online_store", _("Online store")
        DISTRIBUTOR = "distributor", _("Distributor")
        RETAIL_CHAIN = "retail_chain", _("Retail chain")
        CROSS_BORDER = "cross_border", _("Cross-border export")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    markets = models.JSONField(_("markets covered"), default=list, help_text=_("Region codes or ISO country codes."))
    product_categories = models.JSONField(_("product categories accepted"), default=list)
    monthly_volume = models.PositiveIntegerField(_("monthly volume (units)"), validators=[MinValueValidator(1)])
    reserved_volume = models.PositiveIntegerField(_("reserved monthly volume"), default=0)
    commission_percent = models.DecimalField(
        _("commission (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    fixed_fee = models.DecimalField(_("fixed monthly fee"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    available_from = models.DateField(_("available from"))

    class Meta:
        verbose_name = _("channel offer")
        verbose_name_plural = _("channel offers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_volume__lte=F("monthly_volume")), name="channel_never_oversold"
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status"], name="channel_offer_market")]

    @property
    def remaining_quantity(self) -> int:
        return self.monthly_volume - self.reserved_volume


class ChannelRequest(Listing):
    """A product line seeking distribution in some markets."""

    product_category = models.CharField(_("product category"), max_length=80)
    markets = models.JSONField(_("markets sought"), default=list)
    monthly_volume = models.PositiveIntegerField(_("monthly volume (units)"), validators=[MinValueValidator(1)])
    filled_volume = models.PositiveIntegerField(_("placed monthly volume"), default=0)
    max_commission_percent = models.DecimalField(
        _("highest acceptable commission (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_by = models.DateField(_("start by"))

    class Meta:
        verbose_name = _("channel request")
        verbose_name_plural = _("channel requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(filled_volume__lte=F("monthly_volume")), name="channel_request_never_overfilled"
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status"], name="channel_request_market")]

    @property
    def open_quantity(self) -> int:
        return self.monthly_volume - self.filled_volume


class MatchKind(models.TextChoices):
    PRODUCTION = "production", _("Order ↔ capacity")
    CHANNEL = "channel", _("Channel request ↔ channel offer")


class MatchingRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Full re-plan")
        INCREMENTAL = "incremental", _("Incremental")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("trigger"), max_length=60, blank=True, help_text=_("e.g. order:42"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The lease (apps/matching/leases.py): a worker claims the run by raising ``attempt``, which
    # is then its fencing token, and renews ``lease_expires_at`` while it works. A queued run's
    # lease is the time by which a worker should have claimed it.
    attempt = models.PositiveSmallIntegerField(
        _("attempt"), default=0, help_text=_("How many times a worker has claimed the run.")
    )
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["cluster", "-created_at"], name="matching_run_cluster"),
            # beat's scan for lapsed leases reads only the runs in progress
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status__in=["queued", "running"]),
                name="matching_run_lease",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} run {self.pk} ({self.get_status_display()})"


class Match(PartnerSides, TimeStampedModel):
    """A proposed allocation of quantity between one demand and one supply, with its score."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted by both")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn by a re-plan")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=MatchKind.choices)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="matches")
    capacity = models.ForeignKey(CapacityOffer, on_delete=models.CASCADE, null=True, blank=True, related_name="matches")
    channel_request = models.ForeignKey(
        ChannelRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="matches"
    )
    channel_offer = models.ForeignKey(
        ChannelOffer, on_delete=models.CASCADE, null=True, blank=True, related_name="matches"
    )
    demand_owner = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    supply_owner = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    score = models.FloatField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    breakdown = models.JSONField(_("score breakdown"), default=dict)
    rulebook_version = models.PositiveIntegerField(
        _("rulebook version"),
        default=0,
        help_text=_("The version of the cluster's rulebook whose weights produced the score (0: the defaults)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    demand_accepted_at = models.DateTimeField(_("accepted by the demand side"), null=True, blank=True)
    supply_accepted_at = models.DateTimeField(_("accepted by the supply side"), null=True, blank=True)
    declined_by = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decline_reason = models.CharField(_("decline reason"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    negotiating_since = models.DateTimeField(_("negotiating since"), null=True, blank=True)  # an offer is open
    run = models.ForeignKey(MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches")
    replaces_deal = models.ForeignKey(
        "Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replacement_proposals",
        help_text=_("A deal whose supplier missed its date: accepting this proposal cancels it."),
    )

    objects = tenant_manager(partner_path="partner_cluster_id")

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="production",
                        order__isnull=False,
                        capacity__isnull=False,
                        channel_request__isnull=True,
                        channel_offer__isnull=True,
                    )
                    | Q(
                        kind="channel",
                        order__isnull=True,
                        capacity__isnull=True,
                        channel_request__isnull=False,
                        channel_offer__isnull=False,
                    )
                ),
                name="match_sides_consistent",
            ),
            models.UniqueConstraint(
                fields=["order", "capacity"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_production_pair",
            ),
            models.UniqueConstraint(
                fields=["channel_request", "channel_offer"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_channel_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["cluster", "status", "expires_at"], name="match_open"),
            models.Index(fields=["demand_owner", "status"], name="match_demand_owner"),
            models.Index(fields=["supply_owner", "status"], name="match_supply_owner"),
        ]

    def __str__(self):
        return f"match {self.pk}: {self.quantity} ({self.get_status_display()})"

    @property
    def demand(self):
        return self.order if self.kind == MatchKind.PRODUCTION else self.channel_request

    @property
    def supply(self):
        return self.capacity if self.kind == MatchKind.PRODUCTION else self.channel_offer


class Deal(PartnerSides, TimeStampedModel):
    """Both sides accepted a match: quantity reserved, milestones to delivery."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        IN_PRODUCTION = "in_production", _("In production")
        QUALITY_CHECKED = "quality_checked", _("Quality checked")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        DISPUTED = "disputed", _("Disputed")
        CANCELLED = "cancelled", _("Cancelled")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.OneToOneField(Match, on_delete=models.PROTECT, related_name="deal")
    kind = models.CharField(_("kind"), max_length=12, choices=MatchKind.choices)
    buyer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer"))
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    due_date = models.DateField(_("due date"))
    planned = models.JSONField(
        _("planned milestone dates"), default=dict, blank=True, help_text=_("Milestone -> ISO date it is planned by.")
    )
    next_milestone_due = models.DateField(_("next milestone due"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reason = models.TextField(_("reason (dispute or cancellation)"), blank=True)
    terms = models.JSONField(_("negotiated terms"), default=dict, blank=True)  # payment terms, lot size, offer

    objects = tenant_manager(partner_path="partner_cluster_id")

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["cluster", "status"], name="deal_cluster_status"),
            models.Index(fields=["buyer", "status"], name="deal_buyer"),
            models.Index(fields=["supplier", "status"], name="deal_supplier"),
        ]

    def __str__(self):
        return f"deal {self.pk} ({self.get_status_display()})"

    def next_milestone(self) -> str | None:
        """The milestone this deal waits for next (None once delivered, closed or cancelled)."""
        order = [s.value for s in MILESTONE_ORDER]
        if self.status not in order[:-1]:
            return None
        return order[order.index(self.status) + 1]


#: The path of a deal to delivery (planned dates follow it).
MILESTONE_ORDER = [
    Deal.Status.CONFIRMED,
    Deal.Status.IN_PRODUCTION,
    Deal.Status.QUALITY_CHECKED,
    Deal.Status.SHIPPED,
    Deal.Status.DELIVERED,
]


#: The statuses a deal can be moved to by one of its sides (confirmed is where it starts).
DEAL_STEP_TARGETS = [(status.value, status.label) for status in Deal.Status if status != Deal.Status.CONFIRMED]


class DealEvent(models.Model):
    """One step of a deal's timeline (append-only).

    ``note`` is what a person wrote, kept in their words; a note of the platform is stored as
    ``code`` + ``params`` and rendered when read (``system_note``), in the reader's language.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=Deal.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    side = models.CharField(_("side"), max_length=10, choices=DEAL_SIDES)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    code = models.CharField(
        _("system note"), max_length=30, blank=True, choices=[(code, code) for code in DEAL_SYSTEM_NOTES]
    )
    params = models.JSONField(_("parameters of the system note"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("Metadata only: name, size, content type, reference.")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = tenant_manager(path="deal__cluster_id", partner_path="deal__partner_cluster_id")

    class Meta:
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.deal_id}: {self.get_status_display()}"

    @property
    def system_note(self) -> str:
        """The platform's note in the active language ("" when a person wrote the note)."""
        template = DEAL_SYSTEM_NOTES.get(self.code)
        if template is None:
            return ""
        try:
            return str(template) % self.params
        except (KeyError, TypeError, ValueError):
            return ""


class Rating(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    ratee = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    quality = models.PositiveSmallIntegerField(_("quality"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    on_time = models.PositiveSmallIntegerField(_("on time"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    communication = models.PositiveSmallIntegerField(
        _("communication"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    objects = tenant_manager(path="deal__cluster_id", partner_path="deal__partner_cluster_id")

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["deal", "rater"], name="one_rating_per_side"),
            models.CheckConstraint(
                condition=Q(
                    quality__gte=1,
                    quality__lte=5,
                    on_time__gte=1,
                    on_time__lte=5,
                    communication__gte=1,
                    communication__lte=5,
                ),
                name="rating_scores_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.rater_id} → {self.ratee_id} on deal {self.deal_id}"

    @property
    def score(self) -> float:
        return (self.quality + self.on_time + self.communication) / 3


class Reputation(models.Model):
    """An enterprise's track record in one cluster, recomputed from deals and published ratings."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reputations")
    deals_completed = models.PositiveIntegerField(_("deals completed"), default=0)
    on_time_rate = models.FloatField(_("on-time rate"), null=True, blank=True)
    average_score = models.FloatField(_("average rating"), null=True, blank=True)
    ratings_count = models.PositiveIntegerField(_("ratings"), default=0)
    disputes_lost = models.PositiveIntegerField(_("disputes decided against it"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("reputation")
        verbose_name_plural = _("reputations")
        constraints = [models.UniqueConstraint(fields=["cluster", "enterprise"], name="one_reputation_per_cluster")]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.cluster_id}"


#: listing kind (in URLs, the API and matching) -> its model
LISTING_MODELS = {
    "order": Order,
    "capacity": CapacityOffer,
    "channel_offer": ChannelOffer,
    "channel_request": ChannelRequest,
}
KIND_OF = {model: kind for kind, model in LISTING_MODELS.items()}
DEMAND_KINDS = ("order", "channel_request")
