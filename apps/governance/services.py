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
from apps.tenancy.models import Cluster, ClusterRole
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, rules_in_force

from . import selectors
from .chain import chain_append
from .chained import vote_chain_payload
from .models import SEAT_FIELDS, Comment, Proposal, ProposalRevision, RuleVersion, Seat, Vote

P = Proposal.Status


def _illegal(proposal: Proposal, action) -> ConflictError:
    return ConflictError(
        _("A proposal that is %(status)s cannot be %(action)s.")
        % {"status": proposal.get_status_display().lower(), "action": action},
        code="illegal_transition",
    )


# --- Seats ----------------------------------------------------------------------------------
#
# The council's composition is the charter's, not the administration's. An administrator
# constitutes an empty council once (``council_bootstrap``, audited in the chain); after that a
# seat is filled or removed only by a passed council-seat proposal, and otherwise ends with its
# term or its holder's resignation. An administrator of the cluster never holds a seat.


def administers(*, user, cluster) -> bool:
    """The conflict of interest: an administrator of the cluster (by role) neither holds nor votes a seat."""
    return ClusterRole.objects.filter(cluster=cluster, user=user, role=ClusterRole.Role.ADMINISTRATOR).exists()


def _check_seat_terms(*, cluster, holder, chamber, enterprise, term_start, term_end, prefix: str) -> None:
    """A seat that may be created: errors name ``<prefix>holder`` and the other fields."""
    if chamber not in Seat.Chamber.values:
        raise DomainError(_("Choose one of the council's chambers."), field=f"{prefix}chamber")
    if holder is None or not holder.is_active:
        raise DomainError(_("Name the person who holds the seat."), field=f"{prefix}holder")
    if administers(user=holder, cluster=cluster):
        raise DomainError(
            _("An administrator of the cluster cannot hold a council seat: the council checks the administration."),
            field=f"{prefix}holder",
            code="administrator_conflict",
        )
    if term_start is None or term_end is None or term_end <= term_start:
        raise DomainError(_("The term must end after it starts."), field=f"{prefix}term_end")
    if term_end <= timezone.now():
        raise DomainError(_("The term must end in the future."), field=f"{prefix}term_end")
    if enterprise is not None and not EnterpriseMember.objects.filter(enterprise=enterprise, user=holder).exists():
        raise DomainError(_("The holder does not belong to this enterprise."), field=f"{prefix}enterprise")
    overlapping = Seat.objects.filter(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        removed_at__isnull=True,
        term_start__lt=term_end,
        term_end__gt=term_start,
    )
    if overlapping.exists():
        raise ConflictError(
            _("This person already holds a seat in this chamber for that term."), field=f"{prefix}holder"
        )


def _seat_create(*, cluster, holder, chamber, enterprise, term_start, term_end, appointed_by=None, proposal=None):
    seat = Seat(
        cluster=cluster,
        chamber=chamber,
        holder=holder,
        enterprise=enterprise,
        term_start=term_start,
        term_end=term_end,
        appointed_by=appointed_by,
        proposal=proposal,
    )
    seat.full_clean()
    seat.save()
    return seat


def council_is_constituted(*, cluster) -> bool:
    """Whether the cluster's council was ever constituted (a seat, even ended or removed, exists)."""
    return Seat.objects.filter(cluster=cluster).exists()


@transaction.atomic
def council_bootstrap(*, actor, cluster, seats: list[dict]) -> list[Seat]:
    """An administrator constitutes the empty council, once: every seat in one audited act.

    ``seats``: dicts of ``holder``, ``chamber``, ``term_start``, ``term_end`` and optionally
    ``enterprise``; errors name ``seats.<index>.<field>``. After this, seats change only by the
    charter (a passed proposal, a resignation, a term's end): a second call is a 409.
    """
    require_cluster_administrator(user=actor, cluster=cluster)
    Cluster.objects.select_for_update().filter(pk=cluster.pk).values_list("pk", flat=True).get()
    if council_is_constituted(cluster=cluster):
        raise ConflictError(
            _(
                "The council is already constituted: its seats are filled and removed only by passed proposals, "
                "resignations and the end of terms."
            ),
            code="council_already_constituted",
        )
    if not seats:
        raise DomainError(_("Appoint at least one seat holder."), field="seats")
    created = []
    for index, terms in enumerate(seats):
        terms = {"enterprise": None, **terms}
        _check_seat_terms(cluster=cluster, prefix=f"seats.{index}.", **terms)
        created.append(_seat_create(cluster=cluster, appointed_by=actor, **terms))
    chain_append(
        cluster=cluster,
        kind="council.bootstrap",
        payload={
            "by": actor.pk,
            "seats": [
                {
                    "seat": seat.pk,
                    "holder": seat.holder_id,
                    "chamber": seat.chamber,
                    "term_start": seat.term_start,
                    "term_end": seat.term_end,
                }
                for seat in created
            ],
        },
    )
    return created


