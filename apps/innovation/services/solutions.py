"""Writes of solutions: submit (an enterprise, an individual expert or a consortium with shares
summing to 100 %), revise until the deadline, the seeker's shortlist and questions, the authors'
answers, and the award (an award with production becomes a marketplace order for the winner)."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.services.listings import listing_create
from apps.membership.models import Membership
from apps.reference.selectors import region_centre

from .. import lifecycle, notices, selectors
from ..models import Award, Challenge, ChallengeStatus, Solution, SolutionQuestion, SolutionShare
from . import documents as solution_documents
from .challenges import production_need_by

S = ChallengeStatus
DOCUMENT_KEYS = {"name", "size", "content_type", "reference"}
DOCUMENT_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _documents(documents, *, stored: int = 0) -> list[dict]:
    """Metadata only: a name, a size in bytes, a content type from the allowed ones, a reference.
    ``stored``: the solution's stored files, which count towards the same cap."""
    clean = []
    for document in documents or []:
        if not isinstance(document, dict) or not {"name", "content_type"} <= set(document) <= DOCUMENT_KEYS:
            raise DomainError(
                _("Each document has a name and a content type (size, reference optional)."), field="documents"
            )
        if document["content_type"] not in DOCUMENT_TYPES:
            raise DomainError(_("This type of document is not accepted."), field="documents")
        clean.append({key: document[key] for key in sorted(document)})
    if len(clean) + stored > solution_documents.MAX_DOCUMENTS:
        raise DomainError(_("At most 20 documents."), field="documents")
    return clean


def _check_before_deadline(challenge) -> None:
    if not lifecycle.can_submit(challenge.status):
        raise DomainError(_("The challenge no longer takes submissions."), field="deadline")
    if timezone.now() >= challenge.deadline:
        raise DomainError(_("The deadline has passed."), field="deadline")


def _active_members(cluster, enterprise_ids) -> set:
    return set(
        Membership.objects.filter(
            cluster=cluster, enterprise_id__in=enterprise_ids, status=Membership.Status.ACTIVE
        ).values_list("enterprise_id", flat=True)
    )


def _shares(*, viewer, cluster, kind, enterprise, shares) -> list[tuple[int, Decimal]]:
    if kind == Solution.Kind.EXPERT:
        if not viewer.is_expert:
            raise PermissionDeniedError(_("Only a registered expert of the cluster submits as an individual."))
        return []
    if kind == Solution.Kind.ENTERPRISE:
        if enterprise is None:
            raise DomainError(_("Name the enterprise that submits."), field="enterprise")
        if enterprise.pk not in viewer.enterprise_ids:
            raise PermissionDeniedError(_("You can only submit for an enterprise you belong to."))
        return [(enterprise.pk, Decimal(100))]
    parts = [(share["enterprise"].pk, Decimal(share["percent"])) for share in shares or []]
    ids = [pk for pk, _percent in parts]
    if len(parts) < 2 or len(set(ids)) != len(ids):
        raise DomainError(_("A consortium has at least two different enterprises."), field="shares")
    if any(percent <= 0 for _pk, percent in parts) or sum(p for _pk, p in parts) != Decimal(100):
        raise DomainError(_("The shares must be positive and sum to 100 %."), field="shares")
    if _active_members(cluster, ids) != set(ids):
        raise DomainError(_("Every partner must be an active member of the cluster."), field="shares")
    if not set(ids) & viewer.enterprise_ids:
        raise PermissionDeniedError(_("You can only submit for a consortium your enterprise is part of."))
    return parts


