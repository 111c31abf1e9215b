"""Writes of experts and institutions: their profiles, and the proposal of an opened challenge
to the experts whose expertise matches it (a simple score over capabilities and tags)."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError

from .. import notices
from ..models import ExpertProfile, ExpertProposal

#: how many experts one challenge is proposed to, at most
PROPOSE_AT_MOST = 20


def _tags(values) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DomainError(_("Tags are a list of words."), field="tags")
    return sorted({v.strip().lower() for v in values if v.strip()})[:30]


def expertise_score(*, challenge_capabilities: set, challenge_tags: set, capabilities: set, tags: set) -> float:
    """Share of the challenge's capabilities the expert covers, plus half the share of its tags."""
    score = 0.0
    if challenge_capabilities:
        score += len(challenge_capabilities & capabilities) / len(challenge_capabilities)
    if challenge_tags:
        score += 0.5 * len(challenge_tags & tags) / len(challenge_tags)
    return round(score, 4)


@transaction.atomic
def expert_profile_save(*, actor, cluster, kind, name, organisation="", bio="", capabilities=(), tags=()):
    """The caller's own profile in the cluster, created or replaced."""
    if kind not in ExpertProfile.Kind.values:
        raise DomainError(_("Unknown kind of expert."), field="kind")
    profile, _created = ExpertProfile.objects.update_or_create(
        cluster=cluster,
        user=actor,
        defaults={"kind": kind, "name": name, "organisation": organisation, "bio": bio, "tags": _tags(list(tags))},
    )
    profile.capabilities.set(capabilities)
    return profile


def propose_to_experts(*, challenge) -> list[ExpertProposal]:
    """Score the cluster's experts against the challenge; propose it to the best and notify them."""
    if ExpertProposal.objects.filter(challenge=challenge).exists():
        raise ConflictError(_("This challenge was already proposed to experts."))
    wanted = set(challenge.capabilities.values_list("code", flat=True))
    wanted_tags = {t.lower() for t in challenge.tags or []}
    scored = []
    for expert in ExpertProfile.objects.filter(cluster=challenge.cluster).prefetch_related("capabilities"):
        if expert.user_id == challenge.posted_by_id:
            continue
        score = expertise_score(
            challenge_capabilities=wanted,
            challenge_tags=wanted_tags,
            capabilities={c.code for c in expert.capabilities.all()},
            tags=set(expert.tags or []),
        )
        if score > 0:
            scored.append((score, expert))
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    best = scored[:PROPOSE_AT_MOST]
    proposals = ExpertProposal.objects.bulk_create(
        [ExpertProposal(challenge=challenge, expert=expert, score=score) for score, expert in best]
    )
    notices.challenge_proposed(challenge=challenge, experts=[expert for _score, expert in best])
    return proposals