def seat_remove_refused(*, actor, cluster, seat_id: int):
    """No one removes a seat by decree: the answer names the charter's ways (a 409)."""
    if not Seat.objects.filter(cluster=cluster, pk=seat_id).exists():
        raise NotFoundError()
    raise ConflictError(
        _(
            "A seat ends only with its term, by its holder's resignation or by a passed council-seat proposal; "
            "nobody removes one directly."
        ),
        code="seat_removal_needs_proposal",
    )


@transaction.atomic
def seat_resign(*, actor, cluster, seat_id: int) -> Seat:
    """The holder gives up their seat from now on (the seat still counts in votes already open)."""
    seat = Seat.objects.select_for_update().filter(cluster=cluster, pk=seat_id).first()
    if seat is None:
        raise NotFoundError()
    if seat.holder_id != actor.pk:
        raise PermissionDeniedError(_("Only the seat's holder may resign it."), code="not_the_holder")
    now = timezone.now()
    if seat.removed_at is not None or seat.term_end <= now:
        raise ConflictError(_("This seat has already ended."), code="seat_ended")
    seat.removed_at, seat.removal = now, Seat.Removal.RESIGNED
    seat.save(update_fields=["removed_at", "removal"])
    chain_append(cluster=cluster, kind="seat.resign", payload={"seat": seat.pk, "by": actor.pk})
    return seat


# --- Proposals ------------------------------------------------------------------------------


def _author_seat(*, user, cluster) -> Seat:
    seats = selectors.seats_of(user=user, cluster=cluster)
    if not seats:
        raise PermissionDeniedError(_("Only council members with a current seat may do this."))
    if administers(user=user, cluster=cluster):
        raise PermissionDeniedError(
            _("An administrator of the cluster cannot act as a council member."), code="administrator_conflict"
        )
    return seats[0]


def validate_changes(*, kind: str, changes, cluster=None) -> dict:
    """Rule changes checked against the rulebook's types and ranges; errors keyed ``changes.<key>``.

    With ``cluster``, the voting windows' bounds the change leaves in force must stay ordered
    (each type's shortest window no longer than its longest).
    """
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
    if cluster is not None:
        _check_window_bounds(values={**rules_in_force(cluster), **cleaned}, changed=cleaned)
    return cleaned


def _check_window_bounds(*, values: dict, changed: dict) -> None:
    for key in changed:
        bound, _dot, kind = key.rpartition(".")
        if bound not in ("governance.voting_hours_min", "governance.voting_hours_max"):
            continue
        if values[f"governance.voting_hours_min.{kind}"] > values[f"governance.voting_hours_max.{kind}"]:
            raise DomainError(
                _("The shortest voting window cannot be longer than the longest one."), field=f"changes.{key}"
            )


def voting_window_bounds(*, kind: str, rules: dict) -> tuple[int, int]:
    """The charter's shortest and longest voting window for a type of proposal, in hours."""
    return rules[f"governance.voting_hours_min.{kind}"], rules[f"governance.voting_hours_max.{kind}"]


