"""Writes of the knowledge library: authoring, review, the parties' consent to a lesson, reuse.

Who publishes directly is the rulebook's (``innovation.library_review_required``): when on, a
member's entry waits for an administrator's review; an administrator's own entry is published
at once. A lesson learned from a closed deal first waits for both parties' consent (one
``LessonConsent`` per party; the submitting party's is recorded by its submission). Each write
keeps the entry's search entry in step (``search.sources.index_knowledge``).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from apps.marketplace.models import Deal
from apps.membership.models import Enterprise, EnterpriseMember, Membership
from apps.membership.permissions import is_cluster_administrator
from apps.tenancy.rules import rule_value

from .. import lifecycle
from ..models import KnowledgeEntry, KnowledgeUse, LessonConsent
from ..search.sources import index_knowledge

K = KnowledgeEntry.Status
EDITABLE_FIELDS = ("kind", "title", "body", "tags", "language")
MAX_TAGS = 12


def _person_of(*, actor, enterprise_id: int) -> bool:
    return EnterpriseMember.objects.filter(enterprise_id=enterprise_id, user=actor).exists()


def _actor_enterprises(actor) -> set[int]:
    return set(EnterpriseMember.objects.filter(user=actor).values_list("enterprise_id", flat=True))


def _clean_tags(tags) -> list[str]:
    tags = [str(tag).strip()[:40] for tag in (tags or []) if str(tag).strip()]
    if len(tags) > MAX_TAGS:
        raise DomainError(_("At most %(n)d tags.") % {"n": MAX_TAGS}, field="tags")
    return list(dict.fromkeys(tags))


def _entry_for_update(*, cluster, entry_id: int) -> KnowledgeEntry:
    entry = (
        KnowledgeEntry.objects.select_for_update(of=("self",))
        .select_related("source_deal")
        .filter(cluster=cluster, pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFoundError()
    return entry


def _publish_or_review(*, entry: KnowledgeEntry, actor, cluster) -> None:
    admin = is_cluster_administrator(user=actor, cluster=cluster)
    if admin or not rule_value(cluster=cluster, key="innovation.library_review_required"):
        entry.status, entry.published_at = K.PUBLISHED, timezone.now()
    else:
        entry.status = K.IN_REVIEW


@transaction.atomic
def knowledge_create(
    *,
    actor,
    cluster,
    enterprise_id: int,
    kind: str,
    title: str,
    body: str,
    tags=(),
    language="zh-hans",
    source_deal_id=None,
) -> KnowledgeEntry:
    """A draft library entry of ``enterprise_id`` (a person of which the actor is, an active member)."""
    if not _person_of(actor=actor, enterprise_id=enterprise_id):
        raise PermissionDeniedError(_("You can only write for an enterprise you belong to."))
    if not Membership.objects.filter(
        cluster=cluster, enterprise_id=enterprise_id, status=Membership.Status.ACTIVE
    ).exists():
        raise DomainError(_("This enterprise is not an active member of the cluster."), field="enterprise")
    deal = None
    if source_deal_id is not None:
        deal = Deal.objects.filter(cluster=cluster, pk=source_deal_id).first()
        if deal is None or enterprise_id not in (deal.buyer_id, deal.supplier_id):
            raise DomainError(_("Choose a deal your enterprise was a party of."), field="source_deal")
        if deal.status != Deal.Status.CLOSED:
            raise DomainError(_("A lesson is drawn from a closed deal only."), field="source_deal")
        if kind != KnowledgeEntry.Kind.LESSON:
            raise DomainError(_("Only a lesson learned comes from a deal."), field="kind")
    entry = KnowledgeEntry.objects.create(
        cluster=cluster,
        enterprise=Enterprise.objects.get(pk=enterprise_id),
        kind=kind,
        title=title,
        body=body,
        tags=_clean_tags(tags),
        language=language,
        source_deal=deal,
        created_by=actor,
    )
    entry.authors.add(actor)
    return entry


@transaction.atomic
def knowledge_update(*, actor, cluster, entry_id: int, **changes) -> KnowledgeEntry:
    entry = _entry_for_update(cluster=cluster, entry_id=entry_id)
    lifecycle.check_edit_entry(entry, enterprise_ids=_actor_enterprises(actor))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("This field cannot be changed."), field=sorted(unknown)[0])
    if "tags" in changes:
        changes["tags"] = _clean_tags(changes["tags"])
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save(update_fields=[*changes, "updated_at"])
    if actor not in entry.authors.all():
        entry.authors.add(actor)
    return entry


@transaction.atomic
def knowledge_submit(*, actor, cluster, entry_id: int) -> KnowledgeEntry:
    """A draft goes to the parties' consent (a lesson from a deal), to review, or is published."""
    entry = _entry_for_update(cluster=cluster, entry_id=entry_id)
    lifecycle.check_edit_entry(entry, enterprise_ids=_actor_enterprises(actor))
    if entry.source_deal_id is not None:
        LessonConsent.objects.get_or_create(
            entry=entry, enterprise_id=entry.enterprise_id, defaults={"consented_by": actor}
        )
        entry.status = K.AWAITING_CONSENT
        _advance_when_consented(entry=entry, actor=actor, cluster=cluster)
    else:
        _publish_or_review(entry=entry, actor=actor, cluster=cluster)
    entry.save(update_fields=["status", "published_at", "updated_at"])
    index_knowledge(entry)
    return entry


