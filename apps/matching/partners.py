"""Cross-cluster matching in the incremental path: a listing opened to partners, posted or changed
while a partnership in force shares its kind, is matched at once with the partners' shared listings
of the other side, without waiting for a full re-plan (``planner.plan_partners``).

The incremental rule of the cluster's own plan holds across: only quantity that no open proposal
covers is proposed, and an existing proposal is never replaced (a full re-plan does that). A new
demand is matched against each partner's shared supplies; a new supply against each partner's shared
demands. The match belongs to the demand's cluster with the supply's as its partner cluster, scored
under the rulebook the partnership's terms name, as a full re-plan would write it.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.marketplace import notices
from apps.marketplace.models import Match
from apps.partnerships.selectors import partnerships_in_force
from apps.tenancy.rules import rule_value

from . import planner
from .rules import matching_rules, rulebook_version

DEMAND_KINDS = ("order", "channel_request")


def _unanswered(spec, demand_cluster, supply_cluster, side_field: str) -> dict[int, int]:
    """Quantity per listing in the pair's unanswered cross-cluster proposals (which ``load_inputs``
    leaves out for a full re-plan, since that replaces them; the incremental path keeps them)."""
    rows = Match.objects.filter(
        cluster=demand_cluster,
        partner_cluster=supply_cluster,
        kind=spec.kind,
        status=Match.Status.PROPOSED,
        demand_accepted_at__isnull=True,
        supply_accepted_at__isnull=True,
    )
    return dict(rows.values(side_field).annotate(q=Sum("quantity")).values_list(side_field, "q"))


def _net(items, held: dict[int, int]) -> list:
    out = []
    for item in items:
        free = item.quantity - held.get(item.id, 0)
        if free > 0:
            out.append(dataclasses.replace(item, quantity=free) if free != item.quantity else item)
    return out


def _inputs(spec, demand_cluster, supply_cluster, today, *, demand_ids=None, supply_ids=None):
    demands, supplies = planner.load_inputs(
        spec,
        demand_cluster,
        today,
        demand_ids=demand_ids,
        supply_ids=supply_ids,
        subtract_all_open=True,
        supply_cluster=supply_cluster,
    )
    demands = _net(demands, _unanswered(spec, demand_cluster, supply_cluster, spec.demand_field))
    supplies = _net(supplies, _unanswered(spec, demand_cluster, supply_cluster, spec.supply_field))
    return demands, supplies


def _write(spec, demand_cluster, partnership, run, allocations, *, lease, version: int) -> int:
    hours = rule_value(cluster=demand_cluster, key="marketplace.proposal_expiry_hours")
    expires_at = timezone.now() + datetime.timedelta(hours=hours)
    with transaction.atomic():
        lease.fence()
        open_pairs = set(
            Match.objects.filter(cluster=demand_cluster, kind=spec.kind, status=Match.Status.PROPOSED).values_list(
                f"{spec.demand_field}_id", f"{spec.supply_field}_id"
            )
        )
        fresh = [a for a in allocations if (a.demand_id, a.supply_id) not in open_pairs]
        created = Match.objects.bulk_create(
            planner._new_matches(spec, demand_cluster, run, fresh, expires_at, version, partnership=partnership),
            batch_size=1000,
        )
        notices.matches_proposed(cluster=demand_cluster, matches=created)
    return len(created)


def match_incremental(run, listing_kind: str, listing_ids: list[int], *, lease, today) -> dict[str, int]:
    """Cross-cluster proposals for ``listing_ids`` of the run's cluster; the counts per partner."""
    cluster, spec = run.cluster, planner.SPECS[listing_kind]
    is_demand = listing_kind in DEMAND_KINDS
    counts = {}
    for partnership in partnerships_in_force(cluster):
        if not {spec.demand_field, spec.supply_field} <= set(partnership.shared_kinds):
            continue
        partner = partnership.partner if partnership.proposer_id == cluster.pk else partnership.proposer
        demand_cluster, supply_cluster = (cluster, partner) if is_demand else (partner, cluster)
        demands, supplies = _inputs(
            spec,
            demand_cluster,
            supply_cluster,
            today,
            demand_ids=listing_ids if is_demand else None,
            supply_ids=None if is_demand else listing_ids,
        )
        if not demands or not supplies:
            continue
        governing = planner._governing_cluster(partnership, demand_cluster)
        rules = matching_rules(cluster=governing, today=today)
        result = planner.solve(spec, demands, supplies, rules, planner._excluded_pairs(spec, demand_cluster))
        created = _write(
            spec,
            demand_cluster,
            partnership,
            run,
            result.allocations,
            lease=lease,
            version=rulebook_version(cluster=governing),
        )
        counts[f"partner_{partner.pk}_proposals_created"] = created
    return counts
