"""The audit chain cannot be rewritten without detection.

Each test tampers the way an attacker with database access would (raw SQL, the append-only
triggers switched off as the tables' owner, hashes recomputed with plain SHA-256 or a wrong
key, the newest entry dropped) and sees the verifier fail naming the entry; the database
itself refuses UPDATE and DELETE; signed checkpoints of the head are readable by members.
"""

import hashlib
import importlib
import io
import json
import logging
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from apps.governance import chain
from apps.governance.models import ChainCheckpoint, ChainEntry, Vote
from apps.governance.services.voting import vote_cast
from apps.membership.audit import audit_record
from apps.membership.models import AuditEvent
from apps.tenancy.rls import tenant_scope
from tests.factories import ClusterFactory, UserFactory
from tests.factories.governance import VoteFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.governance.conftest import proposal_in_vote
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger on DELETE and the tenant role exist on PostgreSQL only"
)
ENTRIES, CHECKPOINTS, EVENTS = "governance_chainentry", "governance_chaincheckpoint", "membership_auditevent"


# --- an attacker's tools ----------------------------------------------------------------------


@contextmanager
def triggers_off(*tables):
    """As the tables' owner, switch off their append-only triggers (the test's transaction restores them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # run the deferred foreign-key checks, or ALTER TABLE refuses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")  # SQLite: rolled back with the test
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rewrite(entry_id, **columns):
    values = {name: json.dumps(value) if name == "payload" else value for name, value in columns.items()}
    assignments = ", ".join(f"{name} = %s" for name in values)
    sql(f"UPDATE {ENTRIES} SET {assignments} WHERE id = %s", [*values.values(), entry_id])


def plain_sha256(entry, previous):
    """The chain's former, unkeyed hash."""
    material = "|".join(
        [str(entry.sequence), entry.kind, chain.canonical(entry.payload), entry.created_at.isoformat(), previous]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def keyed(entry, previous):
    return chain.entry_hash(
        cluster_id=entry.cluster_id,
        sequence=entry.sequence,
        kind=entry.kind,
        payload=entry.payload,
        created_at=entry.created_at,
        previous_hash=previous,
    )


def edit_and_rehash(cluster, sequence, payload_change, rehash):
    """Edit one entry's payload and recompute its hash and every later one, so the chain is self-consistent."""
    entries = list(ChainEntry.objects.filter(cluster=cluster).order_by("sequence"))
    previous = entries[sequence - 2].hash if sequence > 1 else chain.GENESIS
    with triggers_off(ENTRIES):
        for entry in entries[sequence - 1 :]:
            if entry.sequence == sequence:
                entry.payload = {**entry.payload, **payload_change}
            entry.previous_hash, entry.hash = previous, rehash(entry, previous)
            rewrite(entry.pk, payload=entry.payload, previous_hash=entry.previous_hash, hash=entry.hash)
            previous = entry.hash


# --- the world ---------------------------------------------------------------------------------


def voted(council, choices=("yes", "yes", "no")):
    proposal = proposal_in_vote(council)
    for member, choice in zip(council.members, choices, strict=True):
        vote_cast(actor=member, cluster=council.cluster, proposal_id=proposal.pk, choice=choice, reason="r")
    return proposal


def audited(council):
    return audit_record(
        cluster=council.cluster,
        actor=council.admin,
        action="membership.suspend",
        membership=council.membership,
        enterprise=council.membership.enterprise,
        reason="Unpaid invoices",
        before={"status": "active"},
        after={"status": "suspended"},
    )


def entry_of(cluster, kind, **payload):
    entries = ChainEntry.objects.filter(cluster=cluster, kind=kind).order_by("-sequence")
    return next(e for e in entries if all(e.payload.get(k) == v for k, v in payload.items()))


def head(cluster):
    return ChainEntry.objects.filter(cluster=cluster).order_by("-sequence").first()


def verify(as_user, council):
    response = as_user(council.admin).get(council.url("audit-chain/verify/"))
    assert response.status_code == 200, response.content
    return response.json()


def assert_broken_at(as_user, council, sequence, words):
    """The API and the command both fail, naming the entry."""
    result = verify(as_user, council)
    assert (result["ok"], result["first_broken"]) == (False, sequence), result
    assert words in result["problem"], result
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", council.cluster.slug, stdout=out)
    assert f"entry {sequence} broken" in out.getvalue()


# --- a sound chain ---------------------------------------------------------------------------


def test_a_sound_chain_verifies_against_its_latest_checkpoint(as_user, council):
    proposal = voted(council)
    audited(council)
    checkpoint, created = chain.checkpoint_create(cluster=council.cluster)
    assert created and checkpoint.sequence == head(council.cluster).sequence
    result = verify(as_user, council)
    assert result["ok"] is True and result["first_broken"] is None and result["problem"] == ""
    assert result["entries"] == checkpoint.sequence
    assert result["checkpoint"]["sequence"] == checkpoint.sequence
    assert result["checkpoint"]["head_hash"] == head(council.cluster).hash
    # a vote changed through the service is recorded again: the latest entry is what counts
    vote_cast(actor=council.members[2], cluster=council.cluster, proposal_id=proposal.pk, choice="yes")
    assert verify(as_user, council)["ok"] is True


def test_the_hash_is_keyed_and_covers_the_cluster(council):
    entry = head(council.cluster)
    assert entry.hash == keyed(entry, entry.previous_hash)
    assert entry.hash != plain_sha256(entry, entry.previous_hash)
    with override_settings(AUDIT_CHAIN_KEY="another-key-another-key-another-key"):
        assert keyed(entry, entry.previous_hash) != entry.hash
    entry.cluster_id += 1
    assert keyed(entry, entry.previous_hash) != head(council.cluster).hash


# --- tampering with the chain ------------------------------------------------------------------


def test_deleting_the_newest_entry_fails_against_the_checkpoint(as_user, council):
    voted(council)
    chain.checkpoint_create(cluster=council.cluster)
    newest = head(council.cluster)
    with triggers_off(ENTRIES):
        sql(f"DELETE FROM {ENTRIES} WHERE id = %s", [newest.pk])
    assert_broken_at(as_user, council, newest.sequence, "missing")


def test_deleting_an_entry_in_the_middle_fails_naming_it(as_user, council):
    voted(council)
    entry = ChainEntry.objects.get(cluster=council.cluster, sequence=2)
    with triggers_off(ENTRIES):
        sql(f"DELETE FROM {ENTRIES} WHERE id = %s", [entry.pk])
    assert_broken_at(as_user, council, 2, "missing")


@pytest.mark.parametrize(
    "rehash",
    [
        pytest.param(plain_sha256, id="plain-sha256"),
        pytest.param(override_settings(AUDIT_CHAIN_KEY="guessed-key-guessed-key-guessed-key")(keyed), id="wrong-key"),
    ],
)
def test_an_edit_with_every_later_hash_recomputed_fails_at_the_edited_entry(as_user, council, rehash):
    voted(council)
    vote = entry_of(council.cluster, "vote", choice="no")
    edit_and_rehash(council.cluster, vote.sequence, {"choice": "yes"}, rehash)
    rewritten = ChainEntry.objects.get(pk=vote.pk)
    assert rewritten.payload["choice"] == "yes" and rewritten.hash != vote.hash
    assert_broken_at(as_user, council, vote.sequence, "hash")


def test_a_history_rewritten_with_the_right_key_still_fails_against_the_checkpoint(as_user, council):
    """Whoever holds the key can rebuild a consistent chain, but not the checkpoints members copied."""
    voted(council)
    checkpoint, _ = chain.checkpoint_create(cluster=council.cluster)
    edit_and_rehash(council.cluster, 2, {"chamber": "institutions"}, keyed)
    assert_broken_at(as_user, council, checkpoint.sequence, "checkpoint")


def test_a_forged_checkpoint_fails(as_user, council):
    voted(council)
    newest, now = head(council.cluster), timezone.now()
    with override_settings(AUDIT_CHAIN_KEY="guessed-key-guessed-key-guessed-key"):
        signature = chain.checkpoint_signature(
            cluster_id=council.cluster.pk, sequence=newest.sequence, head_hash=newest.hash, created_at=now
        )
    ChainCheckpoint.objects.create(
        cluster=council.cluster, sequence=newest.sequence, head_hash=newest.hash, created_at=now, signature=signature
    )
    assert_broken_at(as_user, council, newest.sequence, "signed")


# --- tampering with the records the chain recorded -------------------------------------------------


def test_an_audit_event_edited_with_its_trigger_disabled_fails_naming_its_entry(as_user, council):
    event = audited(council)
    recorded = entry_of(council.cluster, "audit.membership.suspend", event=event.pk)
    with triggers_off(EVENTS):
        sql(f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["Nothing happened", event.pk])
    assert_broken_at(as_user, council, recorded.sequence, f"audit event {event.pk} was changed")


def test_an_audit_event_without_its_entry_fails(as_user, council):
    event = AuditEvent.objects.create(cluster=council.cluster, action="membership.approve", reason="backdated")
    result = verify(as_user, council)
    assert result["ok"] is False and f"audit event {event.pk} has no entry" in result["problem"]
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", council.cluster.slug, stdout=io.StringIO())


def test_an_entry_whose_audit_event_was_deleted_fails_naming_it(as_user, council):
    event = audited(council)
    recorded = entry_of(council.cluster, "audit.membership.suspend", event=event.pk)
    with triggers_off(EVENTS):
        sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event.pk])
    assert_broken_at(as_user, council, recorded.sequence, "missing")


