"""A park's shared resources and their bookings; on-site verification visits; the auditors a cluster appoints.

No double booking: ``services/bookings.py`` locks the resource row and counts the quantity in use
at every moment of the asked range (capacity > 1); on PostgreSQL an exclusion constraint
(``0002_no_double_booking``, ``btree_gist``) refuses two live exclusive bookings (capacity 1) of
one resource whose ranges overlap, whatever the code above it does.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.generations import WatchedQuerySet
from apps.membership.models import Enterprise
from apps.reference import coordinates
from apps.reference.currencies import CURRENCIES, DEFAULT_CURRENCY
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

from .lifecycle import BookingStatus, VisitStatus
from .sharing import PartnerBookableManager

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def default_opening_hours() -> dict:
    return {day: ["08:00", "18:00"] for day in WEEKDAYS[:5]}


class Resource(models.Model):
    class Kind(models.TextChoices):
        TEST_LAB = "test_lab", _("Test lab")
        EQUIPMENT = "equipment", _("Equipment")
        WAREHOUSE = "warehouse", _("Warehouse space")
        LOGISTICS = "logistics", _("Logistics route")
        SHOWROOM = "showroom", _("Showroom")
        OFFICE = "office", _("Office")

    class BookableBy(models.TextChoices):
        MEMBERS = "members", _("Members")
        MEMBERS_AND_PARTNERS = "members_and_partners", _("Members and partner clusters' members")

    class PriceUnit(models.TextChoices):
        HOUR = "hour", _("per hour")
        DAY = "day", _("per day")

    class CapacityUnit(models.TextChoices):
        """What the capacity counts: stored as a code, shown in the reader's language."""

        UNITS = "units", _("units")
        SEATS = "seats", _("seats")
        DESKS = "desks", _("desks")
        ROOMS = "rooms", _("rooms")
        BOOTHS = "booths", _("booths")
        PALLETS = "pallets", _("pallets")
        TRUCKLOADS = "truckloads", _("truckloads")
        SQUARE_METRES = "m2", _("m²")
        SAMPLES = "samples", _("samples")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    location = models.CharField(_("location"), max_length=200)
    latitude = coordinates.model_field("latitude", _("latitude"), null=True, blank=True)
    longitude = coordinates.model_field("longitude", _("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=1, validators=[MinValueValidator(1)])
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=20, choices=CapacityUnit.choices, default=CapacityUnit.UNITS
    )
    #: ``{"mon": ["08:00", "18:00"], …}``; a weekday absent is closed
    opening_hours = models.JSONField(_("opening hours"), default=default_opening_hours)
    bookable_by = models.CharField(_("who may book"), max_length=24, choices=BookableBy.choices, default="members")
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=0)
    price_unit = models.CharField(_("price unit"), max_length=8, choices=PriceUnit.choices, default="hour")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default=DEFAULT_CURRENCY)
    requires_confirmation = models.BooleanField(_("needs an administrator's confirmation"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnerBookableManager()  # partner-bookable rows: partners in force see them

    class Meta:
        verbose_name = _("park resource")
        verbose_name_plural = _("park resources")
        ordering = ["kind", "name_zh", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="resource_capacity_positive"),
            coordinates.check("resource", "latitude"),
            coordinates.check("resource", "longitude"),
        ]

    def __str__(self):
        return self.name_zh


class Booking(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="bookings")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="park_bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    #: booked across by a member of this partner cluster: the booking is that cluster's too (its partner view)
    partner_cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="partner_bookings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    #: the resource had capacity 1 when booked: the database's exclusion constraint covers it
    exclusive = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    cancelled_late = models.BooleanField(_("cancelled late"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = tenant_manager(partner_path="partner_cluster_id")

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="booking_quantity_positive"),
        ]
        indexes = [models.Index(fields=["resource", "starts_at"], name="booking_resource_start")]

    def __str__(self):
        return f"{self.resource_id}: {self.starts_at:%Y-%m-%d %H:%M} × {self.quantity}"


class Auditor(models.Model):
    """A person the cluster's administrators appoint to visit members on site (the ``auditor`` role)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="auditors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = tenant_manager(WatchedQuerySet)  # its rows decide the auditor role: bulk writes too

    class Meta:
        verbose_name = _("auditor")
        verbose_name_plural = _("auditors")
        constraints = [models.UniqueConstraint(fields=["cluster", "user"], name="uniq_cluster_auditor")]

    def __str__(self):
        return str(self.user)


class Level(models.TextChoices):
    NONE = "none", _("Not verified")
    BASIC = "basic", _("Basic")
    VERIFIED = "verified", _("Verified on site")
    GOLD = "gold", _("Gold")


LEVEL_RANK = {Level.NONE: 0, Level.BASIC: 1, Level.VERIFIED: 2, Level.GOLD: 3}


class Visit(models.Model):
    """An on-site visit to a member enterprise, its findings against the checklist and the level granted."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="visits")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    scheduled_for = models.DateTimeField(_("scheduled for"))
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED)
    #: ``{item: {"ok": bool, "note": str}}`` for the items of ``lifecycle.CHECKLIST``
    findings = models.JSONField(_("findings"), default=dict, blank=True)
    photos = models.JSONField(_("photos (metadata)"), default=list, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.NONE)
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("on-site visit")
        verbose_name_plural = _("on-site visits")
        ordering = ["-scheduled_for", "-pk"]
        indexes = [models.Index(fields=["cluster", "enterprise", "status"], name="visit_cluster_enterprise")]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.scheduled_for:%Y-%m-%d}"

    def level_in_force(self, now=None) -> str:
        """The level this visit grants now: none once it expired or was withdrawn."""
        now = now or timezone.now()
        if self.status != VisitStatus.COMPLETED or self.withdrawn_at or not self.expires_at or self.expires_at <= now:
            return Level.NONE
        return self.level
