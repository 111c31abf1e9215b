"""States of innovation's objects and the checks beside them (the services enforce them, the
pages read them). Checks raise ``PermissionDeniedError`` / ``NotFoundError`` / ``ConflictError``."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import ConflictError, NotFoundError, PermissionDeniedError

from .models import ChallengeStatus, KnowledgeEntry

# --- challenges and solutions ---

S = ChallengeStatus
#: the moves a challenge may make, from -> to
CHALLENGE_TRANSITIONS = {
    S.DRAFT: {S.OPEN, S.WITHDRAWN},
    S.OPEN: {S.EVALUATING, S.WITHDRAWN},
    S.EVALUATING: {S.AWARDED, S.CLOSED_WITHOUT_AWARD},
}
#: where the public summary shows to the cluster's members (drafts are the seeker's alone)
PUBLISHED = (S.OPEN, S.EVALUATING, S.AWARDED, S.CLOSED_WITHOUT_AWARD)
#: where an award may be given (the seeker may award straight from open once the deadline passed)
AWARDABLE = (S.OPEN, S.EVALUATING)


def can_move(status: str, to: str) -> bool:
    return to in CHALLENGE_TRANSITIONS.get(status, set())


def check_move(status: str, to: str) -> None:
    if not can_move(status, to):
        raise ConflictError(
            _("A challenge cannot go from %(status)s to %(to)s.") % {"status": S(status).label, "to": S(to).label}
        )


def withdrawal_needs_consent(*, status: str, has_submissions: bool) -> bool:
    """An open challenge with submissions is withdrawn only with the administrators' consent."""
    return status == S.OPEN and has_submissions


def can_submit(status: str) -> bool:
    return status == S.OPEN


def check_seeker(is_seeker: bool) -> None:
    if not is_seeker:
        raise PermissionDeniedError(_("Only the challenge's seeker may do this."))


def check_sees_details(*, is_seeker: bool, accepted: bool, confidential: bool) -> None:
    """The confidential details: the seeker, and solvers who accepted the current terms."""
    if is_seeker or accepted or not confidential:
        return
    raise PermissionDeniedError(_("Accept the challenge's confidentiality terms to read its details."))


def check_sees_solution(*, is_author: bool, is_seeker: bool) -> None:
    """A submission is its authors' and the seeker's alone: to anyone else it does not exist."""
    if not (is_author or is_seeker):
        raise NotFoundError()


def check_author(is_author: bool) -> None:
    if not is_author:
        raise PermissionDeniedError(_("Only the solution's authors may do this."))


# --- knowledge library and search ---

K = KnowledgeEntry.Status
#: where a library entry may go from each state
KNOWLEDGE_TRANSITIONS = {
    K.DRAFT: {K.IN_REVIEW, K.AWAITING_CONSENT, K.PUBLISHED},
    K.AWAITING_CONSENT: {K.IN_REVIEW, K.PUBLISHED, K.DRAFT},
    K.IN_REVIEW: {K.PUBLISHED, K.DRAFT},
    K.PUBLISHED: {K.WITHDRAWN},
    K.WITHDRAWN: set(),
}


def can_read_entry(entry: KnowledgeEntry, *, enterprise_ids, is_admin: bool) -> bool:
    """Members read what is published; the authoring enterprise and the administrators every state;
    the parties of a lesson's deal the lesson they are asked to consent to."""
    if entry.status == K.PUBLISHED or is_admin or entry.enterprise_id in enterprise_ids:
        return True
    deal = entry.source_deal
    return deal is not None and bool({deal.buyer_id, deal.supplier_id} & set(enterprise_ids))


def check_read_entry(entry, *, enterprise_ids, is_admin: bool) -> None:
    if entry is None or not can_read_entry(entry, enterprise_ids=enterprise_ids, is_admin=is_admin):
        raise NotFoundError()


def can_edit_entry(entry: KnowledgeEntry, *, enterprise_ids) -> bool:
    return entry.status == K.DRAFT and entry.enterprise_id in enterprise_ids


def check_edit_entry(entry, *, enterprise_ids) -> None:
    if entry.enterprise_id not in enterprise_ids:
        raise PermissionDeniedError(_("Only the authoring enterprise's people may change this entry."))
    if entry.status != K.DRAFT:
        raise ConflictError(_("Only a draft can be changed or submitted."), field="status")


def check_transition(entry: KnowledgeEntry, to: str) -> None:
    if to not in KNOWLEDGE_TRANSITIONS[entry.status]:
        raise ConflictError(
            _("A library entry cannot go from %(from)s to %(to)s.")
            % {"from": entry.get_status_display(), "to": K(to).label},
            field="status",
        )


def deal_parties(entry: KnowledgeEntry) -> set[int]:
    """The enterprises whose consent a lesson from a closed deal needs (none for other entries)."""
    deal = entry.source_deal
    return {deal.buyer_id, deal.supplier_id} if deal is not None else set()


def check_consent(entry: KnowledgeEntry, *, enterprise_id: int, enterprise_ids) -> None:
    if enterprise_id not in enterprise_ids:
        raise PermissionDeniedError(_("You may consent only for your own enterprise."))
    if enterprise_id not in deal_parties(entry):
        raise PermissionDeniedError(_("Only the parties of the deal consent to its lesson."))
    if entry.status != K.AWAITING_CONSENT:
        raise ConflictError(_("This lesson is not awaiting consent."), field="status")


def can_withdraw_entry(entry, *, enterprise_ids, is_admin: bool) -> bool:
    return entry.status == K.PUBLISHED and (is_admin or entry.enterprise_id in enterprise_ids)