def _seat_fields(given: dict) -> dict:
    unknown = set(given) - set(SEAT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
    return given


def _validate_seat(*, cluster, kind, author_seat=None, petition=False, **given) -> dict:
    """The model fields of a council-seat proposal (blank for other kinds); errors name ``seat_*``.

    Removing a seat may be proposed by any seat holder or petitioned by members. Filling one
    follows the chamber's rule in the charter (``governance.seats.<chamber>``): ``election`` —
    only a member enterprise's petition puts the candidate forward; ``nomination`` — a holder of
    a seat in that chamber does (any holder while the chamber has none); ``appointment`` — any
    seat holder does. The council's vote decides in every case.
    """
    blank = {"seat_action": "", "seat": None, "seat_holder": None, "seat_chamber": ""}
    blank.update(seat_enterprise=None, seat_term_start=None, seat_term_end=None)
    if kind != Proposal.Kind.COUNCIL_SEAT:
        return blank
    action = given.get("seat_action") or ""
    if action == Proposal.SeatAction.REMOVE:
        seat_id = given.get("seat")
        seat = Seat.objects.filter(cluster=cluster, pk=seat_id, removed_at__isnull=True).first() if seat_id else None
        if seat is None or seat.term_end <= timezone.now():
            raise DomainError(_("Choose a seat of the council that has not ended."), field="seat")
        return {**blank, "seat_action": action, "seat": seat}
    if action != Proposal.SeatAction.FILL:
        raise DomainError(_("Choose whether to fill a seat or remove one."), field="seat_action")
    terms = {
        "holder": given.get("seat_holder"),
        "chamber": given.get("seat_chamber") or "",
        "enterprise": given.get("seat_enterprise"),
        "term_start": given.get("seat_term_start"),
        "term_end": given.get("seat_term_end"),
    }
    _check_seat_terms(cluster=cluster, prefix="seat_", **terms)
    filled_by = rules_in_force(cluster)[f"governance.seats.{terms['chamber']}"]
    if filled_by == "election" and not petition:
        raise DomainError(
            _(
                "The charter fills this chamber's seats by election: a member enterprise's petition puts the candidate forward."
            ),
            field="seat_chamber",
            code="filled_by_election",
        )
    if filled_by != "election" and petition:
        raise DomainError(
            _(
                "The charter fills this chamber's seats by the council's own nomination or appointment, not by petition."
            ),
            field="seat_chamber",
            code="filled_by_council",
        )
    if filled_by == "nomination":
        chamber_seats = selectors.seats(cluster=cluster, current_only=True).filter(chamber=terms["chamber"])
        if chamber_seats.exists() and not chamber_seats.filter(holder_id=author_seat.holder_id).exists():
            raise DomainError(
                _(
                    "The charter fills this chamber's seats by nomination: a holder of a seat in it puts the candidate forward."
                ),
                field="seat_chamber",
                code="filled_by_nomination",
            )
    return {**blank, **{f"seat_{name}": value for name, value in terms.items()}, "seat_action": action}


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
    **seat_fields,
) -> Proposal:
    """A member enterprise petitions the council; it is debated once enough others co-sign.

    ``seat_fields`` (``seat_action``, ``seat``, ``seat_holder``, …): a council-seat proposal's terms.
    """
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
    cleaned = validate_changes(kind=kind, changes=changes or {}, cluster=cluster)
    membership, action = _validate_sanction(
        cluster=cluster, kind=kind, membership_id=sanction_membership, action=sanction_action
    )
    seat_terms = _validate_seat(cluster=cluster, kind=kind, petition=True, **_seat_fields(seat_fields))
    proposal = Proposal(
        cluster=cluster,
        kind=kind,
        title=title,
        body=body,
        changes=cleaned,
        sanction_membership=membership,
        sanction_action=action,
        **seat_terms,
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
    **seat_fields,
) -> Proposal:
    """A seat holder's draft. ``seat_fields`` (``seat_action``, ``seat``, ``seat_holder``, …): a council-seat proposal's terms."""
    seat = _author_seat(user=actor, cluster=cluster)
    _check_author_limit(actor=actor, cluster=cluster)
    if kind not in Proposal.Kind.values:
        raise DomainError(_("Unknown proposal type."), field="kind")
    cleaned = validate_changes(kind=kind, changes=changes or {}, cluster=cluster)
    membership, action = _validate_sanction(
        cluster=cluster, kind=kind, membership_id=sanction_membership, action=sanction_action
    )
    seat_terms = _validate_seat(cluster=cluster, kind=kind, author_seat=seat, **_seat_fields(seat_fields))
    proposal = Proposal(
        cluster=cluster,
        kind=kind,
        title=title,
        body=body,
        changes=cleaned,
        sanction_membership=membership,
        sanction_action=action,
        **seat_terms,
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
        fields["changes"] = validate_changes(kind=proposal.kind, changes=fields["changes"], cluster=cluster)
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
    rules = rules_in_force(cluster)
    shortest, longest = voting_window_bounds(kind=proposal.kind, rules=rules)
    if closes_at is None:  # the charter's default length, within this type's bounds
        hours = min(max(rules["governance.voting_hours"], shortest), longest)
        closes_at = opens_at + datetime.timedelta(hours=hours)
    if closes_at <= opens_at or closes_at <= now:
        raise DomainError(_("The window must close in the future, after it opens."), field="closes_at")
    length = closes_at - opens_at
    if not datetime.timedelta(hours=shortest) <= length <= datetime.timedelta(hours=longest):
        raise DomainError(
            _("The charter lets a vote on a %(kind)s last from %(shortest)s to %(longest)s hours.")
            % {"kind": proposal.get_kind_display().lower(), "shortest": shortest, "longest": longest},
            field="closes_at",
            code="window_out_of_bounds",
        )
    # the electorate: the seats whose term covers the opening, as they stand now; seats filled
    # later do not vote on it, and seats that end later still count in its quorum
    administrators = ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR)
    electorate = list(
        selectors.eligible_seats(cluster=cluster, at=opens_at)
        .exclude(holder__in=administrators.values("user"))
        .values_list("pk", flat=True)
    )
    proposal.status = P.VOTING
    proposal.voting_opens_at, proposal.voting_closes_at = opens_at, closes_at
    proposal.electorate = sorted(electorate)
    proposal.save(update_fields=["status", "voting_opens_at", "voting_closes_at", "electorate", "updated_at"])
    chain_append(
        cluster=cluster,
        kind="proposal.voting_opened",
        payload={
            "proposal": proposal.pk,
            "revision": proposal.revision,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "changes": proposal.changes,
            "electorate": proposal.electorate,
        },
    )
    holders = [seat.holder for seat in selectors.electorate_seats(proposal=proposal, current_only=True)]
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
    if administers(user=actor, cluster=cluster):
        raise PermissionDeniedError(
            _("An administrator of the cluster cannot vote on the council."), code="administrator_conflict"
        )
    held = selectors.seats_of(user=actor, cluster=cluster, at=now)
    seats = selectors.voting_seats(proposal=proposal, seats=held)
    if seat_id is not None:
        seats = [s for s in seats if s.pk == seat_id]
    if not seats:
        if held and not selectors.voting_seats(proposal=proposal, seats=held):
            raise PermissionDeniedError(
                _("Your seat was not part of the council when this vote opened: it does not vote on it."),
                code="seat_not_in_electorate",
            )
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
    if proposal.electorate is not None:  # the seats as they stood when the vote opened
        eligible = list(selectors.electorate_seats(proposal=proposal))
    else:  # a vote opened before electorates were recorded: the seats when it closed
        closes = proposal.voting_closes_at
        eligible = list(
            selectors.eligible_seats(cluster=proposal.cluster, at=closes - datetime.timedelta(microseconds=1))
        )
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
    removes_a_seat = proposal.kind == Proposal.Kind.COUNCIL_SEAT and proposal.seat_action == Proposal.SeatAction.REMOVE
    if proposal.kind == Proposal.Kind.CHARTER_CHANGE or removes_a_seat:  # the charter's majority of all seats
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


