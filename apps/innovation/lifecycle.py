"""States of innovation's objects and the checks beside them (the services enforce them, the
pages read them). Checks raise ``PermissionDeniedError`` / ``NotFoundError`` / ``ConflictError``."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import ConflictError, NotFoundError, PermissionDeniedError

from .models import ChallengeStatus

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
