"""What each kind of object puts in the search index, and how the index is kept in step.

A *source* (``register(Source(...))``) turns its objects into ``Document`` rows: who may find
them (``members`` of the cluster, or the ``owner`` enterprise alone: a listing's draft) and the
text that is tokenised. Nothing confidential is indexed: a library entry only once published,
a listing's draft for its owner alone, a member only while its membership is active, and a
challenge only by its public summary (its details and terms never; a partner-shared challenge's
entry is found by the members of the clusters in partnership in force with its own, through the
backends and the entry's ``shared_with_partners``).

The library's services index their entries themselves (``index_object``); the marketplace's
listings and membership's enterprises are indexed from their ``post_save`` / ``post_delete``
signals, connected in ``InnovationConfig.ready()`` (those apps sit below innovation and cannot
call it). ``manage.py rebuild_search_index`` rebuilds everything from the sources.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.marketplace.models import KIND_OF, LISTING_MODELS, ListingStatus
from apps.membership.models import Enterprise, Membership

from ..lifecycle import PUBLISHED
from ..models import Challenge, KnowledgeEntry, SearchEntry
from .tokens import document_text

MEMBERS = SearchEntry.Visibility.MEMBERS
OWNER = SearchEntry.Visibility.OWNER
SUMMARY_LENGTH = 200


@dataclass(frozen=True)
class Document:
    cluster_id: int
    kind: str
    object_id: int
    title: str
    texts: tuple[str, ...]
    summary: str = ""
    visibility: str = MEMBERS
    owner_id: int | None = None
    #: found by the members of partner clusters in force too (a challenge shared with partners)
    shared_with_partners: bool = False


@dataclass(frozen=True)
class Source:
    kind: str
    label: object
    #: every document of the source (in ``cluster_id``, or everywhere when None), for a rebuild
    documents: Callable[[int | None], Iterable[Document]]
    #: the page of one object: (cluster slug, object id) -> URL
    url: Callable[[str, int], str]
    extra: dict = field(default_factory=dict)


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add (or replace) the source of one kind of object."""
    SOURCES[source.kind] = source


def kinds() -> list[str]:
    return list(SOURCES)


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


# --- writing the index ----------------------------------------------------------------------


def _row(document: Document) -> dict:
    return {
        "owner_id": document.owner_id,
        "visibility": document.visibility,
        "title": document.title[:300],
        "summary": _summary(document.summary),
        "tokens": document_text(document.title, *document.texts),
        "shared_with_partners": document.shared_with_partners,
    }


#: what identifies an entry, and what a write of it replaces
ENTRY_KEY = ("cluster", "kind", "object_id")
ENTRY_FIELDS = ("owner", "visibility", "title", "summary", "tokens", "shared_with_partners", "updated_at")


def upsert(documents: Iterable[Document]) -> int:
    """Write these documents' entries (one per object), in the caller's transaction: one
    ``INSERT … ON CONFLICT DO UPDATE`` for them all (on both backends), where a read and a
    write each, in savepoints, cost every posted listing six round trips."""
    rows = {
        (d.cluster_id, d.kind, d.object_id): SearchEntry(
            cluster_id=d.cluster_id, kind=d.kind, object_id=d.object_id, **_row(d)
        )
        for d in documents
    }
    if rows:
        SearchEntry.objects.bulk_create(
            list(rows.values()), update_conflicts=True, unique_fields=ENTRY_KEY, update_fields=ENTRY_FIELDS
        )
    return len(rows)


def remove(*, kind: str, object_ids: Iterable[int], cluster_id: int | None = None) -> None:
    qs = SearchEntry.objects.filter(kind=kind, object_id__in=list(object_ids))
    if cluster_id is not None:
        qs = qs.filter(cluster_id=cluster_id)
    qs.delete()


@transaction.atomic
def rebuild(*, cluster_id: int | None = None, only: Iterable[str] = ()) -> dict[str, int]:
    """Rebuild the index of every source (or ``only`` these kinds), in one cluster or all."""
    counts = {}
    for kind in list(only) or kinds():
        source = SOURCES[kind]
        stale = SearchEntry.objects.filter(kind=kind)
        if cluster_id is not None:
            stale = stale.filter(cluster_id=cluster_id)
        stale.delete()
        rows = [
            SearchEntry(cluster_id=d.cluster_id, kind=d.kind, object_id=d.object_id, **_row(d))
            for d in source.documents(cluster_id)
        ]
        SearchEntry.objects.bulk_create(rows, batch_size=1000)
        counts[kind] = len(rows)
    return counts


