"""Demo park: a physical park in the Yangtze delta (``yangtze-park``, Suzhou) with shared resources, bookings
and one on-site verification. Some members of the virtual textile cluster join it (the partnership between
the two is the partnerships app's demo). Idempotent: a park that already lists resources is left as it is.
Bookings and the visit go through the services, so they obey the same checks as the API.
"""

import datetime

from django.utils import timezone

from apps.accounts.services import user_ensure_verified
from apps.membership.models import EnterpriseMember, Membership
from apps.tenancy.demo import DEMO_PASSWORD
from apps.tenancy.models import Cluster, ClusterRole

from .models import Auditor, Resource, Visit
from .partners import partner_check
from .services.bookings import booking_create
from .services.partner_bookings import partner_booking_create
from .services.verification import visit_record, visit_schedule

SLUG = "yangtze-park"
PARK = {
    "name_zh": "长三角（苏州）实体产业园",
    "name_en": "Yangtze Delta Industrial Park (Suzhou)",
    "kind": Cluster.Kind.PHYSICAL,
    "industry_focus": "Textile testing, warehousing and logistics",
    "industry_focus_zh": "纺织检测、仓储物流",
    "region": "Yangtze River Delta (Suzhou)",
    "region_zh": "长三角（苏州）",
    "description": (
        "A physical park opening its test labs, warehouses, logistics routes, showroom and offices to members.\n"
        "实体园区向成员开放检测实验室、仓储、物流线路、展厅与办公空间。"
    ),
}
ADMIN = ("admin.park@cluster.local", "Zhou Min 周敏")
AUDITOR = ("auditor.park@cluster.local", "Xu Lei 徐磊")
WEEKDAYS = {day: ["08:30", "17:30"] for day in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY = {day: ["07:00", "22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
RESOURCES = [
    {
        "kind": "test_lab",
        "name_zh": "纺织品色牢度检测实验室",
        "name_en": "Textile colour-fastness test lab",
        "location": "苏州工业园区星湖街 1 号 A 栋",
        "latitude": 31.3,
        "longitude": 120.73,
        "capacity": 1,
        "price": 380,
        "price_unit": "hour",
        "requires_confirmation": True,
        "bookable_by": "members_and_partners",
        "opening_hours": WEEKDAYS,
    },
    {
        "kind": "warehouse",
        "name_zh": "恒温仓储区",
        "name_en": "Climate-controlled warehouse",
        "location": "苏州工业园区 3 号仓",
        "latitude": 31.28,
        "longitude": 120.76,
        "capacity": 40,
        "capacity_unit": "pallets",
        "price": 12,
        "price_unit": "day",
        "bookable_by": "members_and_partners",
        "opening_hours": EVERY_DAY,
    },
    {
        "kind": "logistics",
        "name_zh": "苏州—上海港每日干线",
        "name_en": "Daily trunk route Suzhou – Shanghai port",
        "location": "园区物流中心",
        "latitude": 31.32,
        "longitude": 120.7,
        "capacity": 6,
        "capacity_unit": "truckloads",
        "price": 1500,
        "price_unit": "day",
        "opening_hours": EVERY_DAY,
    },
    {
        "kind": "showroom",
        "name_zh": "面料展厅",
        "name_en": "Fabric showroom",
        "location": "会展中心 2 层",
        "latitude": 31.31,
        "longitude": 120.71,
        "capacity": 8,
        "capacity_unit": "booths",
        "price": 200,
        "price_unit": "hour",
        "opening_hours": WEEKDAYS,
    },
    {
        "kind": "office",
        "name_zh": "共享办公室",
        "name_en": "Shared office",
        "location": "创业大厦 5 层",
        "capacity": 12,
        "capacity_unit": "seats",
        "price": 0,
        "price_unit": "day",
        "opening_hours": WEEKDAYS,
    },
]


def _next_weekday(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def load(stdout=None) -> list[tuple[str, str, str]]:
    cluster, _created = Cluster.objects.get_or_create(slug=SLUG, defaults=PARK)
    admin = user_ensure_verified(email=ADMIN[0], password=DEMO_PASSWORD, name=ADMIN[1])
    ClusterRole.objects.get_or_create(cluster=cluster, user=admin, role=ClusterRole.Role.ADMINISTRATOR)
    auditor = user_ensure_verified(email=AUDITOR[0], password=DEMO_PASSWORD, name=AUDITOR[1])
    Auditor.objects.get_or_create(cluster=cluster, user=auditor, defaults={"appointed_by": admin})
    logins = [(ADMIN[0], DEMO_PASSWORD, f"administrator of {SLUG}"), (AUDITOR[0], DEMO_PASSWORD, f"auditor of {SLUG}")]
    if Resource.objects.filter(cluster=cluster).exists():
        return logins
    # four textile members also join the park, with their owners (owner01 … owner04)
    owners = list(
        EnterpriseMember.objects.filter(
            role=EnterpriseMember.Role.OWNER,
            enterprise__memberships__cluster__slug="yangtze-textile",
            enterprise__memberships__status=Membership.Status.ACTIVE,
            user__email__in=[f"owner{n:02d}@demo.cluster.local" for n in range(1, 5)],
        )
        .select_related("enterprise", "user")
        .order_by("user__email")
    )
    now = timezone.now()
    for person in owners:
        Membership.objects.get_or_create(
            cluster=cluster,
            enterprise=person.enterprise,
            defaults={"status": Membership.Status.ACTIVE, "joined_at": now, "note": "Demo: uses the park's labs."},
        )
    resources = [Resource.objects.create(cluster=cluster, **spec) for spec in RESOURCES]
    lab, warehouse, route, showroom, _office = resources
    plan = [  # (resource, owner index, start, hours, quantity)
        (lab, 0, _next_weekday(2, 9), 3, 1),
        (lab, 1, _next_weekday(3, 13), 2, 1),
        (warehouse, 0, _next_weekday(1, 8), 72, 20),
        (warehouse, 2, _next_weekday(2, 8), 48, 15),
        (route, 3, _next_weekday(4, 7), 10, 2),
        (showroom, 1, _next_weekday(6, 10), 4, 3),
    ]
    for resource, index, start, hours, quantity in plan:
        if index < len(owners):
            booking_create(
                actor=owners[index].user,
                cluster=cluster,
                resource_id=resource.pk,
                enterprise=owners[index].enterprise,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=hours),
                quantity=quantity,
            )
    _partner_booking(cluster, lab)
    if owners and not Visit.objects.filter(cluster=cluster).exists():
        visit = visit_schedule(actor=auditor, cluster=cluster, enterprise_id=owners[0].enterprise_id, scheduled_for=now)
        visit_record(
            actor=auditor,
            cluster=cluster,
            visit_id=visit.pk,
            findings={
                "licence": {"ok": True, "note": "营业执照原件核对一致"},
                "site": {"ok": True, "note": "Site at the registered address"},
                "equipment": {"ok": True, "note": "24 air-jet looms running"},
                "capacity_claimed": {"ok": True, "note": ""},
                "certifications_seen": {"ok": False, "note": "OEKO-TEX certificate not on site"},
            },
            photos=[{"caption": "Loom hall"}, {"caption": "Finished-goods store"}],
            level="verified",
        )
        if owners[1:]:
            visit_schedule(
                actor=auditor,
                cluster=cluster,
                enterprise_id=owners[1].enterprise_id,
                scheduled_for=now + datetime.timedelta(days=5),
            )
    return logins


def _partner_booking(park, lab) -> None:
    """A textile member that is not the park's books its lab across the partnership (the partner view)."""
    textile = Cluster.objects.filter(slug="yangtze-textile").first()
    if textile is None:
        return
    person = (
        EnterpriseMember.objects.filter(
            role=EnterpriseMember.Role.OWNER,
            enterprise__memberships__cluster=textile,
            enterprise__memberships__status=Membership.Status.ACTIVE,
        )
        .exclude(enterprise__memberships__cluster=park)
        .select_related("enterprise", "user")
        .order_by("user__email")
        .first()
    )
    if person is None or not partner_check(park, person.enterprise):
        return
    start = _next_weekday(5, 14)
    partner_booking_create(
        actor=person.user,
        cluster=textile,
        resource_id=lab.pk,
        enterprise=person.enterprise,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        note="Partner booking: colour-fastness tests / 合作集群预订：色牢度检测",
    )
