"""Council writes: seats, proposals and their lifecycle, votes, tally and enactment.

Every vote, tally and enactment is also appended to the cluster's hash chain.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.membership.models import EnterpriseMember, Membership
from apps.membership.permissions import is_cluster_administrator, require_cluster_administrator
from apps.notifications.services import notify_users
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, rules_in_force

from . import selectors
from .chain import chain_append
from .chained import vote_chain_payload
from .models import Comment, Proposal, ProposalRevision, RuleVersion, Seat, Vote

P = Proposal.Status


def _illegal(proposal: Proposal, action) -> ConflictError:
    return ConflictError(
        _("A proposal that is %(status)s cannot be %(action)s.")
        % {"status": proposal.get_status_display().lower(), "action": action},
        code="illegal_transition",
    )


# --- Seats ----------------------------------------------------------------------------------


@transaction.atomic
def seat_appoint(*, actor, cluster, holder, chamber: str, term_start, term_end, enterprise=None) -> Seat:
    require_cluster_administrator(user=actor, cluster=cluster)
    if term_end <= term_start:
        raise DomainError(_("The term must end after it starts."), field="term_end")
    if enterprise is not None and not EnterpriseMember.objects.filter(enterprise=enterprise, user=holder).exists():
        raise DomainError(_("The holder does not belong to this enterprise."), field="enterprise")
    overlapping = Seat.objects.filter(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        removed_at__isnull=True,
        term_start__lt=term_end,
        term_end__gt=term_start,
    )
    if overlapping.exists():
        raise ConflictError(_("This person already holds a seat in this chamber for that term."), field="holder")
    seat = Seat(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        enterprise=enterprise,
        term_start=term_start,
        term_end=term_end,
        appointed_by=actor,
    )
    seat.full_clean()
    seat.save()
    chain_append(
        cluster=cluster,
        kind="seat.appoint",
        payload={
            "seat": seat.pk,
            "holder": holder.pk,
            "chamber": chamber,
            "term_start": term_start,
            "term_end": term_end,
            "by": actor.pk,
        },
    )
    return seat


@transaction.atomic
def seat_remove(*, actor, cluster, seat_id: int) -> Seat:
    require_cluster_administrator(user=actor, cluster=cluster)
    seat = Seat.objects.select_for_update().filter(cluster=cluster, pk=seat_id, removed_at__isnull=True).first()
    if seat is None:
        raise NotFoundError()
    seat.removed_at = timezone.now()
    seat.save(update_fields=["removed_at"])
    chain_append(cluster=cluster, kind="seat.remove", payload={"seat": seat.pk, "by": actor.pk})
    return seat


# --- Proposals ------------------------------------------------------------------------------


def _author_seat(*, user, cluster) -> Seat:
    seats = selectors.seats_of(user=user, cluster=cluster)
    if not seats:
        raise PermissionDeniedError(_("Only council members with a current seat may do this."))
    return seats[0]


def validate_changes(*, kind: str, changes) -> dict:
    """Rule changes checked against the rulebook's types and ranges; errors keyed ``changes.<key>``."""
    if kind not in (Proposal.Kind.RULE_CHANGE, Proposal.Kind.CHARTER_CHANGE):
        if changes:
            raise DomainError(_("Only rule and charter changes carry parameter changes."), field="changes")
        return {}
    if not isinstance(changes, dict) or not changes:
        raise DomainError(_("Name at least one rulebook parameter and its new value."), field="changes")
    cleaned = {}
    for key, value in changes.items():
        rule = REGISTRY.get(key)
        if rule is None:
            raise DomainError(_("Unknown rulebook parameter."), field=f"changes.{key}")
        if (key in CHARTER_KEYS) != (kind == Proposal.Kind.CHARTER_CHANGE):
            raise DomainError(
                _("Charter parameters change only through a charter change, and only they do."), field=f"changes.{key}"
            )
        try:
            cleaned[key] = rule.clean(value)
        except ValueError as exc:
            raise DomainError(str(exc), field=f"changes.{key}") from None
    return cleaned


def _validate_sanction(*, cluster, kind, membership_id, action):
    if kind != Proposal.Kind.SANCTION:
        return None, ""
    membership = Membership.objects.filter(cluster=cluster, pk=membership_id).first() if membership_id else None
    if membership is None:
        raise DomainError(_("Choose the membership the sanction is about."), field="sanction_membership")
    if action not in Proposal.SanctionAction.values:
        raise DomainError(_("Choose suspend or reinstate."), field="sanction_action")
    return membership, action