# --- the library ----------------------------------------------------------------------------


def knowledge_document(entry: KnowledgeEntry) -> Document | None:
    """A library entry is found once published (by every member), never before."""
    if entry.status != KnowledgeEntry.Status.PUBLISHED:
        return None
    return Document(
        cluster_id=entry.cluster_id,
        kind="knowledge",
        object_id=entry.pk,
        title=entry.title,
        texts=(entry.body, " ".join(entry.tags or []), entry.get_kind_display()),
        summary=entry.body,
    )


def index_knowledge(entry: KnowledgeEntry) -> None:
    """Keep one library entry's search entry in step (the library's services call it)."""
    document = knowledge_document(entry)
    if document is None:
        remove(kind="knowledge", object_ids=[entry.pk], cluster_id=entry.cluster_id)
    else:
        upsert([document])


def _knowledge_documents(cluster_id):
    qs = KnowledgeEntry.objects.filter(status=KnowledgeEntry.Status.PUBLISHED)
    if cluster_id is not None:
        qs = qs.filter(cluster_id=cluster_id)
    return (knowledge_document(entry) for entry in qs.iterator(chunk_size=500))


# --- listings ---------------------------------------------------------------------------------


def listing_document(listing) -> Document:
    """A listing is found by every member, except a draft: its owner's alone."""
    kind = KIND_OF[type(listing)]
    category = getattr(listing, "product_category", "") or " ".join(getattr(listing, "product_categories", []) or [])
    draft = listing.status == ListingStatus.DRAFT
    return Document(
        cluster_id=listing.cluster_id,
        kind=kind,
        object_id=listing.pk,
        title=listing.title,
        texts=(listing.description, category),
        summary=listing.description,
        visibility=OWNER if draft else MEMBERS,
        owner_id=listing.owner_id,
    )


def _listing_documents(kind):
    def documents(cluster_id):
        qs = LISTING_MODELS[kind].objects.all()
        if cluster_id is not None:
            qs = qs.filter(cluster_id=cluster_id)
        return (listing_document(listing) for listing in qs.iterator(chunk_size=1000))

    return documents


def _listing_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        upsert([listing_document(instance)])


def _listing_deleted(sender, instance, **kwargs):
    remove(kind=KIND_OF[sender], object_ids=[instance.pk], cluster_id=instance.cluster_id)


# --- members ----------------------------------------------------------------------------------


def member_document(membership: Membership, enterprise: Enterprise, capabilities: Iterable) -> Document:
    """An active member, as the directory shows it: names, region, description, capabilities."""
    names = " ".join(f"{c.name_zh} {c.name_en}" for c in capabilities)
    return Document(
        cluster_id=membership.cluster_id,
        kind="member",
        object_id=enterprise.pk,
        title=enterprise.legal_name_zh + (f" ({enterprise.legal_name_en})" if enterprise.legal_name_en else ""),
        texts=(enterprise.legal_name_en, enterprise.region_name, enterprise.description, names),
        summary=enterprise.description,
    )


def _member_documents(cluster_id):
    qs = Membership.objects.filter(status=Membership.Status.ACTIVE).select_related("enterprise")
    qs = qs.prefetch_related("enterprise__capabilities")
    if cluster_id is not None:
        qs = qs.filter(cluster_id=cluster_id)
    return (member_document(m, m.enterprise, m.enterprise.capabilities.all()) for m in qs.iterator(chunk_size=500))


def index_enterprise(enterprise_id: int) -> None:
    """An enterprise's entry in every cluster it is an active member of (removed where it is not)."""
    memberships = list(Membership.objects.filter(enterprise_id=enterprise_id).select_related("enterprise"))
    active = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    inactive = [m.cluster_id for m in memberships if m.status != Membership.Status.ACTIVE]
    SearchEntry.objects.filter(kind="member", object_id=enterprise_id, cluster_id__in=inactive).delete()
    if active:
        capabilities = list(active[0].enterprise.capabilities.all())
        upsert(member_document(m, m.enterprise, capabilities) for m in active)


