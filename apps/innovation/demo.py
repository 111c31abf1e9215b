"""Demo data of innovation (run by ``manage.py load_demo`` after the marketplace's, the deal
room's and the governance's): in the textile cluster an open challenge with two submissions (one
by a consortium), an awarded challenge whose production became a marketplace order, the council's
industry expert as an expert profile, and a library with a guide and a lesson learned from a
closed deal published with both parties' consent. Everything through the services; idempotent: a
cluster that has a challenge already is left as it is."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.marketplace.models import Deal
from apps.marketplace.services.deals import deal_advance
from apps.membership.models import EnterpriseMember, Membership
from apps.reference.models import Capability
from apps.reference.selectors import region_centre
from apps.tenancy.models import Cluster, ClusterRole

from . import selectors
from .models import Challenge
from .services import challenges as challenge_services
from .services import knowledge as knowledge_services
from .services import solutions as solution_services
from .services.experts import expert_profile_save

SLUG = "yangtze-textile"


def _owner(enterprise):
    return EnterpriseMember.objects.filter(enterprise=enterprise, role=EnterpriseMember.Role.OWNER).first().user


def _viewer(user, cluster):
    return selectors.viewer_of(user, cluster, user=user)


def _post(cluster, seeker, **fields):
    user = _owner(seeker)
    return challenge_services.challenge_create(
        actor=user, viewer=_viewer(user, cluster), cluster=cluster, seeker=seeker, publish=True, **fields
    )


def _solve(cluster, challenge, enterprise, *, title, body, partners=()):
    user = _owner(enterprise)
    viewer = _viewer(user, cluster)
    challenge_services.terms_accept(actor=user, viewer=viewer, challenge=challenge)
    documents = [{"name": "method.pdf", "size": 182_000, "content_type": "application/pdf", "reference": "demo"}]
    if partners:
        shares = [{"enterprise": enterprise, "percent": Decimal(60)}]
        shares += [{"enterprise": p, "percent": Decimal(40) / len(partners)} for p in partners]
        return solution_services.solution_submit(
            actor=user, viewer=viewer, challenge=challenge, kind="consortium", title=title, body=body,
            documents=documents, shares=shares,
        )  # fmt: skip
    return solution_services.solution_submit(
        actor=user, viewer=viewer, challenge=challenge, kind="enterprise", enterprise=enterprise, title=title,
        body=body, documents=documents,
    )  # fmt: skip


def _challenges(cluster, members, dyeing, now):
    seeker = next(m for m in members if region_centre(m.region_code))
    solvers = [m for m in members if m.pk != seeker.pk][:3]
    common = {
        "deadline": now + datetime.timedelta(days=45),
        "award_currency": "CNY",
        "rights": "licence",
        "capabilities": [dyeing] if dyeing else [],
    }
    open_one = _post(
        cluster,
        seeker,
        title="低温无载体涤纶染色 Low-temperature carrier-free polyester dyeing",
        summary="在100°C以下无载体染色涤纶长丝，色牢度4级以上。\n"
        "Dye polyester filament below 100 °C without carriers, fastness grade 4 or better.",
        details="现行工艺130°C高温高压，分散染料配方见附件。\nOur current process runs at 130 °C; recipe attached.",
        terms="细节保密三年。The details stay confidential for three years.",
        tags=["涤纶", "染色", "polyester", "dyeing"],
        award_amount=Decimal("80000"),
        shared_with_partners=True,
        **common,
    )
    _solve(
        cluster, open_one, solvers[0], partners=solvers[1:2],
        title="联合方案：低温载体替代 Consortium: a carrier substitute at 95 °C",
        body="两家企业联合：新型助剂在95°C上染率达92%。\nTwo members together: a new auxiliary reaches 92 % uptake at 95 °C.",
    )  # fmt: skip
    _solve(
        cluster, open_one, solvers[2],
        title="超临界CO2染色 Supercritical CO2 dyeing",
        body="无水染色试验线数据。\nData from our waterless dyeing pilot line.",
    )  # fmt: skip
    if dyeing is None:
        return
    awarded = _post(
        cluster,
        seeker,
        title="阻燃涂层面料开发 Flame-retardant coated fabric",
        summary="开发符合GB 8624 B1级的阻燃涂层面料，并批量生产。\n"
        "Develop a GB 8624 class B1 flame-retardant coated fabric, then produce it.",
        details="目标克重与手感要求见附件。\nTarget weight and hand feel attached.",
        terms="细节保密两年。The details stay confidential for two years.",
        tags=["阻燃", "flame-retardant"],
        award_amount=Decimal("30000"),
        production_capability=dyeing,
        production_quantity=6000,
        production_unit="m",
        production_unit_price=Decimal("18.50"),
        **common,
    )
    winner = _solve(
        cluster, awarded, solvers[1],
        title="无卤阻燃涂层 Halogen-free flame-retardant coating",
        body="磷氮系涂层，氧指数32。\nA phosphorus-nitrogen coating, limiting oxygen index 32.",
    )  # fmt: skip
    user = _owner(seeker)
    viewer = _viewer(user, cluster)
    solution_services.solution_shortlist(actor=user, viewer=viewer, solution=winner, shortlisted=True)
    solution_services.question_ask(actor=user, viewer=viewer, solution=winner, question="耐洗次数？ Wash cycles?")
    solution_services.challenge_award(actor=user, viewer=viewer, challenge=awarded, solution_ids=[winner.pk])


def _expert(cluster, dyeing):
    expert = get_user_model().objects.filter(email=f"expert.{cluster.slug}@demo.cluster.local").first()
    if expert is None:
        return
    expert_profile_save(
        actor=expert,
        cluster=cluster,
        kind="council_expert",
        name="Prof. Li 李教授",
        organisation="东华大学 Donghua University",
        bio="纺织化学与染整工程。Textile chemistry and dyeing and finishing.",
        capabilities=[dyeing] if dyeing else [],
        tags=["polyester", "染色"],
    )


def _library(cluster, members):
    admin = ClusterRole.objects.filter(cluster=cluster, role=ClusterRole.Role.ADMINISTRATOR).first().user
    author = members[0]
    guide = knowledge_services.knowledge_create(
        actor=_owner(author),
        cluster=cluster,
        enterprise_id=author.pk,
        kind="guide",
        title="涤纶长丝染色工艺指南 Polyester filament dyeing guide",
        body="## 升温曲线\n60°C起，每分钟1°C升至130°C。\n\n## Heating\nFrom 60 °C, 1 °C a minute up to 130 °C.",
        tags=["涤纶", "染色", "polyester"],
    )
    knowledge_services.knowledge_submit(actor=_owner(author), cluster=cluster, entry_id=guide.pk)
    knowledge_services.knowledge_review(actor=admin, cluster=cluster, entry_id=guide.pk, approve=True)
    reader = members[-1]
    knowledge_services.knowledge_use(
        actor=_owner(reader), cluster=cluster, entry_id=guide.pk, kind="helped", enterprise_id=reader.pk
    )
    deal = Deal.objects.filter(cluster=cluster, status__in=[Deal.Status.DELIVERED, Deal.Status.CLOSED]).first()
    if deal is None:
        return
    buyer, supplier = _owner(deal.buyer), _owner(deal.supplier)
    if deal.status != Deal.Status.CLOSED:
        deal = deal_advance(actor=buyer, cluster=cluster, deal_id=deal.pk, to=Deal.Status.CLOSED, note="")
    lesson = knowledge_services.knowledge_create(
        actor=buyer,
        cluster=cluster,
        enterprise_id=deal.buyer_id,
        kind="lesson",
        title="提前确认色样 Agree the lab dip before production",
        body="首批因色差返工一次：投产前双方签字确认色样。\nThe first lot was redone once for shade: both sign the lab dip first.",
        tags=["质量", "quality"],
        source_deal_id=deal.pk,
    )
    knowledge_services.knowledge_submit(actor=buyer, cluster=cluster, entry_id=lesson.pk)  # the buyer's consent
    knowledge_services.knowledge_consent(
        actor=supplier, cluster=cluster, entry_id=lesson.pk, enterprise_id=deal.supplier_id
    )
    knowledge_services.knowledge_review(actor=admin, cluster=cluster, entry_id=lesson.pk, approve=True)


def load(stdout=None) -> list[tuple[str, str, str]]:
    cluster = Cluster.objects.filter(slug=SLUG).first()
    if cluster is None or Challenge.objects.filter(cluster=cluster).exists():
        return []
    members = [
        m.enterprise
        for m in Membership.objects.filter(cluster=cluster, status=Membership.Status.ACTIVE)
        .select_related("enterprise")
        .order_by("enterprise__credit_code")
    ]
    if len(members) < 4:
        return []
    dyeing = Capability.objects.filter(code="dyeing-finishing").first()
    now = timezone.now()
    _expert(cluster, dyeing)
    _challenges(cluster, members, dyeing, now)
    _library(cluster, members)
    return []
