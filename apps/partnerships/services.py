"""Writes of partnerships: proposing one to another cluster, each council's motions on it (a
governance proposal of the type ``partnership``), their enactment, and the end at the end date.

Governance enacts a motion's proposal through the hook ``motion_enact`` (provided from
``PartnershipsConfig.ready()``): governance imports nothing of this app. A proposal or motion
is audited in the trail of the cluster that makes it; every change of a partnership's state (an
enactment, beat's end) in both clusters' trails (and so in both audit chains).
"""

from django.db import transaction
from django.utils import timezone

from apps.core.errors import NotFoundError
from apps.governance.models import Proposal
from apps.governance.services.proposals import proposal_draft
from apps.membership.audit import audit_record
from apps.tenancy.models import Cluster

from . import lifecycle, selectors
from .models import Motion, Partnership

S = Partnership.Status
A = Motion.Action


def _terms(partnership: Partnership) -> dict:
    return {
        "partnership": partnership.pk,
        "proposer": partnership.proposer_id,
        "partner": partnership.partner_id,
        "shared_kinds": partnership.shared_kinds,
        "resources_bookable": partnership.resources_bookable,
        "starts_on": partnership.starts_on.isoformat(),
        "ends_on": partnership.ends_on.isoformat(),
        "governing_rulebook": partnership.governing_rulebook,
        "status": partnership.status,
    }


def _audit_both(partnership: Partnership, *, action: str, actor=None, before: dict | None = None) -> None:
    for cluster in (partnership.proposer, partnership.partner):
        audit_record(cluster=cluster, actor=actor, action=action, before=before, after=_terms(partnership))


def _live_between(a_id: int, b_id: int):
    return Partnership.objects.select_for_update().filter(
        status__in=lifecycle.LIVE, proposer_id__in=(a_id, b_id), partner_id__in=(a_id, b_id)
    )


@transaction.atomic
def partnership_propose(
    *,
    actor,
    cluster,
    partner: str,
    title: str,
    body: str,
    shared_kinds,
    starts_on,
    ends_on,
    resources_bookable: bool = False,
    governing_rulebook: str = Partnership.Rulebook.DEMAND_SIDE,
) -> Partnership:
    """Cluster ``cluster`` proposes a partnership to the cluster ``partner`` (a slug): the terms,
    and the proposer's own council motion to enter it (a draft by ``actor``, a seat holder)."""
    other = Cluster.objects.filter(slug=partner).first() if partner else None
    kinds = lifecycle.check_terms(
        proposer=cluster, partner=other, shared_kinds=shared_kinds, starts_on=starts_on, ends_on=ends_on
    )
    lifecycle.check_not_duplicate(live_exists=_live_between(cluster.pk, other.pk).exists())
    partnership = Partnership(
        proposer=cluster,
        partner=other,
        shared_kinds=kinds,
        resources_bookable=bool(resources_bookable),
        starts_on=starts_on,
        ends_on=ends_on,
        governing_rulebook=governing_rulebook,
        proposed_by=actor,
    )
    partnership.full_clean()
    partnership.save()
    _motion(actor=actor, cluster=cluster, partnership=partnership, action=A.ESTABLISH, title=title, body=body)
    # in the proposer's trail: its request may write nothing of the partner's (row-level security)
    audit_record(cluster=cluster, actor=actor, action="partnership.proposed", after=_terms(partnership))
    return partnership


def _motion(*, actor, cluster, partnership, action, title, body) -> Motion:
    proposal = proposal_draft(
        actor=actor, cluster=cluster, kind=Proposal.Kind.PARTNERSHIP, title=title, body=body, provided=True
    )
    return Motion.objects.create(partnership=partnership, cluster=cluster, action=action, proposal=proposal)