def _membership_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_enterprise(instance.enterprise_id)


def _membership_deleted(sender, instance, **kwargs):
    remove(kind="member", object_ids=[instance.enterprise_id], cluster_id=instance.cluster_id)


def _enterprise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_enterprise(instance.pk)


def _capabilities_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Enterprise):
        index_enterprise(instance.pk)


# --- challenges -----------------------------------------------------------------------------


def challenge_document(challenge: Challenge) -> Document | None:
    """A challenge is found by its public summary alone (title, summary, tags, capabilities): never
    its confidential details nor its terms. Published, every member finds it (and partner clusters'
    members where it is shared); a draft only its seeker (a park's draft: nobody)."""
    published = challenge.status in PUBLISHED
    if not published and challenge.seeker_id is None:
        return None
    names = " ".join(f"{c.name_zh} {c.name_en}" for c in challenge.capabilities.all())
    return Document(
        cluster_id=challenge.cluster_id,
        kind="challenge",
        object_id=challenge.pk,
        title=challenge.title,
        texts=(challenge.summary, " ".join(challenge.tags or []), names),
        summary=challenge.summary,
        visibility=MEMBERS if published else OWNER,
        owner_id=challenge.seeker_id,
        shared_with_partners=published and challenge.shared_with_partners,
    )


def index_challenge(challenge: Challenge) -> None:
    document = challenge_document(challenge)
    if document is None:
        remove(kind="challenge", object_ids=[challenge.pk], cluster_id=challenge.cluster_id)
    else:
        upsert([document])


def _challenge_documents(cluster_id):
    qs = Challenge.objects.prefetch_related("capabilities").defer("details", "terms")
    if cluster_id is not None:
        qs = qs.filter(cluster_id=cluster_id)
    documents = (challenge_document(challenge) for challenge in qs.iterator(chunk_size=500))
    return (document for document in documents if document is not None)


def _challenge_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_challenge(instance)


def _challenge_deleted(sender, instance, **kwargs):
    remove(kind="challenge", object_ids=[instance.pk], cluster_id=instance.cluster_id)


def _challenge_capabilities_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Challenge):
        index_challenge(instance)


# --- wiring ---------------------------------------------------------------------------------


def _listing_url(kind):
    return lambda slug, pk: reverse("listing-detail", args=[slug, kind, pk])


def connect() -> None:
    """Register the built-in sources and connect the signals of the models this app cannot call
    from their services (from ``InnovationConfig.ready()``)."""
    register(
        Source(
            "knowledge",
            _("Library"),
            _knowledge_documents,
            lambda slug, pk: reverse("knowledge-detail", args=[slug, pk]),
        )
    )
    labels = {
        "order": _("Order"),
        "capacity": _("Capacity"),
        "channel_offer": _("Channel offer"),
        "channel_request": _("Channel request"),
    }
    for kind, model in LISTING_MODELS.items():
        register(Source(kind, labels[kind], _listing_documents(kind), _listing_url(kind)))
        post_save.connect(_listing_saved, sender=model, dispatch_uid=f"search-{kind}-saved")
        post_delete.connect(_listing_deleted, sender=model, dispatch_uid=f"search-{kind}-deleted")
    register(
        Source(
            "member",
            _("Member"),
            _member_documents,
            lambda slug, pk: reverse("member-directory", args=[slug]) + f"?enterprise={pk}",
        )
    )
    register(
        Source(
            "challenge",
            _("Challenge"),
            _challenge_documents,
            lambda slug, pk: reverse("challenge-page", args=[slug, pk]),
        )
    )
    post_save.connect(_challenge_saved, sender=Challenge, dispatch_uid="search-challenge-saved")
    post_delete.connect(_challenge_deleted, sender=Challenge, dispatch_uid="search-challenge-deleted")
    m2m_changed.connect(
        _challenge_capabilities_changed, sender=Challenge.capabilities.through, dispatch_uid="search-challenge-caps"
    )
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="search-membership-saved")
    post_delete.connect(_membership_deleted, sender=Membership, dispatch_uid="search-membership-deleted")
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid="search-enterprise-saved")
    m2m_changed.connect(
        _capabilities_changed, sender=Enterprise.capabilities.through, dispatch_uid="search-capabilities"
    )