def _enact_seat(proposal: Proposal, now) -> bool:
    """Fill or remove the seat a passed council-seat proposal names; False if it can no longer be done."""
    cluster = proposal.cluster
    if proposal.seat_action == Proposal.SeatAction.REMOVE:
        seat = Seat.objects.select_for_update().get(pk=proposal.seat_id)
        if seat.removed_at is None and seat.term_end > now:
            seat.removed_at, seat.removal = now, Seat.Removal.PROPOSAL
            seat.save(update_fields=["removed_at", "removal"])
            chain_append(cluster=cluster, kind="seat.remove", payload={"seat": seat.pk, "proposal": proposal.pk})
        return True
    terms = {
        "holder": proposal.seat_holder,
        "chamber": proposal.seat_chamber,
        "enterprise": proposal.seat_enterprise,
        "term_start": proposal.seat_term_start,
        "term_end": proposal.seat_term_end,
    }
    try:
        _check_seat_terms(cluster=cluster, prefix="seat_", **terms)
    except DomainError as exc:  # e.g. the candidate became an administrator meanwhile
        proposal.result = {**proposal.result, "not_enacted": str(exc.message)}
        proposal.save(update_fields=["result", "updated_at"])
        chain_append(
            cluster=cluster, kind="proposal.not_enacted", payload={"proposal": proposal.pk, "reason": exc.code}
        )
        return False
    seat = _seat_create(cluster=cluster, proposal=proposal, **terms)
    chain_append(
        cluster=cluster,
        kind="seat.fill",
        payload={
            "seat": seat.pk,
            "holder": seat.holder_id,
            "chamber": seat.chamber,
            "term_start": seat.term_start,
            "term_end": seat.term_end,
            "proposal": proposal.pk,
        },
    )
    return True


def _enact(proposal: Proposal, now) -> bool:
    """Apply a passed proposal; False when it can no longer be applied (it stays passed)."""
    cluster = proposal.cluster
    if proposal.kind == Proposal.Kind.COUNCIL_SEAT:
        return _enact_seat(proposal, now)
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
    return True


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
    if proposal.status == P.PASSED and _enact(proposal, now):
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
            for s in selectors.electorate_seats(proposal=proposal, current_only=True)
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