def test_an_edited_vote_fails_naming_its_entry(as_user, council):
    proposal = voted(council)
    vote = Vote.objects.get(proposal=proposal, voter=council.members[2])
    recorded = entry_of(council.cluster, "vote", vote=vote.pk)
    Vote.objects.filter(pk=vote.pk).update(choice="yes")
    assert_broken_at(as_user, council, recorded.sequence, "was changed")


def test_a_vote_without_its_entry_fails(as_user, council):
    proposal = proposal_in_vote(council)
    for member in council.members[:2]:
        vote_cast(actor=member, cluster=council.cluster, proposal_id=proposal.pk, choice="no")
    seat = council.seats[2]
    VoteFactory(proposal=proposal, seat=seat, voter=seat.holder, choice="yes")  # behind the service's back
    result = verify(as_user, council)
    assert result["ok"] is False and f"seat {seat.pk}" in result["problem"] and "no entry" in result["problem"]


# --- the database refuses ------------------------------------------------------------------------


def test_the_models_refuse_to_rewrite_the_chain(council):
    chain.checkpoint_create(cluster=council.cluster)
    for model in (ChainEntry, ChainCheckpoint):
        row = model.objects.filter(cluster=council.cluster).first()
        for rewrite_it in (
            row.save,
            row.delete,
            lambda m=model: m.objects.update(sequence=0),
            model.objects.all().delete,
        ):
            with pytest.raises(ValueError, match="append-only"):
                rewrite_it()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET sequence = sequence + 100", pytest.param("DELETE FROM {table}", marks=postgresql_only)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_the_chain_even_for_its_owner(council, statement):
    chain.checkpoint_create(cluster=council.cluster)
    for table in (ENTRIES, CHECKPOINTS):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement.format(table=table))


