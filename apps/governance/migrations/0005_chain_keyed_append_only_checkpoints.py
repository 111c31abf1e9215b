"""The audit chain becomes keyed and append-only, and its head is published in signed checkpoints.

1. ``ChainCheckpoint``: the head (cluster, sequence, hash, time) signed with the chain's key.
2. Existing chains are re-keyed: each cluster's chain is first verified under the old scheme
   (plain SHA-256, no key), then every hash is recomputed as an HMAC-SHA256 under
   ``settings.AUDIT_CHAIN_KEY``, over the cluster too (the platform is pre-release, so the whole
   chain is recomputed rather than carrying two schemes). A chain that does not verify under
   the old scheme is not re-keyed: the migration stops and names the cluster and entry, since
   re-keying it would launder the tampering.
3. The database refuses UPDATE and DELETE of entries and checkpoints: on PostgreSQL a trigger
   (like ``membership_auditevent``), plus the tenant role loses UPDATE and DELETE on both
   tables; on SQLite a trigger refuses UPDATE (DELETE is refused by the models only, because
   Django's test flush empties SQLite tables with DELETE).
4. Row-level security on the checkpoints.

The hash functions are copied here, frozen, so that later changes to ``apps.governance.chain``
cannot change what this migration computed.
"""

import hashlib
import hmac
import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

from apps.tenancy.rls import TenantRowSecurity, tenant_role

GENESIS = "0" * 64
TABLES = ("governance_chainentry", "governance_chaincheckpoint")


def _canonical(payload) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def _sha256(entry, previous) -> str:
    material = "|".join(
        [str(entry.sequence), entry.kind, _canonical(entry.payload), entry.created_at.isoformat(), previous]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _hmac(entry, previous) -> str:
    parts = ["entry", entry.cluster_id, entry.sequence, entry.kind, _canonical(entry.payload)]
    material = "|".join(str(part) for part in [*parts, entry.created_at.isoformat(), previous])
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()


def _rehash(apps, old, new):
    ChainEntry = apps.get_model("governance", "ChainEntry")
    cluster_ids = ChainEntry.objects.values_list("cluster_id", flat=True).distinct().order_by("cluster_id")
    for cluster_id in list(cluster_ids):
        old_previous = new_previous = GENESIS
        entries = ChainEntry.objects.filter(cluster_id=cluster_id).order_by("sequence")
        for expected, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
            if (
                entry.sequence != expected
                or entry.previous_hash != old_previous
                or not hmac.compare_digest(old(entry, old_previous), entry.hash)
            ):
                raise RuntimeError(
                    f"The audit chain of cluster {cluster_id} does not verify at entry {expected}: "
                    "it is not re-hashed, since that would hide the tampering. Investigate it first."
                )
            old_previous = entry.hash
            hashed = new(entry, new_previous)
            ChainEntry.objects.filter(pk=entry.pk).update(previous_hash=new_previous, hash=hashed)
            new_previous = hashed


def rekey(apps, schema_editor):
    _rehash(apps, _sha256, _hmac)


def unkey(apps, schema_editor):
    apps.get_model("governance", "ChainCheckpoint").objects.all().delete()
    _rehash(apps, _hmac, _sha256)


POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION governance_chain_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain is append-only (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION governance_chain_append_only();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, 'the audit chain is append-only (UPDATE refused)');
END;
"""


def append_only(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
        role = connection.ops.quote_name(tenant_role())
        for table in TABLES:
            schema_editor.execute(POSTGRES_TRIGGER.format(table=table), params=None)
            schema_editor.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {role}")
    elif connection.vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(SQLITE_TRIGGER.format(table=table), params=None)


def rewritable(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            role = connection.ops.quote_name(tenant_role())
            schema_editor.execute(f"GRANT UPDATE, DELETE ON {table} TO {role}")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS governance_chain_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_council_seat_proposals_and_electorate"),
        ("tenancy", "0002_tenant_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.PositiveBigIntegerField(verbose_name="entries")),
                ("head_hash", models.CharField(max_length=64, verbose_name="head hash")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                ("signature", models.CharField(max_length=64, verbose_name="signature")),
                (
                    "cluster",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.cluster"
                    ),
                ),
            ],
            options={
                "ordering": ["cluster", "-sequence"],
                "constraints": [
                    models.UniqueConstraint(fields=("cluster", "sequence"), name="one_checkpoint_per_head")
                ],
            },
        ),
        migrations.RunPython(rekey, unkey),
        migrations.RunPython(append_only, rewritable),
        TenantRowSecurity("governance_chaincheckpoint"),
    ]