@transaction.atomic
def solution_submit(
    *, actor, viewer, challenge, kind, title, body, documents=(), enterprise=None, shares=(), document=None
) -> Solution:
    """Submit a solution; ``document`` is an uploaded file, checked before anything is written and
    stored with it (``documents`` is metadata only, as the API takes it)."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if selectors.is_seeker(challenge, viewer):
        raise PermissionDeniedError(_("The seeker cannot solve its own challenge."))
    lifecycle.check_sees_details(
        is_seeker=False, accepted=selectors.has_accepted(challenge, actor), confidential=challenge.confidential
    )
    _check_before_deadline(challenge)
    parts = _shares(viewer=viewer, cluster=challenge.cluster, kind=kind, enterprise=enterprise, shares=shares)
    checked = solution_documents.document_check(cluster=challenge.cluster, file=document) if document else None
    solution = Solution.objects.create(
        cluster=challenge.cluster,
        challenge=challenge,
        kind=kind,
        submitted_by=actor,
        title=title,
        body=body,
        documents=_documents(documents),
    )
    SolutionShare.objects.bulk_create(
        [SolutionShare(solution=solution, enterprise_id=pk, percent=percent) for pk, percent in parts]
    )
    seekers = (
        notices.people_of([challenge.seeker_id])
        if challenge.seeker_id
        else [r.user for r in challenge.cluster.roles.filter(role="administrator").select_related("user")]
    )
    notices.solution_submitted(challenge=challenge, solution=solution, seeker_users=seekers)
    if checked is not None:  # last: nothing after the store may fail and leave the file behind
        solution_documents.document_keep(checked=checked, actor=actor, solution=solution)
    return solution


def _authors(solution) -> list:
    people = notices.people_of([share.enterprise_id for share in solution.shares.all()])
    return [solution.submitted_by, *people]


@transaction.atomic
def solution_revise(*, actor, viewer, solution, document=None, **fields) -> Solution:
    """Revise a solution; ``document``, an uploaded file, is added to its documents (checked first)."""
    lifecycle.check_author(selectors.is_author(solution, viewer))
    _check_before_deadline(Challenge.objects.select_for_update().get(pk=solution.challenge_id))
    checked = solution_documents.document_check(cluster=solution.cluster, file=document) if document else None
    if "documents" in fields:
        fields["documents"] = _documents(fields["documents"], stored=solution.files.count())
    for name, value in fields.items():
        setattr(solution, name, value)
    solution.revision += 1
    solution.save(update_fields=[*fields, "revision", "updated_at"])
    if checked is not None:
        solution_documents.document_keep(checked=checked, actor=actor, solution=solution)
    return solution


def _check_seeker_deciding(challenge, viewer) -> None:
    lifecycle.check_seeker(selectors.is_seeker(challenge, viewer))
    if challenge.status not in lifecycle.AWARDABLE:
        raise ConflictError(_("The challenge is decided already."))


@transaction.atomic
def solution_shortlist(*, actor, viewer, solution, shortlisted: bool) -> Solution:
    _check_seeker_deciding(solution.challenge, viewer)
    solution.shortlisted = shortlisted
    solution.save(update_fields=["shortlisted", "updated_at"])
    return solution


@transaction.atomic
def question_ask(*, actor, viewer, solution, question: str) -> SolutionQuestion:
    _check_seeker_deciding(solution.challenge, viewer)
    asked = SolutionQuestion.objects.create(solution=solution, asked_by=actor, question=question)
    notices.question_asked(challenge=solution.challenge, solution=solution, authors=_authors(solution), actor=actor)
    return asked


@transaction.atomic
def question_answer(*, actor, viewer, solution, question_id: int, answer: str) -> SolutionQuestion:
    lifecycle.check_author(selectors.is_author(solution, viewer))
    question = SolutionQuestion.objects.filter(solution=solution, pk=question_id).first()
    if question is None:
        raise NotFoundError()
    question.answer, question.answered_by, question.answered_at = answer, actor, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    return question


def _winner(solution):
    """The enterprise the production goes to: the largest share (the submitter's enterprise)."""
    shares = sorted(solution.shares.all(), key=lambda share: (-share.percent, share.pk))
    return shares[0].enterprise if shares else None


def _order_for(*, actor, challenge, winner, quantity):
    seeker = challenge.seeker
    # the city's centre, never the seeker's own point (an order is read by every member)
    latitude, longitude = region_centre(seeker.region_code) or (None, None)
    if latitude is None:
        raise DomainError(_("No centre is known for the seeker's region."), field="solutions")
    return listing_create(
        actor=actor,
        cluster=challenge.cluster,
        listing_kind="order",
        owner=seeker,
        title=challenge.title[:160],
        description=challenge.summary[:5000],
        capability=challenge.production_capability,
        product_category=challenge.production_capability.code,
        quantity=quantity,
        unit=challenge.production_unit,
        target_unit_price=challenge.production_unit_price,
        currency=challenge.award_currency,
        need_by=production_need_by(challenge),
        delivery_region_code=seeker.region_code,
        delivery_latitude=latitude,
        delivery_longitude=longitude,
    )


@transaction.atomic
def challenge_award(*, actor, viewer, challenge, solution_ids: list[int]) -> list[Award]:
    """Award one or several solutions: the money is split evenly, the production quantity too
    (the remainder to the first), each part with production posted as an order in the
    marketplace by the seeker, recorded on the award with the winner it is for."""
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("seeker", "production_capability")
        .get(pk=challenge.pk)
    )
    _check_seeker_deciding(challenge, viewer)
    ids = list(dict.fromkeys(solution_ids))
    solutions = list(
        Solution.objects.filter(challenge=challenge, pk__in=ids).prefetch_related("shares__enterprise").order_by("pk")
    )
    if not ids or len(solutions) != len(ids):
        raise DomainError(_("Name one or more solutions of this challenge."), field="solutions")
    count = len(solutions)
    amount = (challenge.award_amount / count).quantize(Decimal("0.01"), ROUND_DOWN) if challenge.award_amount else None
    awards = []
    for index, solution in enumerate(solutions):
        winner = _winner(solution)
        order = None
        if challenge.has_production:
            if winner is None:
                raise DomainError(
                    _("A production contract goes to an enterprise, not an individual."), field="solutions"
                )
            quantity = challenge.production_quantity // count + (
                challenge.production_quantity % count if index == 0 else 0
            )
            order = _order_for(actor=actor, challenge=challenge, winner=winner, quantity=quantity)
        awards.append(
            Award.objects.create(
                challenge=challenge,
                solution=solution,
                amount=amount,
                currency=challenge.award_currency,
                rights=challenge.rights,
                winner=winner,
                order=order,
            )
        )
        solution.awarded = True
        solution.save(update_fields=["awarded", "updated_at"])
        notices.solution_awarded(challenge=challenge, solution=solution, authors=_authors(solution), winner=winner)
    challenge.status, challenge.decided_at = S.AWARDED, timezone.now()
    challenge.save(update_fields=["status", "decided_at", "updated_at"])
    return awards