@postgresql_only
def test_the_tenant_role_may_append_but_not_update_or_delete(council):
    chain.checkpoint_create(cluster=council.cluster)
    for table in (ENTRIES, CHECKPOINTS):
        for statement in (f"UPDATE {table} SET sequence = sequence + 100", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError), tenant_scope(council.cluster.pk):
                sql(statement)
    with tenant_scope(council.cluster.pk):  # appending is what requests do
        chain.chain_append(cluster=council.cluster, kind="test", payload={})
        chain.checkpoint_create(cluster=council.cluster)
    assert ChainCheckpoint.objects.filter(cluster=council.cluster).count() == 2


# --- checkpoints ---------------------------------------------------------------------------------


def test_members_read_the_checkpoints_and_other_clusters_do_not(as_user, council):
    first, _ = chain.checkpoint_create(cluster=council.cluster)
    voted(council)
    second, _ = chain.checkpoint_create(cluster=council.cluster)
    url = council.url("audit-chain/checkpoints/")
    for reader in (council.member_owner, council.members[0], council.admin):
        response = as_user(reader).get(url)
        assert response.status_code == 200, response.content
        results = response.json()["results"]
        assert [c["sequence"] for c in results] == [second.sequence, first.sequence]
        assert results[0] == {
            "cluster": council.cluster.slug,
            "sequence": second.sequence,
            "head_hash": second.head_hash,
            "created_at": results[0]["created_at"],
            "signature": second.signature,
        }
    other_member = UserFactory()
    MembershipFactory(cluster=ClusterFactory(), enterprise=EnterpriseFactory(owner=other_member))
    assert as_user(council.outsider_admin).get(url).status_code in (403, 404)
    assert as_user(other_member).get(url).status_code in (403, 404)
    assert as_user(None).get(url).status_code in (401, 403)


def test_the_council_signs_the_head_on_demand_and_members_cannot(as_user, council):
    url = council.url("audit-chain/checkpoints/")
    response = as_user(council.members[0]).post(url)
    assert response.status_code == 201, response.content
    assert response.json()["sequence"] == head(council.cluster).sequence
    assert as_user(council.admin).post(url).status_code == 200  # the head has not moved: the same checkpoint
    assert ChainCheckpoint.objects.filter(cluster=council.cluster).count() == 1
    assert as_user(council.member_owner).post(url).status_code == 403
    assert as_user(council.outsider_admin).post(url).status_code in (403, 404)


def test_a_broken_chain_is_not_signed(as_user, council):
    chain.checkpoint_create(cluster=council.cluster)
    voted(council)
    edit_and_rehash(council.cluster, head(council.cluster).sequence, {"choice": "abstain"}, plain_sha256)
    response = as_user(council.admin).post(council.url("audit-chain/checkpoints/"))
    assert response.status_code == 409 and response.json()["code"] == "chain_broken", response.content
    assert ChainCheckpoint.objects.filter(cluster=council.cluster).count() == 1