OPEN_STATUSES = (P.DRAFT, P.PETITION, P.DELIBERATION, P.VOTING)


def _check_author_limit(*, actor, cluster) -> None:
    limit = rules_in_force(cluster)["governance.open_proposals_per_author"]
    if Proposal.objects.filter(cluster=cluster, author=actor, status__in=OPEN_STATUSES).count() >= limit:
        raise ConflictError(
            _("You already have %(count)d open proposals, the charter's limit.") % {"count": limit},
            code="limit_reached",
        )


@transaction.atomic
def petition_start(
    *,
    actor,
    cluster,
    enterprise,
    kind: str,
    title: str,
    body: str,
    changes=None,
    sanction_membership=None,
    sanction_action: str = "",
    effective_at=None,
) -> Proposal:
    """A member enterprise petitions the council; it is debated once enough others co-sign."""
    from apps.membership.permissions import require_enterprise_role

    needed = rules_in_force(cluster)["governance.petition_cosigners"]
    if not needed:
        raise PermissionDeniedError(_("The charter does not allow petitions."))
    require_enterprise_role(user=actor, enterprise=enterprise)
    if not Membership.objects.filter(cluster=cluster, enterprise=enterprise, status=Membership.Status.ACTIVE).exists():
        raise DomainError(_("Only active members may petition the council."), field="enterprise")
    _check_author_limit(actor=actor, cluster=cluster)
    if kind not in Proposal.Kind.values:
        raise DomainError(_("Unknown proposal type."), field="kind")
    cleaned = validate_changes(kind=kind, changes=changes or {})
    membership, action = _validate_sanction(
        cluster=cluster, kind=kind, membership_id=sanction_membership, action=sanction_action
    )
    proposal = Proposal(
        cluster=cluster,
        kind=kind,
        title=title,
        body=body,
        changes=cleaned,
        sanction_membership=membership,
        sanction_action=action,
        author=actor,
        petitioner=enterprise,
        status=P.PETITION,
        effective_at=effective_at,
    )
    proposal.full_clean()
    proposal.save()
    ProposalRevision.objects.create(proposal=proposal, number=1, title=title, body=body, changes=cleaned, author=actor)
    chain_append(cluster=cluster, kind="petition.start", payload={"proposal": proposal.pk, "enterprise": enterprise.pk})
    return proposal


@transaction.atomic
def petition_cosign(*, actor, cluster, proposal_id: int, enterprise) -> Proposal:
    """Another active member co-signs; at the charter's count the petition goes to deliberation."""
    from apps.membership.permissions import require_enterprise_role

    from .models import PetitionSignature

    proposal = _locked(cluster, proposal_id)
    require_enterprise_role(user=actor, enterprise=enterprise)  # who, before what state
    if proposal.status != P.PETITION:
        raise _illegal(proposal, _("co-signed"))
    if enterprise.pk == proposal.petitioner_id:
        raise DomainError(_("The petitioning enterprise cannot co-sign its own petition."), field="enterprise")
    if not Membership.objects.filter(cluster=cluster, enterprise=enterprise, status=Membership.Status.ACTIVE).exists():
        raise DomainError(_("Only active members may co-sign."), field="enterprise")
    try:
        with transaction.atomic():
            PetitionSignature.objects.create(proposal=proposal, enterprise=enterprise, signed_by=actor)
    except IntegrityError:
        raise ConflictError(_("This enterprise has already co-signed."), field="enterprise") from None
    chain_append(
        cluster=cluster, kind="petition.cosign", payload={"proposal": proposal.pk, "enterprise": enterprise.pk}
    )
    if proposal.signatures.count() >= rules_in_force(cluster)["governance.petition_cosigners"]:
        proposal.status = P.DELIBERATION
        proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_draft(
    *,
    actor,
    cluster,
    kind: str,
    title: str,
    body: str,
    changes=None,
    sanction_membership=None,
    sanction_action: str = "",
    effective_at=None,
) -> Proposal:
    seat = _author_seat(user=actor, cluster=cluster)
    _check_author_limit(actor=actor, cluster=cluster)
    if kind not in Proposal.Kind.values:
        raise DomainError(_("Unknown proposal type."), field="kind")
    cleaned = validate_changes(kind=kind, changes=changes or {})
    membership, action = _validate_sanction(
        cluster=cluster, kind=kind, membership_id=sanction_membership, action=sanction_action
    )
    proposal = Proposal(
        cluster=cluster,
        kind=kind,
        title=title,
        body=body,
        changes=cleaned,
        sanction_membership=membership,
        sanction_action=action,
        author=actor,
        author_seat=seat,
        effective_at=effective_at,
    )
    proposal.full_clean()
    proposal.save()
    ProposalRevision.objects.create(proposal=proposal, number=1, title=title, body=body, changes=cleaned, author=actor)
    return proposal


