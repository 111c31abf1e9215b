"""Demo council: seats in every chamber, an enacted rule change, a proposal in its vote.

Idempotent: a cluster that already has seats is left as it is. The cluster's administrator
constitutes the council once (``council_bootstrap``); votes open with the charter's default window.
The council's past (its founding, the rule change voted and tallied) happened days ago: it runs
through the same services with the clock set back (``_as_of``), so every date it records — votes,
the tally, the enactment, the chain's entries — is in the past, as the pages that show it say.
"""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from apps.accounts.services import user_ensure_verified
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.demo import DEMO_PASSWORD
from apps.tenancy.models import Cluster, ClusterRole

from . import chain
from .models import Seat
from .services.council import council_bootstrap
from .services.proposals import proposal_draft, proposal_open_voting, proposal_submit
from .services.voting import proposals_close_due, vote_cast

CHAMBERS = ["leading_enterprises", "leading_enterprises", "industry_experts", "institutions", "member_representatives"]


#: how long ago the founding council met and drafted the rule change it then voted on
FOUNDED_DAYS_AGO = 10


@contextmanager
def _as_of(moment):
    """The block runs with the clock reading ``moment`` (and running on from there): the services read
    it through ``django.utils.timezone.now``, so what they record is dated then."""
    real_now = timezone.now
    offset = moment - real_now()
    timezone.now = lambda: real_now() + offset  # the demo loader runs alone, in one thread
    try:
        yield
    finally:
        timezone.now = real_now


def load(stdout=None) -> list[tuple[str, str, str]]:
    now = timezone.now()
    for cluster in Cluster.objects.filter(
        slug__in=["yangtze-textile", "pearl-river-electronics", "chengdu-digital-hybrid"]
    ).order_by("slug"):
        if Seat.objects.filter(cluster=cluster).exists():
            continue
        admin = ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR).first().user
        owners = [
            person.user
            for person in EnterpriseMember.objects.filter(
                role=EnterpriseMember.Role.OWNER,
                enterprise__memberships__cluster=cluster,
                enterprise__memberships__status=Membership.Status.ACTIVE,
            )
            .select_related("user")
            .order_by("enterprise__credit_code")[:3]
        ]
        expert = user_ensure_verified(
            email=f"expert.{cluster.slug}@demo.cluster.local", password=DEMO_PASSWORD, name="Prof. Li 李教授"
        )
        institution = user_ensure_verified(
            email=f"institute.{cluster.slug}@demo.cluster.local",
            password=DEMO_PASSWORD,
            name="Industry Association 行业协会",
        )
        holders = [owners[0], owners[1], expert, institution, owners[2]]
        with _as_of(now - datetime.timedelta(days=FOUNDED_DAYS_AGO)):
            enacted = _founding_council_weighs_price_more(admin=admin, cluster=cluster, holders=holders, now=now)
        with _as_of(enacted.voting_closes_at + datetime.timedelta(minutes=5)):
            proposals_close_due()  # beat's tally, minutes after the window closed: passed and enacted
        # one in its voting window, one in deliberation
        voting = proposal_draft(
            actor=holders[2],
            cluster=cluster,
            kind="rule_change",
            title="Suspend after 4 open reports / 四次未结举报后暂停",
            body="Three reports suspend too quickly for large members.\n对大型成员而言，三次举报即暂停过于严厉。",
            changes={"moderation.open_reports_to_suspend": 4},
        )
        proposal_submit(actor=holders[2], cluster=cluster, proposal_id=voting.pk)
        proposal_open_voting(actor=holders[2], cluster=cluster, proposal_id=voting.pk)
        vote_cast(actor=holders[2], cluster=cluster, proposal_id=voting.pk, choice="yes")
        policy = proposal_draft(
            actor=holders[1],
            cluster=cluster,
            kind="policy",
            title="Payment within 60 days / 60天内付款",
            body="Buyers pay suppliers within 60 days of delivery.\n采购方应在交付后60天内向供应商付款。",
        )
        proposal_submit(actor=holders[1], cluster=cluster, proposal_id=policy.pk)
    chain.checkpoint_all()  # the rulebook pages show a signed head at once (beat signs the next one within the hour)
    return seat_logins("yangtze-textile")


def seat_logins(slug: str) -> list[tuple[str, str, str]]:
    """One login per council chamber of a cluster, on every load (the seats may exist already)."""
    logins, chambers = [], set()
    for seat in (
        Seat.objects.filter(cluster__slug=slug, removed_at__isnull=True)
        .select_related("holder", "enterprise")
        .order_by("pk")
    ):
        if seat.chamber not in chambers:
            chambers.add(seat.chamber)
            chamber = Seat.Chamber(seat.chamber).label
            on_behalf = f", for {seat.enterprise.legal_name_en}" if seat.enterprise else ""
            logins.append((seat.holder.email, DEMO_PASSWORD, f"council seat ({chamber}) of {slug}{on_behalf}"))
    return logins


def _founding_council_weighs_price_more(*, admin, cluster, holders, now):
    """The administrator constitutes the founding council (no administrator holds a seat), whose first
    proposal — price weighs more — is put to the vote at once and voted on."""
    council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": holder,
                "chamber": chamber,
                "term_start": now - datetime.timedelta(days=60),
                "term_end": now + datetime.timedelta(days=700),
            }
            for holder, chamber in zip(holders, CHAMBERS, strict=True)
        ],
    )
    enacted = proposal_draft(
        actor=holders[0],
        cluster=cluster,
        kind="rule_change",
        title="Weigh price more in matching / 提高价格权重",
        body="Members asked for offers closer to their target prices.\n成员希望撮合更贴近目标价格。",
        changes={"matching.weight.price": 0.3, "matching.weight.certifications": 0.0},
    )
    proposal_submit(actor=holders[0], cluster=cluster, proposal_id=enacted.pk)
    enacted = proposal_open_voting(actor=holders[0], cluster=cluster, proposal_id=enacted.pk)
    for holder, choice in zip(holders, ["yes", "yes", "yes", "abstain", "no"], strict=True):
        vote_cast(actor=holder, cluster=cluster, proposal_id=enacted.pk, choice=choice)
    return enacted