@transaction.atomic
def partnership_move(*, actor, cluster, partnership_id: int, action: str, title: str, body: str) -> Motion:
    """A council's motion on a partnership: the partner's to enter it (``establish``), or either's
    to ``suspend``, ``resume`` or ``end`` it. A draft proposal by ``actor`` in ``cluster``'s council."""
    partnership = Partnership.objects.select_for_update().involving(cluster.pk).filter(pk=partnership_id).first()
    if partnership is None:
        raise NotFoundError()
    partnership = selectors.partnership_get(cluster=cluster, pk=partnership.pk)
    statuses = selectors.own_proposal_statuses(partnership.motions.all())
    status = selectors.council_status(partnership, cluster.pk, statuses)
    lifecycle.check_motion(
        partnership,
        cluster_id=cluster.pk,
        action=action,
        open_motion=status["open_motion"] is not None,
        decided=status["entered"],
    )
    motion = _motion(actor=actor, cluster=cluster, partnership=partnership, action=action, title=title, body=body)
    audit_record(cluster=cluster, actor=actor, action=f"partnership.motion.{action}", after=_terms(partnership))
    return motion


def motion_enact(proposal: Proposal, now) -> bool:
    """Governance's hook: a council passed a motion's proposal. False when the partnership has moved
    on so that it no longer applies (the proposal stays passed)."""
    motion = Motion.objects.filter(proposal_id=proposal.pk).first()
    if motion is None:
        return False
    partnership = (
        Partnership.objects.select_for_update().select_related("proposer", "partner").get(pk=motion.partnership_id)
    )
    if partnership.status not in lifecycle.MOTION_NEEDS[motion.action]:
        return False
    motion.outcome, motion.decided_at = Motion.Outcome.ENACTED, now
    motion.save(update_fields=["outcome", "decided_at"])
    before = _terms(partnership)
    if motion.action == A.ESTABLISH:
        # enacted by the other council already? (this proposal is not yet marked enacted)
        others = Motion.objects.filter(
            partnership=partnership, action=A.ESTABLISH, outcome=Motion.Outcome.ENACTED
        ).exclude(cluster_id=motion.cluster_id)
        if not others.exists():
            audit_record(cluster=motion.cluster, actor=None, action="partnership.entered", after=_terms(partnership))
            return True
        partnership.status, partnership.in_force_at = S.IN_FORCE, now
        partnership.save(update_fields=["status", "in_force_at", "updated_at"])
        _audit_both(partnership, action="partnership.in_force", before=before)
        return True
    partnership.status = lifecycle.MOTION_LEADS_TO[motion.action]
    fields = ["status", "updated_at"]
    if partnership.status == S.ENDED:
        partnership.ended_at = now
        fields.append("ended_at")
    partnership.save(update_fields=fields)
    _audit_both(partnership, action=f"partnership.{partnership.status}", before=before)
    return True


def motion_rejected(proposal: Proposal) -> None:
    """Governance's hook: a council rejected a motion. A rejected entry rejects the partnership."""
    motion = Motion.objects.filter(proposal_id=proposal.pk).first()
    if motion is None:
        return
    motion.outcome, motion.decided_at = Motion.Outcome.REJECTED, timezone.now()
    motion.save(update_fields=["outcome", "decided_at"])
    if motion.action != A.ESTABLISH:
        return
    partnership = (
        Partnership.objects.select_for_update().select_related("proposer", "partner").get(pk=motion.partnership_id)
    )
    if partnership.status == S.PROPOSED:
        before = _terms(partnership)
        partnership.status = S.REJECTED
        partnership.save(update_fields=["status", "updated_at"])
        _audit_both(partnership, action="partnership.rejected", before=before)


@transaction.atomic
def partnerships_end_due(*, today=None) -> int:
    """Partnerships whose end date has passed end by themselves (idempotent; beat, daily)."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = list(
        Partnership.objects.select_for_update()
        .select_related("proposer", "partner")
        .filter(status__in=(S.IN_FORCE, S.SUSPENDED), ends_on__lt=today)
    )
    for partnership in due:
        before = _terms(partnership)
        partnership.status, partnership.ended_at = S.ENDED, now
        partnership.save(update_fields=["status", "ended_at", "updated_at"])
        _audit_both(partnership, action="partnership.ended", before=before)
    return len(due)