def test_an_empty_chain_has_nothing_to_sign(as_user, cluster, cluster_admin):
    response = as_user(cluster_admin).post(f"/api/v1/clusters/{cluster.slug}/audit-chain/checkpoints/")
    assert response.status_code == 409 and response.json()["code"] == "chain_empty"


def test_beat_signs_each_moved_head_once_and_logs_a_broken_chain(council, caplog):
    from apps.governance.tasks import checkpoint_chains

    other = ClusterFactory()
    chain.chain_append(cluster=other, kind="test", payload={"n": 1})
    ClusterFactory()  # an empty chain: nothing to sign, nothing to log
    assert checkpoint_chains() == 2
    assert checkpoint_chains() == 0  # idempotent: no head moved
    chain.chain_append(cluster=other, kind="test", payload={"n": 2})
    entry = head(other)
    with triggers_off(ENTRIES):
        rewrite(entry.pk, payload={"n": 3})
    with caplog.at_level(logging.ERROR, logger="apps.governance.chain"):
        assert checkpoint_chains() == 0
    assert f"cluster {other.pk} not checkpointed" in caplog.text


def test_the_checkpoint_list_costs_the_same_for_1_and_50(as_user, council):
    url = council.url("audit-chain/checkpoints/")
    client = as_user(council.member_owner)
    chain.checkpoint_create(cluster=council.cluster)
    with cold_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(49):
        chain.chain_append(cluster=council.cluster, kind="test", payload={"n": n})
        chain.checkpoint_create(cluster=council.cluster)
    with cold_queries() as many:
        assert client.get(url + "?page_size=100").json()["count"] == 50
    assert len(many) == len(few)


def test_the_rulebook_page_shows_the_latest_checkpoint(client, council):
    client.force_login(council.member_owner)
    page = f"/clusters/{council.cluster.slug}/rules/"
    assert "no checkpoint" in client.get(page).content.decode().lower()
    checkpoint, _ = chain.checkpoint_create(cluster=council.cluster)
    html = client.get(page).content.decode()
    assert checkpoint.head_hash in html and checkpoint.signature in html


# --- the key ---------------------------------------------------------------------------------


def test_the_deploy_check_wants_a_key_of_its_own(settings):
    from apps.governance.checks import audit_chain_key

    settings.AUDIT_CHAIN_KEY = settings.SECRET_KEY
    assert [e.id for e in audit_chain_key()] == ["governance.E001"]
    settings.AUDIT_CHAIN_KEY = "short"
    assert [e.id for e in audit_chain_key()] == ["governance.E001"]
    settings.AUDIT_CHAIN_KEY = "k" * 40
    assert audit_chain_key() == []


def test_the_production_settings_require_the_key(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "cluster_platform.settings.production",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "EMAIL_URL": "consolemail://",
        "PATH": "/usr/bin:/bin",
    }
    probe = "import django; django.setup(); from django.conf import settings; print(settings.AUDIT_CHAIN_KEY)"
    missing = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert missing.returncode != 0 and "AUDIT_CHAIN_KEY" in missing.stderr
    given = subprocess.run(
        [sys.executable, "-c", probe], env={**env, "AUDIT_CHAIN_KEY": "k" * 40}, capture_output=True, text=True
    )
    assert given.stdout.strip() == "k" * 40, given.stderr


# --- the migration that re-keyed the existing chains ---------------------------------------------


def _rekey_migration():
    (path,) = Path(chain.__file__).parent.glob("migrations/*_chain_keyed_append_only_checkpoints.py")
    return importlib.import_module(f"apps.governance.migrations.{path.stem}")


def test_the_migration_rekeys_a_sound_unkeyed_chain_and_refuses_a_tampered_one(as_user, council):
    from django.db.migrations.loader import MigrationLoader

    migration = _rekey_migration()
    name = migration.__name__.rpartition(".")[2]
    apps = MigrationLoader(connection).project_state(("governance", name)).apps  # its historical models
    voted(council)
    with triggers_off(ENTRIES):
        migration._rehash(apps, migration._hmac, migration._sha256)  # back to the old, unkeyed chain
        assert head(council.cluster).hash == plain_sha256(head(council.cluster), head(council.cluster).previous_hash)
        assert verify(as_user, council)["ok"] is False
        migration._rehash(apps, migration._sha256, migration._hmac)
        assert verify(as_user, council)["ok"] is True
        # an unkeyed chain that was already tampered with is not laundered into a keyed one
        migration._rehash(apps, migration._hmac, migration._sha256)
        rewrite(head(council.cluster).pk, kind="forged")
        with pytest.raises(RuntimeError, match=f"cluster {council.cluster.pk} does not verify"):
            migration._rehash(apps, migration._sha256, migration._hmac)