def _locked(cluster, proposal_id) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(cluster=cluster, pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError()
    return proposal


@transaction.atomic
def proposal_amend(*, actor, cluster, proposal_id: int, **fields) -> Proposal:
    proposal = _locked(cluster, proposal_id)
    if proposal.author_id != actor.pk:
        raise PermissionDeniedError(_("Only the author may amend a proposal."))
    if proposal.status not in (P.DRAFT, P.DELIBERATION):
        raise _illegal(proposal, _("amended"))
    if "changes" in fields:
        fields["changes"] = validate_changes(kind=proposal.kind, changes=fields["changes"])
    for name in ("title", "body", "changes", "effective_at"):
        if name in fields:
            setattr(proposal, name, fields[name])
    proposal.revision += 1
    proposal.full_clean()
    proposal.save()
    ProposalRevision.objects.create(
        proposal=proposal,
        number=proposal.revision,
        title=proposal.title,
        body=proposal.body,
        changes=proposal.changes,
        author=actor,
    )
    return proposal


@transaction.atomic
def proposal_submit(*, actor, cluster, proposal_id: int) -> Proposal:
    """Draft → deliberation: members may now read and comment."""
    proposal = _locked(cluster, proposal_id)
    if proposal.author_id != actor.pk:
        raise PermissionDeniedError(_("Only the author may submit a proposal."))
    if proposal.status != P.DRAFT:
        raise _illegal(proposal, _("submitted"))
    proposal.status = P.DELIBERATION
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def proposal_open_voting(*, actor, cluster, proposal_id: int, closes_at=None, opens_at=None) -> Proposal:
    """Deliberation → voting, with a window (default length from the charter)."""
    proposal = _locked(cluster, proposal_id)
    if proposal.author_id != actor.pk and not is_cluster_administrator(user=actor, cluster=cluster):
        raise PermissionDeniedError(_("Only the author or an administrator may open the vote."))
    if proposal.status != P.DELIBERATION:
        raise _illegal(proposal, _("put to the vote"))
    now = timezone.now()
    opens_at = opens_at or now
    if closes_at is None:
        hours = rules_in_force(cluster)["governance.voting_hours"]
        closes_at = opens_at + datetime.timedelta(hours=hours)
    if closes_at <= opens_at or closes_at <= now:
        raise DomainError(_("The window must close in the future, after it opens."), field="closes_at")
    proposal.status = P.VOTING
    proposal.voting_opens_at, proposal.voting_closes_at = opens_at, closes_at
    proposal.save(update_fields=["status", "voting_opens_at", "voting_closes_at", "updated_at"])
    chain_append(
        cluster=cluster,
        kind="proposal.voting_opened",
        payload={
            "proposal": proposal.pk,
            "revision": proposal.revision,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "changes": proposal.changes,
        },
    )
    holders = [seat.holder for seat in selectors.seats(cluster=cluster, current_only=True)]
    notify_users(
        users={u.pk: u for u in holders}.values(),
        kind="governance.voting_opened",
        render=lambda: (
            _("Voting is open: %(title)s") % {"title": proposal.title},
            _("The vote closes at %(time)s.") % {"time": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")},
        ),
        link=reverse("proposal-detail", args=[cluster.slug, proposal.pk]),
        cluster=cluster,
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, cluster, proposal_id: int) -> Proposal:
    proposal = _locked(cluster, proposal_id)
    if proposal.author_id != actor.pk:
        raise PermissionDeniedError(_("Only the author may withdraw a proposal."))
    if proposal.status not in (P.DRAFT, P.DELIBERATION, P.VOTING) or (
        proposal.status == P.VOTING and proposal.voting_closes_at <= timezone.now()
    ):
        raise _illegal(proposal, _("withdrawn"))
    proposal.status = P.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    chain_append(cluster=cluster, kind="proposal.withdrawn", payload={"proposal": proposal.pk, "by": actor.pk})
    return proposal


@transaction.atomic
def comment_add(*, actor, cluster, proposal_id: int, body: str) -> Comment:
    proposal = Proposal.objects.filter(cluster=cluster, pk=proposal_id).exclude(status=P.DRAFT).first()
    if proposal is None:
        raise NotFoundError()
    if proposal.status not in (P.DELIBERATION, P.VOTING):
        raise _illegal(proposal, _("commented on"))
    if not body.strip():
        raise DomainError(_("Write something."), field="body")
    from apps.tenancy.selectors import COUNCIL, MEMBER, cluster_roles_for

    if not cluster_roles_for(user=actor, cluster=cluster) & {MEMBER, COUNCIL}:
        raise PermissionDeniedError(_("Members and council members comment on proposals."))
    return Comment.objects.create(proposal=proposal, author=actor, body=body)


# --- Votes ----------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, actor, cluster, proposal_id: int, choice: str, reason: str = "", seat_id: int | None = None) -> Vote:
    """One vote per seat, inside the window, by a holder whose term covers the moment."""
    proposal = Proposal.objects.select_for_update().filter(cluster=cluster, pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError()
    now = timezone.now()
    if not proposal.voting_is_open:
        raise ConflictError(_("Voting on this proposal is not open."), code="voting_closed")
    if choice not in Vote.Choice.values:
        raise DomainError(_("Vote yes, no or abstain."), field="choice")
    seats = selectors.seats_of(user=actor, cluster=cluster, at=now)
    if seat_id is not None:
        seats = [s for s in seats if s.pk == seat_id]
    if not seats:
        raise PermissionDeniedError(_("Only holders of a seat whose term covers the vote may vote."))
    seat = seats[0]
    existing = Vote.objects.select_for_update().filter(proposal=proposal, seat=seat).first()
    if existing is not None:
        if not rules_in_force(cluster)["governance.votes_changeable"]:
            raise ConflictError(_("This seat has already voted, and votes cannot be changed."), code="already_voted")
        existing.choice, existing.reason = choice, reason
        existing.save(update_fields=["choice", "reason", "updated_at"])
        vote = existing
    else:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(proposal=proposal, seat=seat, voter=actor, choice=choice, reason=reason)
        except IntegrityError:
            raise ConflictError(_("This seat has already voted."), code="already_voted") from None
    chain_append(cluster=cluster, kind="vote", payload=vote_chain_payload(vote, at=now))
    return vote


# --- Tally and enactment ------------------------------------------------------------------------


def tally(proposal: Proposal, rules: dict) -> dict:
    """The exact counts and the decision, by the charter in force when the window closed."""
    closes = proposal.voting_closes_at
    eligible = list(selectors.eligible_seats(cluster=proposal.cluster, at=closes - datetime.timedelta(microseconds=1)))
    eligible_ids = {s.pk for s in eligible}
    votes = [v for v in proposal.votes.all() if v.seat_id in eligible_ids]
    counts = {choice: sum(1 for v in votes if v.choice == choice) for choice in Vote.Choice.values}
    cast = len(votes)
    quorum_needed = rules["governance.quorum"]
    quorum_met = bool(eligible) and cast / len(eligible) >= quorum_needed
    chambers = {}
    if rules["governance.per_chamber_quorum"]:
        for chamber in {s.chamber for s in eligible}:
            members = [s.pk for s in eligible if s.chamber == chamber]
            voted = sum(1 for v in votes if v.seat_id in members)
            chambers[chamber] = {"seats": len(members), "voted": voted, "met": voted / len(members) >= quorum_needed}
        quorum_met = quorum_met and all(c["met"] for c in chambers.values())
    if proposal.kind == Proposal.Kind.CHARTER_CHANGE:
        threshold = rules["governance.charter_threshold"]
        approved = bool(eligible) and counts["yes"] / len(eligible) >= threshold
        basis = "seats"
    else:
        threshold = rules["governance.majority_threshold"]
        decided = counts["yes"] + counts["no"]
        approved = decided > 0 and counts["yes"] / decided > threshold
        basis = "votes_cast"
    return {
        "seats": len(eligible),
        "cast": cast,
        **counts,
        "quorum": quorum_needed,
        "quorum_met": quorum_met,
        "chambers": chambers,
        "threshold": threshold,
        "threshold_basis": basis,
        "passed": bool(quorum_met and approved),
    }


def _enact(proposal: Proposal, now) -> None:
    cluster = proposal.cluster
    if proposal.kind in (Proposal.Kind.RULE_CHANGE, Proposal.Kind.CHARTER_CHANGE):
        effective = proposal.effective_at or timezone.now()  # at once, unless the proposal stated a date
        values = rules_in_force(cluster, at=effective)  # a snapshot for reading; what applies is `changes`
        values.update(proposal.changes)
        number = (RuleVersion.objects.filter(cluster=cluster).aggregate(n=Max("number"))["n"] or 0) + 1
        version = RuleVersion.objects.create(
            cluster=cluster,
            number=number,
            values=values,
            changes=proposal.changes,
            proposal=proposal,
            effective_at=effective,
        )
        chain_append(
            cluster=cluster,
            kind="rulebook.version",
            payload={
                "version": number,
                "proposal": proposal.pk,
                "changes": proposal.changes,
                "effective_at": version.effective_at,
            },
        )
        _notify_members_of_rule_change(proposal)
    elif proposal.kind == Proposal.Kind.SANCTION:
        from apps.membership.services.memberships import membership_decide_by_council

        membership_decide_by_council(
            cluster=cluster,
            membership_id=proposal.sanction_membership_id,
            action=proposal.sanction_action,
            reason=_("Council decision: %(title)s") % {"title": proposal.title},
        )


def _notify_members_of_rule_change(proposal: Proposal) -> None:
    users = {
        person.user_id: person.user
        for person in EnterpriseMember.objects.filter(
            enterprise__memberships__cluster=proposal.cluster,
            enterprise__memberships__status=Membership.Status.ACTIVE,
            role__in=[EnterpriseMember.Role.OWNER, EnterpriseMember.Role.ADMIN],
        ).select_related("user")
    }
    notify_users(
        users=users.values(),
        kind="governance.rule_changed",
        render=lambda: (
            _("The council changed the rules: %(title)s") % {"title": proposal.title},
            ", ".join(f"{k} = {v}" for k, v in proposal.changes.items()),
        ),
        link=reverse("rulebook", args=[proposal.cluster.slug]),
        cluster=proposal.cluster,
        email=False,
    )


@transaction.atomic
def proposal_close(*, proposal_id: int, now=None) -> Proposal | None:
    """Tally a proposal whose window has closed, record the result, enact it if passed.

    Idempotent: a proposal already tallied (or enacted) is returned unchanged.
    """
    now = now or timezone.now()
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("cluster").filter(pk=proposal_id).first()
    if proposal is None or proposal.status != P.VOTING or proposal.voting_closes_at > now:
        return proposal
    rules = rules_in_force(proposal.cluster, at=proposal.voting_closes_at)  # the charter when the vote closed
    result = tally(proposal, rules)
    proposal.result = result
    proposal.tallied_at = now
    proposal.status = P.PASSED if result["passed"] else P.REJECTED
    proposal.save(update_fields=["result", "tallied_at", "status", "updated_at"])
    chain_append(cluster=proposal.cluster, kind="proposal.tally", payload={"proposal": proposal.pk, **result})
    if proposal.status == P.PASSED:
        _enact(proposal, now)
        proposal.status = P.ENACTED
        proposal.enacted_at = now
        proposal.save(update_fields=["status", "enacted_at", "updated_at"])
        chain_append(cluster=proposal.cluster, kind="proposal.enacted", payload={"proposal": proposal.pk})
    return proposal


def proposals_close_due(*, now=None) -> int:
    now = now or timezone.now()
    ids = list(Proposal.objects.filter(status=P.VOTING, voting_closes_at__lte=now).values_list("pk", flat=True))
    for proposal_id in ids:
        proposal_close(proposal_id=proposal_id, now=now)
    return len(ids)


def proposals_remind_closing(*, now=None) -> int:
    """A day before a window closes, seat holders who have not voted are reminded (once)."""
    now = now or timezone.now()
    due = Proposal.objects.filter(
        status=P.VOTING,
        reminded_at__isnull=True,
        voting_closes_at__gt=now,
        voting_closes_at__lte=now + datetime.timedelta(days=1),
    ).select_related("cluster")
    sent = 0
    for proposal in due:
        if not Proposal.objects.filter(pk=proposal.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        voted = set(proposal.votes.values_list("seat_id", flat=True))
        holders = {
            s.holder_id: s.holder
            for s in selectors.seats(cluster=proposal.cluster, current_only=True)
            if s.pk not in voted
        }
        notify_users(
            users=holders.values(),
            kind="governance.voting_closes_soon",
            render=lambda proposal=proposal: (
                _("Voting closes within a day: %(title)s") % {"title": proposal.title},
                "",
            ),
            link=reverse("proposal-detail", args=[proposal.cluster.slug, proposal.pk]),
            cluster=proposal.cluster,
        )
        sent += 1
    return sent
