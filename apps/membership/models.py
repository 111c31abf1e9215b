"""Enterprises, their people, their memberships in clusters, reports and the audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.generations import WatchedQuerySet
from apps.core.models import TimeStampedModel
from apps.reference import coordinates
from apps.reference.models import Capability, CertificationScheme, IndustryCode
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

from .reasons import SystemReason
from .validators import validate_credit_code, validate_region_code


class Enterprise(TimeStampedModel):
    #: The identity that platform staff verify: the legal names, the credit code and the registered
    #: address (its city). A change to any of them withdraws the ``verified`` badge until it is
    #: checked again (``services.enterprises.enterprise_update``). The one list of them: a new
    #: identity field belongs here.
    IDENTITY_FIELDS = ("legal_name_zh", "legal_name_en", "credit_code", "region_code", "region_name")

    class SizeBand(models.TextChoices):
        MICRO = "micro", _("Micro (under 10 people)")
        SMALL = "small", _("Small (10–99 people)")
        MEDIUM = "medium", _("Medium (100–999 people)")
        LARGE = "large", _("Large (1,000 people or more)")

    legal_name_zh = models.CharField(_("legal name (Chinese)"), max_length=120)
    legal_name_en = models.CharField(_("legal name (English)"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("Unified Social Credit Code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region_code = models.CharField(_("region code"), max_length=6, validators=[validate_region_code])
    region_name = models.CharField(_("region name"), max_length=60)
    latitude = coordinates.model_field("latitude", _("latitude"))
    longitude = coordinates.model_field("longitude", _("longitude"))
    industry_codes = models.ManyToManyField(IndustryCode, blank=True, related_name="enterprises")
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="enterprises")
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, default=SizeBand.SMALL)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    website = models.URLField(_("website"), blank=True, max_length=200)
    verified = models.BooleanField(_("verified"), default=False, help_text=_("Checked by platform staff."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["legal_name_zh"]
        indexes = [models.Index(fields=["region_code"], name="enterprise_region")]
        constraints = [coordinates.check("enterprise", "latitude"), coordinates.check("enterprise", "longitude")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.legal_name_en and not (get_language() or "").startswith("zh"):
            return self.legal_name_en
        return self.legal_name_zh


class EnterpriseCertification(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.ForeignKey(
        CertificationScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme")
    )
    number = models.CharField(_("certificate number"), max_length=80)
    issuer = models.CharField(_("issuer"), max_length=160)
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["scheme_id", "valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "scheme", "number"], name="uniq_enterprise_certificate"),
        ]

    def __str__(self):
        return f"{self.scheme_id} {self.number}"

    @property
    def is_valid(self) -> bool:
        return self.valid_until >= timezone.localdate()


class EnterpriseMember(models.Model):
    """A person of an enterprise. Exactly one owner per enterprise (database-enforced)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    objects = WatchedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person of an enterprise")
        verbose_name_plural = _("people of enterprises")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="uniq_enterprise_person"),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(role="owner"), name="one_owner_per_enterprise"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} @ {self.enterprise_id}"


