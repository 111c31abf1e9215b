"""The council: seats in chambers, proposals with amendments, comments and votes; the
versioned rulebook; and the hash-chained log that makes the record tamper-evident."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.generations import WatchedQuerySet
from apps.membership.models import Enterprise, Membership
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager


class Seat(models.Model):
    class Chamber(models.TextChoices):
        LEADING_ENTERPRISES = "leading_enterprises", _("Leading enterprises")
        INDUSTRY_EXPERTS = "industry_experts", _("Industry experts")
        INSTITUTIONS = "institutions", _("Institutions")
        MEMBER_REPRESENTATIVES = "member_representatives", _("Member representatives")

    class Removal(models.TextChoices):
        RESIGNED = "resigned", _("Resigned")
        PROPOSAL = "proposal", _("Removed by a passed proposal")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="seats")
    chamber = models.CharField(_("chamber"), max_length=24, choices=Chamber.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seats")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("on behalf of")
    )
    term_start = models.DateTimeField(_("term starts"))
    term_end = models.DateTimeField(_("term ends"))
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The administrator who constituted the founding council (none for a seat a proposal filled)."),
    )
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filled by the proposal"),
        help_text=_("The passed proposal that filled the seat (none for a seat of the founding council)."),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removal = models.CharField(_("removed because"), max_length=12, choices=Removal.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(WatchedQuerySet)

    class Meta:
        verbose_name = _("council seat")
        verbose_name_plural = _("council seats")
        ordering = ["chamber", "term_start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gt=models.F("term_start")), name="seat_term_ordered")
        ]
        indexes = [models.Index(fields=["cluster", "holder"], name="seat_holder")]

    def __str__(self):
        return f"{self.get_chamber_display()}: {self.holder}"

    def covers(self, moment) -> bool:
        return self.removed_at is None and self.term_start <= moment < self.term_end


class RuleVersion(models.Model):
    """One version of a cluster's rulebook: the full set of values, and the proposal that enacted it."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    values = models.JSONField(_("values"))
    changes = models.JSONField(_("changes from the previous version"), default=dict)
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="rule_versions"
    )
    effective_at = models.DateTimeField(_("effective from"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("rulebook version")
        verbose_name_plural = _("rulebook versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["cluster", "number"], name="one_rulebook_version_number")]

    def __str__(self):
        return f"{self.cluster_id} v{self.number}"


class Proposal(models.Model):
    class Kind(models.TextChoices):
        RULE_CHANGE = "rule_change", _("Rule change")
        POLICY = "policy", _("Policy")
        SANCTION = "sanction", _("Sanction")
        CHARTER_CHANGE = "charter_change", _("Charter change")
        COUNCIL_SEAT = "council_seat", _("Council seat")
        # provided by apps.partnerships (``proposal_types``): its terms live in that app's rows
        PARTNERSHIP = "partnership", _("Partnership between clusters")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PETITION = "petition", _("Collecting co-signers")
        DELIBERATION = "deliberation", _("In deliberation")
        VOTING = "voting", _("Voting")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Rejected")
        ENACTED = "enacted", _("Enacted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class SanctionAction(models.TextChoices):
        SUSPEND = "suspend", _("Suspend")
        REINSTATE = "reinstate", _("Reinstate")

    class SeatAction(models.TextChoices):
        FILL = "fill", _("Fill a seat")
        REMOVE = "remove", _("Remove a seat")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    changes = models.JSONField(_("rule changes"), default=dict, blank=True)
    sanction_membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sanction_action = models.CharField(_("sanction"), max_length=10, choices=SanctionAction.choices, blank=True)
    # a council-seat proposal: fill a seat (holder, chamber, term) or remove one
    seat_action = models.CharField(_("seat action"), max_length=8, choices=SeatAction.choices, blank=True)
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("seat to remove")
    )
    seat_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    seat_chamber = models.CharField(_("chamber"), max_length=24, choices=Seat.Chamber.choices, blank=True)
    seat_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("on behalf of")
    )
    seat_term_start = models.DateTimeField(_("term starts"), null=True, blank=True)
    seat_term_end = models.DateTimeField(_("term ends"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    petitioner = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petitioning enterprise"),
        help_text=_("A member enterprise's petition instead of a seat holder's draft."),
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    electorate = models.JSONField(
        _("seats that vote"),
        null=True,
        blank=True,
        help_text=_("The ids of the seats whose term covered the opening of the vote: they alone vote and count."),
    )
    effective_at = models.DateTimeField(_("takes effect"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    tallied_at = models.DateTimeField(_("tallied at"), null=True, blank=True)
    enacted_at = models.DateTimeField(_("enacted at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("closing reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "voting_closes_at"], name="proposal_closing")]

    def __str__(self):
        return self.title

    @property
    def voting_is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.VOTING
            and self.voting_opens_at is not None
            and self.voting_opens_at <= now < self.voting_closes_at
        )


class ProposalRevision(models.Model):
    """Each amendment is kept: the text and changes as they stood at that revision."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    changes = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(path="proposal__cluster_id")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="one_revision_number")]

    def __str__(self):
        return f"{self.proposal_id} r{self.number}"


class PetitionSignature(models.Model):
    """A member enterprise co-signing a petition (one signature per enterprise)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="signatures")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(path="proposal__cluster_id")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "enterprise"], name="one_signature_per_enterprise")]

    def __str__(self):
        return f"{self.enterprise_id} signs {self.proposal_id}"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = tenant_manager(path="proposal__cluster_id")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"comment {self.pk} on {self.proposal_id}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        ABSTAIN = "abstain", _("Abstain")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    cast_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = tenant_manager(path="proposal__cluster_id")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["proposal", "seat"], name="one_vote_per_seat")]

    def __str__(self):
        return f"{self.seat_id}: {self.get_choice_display()}"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk rewrites; the database refuses them too (a trigger, see migration 0004)."""

    def update(self, **kwargs):
        raise ValueError(f"{self.model._meta.verbose_name} rows are append-only.")

    def delete(self):
        raise ValueError(f"{self.model._meta.verbose_name} rows are append-only.")


class AppendOnlyModel(models.Model):
    """A row written once: ``save`` refuses updates and ``delete`` refuses, like ``AuditEvent``."""

    objects = tenant_manager(AppendOnlyQuerySet)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name} rows are append-only.")


class ChainEntry(AppendOnlyModel):
    """An append-only, hash-chained record per cluster: each entry carries the previous hash.

    ``hash`` is an HMAC-SHA256 under ``settings.AUDIT_CHAIN_KEY`` (not in the database) over the
    cluster, position, kind, payload, time and previous hash (``chain.entry_hash``).
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cluster", "sequence"]
        constraints = [models.UniqueConstraint(fields=["cluster", "sequence"], name="one_chain_position")]

    def __str__(self):
        return f"{self.cluster_id}#{self.sequence} {self.kind}"


class ChainCheckpoint(AppendOnlyModel):
    """The chain's head published at a moment, signed with the chain's key (``chain.checkpoint_signature``).

    Members may copy checkpoints out of the platform; the verifier checks the chain against every one.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    signature = models.CharField(_("signature"), max_length=64)

    class Meta:
        ordering = ["cluster", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["cluster", "sequence"], name="one_checkpoint_per_head")]

    def __str__(self):
        return f"{self.cluster_id}@{self.sequence}"


# A council-seat proposal's terms, as the services, the API and the page form name them.
SEAT_FIELDS = (
    "seat_action",
    "seat",
    "seat_holder",
    "seat_chamber",
    "seat_enterprise",
    "seat_term_start",
    "seat_term_end",
)
