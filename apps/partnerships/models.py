"""A partnership between two clusters: its terms, and each council's motion on it.

A partnership is proposed by cluster A (``proposer``) to cluster B (``partner``) with its terms:
the listing kinds shared, whether park resources are bookable across, the dates it runs and
whose rulebook governs a cross-cluster deal. Each council decides by a proposal of the type
``partnership`` in its own governance (a ``Motion`` links the two): it takes effect only when
both have enacted theirs, and either council may later suspend, resume or end it by another
motion. It ends by itself after ``ends_on``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.governance.models import Proposal
from apps.tenancy.models import Cluster

#: the listing kinds a partnership may share (``marketplace`` names its listings so)
LISTING_KINDS = (
    ("order", _("Orders")),
    ("capacity", _("Capacity offers")),
    ("channel_offer", _("Channel offers")),
    ("channel_request", _("Channel requests")),
)
LISTING_KIND_VALUES = tuple(k for k, _label in LISTING_KINDS)


class PartnershipQuerySet(models.QuerySet):
    def involving(self, cluster_id):
        return self.filter(Q(proposer_id=cluster_id) | Q(partner_id=cluster_id))


class Partnership(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_FORCE = "in_force", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")
        REJECTED = "rejected", _("Rejected")

    class Rulebook(models.TextChoices):
        PROPOSER = "proposer", _("The proposing cluster's rulebook")
        PARTNER = "partner", _("The partner cluster's rulebook")
        DEMAND_SIDE = "demand_side", _("The demand side's cluster's rulebook")

    proposer = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+", verbose_name=_("proposed by"))
    partner = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    shared_kinds = models.JSONField(_("listing kinds shared"), default=list)
    resources_bookable = models.BooleanField(_("park resources bookable across"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    governing_rulebook = models.CharField(
        _("rulebook of a cross-cluster deal"), max_length=12, choices=Rulebook.choices, default=Rulebook.DEMAND_SIDE
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(proposer=F("partner")), name="partnership_two_clusters"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="partnership_dates_ordered"),
        ]
        indexes = [
            models.Index(fields=["proposer", "status"], name="partnership_proposer"),
            models.Index(fields=["partner", "status"], name="partnership_partner"),
        ]

    def __str__(self):
        return f"{self.proposer_id} ↔ {self.partner_id}"

    def other(self, cluster_id) -> int:
        return self.partner_id if cluster_id == self.proposer_id else self.proposer_id


class Motion(models.Model):
    """One council's decision on a partnership: a governance proposal of the type ``partnership``."""

    class Action(models.TextChoices):
        ESTABLISH = "establish", _("Enter the partnership")
        SUSPEND = "suspend", _("Suspend the partnership")
        RESUME = "resume", _("Resume the partnership")
        END = "end", _("End the partnership")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="motions")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Outcome(models.TextChoices):
        PENDING = "", _("Before the council")
        ENACTED = "enacted", _("Enacted")
        REJECTED = "rejected", _("Rejected")

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="partnership_motion")
    # kept here, as each council's proposal is its own cluster's alone (row-level security): the
    # other council reads the outcome of this one from the motion
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partnership motion")
        verbose_name_plural = _("partnership motions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action} {self.partnership_id} in {self.cluster_id}"
