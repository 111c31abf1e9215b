"""Demo partnership: the physical park cluster of the Yangtze delta (``yangtze-park``, created here
only if the parks demo has not) partnered with the virtual textile cluster (``yangtze-textile``),
passed by both councils days ago through the same services, with the clock set back.

Idempotent: once the two clusters have a partnership, nothing is done.
"""

import datetime

from django.utils import timezone

from apps.accounts.services import user_ensure_verified
from apps.governance.demo import _as_of
from apps.governance.models import Seat
from apps.governance.services.council import council_bootstrap
from apps.governance.services.proposals import proposal_open_voting, proposal_submit
from apps.governance.services.voting import proposals_close_due, vote_cast
from apps.tenancy.demo import DEMO_PASSWORD
from apps.tenancy.models import Cluster, ClusterRole

from .models import Partnership
from .services import partnership_move, partnership_propose

PARK = {
    "name_zh": "长三角实体产业园",
    "name_en": "Yangtze Delta Industrial Park",
    "kind": "physical",
    "industry_focus": "Textiles, testing and logistics",
    "industry_focus_zh": "纺织、检测与物流",
    "region": "Yangtze River Delta",
    "region_zh": "长三角",
    "description": "A physical industrial park in Suzhou with shared test labs, warehouses and logistics.",
}
PARK_ADMIN = ("admin.park@cluster.local", "Park Administrator 园区管理员")
PARK_COUNCIL = [
    ("council1.yangtze-park@demo.cluster.local", "Park Tenant Zhang 张经理", "leading_enterprises"),
    ("council2.yangtze-park@demo.cluster.local", "Prof. Wu 吴教授", "industry_experts"),
    ("council3.yangtze-park@demo.cluster.local", "Suzhou Testing Institute 苏州检测院", "institutions"),
]
#: how long ago the park proposed the partnership
PROPOSED_DAYS_AGO = 5


def _park(now) -> Cluster:
    park, _created = Cluster.objects.get_or_create(slug="yangtze-park", defaults=PARK)
    admin = user_ensure_verified(email=PARK_ADMIN[0], password=DEMO_PASSWORD, name=PARK_ADMIN[1])
    ClusterRole.objects.get_or_create(cluster=park, user=admin, role=ClusterRole.Role.ADMINISTRATOR)
    if not Seat.objects.filter(cluster=park).exists():
        council_bootstrap(
            actor=admin,
            cluster=park,
            seats=[
                {
                    "holder": user_ensure_verified(email=email, password=DEMO_PASSWORD, name=name),
                    "chamber": chamber,
                    "term_start": now - datetime.timedelta(days=60),
                    "term_end": now + datetime.timedelta(days=700),
                }
                for email, name, chamber in PARK_COUNCIL
            ],
        )
    return park


def _holders(cluster, at) -> list:
    administrators = ClusterRole.objects.filter(cluster=cluster).values("user")
    seats = Seat.objects.filter(cluster=cluster, removed_at__isnull=True, term_start__lte=at, term_end__gt=at)
    return [seat.holder for seat in seats.exclude(holder__in=administrators).select_related("holder").order_by("pk")]


def _put_to_the_vote(cluster, proposal_id, holders) -> None:
    proposal_submit(actor=holders[0], cluster=cluster, proposal_id=proposal_id)
    proposal_open_voting(actor=holders[0], cluster=cluster, proposal_id=proposal_id)
    for holder in holders:
        vote_cast(actor=holder, cluster=cluster, proposal_id=proposal_id, choice="yes")


def load(stdout=None) -> list[tuple[str, str, str]]:
    textile = Cluster.objects.filter(slug="yangtze-textile").first()
    if textile is None:
        return []
    now = timezone.now()
    park = _park(now)
    logins = [(PARK_ADMIN[0], DEMO_PASSWORD, "administrator of yangtze-park")]
    logins += [
        (email, DEMO_PASSWORD, f"council seat ({Seat.Chamber(chamber).label}) of yangtze-park")
        for email, _n, chamber in PARK_COUNCIL[:1]
    ]
    if Partnership.objects.involving(park.pk).filter(partner=textile).exists():
        return logins
    proposed_at = now - datetime.timedelta(days=PROPOSED_DAYS_AGO)
    park_holders, textile_holders = _holders(park, proposed_at), _holders(textile, proposed_at)
    if not park_holders or not textile_holders:
        return logins
    with _as_of(proposed_at):
        partnership = partnership_propose(
            actor=park_holders[0],
            cluster=park,
            partner=textile.slug,
            title="Partnership with the textile cluster / 与纺织产业集群合作",
            body="Our tenants trade with the virtual cluster's members; its members book our labs.\n"
            "园区企业与虚拟集群成员互通交易，集群成员可预订园区检测实验室。",
            shared_kinds=["order", "capacity"],
            resources_bookable=True,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + datetime.timedelta(days=365),
        )
        _put_to_the_vote(park, partnership.motions.get().proposal_id, park_holders)
        motion = partnership_move(
            actor=textile_holders[0],
            cluster=textile,
            partnership_id=partnership.pk,
            action="establish",
            title="Enter the partnership with the park / 加入与产业园的合作",
            body="Members gain the park's capacity and test labs.\n成员可获得园区产能与检测资源。",
        )
        _put_to_the_vote(textile, motion.proposal_id, textile_holders)
    with _as_of(now - datetime.timedelta(hours=1)):
        proposals_close_due()  # beat's tally once the windows closed: both pass, the partnership is in force
    return logins