#: Roles an invitation or a role change may grant (ownership moves only by transfer).
INVITABLE_ROLES = [(role.value, role.label) for role in (EnterpriseMember.Role.ADMIN, EnterpriseMember.Role.STAFF)]


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=INVITABLE_ROLES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "email"], condition=Q(status="pending"), name="one_pending_invitation_per_email"
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.enterprise_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Membership(SystemReason, TimeStampedModel):
    """An enterprise's membership of a cluster, with a moderated lifecycle (see ``lifecycle``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REJECTED = "rejected", _("Rejected")
        EXPELLED = "expelled", _("Expelled")
        LEFT = "left", _("Left")

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE, Status.SUSPENDED)

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("application note"), blank=True, max_length=2000)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason of the last decision"), blank=True, max_length=2000)
    joined_at = models.DateTimeField(_("member since"), null=True, blank=True)

    objects = tenant_manager(WatchedQuerySet)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one open (pending / active / suspended) membership per enterprise and cluster;
            # rejected, expelled and left rows stay as history and a new application may follow.
            models.UniqueConstraint(
                fields=["cluster", "enterprise"],
                condition=Q(status__in=["pending", "active", "suspended"]),
                name="one_open_membership",
            ),
        ]
        indexes = [
            models.Index(fields=["cluster", "status", "-created_at"], name="membership_queue"),
            models.Index(fields=["enterprise", "status"], name="membership_by_enterprise"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.cluster_id}: {self.get_status_display()}"


#: The shortest reason a report may give (characters, surrounding spaces not counted).
REPORT_REASON_MIN_LENGTH = 10


class Report(models.Model):
    class Category(models.TextChoices):
        FRAUD = "fraud", _("Fraud or false information")
        QUALITY = "quality", _("Quality problems")
        PAYMENT = "payment", _("Late or missing payment")
        DELIVERY = "delivery", _("Missed deliveries")
        CONDUCT = "conduct", _("Abusive conduct")
        SPAM = "spam", _("Spam")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        WARNED = "warned", _("Warning issued")
        SUSPENDED = "suspended", _("Member suspended")
        LISTING_REMOVED = "listing_removed", _("Listing removed")

    class ListingKind(models.TextChoices):
        """The kinds of marketplace listing a report may name (the keys of the marketplace's LISTING_MODELS)."""

        ORDER = "order", _("Production order")
        CAPACITY = "capacity", _("Capacity offer")
        CHANNEL_OFFER = "channel_offer", _("Channel offer")
        CHANNEL_REQUEST = "channel_request", _("Channel request")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reports_filed")
    reported_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="reports_received")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    text = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    #: the reported listing, if any (its owner is the subject); a plain reference, since listings live in
    #: four tables of the marketplace
    listing_kind = models.CharField(
        _("listing kind"), max_length=16, choices=ListingKind.choices, null=True, blank=True
    )
    listing_id = models.PositiveBigIntegerField(_("listing"), null=True, blank=True)
    resolution_reason = models.TextField(_("resolution reason"), blank=True, max_length=2000)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "subject", "status"], name="report_subject_open")]
        constraints = [
            models.CheckConstraint(condition=~Q(reporter=models.F("subject")), name="report_not_self"),
            models.CheckConstraint(
                condition=Q(listing_kind__isnull=True, listing_id__isnull=True)
                | Q(listing_kind__isnull=False, listing_id__isnull=False),
                name="report_listing_kind_and_id",
            ),
            # One open report per reporting enterprise and target: a member, or one listing of it.
            models.UniqueConstraint(
                fields=["cluster", "reporter", "subject"],
                condition=Q(status="open", listing_kind__isnull=True),
                name="one_open_report_per_reporter_and_member",
            ),
            models.UniqueConstraint(
                fields=["cluster", "reporter", "listing_kind", "listing_id"],
                condition=Q(status="open", listing_kind__isnull=False),
                name="one_open_report_per_reporter_and_listing",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} against {self.subject_id}"


class SuspensionProposal(SystemReason, models.Model):
    """Reports by enough distinct enterprises propose a member's suspension; an administrator decides.

    While it is ``proposed`` the member stays active. Confirming suspends the membership,
    dismissing keeps it active; either way the reports filed before the decision no longer
    count towards a new proposal.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Suspension proposed")
        CONFIRMED = "confirmed", _("Suspension confirmed")
        DISMISSED = "dismissed", _("Proposal dismissed")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="suspension_proposals")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="suspension_proposals")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reporters = models.PositiveIntegerField(_("reporting enterprises"))
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("suspension proposal")
        verbose_name_plural = _("suspension proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=Q(status="proposed"), name="one_pending_suspension_proposal"
            ),
        ]

    def __str__(self):
        return f"{self.membership_id}: {self.get_status_display()}"


class AuditEvent(SystemReason, models.Model):
    """Append-only record of a moderation act or membership transition.

    Rows are never updated or deleted: ``save`` refuses updates, ``delete`` refuses,
    and on PostgreSQL a trigger rejects UPDATE and DELETE at the database.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "-created_at"], name="audit_cluster_time")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
