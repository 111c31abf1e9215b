"""A partnership's lifecycle and each council's motion on it.

    proposed ──both councils enact "establish"──▶ in force ──"suspend"──▶ suspended ──"resume"──▶ in force
        └──either council rejects──▶ rejected          in force / suspended ──"end" or ends_on passed──▶ ended

In force *today* also needs ``starts_on <= today <= ends_on``: a partnership past its end date
shares nothing even before beat marks it ended. Each ``check_*`` raises the refusal
(``DomainError`` naming the field, ``ConflictError`` for the wrong state); each ``can_*``
answers the same question as a bool, for the pages.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError

from .models import LISTING_KIND_VALUES, Motion, Partnership

S = Partnership.Status
A = Motion.Action

#: a partnership that blocks another between the same two clusters
LIVE = (S.PROPOSED, S.IN_FORCE, S.SUSPENDED)
#: the state each action needs, and the state it leads to once enacted
MOTION_NEEDS = {
    A.ESTABLISH: (S.PROPOSED,),
    A.SUSPEND: (S.IN_FORCE,),
    A.RESUME: (S.SUSPENDED,),
    A.END: (S.IN_FORCE, S.SUSPENDED),
}
MOTION_LEADS_TO = {A.SUSPEND: S.SUSPENDED, A.RESUME: S.IN_FORCE, A.END: S.ENDED}


def in_force_on(partnership: Partnership, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return partnership.status == S.IN_FORCE and partnership.starts_on <= day <= partnership.ends_on


def check_terms(*, proposer, partner, shared_kinds, starts_on, ends_on, today=None) -> list[str]:
    """The terms of a new partnership; the cleaned list of kinds shared."""
    today = today or timezone.localdate()
    if partner is None:
        raise DomainError(_("Choose the cluster to partner with."), field="partner")
    if partner.pk == proposer.pk:
        raise DomainError(_("A cluster cannot enter a partnership with itself."), field="partner", code="self")
    if partner.status != partner.Status.ACTIVE:
        raise DomainError(_("That cluster is not active."), field="partner")
    kinds = list(dict.fromkeys(shared_kinds or []))
    if not kinds or any(k not in LISTING_KIND_VALUES for k in kinds):
        raise DomainError(_("Choose the listing kinds the partnership shares."), field="shared_kinds")
    if starts_on < today:
        raise DomainError(_("The partnership cannot start in the past."), field="starts_on")
    if ends_on < starts_on:
        raise DomainError(_("The partnership must end on or after the day it starts."), field="ends_on")
    return kinds


def check_not_duplicate(*, live_exists: bool) -> None:
    if live_exists:
        raise DomainError(
            _("A partnership between these clusters is already pending or in force."),
            field="partner",
            code="partnership_exists",
        )


def check_motion(partnership: Partnership, *, cluster_id: int, action: str, open_motion: bool, decided: bool) -> None:
    """``open_motion``: this cluster's council already has an undecided motion on it;
    ``decided``: (establish) this cluster's council already enacted its own."""
    if cluster_id not in (partnership.proposer_id, partnership.partner_id):
        raise DomainError(_("This cluster is not a party to the partnership."), field="partnership")
    if action not in A.values:
        raise DomainError(_("Choose establish, suspend, resume or end."), field="action")
    if partnership.status not in MOTION_NEEDS[action]:
        raise ConflictError(
            _("A partnership that is %(status)s cannot be put to this motion.")
            % {"status": partnership.get_status_display().lower()},
            code="illegal_transition",
        )
    if action == A.ESTABLISH and decided:
        raise ConflictError(_("This council has already entered the partnership."), code="already_decided")
    if open_motion:
        raise ConflictError(_("This council already has a motion on the partnership before it."), code="motion_open")


def can_move(partnership: Partnership, *, cluster_id: int, action: str, open_motion: bool, decided: bool) -> bool:
    try:
        check_motion(partnership, cluster_id=cluster_id, action=action, open_motion=open_motion, decided=decided)
    except DomainError:
        return False
    return True