def _advance_when_consented(*, entry, actor, cluster) -> None:
    consented = set(LessonConsent.objects.filter(entry=entry).values_list("enterprise_id", flat=True))
    if lifecycle.deal_parties(entry) <= consented:
        _publish_or_review(entry=entry, actor=actor, cluster=cluster)


@transaction.atomic
def knowledge_consent(*, actor, cluster, entry_id: int, enterprise_id: int) -> KnowledgeEntry:
    """One party of the lesson's deal consents; with both, the lesson goes on (review or published)."""
    entry = _entry_for_update(cluster=cluster, entry_id=entry_id)
    lifecycle.check_consent(entry, enterprise_id=enterprise_id, enterprise_ids=_actor_enterprises(actor))
    try:
        with transaction.atomic():
            LessonConsent.objects.create(entry=entry, enterprise_id=enterprise_id, consented_by=actor)
    except IntegrityError:
        raise ConflictError(_("Your enterprise has already consented."), field="enterprise") from None
    # an administrator's consent does not skip review of a member's lesson: the author decides
    _advance_when_consented(entry=entry, actor=entry.created_by or actor, cluster=cluster)
    entry.save(update_fields=["status", "published_at", "updated_at"])
    index_knowledge(entry)
    return entry


@transaction.atomic
def knowledge_review(*, actor, cluster, entry_id: int, approve: bool) -> KnowledgeEntry:
    """An administrator publishes an entry awaiting review, or sends it back to its authors."""
    if not is_cluster_administrator(user=actor, cluster=cluster):
        raise PermissionDeniedError(_("Only the cluster's administrators review library entries."))
    entry = _entry_for_update(cluster=cluster, entry_id=entry_id)
    if entry.status != K.IN_REVIEW:
        raise ConflictError(_("This entry is not awaiting review."), field="status")
    entry.status = K.PUBLISHED if approve else K.DRAFT
    entry.published_at = timezone.now() if approve else None
    entry.reviewed_by = actor
    entry.save(update_fields=["status", "published_at", "reviewed_by", "updated_at"])
    index_knowledge(entry)
    return entry


@transaction.atomic
def knowledge_withdraw(*, actor, cluster, entry_id: int) -> KnowledgeEntry:
    entry = _entry_for_update(cluster=cluster, entry_id=entry_id)
    admin = is_cluster_administrator(user=actor, cluster=cluster)
    if not lifecycle.can_withdraw_entry(entry, enterprise_ids=_actor_enterprises(actor), is_admin=admin):
        raise PermissionDeniedError(_("Only its authors or an administrator may withdraw a published entry."))
    entry.status = K.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    index_knowledge(entry)
    return entry


@transaction.atomic
def knowledge_use(*, actor, cluster, entry_id: int, kind: str, enterprise_id: int | None = None) -> bool:
    """Record that one of the actor's enterprises (active in the cluster) read, bookmarked or found
    helpful a published entry. Once per enterprise and kind; True when it is new."""
    entry = KnowledgeEntry.objects.filter(cluster=cluster, pk=entry_id, status=K.PUBLISHED).first()
    if entry is None:
        raise NotFoundError()
    active = Membership.objects.filter(
        cluster=cluster, status=Membership.Status.ACTIVE, enterprise__people__user=actor
    ).values_list("enterprise_id", flat=True)
    active = sorted(set(active))
    if enterprise_id is None:
        if not active:
            return False  # an administrator who is no member: not a reuse by an enterprise
        enterprise_id = active[0]
    elif enterprise_id not in active:
        raise DomainError(_("Choose one of your enterprises that is a member of the cluster."), field="enterprise")
    _use, created = KnowledgeUse.objects.get_or_create(
        entry=entry, enterprise_id=enterprise_id, kind=kind, defaults={"user": actor}
    )
    return created
