"""A keyed, hash-chained, append-only log per cluster, with signed checkpoints of its head.

Each entry's hash is an HMAC-SHA256 under ``settings.AUDIT_CHAIN_KEY`` (kept out of the
database) over its cluster, position, kind, payload, time and the previous entry's hash:
editing, deleting or reordering an entry breaks every hash after it, and whoever can write
the tables but lacks the key cannot recompute them. Appends lock the cluster row, so two
writers never take the same position. The database refuses UPDATE and DELETE of entries and
checkpoints (triggers, migration ``governance.0004``).

A checkpoint publishes the head (cluster, sequence, head hash, time) signed with the same key.
Beat makes one every hour when the head has moved (``checkpoint_all``), anyone on the council
or an administrator can ask for one, and the cluster's members read them through the API and
may keep copies outside the platform. ``chain_verify`` checks the chain against every
checkpoint (an entry at or below one that is missing or differs fails, so does a chain cut
short of one) and cross-checks the chained records (``chained.RECORDS``: audit events, votes)
with the entries that recorded them.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.core.errors import ConflictError
from apps.tenancy.models import Cluster

from .canonical import canonical
from .models import ChainCheckpoint, ChainEntry

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


def _mac(*parts) -> str:
    material = "|".join(str(part) for part in parts)
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()


def entry_hash(*, cluster_id: int, sequence: int, kind: str, payload, created_at, previous_hash: str) -> str:
    return _mac("entry", cluster_id, sequence, kind, canonical(payload), created_at.isoformat(), previous_hash)


def checkpoint_signature(*, cluster_id: int, sequence: int, head_hash: str, created_at) -> str:
    return _mac("checkpoint", cluster_id, sequence, head_hash, created_at.isoformat())


def _cluster_id(cluster) -> int:
    return cluster if isinstance(cluster, int) else cluster.pk


def _lock_cluster(cluster_id: int) -> None:
    Cluster.objects.select_for_update().filter(pk=cluster_id).values_list("pk", flat=True).get()


@transaction.atomic
def chain_append(*, cluster, kind: str, payload: dict) -> ChainEntry:
    cluster_id = _cluster_id(cluster)
    _lock_cluster(cluster_id)
    last = ChainEntry.objects.filter(cluster_id=cluster_id).order_by("-sequence").first()
    sequence = (last.sequence + 1) if last else 1
    previous = last.hash if last else GENESIS
    payload = json.loads(canonical(payload))  # what is stored is exactly what was hashed
    now = timezone.now()
    return ChainEntry.objects.create(
        cluster_id=cluster_id,
        sequence=sequence,
        kind=kind,
        payload=payload,
        previous_hash=previous,
        created_at=now,
        hash=entry_hash(
            cluster_id=cluster_id, sequence=sequence, kind=kind, payload=payload, created_at=now, previous_hash=previous
        ),
    )


def _entry_problem(entry: ChainEntry, *, expected: int, previous: str) -> tuple[int, str] | None:
    """(the sequence to name, what is wrong) when ``entry`` does not follow at position ``expected``."""
    if entry.sequence != expected:
        return expected, _("entry %(sequence)d is missing") % {"sequence": expected}
    if entry.previous_hash != previous:
        return entry.sequence, _("it does not follow the previous entry")
    recomputed = entry_hash(
        cluster_id=entry.cluster_id,
        sequence=entry.sequence,
        kind=entry.kind,
        payload=entry.payload,
        created_at=entry.created_at,
        previous_hash=entry.previous_hash,
    )
    if not hmac.compare_digest(recomputed, entry.hash):
        return entry.sequence, _("its content was changed, or its hash was not made with the chain's key")
    return None


def _signed(checkpoint: ChainCheckpoint) -> bool:
    expected = checkpoint_signature(
        cluster_id=checkpoint.cluster_id,
        sequence=checkpoint.sequence,
        head_hash=checkpoint.head_hash,
        created_at=checkpoint.created_at,
    )
    return hmac.compare_digest(expected, checkpoint.signature)


def _when(checkpoint: ChainCheckpoint) -> str:
    return formats.date_format(timezone.localtime(checkpoint.created_at), "DATETIME_FORMAT")


# --- Checkpoints ----------------------------------------------------------------------------


def latest_checkpoint(*, cluster) -> ChainCheckpoint | None:
    return ChainCheckpoint.objects.filter(cluster_id=_cluster_id(cluster)).order_by("-sequence").first()


@transaction.atomic
def checkpoint_create(*, cluster) -> tuple[ChainCheckpoint, bool]:
    """Sign the current head, if it moved since the last checkpoint (``created`` False: the last one stands).

    Only a head that extends the last checkpoint through entries that verify is signed;
    otherwise nothing is written and the ``ConflictError`` says where the chain breaks.
    """
    cluster_id = _cluster_id(cluster)
    _lock_cluster(cluster_id)
    latest = latest_checkpoint(cluster=cluster_id)
    previous, expected = GENESIS, 1
    if latest is not None:
        pinned = ChainEntry.objects.filter(cluster_id=cluster_id, sequence=latest.sequence).first()
        if not _signed(latest) or pinned is None or pinned.hash != latest.head_hash:
            raise _unsignable(latest.sequence, _("it does not match the last checkpoint"))
        previous, expected = latest.head_hash, latest.sequence + 1
    head = None
    newer = ChainEntry.objects.filter(cluster_id=cluster_id, sequence__gte=expected).order_by("sequence")
    for entry in newer.iterator(chunk_size=2000):
        problem = _entry_problem(entry, expected=expected, previous=previous)
        if problem is not None:
            raise _unsignable(*problem)
        head, previous, expected = entry, entry.hash, expected + 1
    if head is None:
        if latest is not None:
            return latest, False
        raise ConflictError(_("The chain has no entries yet: there is nothing to checkpoint."), code="chain_empty")
    now = timezone.now()
    checkpoint = ChainCheckpoint.objects.create(
        cluster_id=cluster_id,
        sequence=head.sequence,
        head_hash=head.hash,
        created_at=now,
        signature=checkpoint_signature(
            cluster_id=cluster_id, sequence=head.sequence, head_hash=head.hash, created_at=now
        ),
    )
    return checkpoint, True


def _unsignable(sequence: int, problem: str) -> ConflictError:
    return ConflictError(
        _("The chain breaks at entry %(sequence)d (%(problem)s): no checkpoint was signed.")
        % {"sequence": sequence, "problem": problem},
        code="chain_broken",
    )


def checkpoint_all() -> int:
    """Beat: a checkpoint for every cluster whose head moved (idempotent). A broken chain is logged, not signed."""
    created = 0
    for cluster_id in Cluster.objects.order_by("pk").values_list("pk", flat=True):
        try:
            created += checkpoint_create(cluster=cluster_id)[1]
        except ConflictError as error:
            if error.code != "chain_empty":
                logger.error("audit chain of cluster %s not checkpointed: %s", cluster_id, error.message)
    return created


# --- Verification ---------------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    entries: int
    first_broken: int | None = None  # sequence number of the first entry that does not verify
    problem: str = ""
    checkpoint: ChainCheckpoint | None = None  # the latest checkpoint, which the chain was checked against


def chain_verify(*, cluster) -> Verification:
    """Walk the chain, check it against every checkpoint, then cross-check the chained records."""
    from .chained import Collector

    cluster_id = _cluster_id(cluster)
    checkpoints = list(ChainCheckpoint.objects.filter(cluster_id=cluster_id).order_by("sequence"))
    latest = checkpoints[-1] if checkpoints else None

    def broken(count, sequence, problem) -> Verification:
        return Verification(False, count, sequence, problem, latest)

    for checkpoint in checkpoints:
        if not _signed(checkpoint):
            return broken(0, checkpoint.sequence, _("its checkpoint is not signed with the chain's key"))
    pinned = {checkpoint.sequence: checkpoint for checkpoint in checkpoints}
    collector = Collector()
    previous, count = GENESIS, 0
    for entry in ChainEntry.objects.filter(cluster_id=cluster_id).order_by("sequence").iterator(chunk_size=2000):
        problem = _entry_problem(entry, expected=count + 1, previous=previous)
        if problem is not None:
            return broken(count + 1, *problem)
        count += 1
        checkpoint = pinned.get(entry.sequence)
        if checkpoint is not None and checkpoint.head_hash != entry.hash:
            return broken(
                count, entry.sequence, _("it differs from the checkpoint of %(time)s") % {"time": _when(checkpoint)}
            )
        collector.add(entry)
        previous = entry.hash
    if latest is not None and latest.sequence > count:
        return broken(
            count,
            count + 1,
            _("entry %(sequence)d is missing: the checkpoint of %(time)s covers %(entries)d entries")
            % {"sequence": count + 1, "time": _when(latest), "entries": latest.sequence},
        )
    mismatch = collector.cross_check(cluster_id=cluster_id)
    if mismatch is not None:
        return broken(count, *mismatch)
    return Verification(True, count, checkpoint=latest)
