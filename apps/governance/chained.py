"""The records whose every write is appended to the chain, and how the verifier cross-checks them.

A record type says which entries record it, which row an entry is about, and what the row's
current content must look like in the entry. ``chain_verify`` hands every entry to a
``Collector``, which keeps the latest entry per row; ``cross_check`` then re-derives each row's
content and compares it with what the chain recorded, and wants an entry for every row and a
row for every entry. A row edited behind the services' back (an audit event with its trigger
disabled, a vote rewritten) no longer matches; one inserted without its entry has none.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.membership.audit import audit_chain_payload
from apps.membership.models import AuditEvent

from .canonical import canonical
from .models import ChainEntry, Vote


def vote_chain_payload(vote: Vote, *, at) -> dict:
    """What the chain records of a vote cast or changed (``at``: when the service recorded it)."""
    return {
        "vote": vote.pk,
        "proposal": vote.proposal_id,
        "seat": vote.seat_id,
        "voter": vote.voter_id,
        "choice": vote.choice,
        "reason": vote.reason,
        "at": at,
    }


@dataclass(frozen=True)
class ChainedRecord:
    label: Callable[[object], str]  # "audit event 12", for the verifier's message
    records: Callable[[ChainEntry], bool]  # does this entry record a row of this type?
    entry_key: Callable[[dict], Hashable]  # the row an entry is about, from its payload
    rows: Callable[[int], Iterable]  # the cluster's rows
    row_key: Callable[[object], Hashable]
    content: Callable[[object], tuple[str, dict]]  # (kind, payload) the latest entry must carry
    #: payload keys that entries written before they were recorded may lack (they are compared when present)
    optional: frozenset = field(default_factory=frozenset)
    #: payload keys the row cannot re-derive (the moment the service appended the entry)
    unchecked: frozenset = field(default_factory=frozenset)


AUDIT_EVENTS = ChainedRecord(
    label=lambda key: _("audit event %(id)s") % {"id": key},
    records=lambda entry: entry.kind.startswith("audit."),
    entry_key=lambda payload: payload.get("event"),
    rows=lambda cluster_id: AuditEvent.objects.filter(cluster_id=cluster_id).order_by("pk"),
    row_key=lambda event: event.pk,
    content=lambda event: (f"audit.{event.action}", audit_chain_payload(event)),
)

VOTES = ChainedRecord(
    label=lambda key: _("the vote of seat %(seat)s on proposal %(proposal)s") % {"proposal": key[0], "seat": key[1]},
    records=lambda entry: entry.kind == "vote",
    entry_key=lambda payload: (payload.get("proposal"), payload.get("seat")),
    rows=lambda cluster_id: Vote.objects.filter(proposal__cluster_id=cluster_id).order_by("pk"),
    row_key=lambda vote: (vote.proposal_id, vote.seat_id),
    content=lambda vote: ("vote", vote_chain_payload(vote, at=None)),
    optional=frozenset({"vote", "reason"}),
    unchecked=frozenset({"at"}),
)

RECORDS = (AUDIT_EVENTS, VOTES)


class Collector:
    """Keeps, per record type and row, the latest entry that recorded it (the chain is walked in order)."""

    def __init__(self, records=RECORDS):
        self.latest = {record: {} for record in records}

    def add(self, entry: ChainEntry) -> None:
        for record, latest in self.latest.items():
            if record.records(entry):
                latest[record.entry_key(entry.payload)] = (entry.sequence, entry.kind, entry.payload)

    def cross_check(self, *, cluster_id: int) -> tuple[int | None, str] | None:
        """(the entry to name, what is wrong) for the first row that differs from the chain, else None."""
        for record, latest in self.latest.items():
            unmatched = dict(latest)
            for row in record.rows(cluster_id).iterator(chunk_size=2000):
                key = record.row_key(row)
                found = unmatched.pop(key, None)
                if found is None:
                    return None, _("%(record)s has no entry in the chain") % {"record": record.label(key)}
                sequence, kind, recorded = found
                expected_kind, expected = record.content(row)
                differs = kind != expected_kind or any(
                    canonical(recorded.get(name)) != canonical(value)
                    for name, value in expected.items()
                    if name not in record.unchecked and (name in recorded or name not in record.optional)
                )
                if differs:
                    return sequence, _("%(record)s was changed after this entry recorded it") % {
                        "record": record.label(key)
                    }
            if unmatched:
                key, (sequence, _kind, _payload) = min(unmatched.items(), key=lambda item: item[1][0])
                return sequence, _("this entry records %(record)s, which is missing") % {"record": record.label(key)}
        return None
