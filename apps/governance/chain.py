"""A hash-chained, append-only log per cluster.

Each entry's hash covers its position, kind, payload, time and the previous entry's hash,
so editing, deleting or reordering any entry breaks every hash after it. Appends lock
the cluster row, so two writers never take the same position.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.tenancy.models import Cluster

from .models import ChainEntry

GENESIS = "0" * 64


def _canonical(payload) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def entry_hash(*, sequence: int, kind: str, payload, created_at, previous_hash: str) -> str:
    material = "|".join([str(sequence), kind, _canonical(payload), created_at.isoformat(), previous_hash])
    return hashlib.sha256(material.encode()).hexdigest()


@transaction.atomic
def chain_append(*, cluster, kind: str, payload: dict) -> ChainEntry:
    cluster_id = cluster if isinstance(cluster, int) else cluster.pk
    Cluster.objects.select_for_update().filter(pk=cluster_id).values_list("pk", flat=True).get()
    last = ChainEntry.objects.filter(cluster_id=cluster_id).order_by("-sequence").first()
    sequence = (last.sequence + 1) if last else 1
    previous = last.hash if last else GENESIS
    payload = json.loads(_canonical(payload))  # what is stored is exactly what was hashed
    now = timezone.now()
    return ChainEntry.objects.create(
        cluster_id=cluster_id,
        sequence=sequence,
        kind=kind,
        payload=payload,
        previous_hash=previous,
        created_at=now,
        hash=entry_hash(sequence=sequence, kind=kind, payload=payload, created_at=now, previous_hash=previous),
    )


@dataclass
class Verification:
    ok: bool
    entries: int
    first_broken: int | None = None  # sequence number of the first entry that does not verify
    problem: str = ""


def chain_verify(*, cluster) -> Verification:
    previous = GENESIS
    expected = 1
    count = 0
    for entry in ChainEntry.objects.filter(cluster=cluster).order_by("sequence").iterator(chunk_size=2000):
        count += 1
        if entry.sequence != expected:
            return Verification(False, count, expected, f"entry {expected} is missing")
        if entry.previous_hash != previous:
            return Verification(False, count, entry.sequence, "does not follow the previous entry")
        recomputed = entry_hash(
            sequence=entry.sequence,
            kind=entry.kind,
            payload=entry.payload,
            created_at=entry.created_at,
            previous_hash=entry.previous_hash,
        )
        if recomputed != entry.hash:
            return Verification(False, count, entry.sequence, "its content was changed")
        previous = entry.hash
        expected += 1
    return Verification(True, count)
