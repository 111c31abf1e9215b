"""Uploading a document to a match's (or deal's) room: checked by content, sized by the rulebook,
stored through the documents storage and recorded with its checksum — all or nothing."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.marketplace.models import Deal
from apps.tenancy.rules import rule_value

from .. import files, selectors, storage
from ..lifecycle import EVIDENCE_MILESTONES
from ..models import Document, DocumentKind

# --- documents and disputes ---

MB = 1024 * 1024


class StorageUnavailable(DomainError):
    """The documents storage refused the file: nothing is recorded, the caller may retry."""

    status = 503
    code = "storage_unavailable"


def max_bytes(cluster, rule: str = "dealroom.max_document_mb") -> int:
    return rule_value(cluster=cluster, key=rule) * MB


def check_size(*, cluster, size: int | None, rule: str = "dealroom.max_document_mb") -> None:
    """Refuses a file over the rulebook's limit, the rule ``rule`` in megabytes (before it is read
    further, let alone stored)."""
    limit = max_bytes(cluster, rule)
    if size is None or size > limit:
        raise DomainError(
            _("The file is larger than the %(mb)d MB this cluster allows.") % {"mb": limit // MB},
            field="file",
            code="too_large",
        )


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check (kind, size, content), with its checksum: nothing stored yet."""

    file: object
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str


def check_file(*, cluster, kind: str, file, name: str = "") -> CheckedFile:
    """The checks of any upload, before anything is written or stored (a 400 naming the field)."""
    if kind not in DocumentKind.values:
        raise DomainError(_("Choose the kind of document."), field="kind")
    if file is None:
        raise DomainError(_("Choose a file."), field="file", code="required")
    check_size(cluster=cluster, size=file.size)
    name = (name or file.name or "").strip()[:200]
    content_type = files.check_content(file=file, name=name, kind=kind)
    return CheckedFile(
        file=file, kind=kind, name=name, content_type=content_type, size=file.size, sha256=files.sha256_of(file)
    )


def check_attached(*, cluster, kind: str, file) -> CheckedFile | None:
    """The document sent with a message, an offer or a quote, checked; none when none was sent."""
    return None if file is None and not kind else check_file(cluster=cluster, kind=kind, file=file)


def side_of_actor(actor, match) -> int:
    mine = selectors.market.viewer_enterprise_ids(actor)
    return match.demand_owner_id if match.demand_owner_id in mine else match.supply_owner_id


def document_keep(
    *,
    checked: CheckedFile,
    actor,
    cluster,
    match=None,
    deal=None,
    milestone: str = "",
    message=None,
    offer=None,
    rfq=None,
    invitation=None,
    enterprise_id: int | None = None,
) -> Document:
    """Record a checked file in the room of ``match`` (attached to a message or an offer, when
    given), or of a request for quotation (``rfq``; a supplier's with its ``invitation``), and
    store it: the row first, so a store that fails leaves none (and, inside a caller's
    transaction, rolls back the message, offer or quote written with it)."""
    room = str(match.pk) if match is not None else f"rfq-{rfq.pk}"
    key = storage.new_key(cluster_id=cluster.pk, room=room, extension=files.extension_of(checked.name))
    document = Document(
        cluster=cluster,
        match=match,
        deal=deal,
        milestone=milestone,
        message=message,
        offer=offer,
        rfq=rfq,
        invitation=invitation,
        kind=checked.kind,
        name=checked.name,
        storage_key=key,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        enterprise_id=enterprise_id if enterprise_id is not None else side_of_actor(actor, match),
        uploaded_by=actor,
    )
    keep_with_row(row=document, key=key, file=checked.file)
    return document


def keep_with_row(*, row, key: str, file) -> None:
    """Save ``row`` and store ``file`` under ``key``, all or nothing: the row first, so a store that
    fails leaves none (a ``StorageUnavailable``, a 503 naming ``file``), and a row that fails after
    the file was kept leaves no file behind."""
    stored = False
    try:
        with transaction.atomic():
            row.save()
            try:
                storage.store(key=key, file=file)
            except Exception as exc:  # a disk or bucket failure, whichever the storage raises
                raise StorageUnavailable(_("The documents storage is not answering: try again."), field="file") from exc
            stored = True
    except Exception:
        if stored:
            storage.discard(key)
        raise


def document_upload(
    *,
    actor,
    cluster,
    kind: str,
    file,
    name: str = "",
    match_id: int | None = None,
    deal_id: int | None = None,
    milestone: str = "",
) -> Document:
    """Upload ``file`` to the room of a match (or a deal) the actor's enterprise is a side of."""
    if deal_id is not None:
        deal = selectors.party_deal(cluster=cluster, user=actor, deal_id=deal_id)
        match = deal.match
    else:
        match = selectors.party_match(cluster=cluster, user=actor, match_id=match_id)
        deal = Deal.objects.filter(match=match).first()
    if kind not in DocumentKind.values:
        raise DomainError(_("Choose the kind of document."), field="kind")
    if milestone and (milestone not in EVIDENCE_MILESTONES or deal is None):
        raise DomainError(_("A document is evidence only for a deal's milestone."), field="milestone")
    checked = check_file(cluster=cluster, kind=kind, file=file, name=name)
    return document_keep(checked=checked, actor=actor, cluster=cluster, match=match, deal=deal, milestone=milestone)
